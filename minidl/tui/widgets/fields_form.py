"""A form built from a component's declared fields: one editor per field, each value checked as it is typed.

Nothing here knows any particular component: the editor follows the field's declaration (a Select for
choices, a Checkbox for a bool, an Input otherwise), the check is the field's own ``validate``, the
error shown inline is its message, and the field's ``help`` is the line under it (the tooltip adds
what is expected). So a plugin's new layer gets a working, explained form with no TUI change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from minidl.core.config import Field
from minidl.core.errors import ConfigError
from minidl.tui.fieldtext import format_value, parse

LABEL_WIDTH = 15  # the stylesheet's .field-name width; a form with a longer name widens its own column


class FieldValidator(Validator):
    """Input validation by the field's declaration; the failure text is the ConfigError message."""

    def __init__(self, field: Field) -> None:
        super().__init__()
        self.field = field

    def validate(self, value: str) -> ValidationResult:
        try:
            parse(self.field, value)
        except ConfigError as error:
            return self.failure(str(error))
        return self.success()


class FieldsForm(Widget):
    """Editors for ``fields`` starting from ``values``; posts :class:`FieldsForm.Changed` after every edit."""

    class Changed(Message):
        """``values`` holds every field's value; ``errors`` maps invalid fields to their messages."""

        def __init__(self, form: FieldsForm, values: dict[str, Any], errors: dict[str, str]) -> None:
            super().__init__()
            self.form, self.values, self.errors = form, values, errors

        @property
        def control(self) -> FieldsForm:
            return self.form

    def __init__(self, fields: Sequence[Field], values: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields = {f.name: f for f in fields}
        self.values = {f.name: values.get(f.name, f.default) for f in fields}
        self.errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        if not self.fields:
            yield Static("no parameters", classes="dim")
        width = max([LABEL_WIDTH, *(len(name) + 1 for name in self.fields)])
        for field in self.fields.values():
            with Horizontal(classes="field-row"):
                label = Label(field.name, classes="field-name", markup=False)
                label.styles.width = width
                yield label
                yield self._editor(field)
            if field.help:
                yield Static(field.help, classes="field-help", markup=False)
            error = Static("", classes="field-error", name=field.name, markup=False)
            error.styles.padding = (0, 0, 0, width)
            yield error

    def _editor(self, field: Field) -> Widget:
        tip = Content("\n".join(t for t in (field.help, f"expected: {field.expected()}") if t))
        value = self.values[field.name]
        if field.choices is not None and not field.nullable:
            options = [(Text(format_value(c)), c) for c in field.choices]
            return Select(options, value=value, allow_blank=False, compact=True, name=field.name, tooltip=tip)
        if field.type == "bool" and not field.nullable:
            return Checkbox("", value=bool(value), compact=True, name=field.name, tooltip=tip)
        text = "" if value is None and field.required else format_value(value)
        return Input(
            text,
            placeholder=field.expected(),
            validators=[FieldValidator(field)],
            compact=True,
            name=field.name,
            tooltip=tip,
        )

    def on_mount(self) -> None:
        for editor in self.query(Input):
            self._check(editor.name or "", editor.value)

    @property
    def valid(self) -> bool:
        return not self.errors

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._check(event.input.name or "", event.value)
        self._announce()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self, event: Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        self.values[event.control.name or ""] = event.value
        self._announce()

    def _check(self, name: str, text: str) -> None:
        try:
            self.values[name] = parse(self.fields[name], text)
            self.errors.pop(name, None)
        except ConfigError as error:
            self.errors[name] = str(error)
        message = self._error_label(name)
        message.update(self.errors.get(name, ""))
        message.display = name in self.errors

    def _error_label(self, name: str) -> Static:
        return next(s for s in self.query(".field-error").results(Static) if s.name == name)

    def _announce(self) -> None:
        self.post_message(self.Changed(self, dict(self.values), dict(self.errors)))
