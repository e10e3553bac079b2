"""Choose a component of one kind (any registered one, plugins included) and edit its parameters."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Label, Select

from minidl import registry
from minidl.tui.naming import short_name
from minidl.tui.widgets.fields_form import FieldsForm

NONE = "none"


class ComponentPicker(Widget):
    """A Select of ``registry.names(kind)`` (plus ``none`` when optional) above the chosen one's form."""

    class Changed(Message):
        """``value`` is ``{"component", "config"}`` (or None for none); ``errors`` the form's invalid fields."""

        def __init__(self, picker: ComponentPicker, value: dict[str, Any] | None, errors: dict[str, str]) -> None:
            super().__init__()
            self.picker, self.value, self.errors = picker, value, errors

        @property
        def control(self) -> ComponentPicker:
            return self.picker

    def __init__(
        self, kind: str, label: str, ref: dict[str, Any] | None, *, optional: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.kind, self.label, self.optional = kind, label, optional
        self.component = NONE if ref is None else short_name(kind, ref["component"])
        self.config = {} if ref is None else dict(ref["config"])

    def compose(self) -> ComposeResult:
        names = registry.names(self.kind) + ([NONE] if self.optional else [])
        with Horizontal(classes="field-row"):
            yield Label(self.label, classes="field-name")
            options = [(Text(n), n) for n in names]  # plugin names are plain text, never markup
            yield Select(options, value=self.component, allow_blank=False, compact=True)
        yield self._form()

    def _form(self) -> FieldsForm:
        fields = () if self.component == NONE else registry.fields(self.kind, self.component)
        return FieldsForm(fields, self.config)

    @on(Select.Changed)
    async def _component_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value == self.component:
            return
        self.component, self.config = str(event.value), {}
        await self.query_one(FieldsForm).remove()
        form = self._form()
        await self.mount(form)
        self._announce(form)

    @on(FieldsForm.Changed)
    def _config_changed(self, event: FieldsForm.Changed) -> None:
        event.stop()
        self._announce(event.form)

    def _announce(self, form: FieldsForm) -> None:
        self.config = dict(form.values)
        value = None if self.component == NONE else {"component": self.component, "config": dict(form.values)}
        self.post_message(self.Changed(self, value, dict(form.errors)))
