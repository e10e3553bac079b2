"""PNG figures of the study, drawn with matplotlib (the optional extra ``minidl[experiments]``).

matplotlib is the one dependency minidl's core does not need: it is imported here, on use, and only
for figures; without it the study still runs and its report still has every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minidl.cli.experiments.runner import Summary
from minidl.core.errors import MinidlError
from minidl.workflow.files.atomic import atomic_write


class MissingExtra(MinidlError, ImportError):
    """An optional dependency of a feature is not installed."""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise MissingExtra("figures need matplotlib: pip install 'minidl[experiments]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_group(title: str, rows: list[tuple[str, Summary]], path: Path) -> None:
    """One PNG: each row's mean loss curves with a ± 1 std band, and its final errors with std bars."""
    plt = _pyplot()
    fig, (curves, bars) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    means = [m for _, s in rows for name in ("train_loss", "test_loss") for m in s.curves[name][0]]
    floor = 0.5 * min(means, default=1.0)  # a log axis cannot show mean - std <= 0: the band is cut at the axis instead
    for i, (label, summary) in enumerate(rows):
        colour = f"C{i % 10}"
        for name, style in (("test_loss", "-"), ("train_loss", ":")):
            mean, std = summary.curves[name]
            epochs = range(1, len(mean) + 1)
            curves.plot(epochs, mean, style, color=colour, lw=1.3, label=label if name == "test_loss" else None)
            if name == "test_loss":
                low = [max(m - s, floor) for m, s in zip(mean, std)]
                curves.fill_between(epochs, low, [m + s for m, s in zip(mean, std)], color=colour, alpha=0.15, lw=0)
    curves.set(
        yscale="log",
        ylim=(floor, None),
        xlabel="epoch",
        ylabel="loss (solid: test, dotted: train)",
        title="loss, mean ± 1 std (band: test)",
    )
    curves.legend(fontsize=8)
    positions = range(len(rows))
    for offset, name, hatch in ((-0.2, "train_error", "//"), (0.2, "test_error", None)):
        means = [100 * s.final[name][0] for _, s in rows]
        stds = [100 * s.final[name][1] for _, s in rows]
        bars.bar(
            [p + offset for p in positions],
            means,
            0.4,
            yerr=stds,
            capsize=3,
            hatch=hatch,
            color=[f"C{p % 10}" for p in positions],
            alpha=0.5 if hatch else 0.9,
            label=name.replace("_", " "),
        )
    bars.set_xticks(list(positions), [label for label, _ in rows], rotation=30, ha="right", fontsize=8)
    bars.set(ylabel="final-epoch error (%)", title="final-epoch error, mean ± 1 std (hatched: train)")
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda file: fig.savefig(file, format="png", dpi=110))
    plt.close(fig)
