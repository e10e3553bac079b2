"""Edit one layer's parameters in a form built from its declaration; Enter or OK applies, escape cancels."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from minidl import registry
from minidl.tui.naming import short_name
from minidl.tui.screens.dialog import Dialog
from minidl.tui.widgets.fields_form import FieldsForm


class LayerForm(Dialog[dict[str, Any] | None]):
    """Dismisses with the layer's new ``{"component", "config"}``, or None when cancelled.

    ``where`` (``new layer 3``, ``layer 0``) leads the title; names and summaries are shown as plain text.
    """

    def __init__(self, component: str, config: dict[str, Any], where: str) -> None:
        super().__init__()
        self.component = component
        self.config = config
        self.where = where

    def compose(self) -> ComposeResult:
        summary = registry.describe("module", self.component)["summary"]
        with Vertical(classes="dialog"):
            title = f"{self.where}: {short_name('module', self.component)}"
            yield Static(title, classes="dialog-title", markup=False)
            yield Static(summary, classes="dim", markup=False)
            yield FieldsForm(registry.fields("module", self.component), self.config)
            with Horizontal(classes="buttons"):
                yield Button("OK", variant="primary", id="ok", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#ok", Button).disabled = not self.query_one(FieldsForm).valid
        inputs = self.query(Input)
        (inputs.first() if inputs else self.query_one("#ok", Button)).focus()

    @on(FieldsForm.Changed)
    def _changed(self, event: FieldsForm.Changed) -> None:
        self.query_one("#ok", Button).disabled = bool(event.errors)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _apply(self) -> None:
        form = self.query_one(FieldsForm)
        if form.valid:
            self.answer({"component": self.component, "config": dict(form.values)})

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.answer(None)
