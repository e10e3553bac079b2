"""The main screen's jobs, one mixin each: training, spec edits, undo, files, the Inside tab.

:class:`~minidl.tui.screens.main.MainScreen` composes them: it lays out the widgets, holds the state they
share (the session, the history, the status line) and keeps the view in step. Each mixin starts the state
only it changes (``_init_training``, ``_init_files``), declares in annotations the state its job is about,
and reaches the rest of the screen and the other parts through ``self``. Message handlers here use Textual's
``on_<widget>_<message>`` names: Textual collects ``@on`` handlers only from classes it builds itself.
"""
