"""Workflow: specs, the training loop and (later) files; built on the registry and components."""
