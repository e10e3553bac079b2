"""What the Inside tab shows, kept between reports (no Textual): the chosen layer, its latest probe, and the
gradient norms of the current trainer over time, one entry per epoch probed."""

from __future__ import annotations

from minidl.tui.probes import GradientNorms, Probe


class InsideState:
    """``layer`` is the layer shown; ``shown`` whether the Inside tab is (both read by the training worker)."""

    def __init__(self, layer: int = 1) -> None:
        self.layer = layer  # the first hidden layer's activation in the default network
        self.shown = False
        self.probe: Probe | None = None
        self._gradients: list[tuple[int, GradientNorms]] = []

    @property
    def requested(self) -> int | None:
        """The layer a probe should look into now, or None (gradient norms only) while the tab is hidden."""
        return self.layer if self.shown else None

    def choose(self, layer: int, layers: int) -> None:
        """Show ``layer`` of a network of ``layers`` layers (clamped)."""
        self.layer = min(max(layer, 0), layers - 1)

    def restart(self, layers: int) -> None:
        """A new trainer: its history starts empty; the chosen layer stays when the network still has it."""
        self._gradients, self.probe = [], None
        self.choose(self.layer, layers)

    def took(self, probe: Probe | None) -> None:
        """Keep a probe: its gradient norms join the history (once per epoch), its maps replace the kept ones."""
        if probe is None:
            return
        if not self._gradients or self._gradients[-1][0] < probe.epoch:
            self._gradients.append((probe.epoch, probe.gradients))
        if probe.layer is not None or self.probe is None:
            self.probe = probe

    @property
    def current(self) -> Probe | None:
        """The kept probe when it shows the chosen layer, else None (the next report brings it)."""
        return self.probe if self.probe is not None and self.probe.layer == self.layer else None

    @property
    def epochs(self) -> list[int]:
        """The epochs whose gradient norms are kept, oldest first."""
        return [epoch for epoch, _ in self._gradients]

    @property
    def gradients(self) -> list[GradientNorms]:
        return [norms for _, norms in self._gradients]
