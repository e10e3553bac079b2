"""The main screen's jobs, one mixin each: training, spec edits, undo, files, the Inside tab.

:class:`~minidl.tui.screens.main.MainScreen` composes them: it lays out the widgets, holds the state they
share (the session, the history, the status line) and keeps the view in step. A mixin reads that state
from the screen, never from another mixin's private attributes. Message handlers here use Textual's
``on_<widget>_<message>`` names: Textual collects ``@on`` handlers only from classes it builds itself.
"""
