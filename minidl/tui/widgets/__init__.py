"""Widgets of minidl-tui, one area each."""
