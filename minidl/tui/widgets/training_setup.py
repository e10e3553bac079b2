"""The training setup: data set, loss, optimizer, scheduler, weight init, and the run's numbers.

Each section posts :class:`TrainingSetup.Changed` with its new value for the spec (``dataset``,
``loss``, ``optimizer``, ``scheduler``, ``init``, ``epochs``, ``batch_size``, ``seed``, ``dtype``);
the screen decides what applies live and what resets the weights.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from minidl.core.config import Field
from minidl.tui.widgets.component_picker import ComponentPicker
from minidl.tui.widgets.fields_form import FieldsForm
from minidl.workflow.spec import MODEL_DTYPES
from minidl.workflow.training_limits import TRAINING_LIMITS

PICKERS = (  # (section, registry kind, label, optional)
    ("dataset", "dataset", "data", False),
    ("loss", "loss", "loss", False),
    ("optimizer", "optimizer", "optimizer", False),
    ("scheduler", "scheduler", "scheduler", True),
    ("init", "initializer", "init", False),
)
RUN_FIELDS = (
    *(Field(name, "int", ge=limit.low, le=limit.high, help=limit.help) for name, limit in TRAINING_LIMITS.items()),
    Field("dtype", "str", choices=tuple(MODEL_DTYPES), help="floating-point type of weights and data"),
)


class TrainingSetup(VerticalScroll):
    """Pickers and a form over one spec; ``load(spec)`` shows another spec."""

    class Changed(Message):
        def __init__(self, section: str, value: Any, errors: dict[str, str]) -> None:
            super().__init__()
            self.section, self.value, self.errors = section, value, errors

    def __init__(self, spec: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = spec

    async def load(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        await self.recompose()

    def compose(self) -> ComposeResult:
        training, model = self.spec["training"], self.spec["model"]
        for section, kind, label, optional in PICKERS:
            ref = model["init"] if section == "init" else training[section]
            yield Static(label.capitalize(), classes="section-title")
            yield ComponentPicker(kind, label, ref, optional=optional, id=f"pick-{section}")
        yield Static("Run", classes="section-title")
        values = {**{f.name: training.get(f.name) for f in RUN_FIELDS}, "dtype": model["dtype"]}
        yield FieldsForm(RUN_FIELDS, values, id="run-form")

    @on(ComponentPicker.Changed)
    def _picked(self, event: ComponentPicker.Changed) -> None:
        event.stop()
        section = (event.picker.id or "").removeprefix("pick-")
        self.post_message(self.Changed(section, event.value, event.errors))

    @on(FieldsForm.Changed)
    def _run_changed(self, event: FieldsForm.Changed) -> None:
        event.stop()
        for name, value in event.values.items():
            errors = {name: event.errors[name]} if name in event.errors else {}
            self.post_message(self.Changed(name, value, errors))
