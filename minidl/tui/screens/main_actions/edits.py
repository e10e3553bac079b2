"""Edits of the spec from the editor's tabs: the training setup, the layers and the feature column.

An edit the run can take live (a learning rate, say) applies between epochs; any other is recorded for
undo, then the worker is paused and the run rebuilt with fresh weights. An invalid value is kept out of
the spec and named on the status line until it is fixed.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, TabbedContent

from minidl.components.modules.input_features import FEATURES
from minidl.core.errors import MinidlError
from minidl.tui.feature_column import features_of, with_features
from minidl.tui.guard import guarded
from minidl.tui.naming import layer_label
from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.screens.layer_picker import LayerPicker
from minidl.tui.widgets.feature_toggles import FeatureToggles
from minidl.tui.widgets.network_editor import NetworkEditor
from minidl.tui.widgets.training_setup import TrainingSetup
from minidl.workflow.run import Run


class SpecEdits:
    """The Training tab's changes, the layer commands (a, delete, shift+up/down, enter) and the feature switches."""

    invalid: dict[str, dict[str, str]]  # section -> field -> error, for the values not in the spec
    _edited: tuple[str, Run | None] | None  # the section a key was last typed into and the run it built, or None

    async def _apply(self, section: str, value: Any, label: str = "", typed: bool = False) -> None:
        """Put an edit into the spec: live when it can be, else record, pause, rebuild and say so.

        ``typed``: the edit is a key typed into a field; the keys that follow it make one undo step with it.
        """
        before = self.session.snapshot()
        try:
            live = self.session.change(section, value)
        except MinidlError as error:
            self.invalid[section] = {section: str(error)}
            self._say(str(error), error=True, source=section)
            return
        if live:
            if not self.running:
                self.session.apply_pending()
                trainer = self.session.trainer
                if self.state == "done" and trainer is not None and not trainer.done:  # more epochs: space goes on
                    self._set_state("paused")
                    if not self._status_source:  # "all N epochs done: raise epochs..." is answered
                        self._say("")
                self._refresh_view()
            return
        label = label or f"{section} changed"
        await self.pause_and_wait()
        if not (typed and self._continues_last_edit(section)):
            self.undo_history.record(label, (before, self.path))
        self.session.rebuild()
        self._after_rebuild(f"{label}: new weights, history cleared (ctrl+z undoes)")
        self._edited = (section, self.session.run) if typed else None

    def _continues_last_edit(self, section: str) -> bool:
        """True while a value is being typed: the last key went to ``section`` and its run has not trained since.

        Each key of ``20000`` rebuilds; recording each would make undo go back a digit at a time and push the
        trained network out of the few steps kept. The first key's step already gives back what was before.
        """
        if self._edited is None:
            return False
        edited, run = self._edited
        trainer = self.session.trainer
        return edited == section and run is self.session.run and (trainer is None or trainer.epoch == 0)

    @guarded
    async def on_training_setup_changed(self, event: TrainingSetup.Changed) -> None:
        if event.errors:
            self.invalid[event.section] = event.errors
            self._say(next(iter(event.errors.values())), error=True, source=event.section)
            return
        self.invalid.pop(event.section, None)
        if self._status_source == event.section:  # the error on screen was this one's: it is fixed
            remaining = [next(iter(errors.values())) for errors in self.invalid.values()]
            self._say(remaining[0] if remaining else "", error=bool(remaining))
        await self._apply(event.section, event.value, typed=isinstance(self.focused, Input))

    # -- the network ---------------------------------------------------------------------------------------
    def _layers(self) -> list[dict[str, Any]]:
        return [dict(ref) for ref in self.session.value("layers")]

    async def _set_layers(self, layers: list[dict[str, Any]], index: int, label: str) -> None:
        if not layers:
            self._say("a network needs at least one layer", error=True)
            return
        await self._apply("layers", layers, label)
        await self.query_one(NetworkEditor).show(self.session.value("layers"), index)

    def _show_network(self) -> None:
        """Layer commands from the palette act on the Network tab's selection: show it."""
        self.query_one("#editor", TabbedContent).active = "network-tab"

    @guarded
    async def on_feature_toggles_changed(self, event: FeatureToggles.Changed) -> None:
        """The feature column edits the first layer (undoable like every network edit)."""
        try:
            layers = with_features(self._layers(), event.switches)
        except MinidlError as error:
            self.query_one(FeatureToggles).show(features_of(self._layers()))
            self._say(str(error), error=True)
            return
        on = ", ".join(f.label for f in FEATURES if event.switches.get(f.name))
        await self._set_layers(layers, self.query_one(NetworkEditor).index, f"input features {on}")

    @guarded
    def action_add_layer(self) -> None:
        self._show_network()
        index = self.query_one(NetworkEditor).index + 1
        after = self._layers()[index - 1]
        where = f"The new layer goes in place {index}, after {index - 1} {layer_label(after)}."
        self.app.push_screen(LayerPicker(where), lambda name: self._layer_picked(index, name))

    @guarded
    def _layer_picked(self, index: int, name: str | None) -> None:
        if name is not None:
            form = LayerForm(name, {}, f"new layer {index}")
            self.app.push_screen(form, lambda ref: self._insert_layer(index, ref))

    @guarded
    async def _insert_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            layers.insert(min(index, len(layers)), ref)
            await self._set_layers(layers, index, f"{layer_label(ref)} added as layer {index}")

    @guarded
    async def action_remove_layer(self) -> None:
        self._show_network()
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        if layers:
            removed = layers.pop(index)
            await self._set_layers(layers, index, f"layer {index} {layer_label(removed)} removed")

    @guarded
    async def action_move_layer(self, step: int) -> None:
        self._show_network()
        layers, index = self._layers(), self.query_one(NetworkEditor).index
        target = index + step
        if 0 <= target < len(layers):
            layers[index], layers[target] = layers[target], layers[index]
            await self._set_layers(layers, target, f"{layer_label(layers[target])} moved to layer {target}")

    @guarded
    def on_network_editor_edit(self, event: NetworkEditor.Edit) -> None:
        ref = self.session.value("layers")[event.index]
        form = LayerForm(ref["component"], ref["config"], f"layer {event.index}")
        self.app.push_screen(form, lambda new: self._replace_layer(event.index, new))

    @guarded
    async def _replace_layer(self, index: int, ref: dict[str, Any] | None) -> None:
        if ref is not None:
            layers = self._layers()
            old, layers[index] = layers[index], ref
            await self._set_layers(layers, index, f"layer {index} {layer_label(old)} edited")
