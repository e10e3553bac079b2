"""Pick a layer to add: every module in the registry, plugin modules included, with provider and summary."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from minidl import registry
from minidl.tui.screens.dialog import Dialog


class LayerPicker(Dialog[str | None]):
    """Dismisses with the chosen module's registry name, or None on escape; ``where`` says where it will go."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        options = []
        for name in registry.names("module"):
            info = registry.describe("module", name)
            provider = info["provider"]
            origin = (
                "" if provider["distribution"] == "minidl" else f"  [{provider['distribution']} {provider['version']}]"
            )
            text = Content.assemble((name, "bold"), (origin, "italic"), "\n", (info["summary"], "dim"))
            options.append(Option(text, id=name))
        with Vertical(classes="dialog"):
            yield Static("Add a layer", classes="dialog-title")
            yield Static(self.where, classes="dim", markup=False)
            yield OptionList(*options, id="modules")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.answer(event.option.id)
