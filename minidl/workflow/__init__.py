"""Workflow: specs, runs, the training loop, files and export; built on the registry and components."""
