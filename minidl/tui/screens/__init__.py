"""Screens of minidl-tui: the main screen and its dialogs."""
