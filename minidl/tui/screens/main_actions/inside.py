"""The Inside tab: choose a layer and a unit, and show what :class:`~minidl.tui.inside_state.InsideState` keeps.

While the tab is shown its unit maps take the plots' place. The training worker probes the chosen layer
with each report; when nothing trains the screen probes from the UI thread (see :mod:`minidl.tui.probes`).
"""

from __future__ import annotations

from textual.widgets import TabbedContent

from minidl.tui.explain import explain
from minidl.tui.guard import guarded
from minidl.tui.inside_state import InsideState
from minidl.tui.naming import layer_label, short_name
from minidl.tui.probes import Probe
from minidl.tui.training import inside_probe
from minidl.tui.widgets.inside_panel import InsidePanel
from minidl.tui.widgets.unit_grid import UnitGrid


class InsideTab:
    """The keys the Inside panel binds (up/down layer, left/right unit, [ ] page), a click on a layer, the tab shown."""

    inside: InsideState  # also read by the training worker: which layer to probe

    @guarded
    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """The Inside tab takes the plots' place with the unit maps; other tabs give it back."""
        self.inside.shown = event.pane.id == "inside-tab"
        self.set_class(self.inside.shown, "-inside")
        if self.inside.shown and not self.running:
            self.inside.took(self._probe_now())
        self._refresh_view()

    @guarded
    def action_inside_layer(self, step: int) -> None:
        self._choose_layer(self.inside.layer + step)

    @guarded
    def on_inside_panel_chosen(self, event: InsidePanel.Chosen) -> None:
        self._choose_layer(event.layer)

    def _choose_layer(self, layer: int) -> None:
        """Show ``layer`` inside (the worker probes it from its next report on)."""
        self.inside.choose(layer, len(self.session.value("layers")))
        if not self.running:
            self.inside.took(self._probe_now())
        self._refresh_view()

    @guarded
    def action_inside_unit(self, step: int) -> None:
        self.query_one(UnitGrid).move(step)

    @guarded
    def action_inside_page(self, step: int) -> None:
        self.query_one(UnitGrid).page(step)

    def _probe_now(self) -> Probe | None:
        """The inside views' data from the UI thread (nothing trains), or None with the reason on screen."""
        try:
            return inside_probe(self.session, self.inside.requested)
        except Exception as error:  # a plugin layer's forward may raise anything
            self._say(f"cannot look inside: {explain(error)}", error=True)
            return None

    def _show_inside(self) -> None:
        refs, layer, shown = self.session.value("layers"), self.inside.layer, self.inside.current
        names = [short_name("module", ref["component"]) for ref in refs]
        self.query_one(InsidePanel).show(names, layer, self.inside.gradients, None if shown is None else shown.weights)
        units = self.query_one(UnitGrid)
        units.border_title = f"Inside: layer {layer} {layer_label(refs[layer])}" if refs else "Inside"
        trainer = self.session.trainer
        note = (
            f"cannot build this network: {self.session.error}"
            if trainer is None
            else "unit maps need 2 input features"
            if trainer.data.num_features != 2
            else "..."
        )
        units.show(None if shown is None else shown.units, note)
