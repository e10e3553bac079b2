"""The study's Markdown report (README.md), its raw numbers (results.json) and the figures it links."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from minidl import registry
from minidl.cli.experiments.figures import plot_group
from minidl.cli.experiments.runner import Summary, spec_key
from minidl.cli.experiments.study import Group, Settings
from minidl.version import __version__
from minidl.workflow.files.atomic import atomic_write

# The report's published numbers (final epoch, 10 trials; see the seed README): test mean, std, train mean.
PUBLISHED = {
    ("losses", "MSE, SGD"): ("ReLU, MSE, SGD lr 0.05", 3.58, 1.25, 2.63),
    ("losses", "CE, Adam"): ("ReLU, cross-entropy, Adam lr 1e-3", 2.51, 0.85, 1.39),
}


def percent(mean_std: tuple[float, float]) -> str:
    mean, std = mean_std
    return f"{100 * mean:.2f} ± {100 * std:.2f} %"


def rows_of(group: Group, summaries: dict[str, Summary]) -> list[tuple[str, Summary]]:
    return [(c.label, summaries[spec_key(c.spec)]) for c in group.configs]


def report_files(groups: list[Group]) -> tuple[list[str], dict[str, str]]:
    """What a report writes, relative to its folder: README.md and results.json, and each group's figure by key."""
    return ["README.md", "results.json"], {g.key: f"figures/{g.key}.png" for g in groups if g.configs}


def write_figures(groups: list[Group], summaries: dict[str, Summary], out: Path) -> dict[str, str]:
    """One PNG per group under ``out/figures``; returns the relative paths by group key."""
    paths = report_files(groups)[1]
    for group in groups:
        if group.key in paths:
            plot_group(group.title, rows_of(group, summaries), out / paths[group.key])
    return paths


def _key_table(groups: list[Group], summaries: dict[str, Summary]) -> list[str]:
    lines = [
        "| setup | test error (ours) | test error (report) | train error (ours) | train error (report) |",
        "|---|---|---|---|---|",
    ]
    for group in groups:
        for label, summary in rows_of(group, summaries):
            if (group.key, label) in PUBLISHED:
                name, test, test_std, train = PUBLISHED[(group.key, label)]
                lines.append(
                    f"| {name} | {percent(summary.final['test_error'])} | {test:.2f} ± {test_std:.2f} % | "
                    f"{percent(summary.final['train_error'])} | {train:.2f} % |"
                )
            elif (group.key, label) == ("ours", "default recipe"):
                lines.append(
                    f"| minidl default recipe | {percent(summary.final['test_error'])} | - | "
                    f"{percent(summary.final['train_error'])} | - |"
                )
    return lines


def _group_section(number: int, group: Group, summaries: dict[str, Summary], figure: str | None) -> list[str]:
    lines = [f"## {number}. {group.title}", "", group.setup, ""]
    if group.configs:
        lines += [
            "| configuration | test error | train error | final test loss | final train loss | diverged |",
            "|---|---|---|---|---|---|",
        ]
        for label, s in rows_of(group, summaries):
            lines.append(
                f"| {label} | {percent(s.final['test_error'])} | {percent(s.final['train_error'])} | "
                f"{s.final['test_loss'][0]:.4f} | {s.final['train_loss'][0]:.4f} | {s.diverged}/{s.trials} |"
            )
        lines.append("")
    if figure:
        lines += [f"![{group.title}]({figure})", ""]
    lines += [f"- {note}" for note in group.skipped]
    return lines + ([""] if group.skipped else [])


def write_report(
    out: Path,
    groups: list[Group],
    summaries: dict[str, Summary],
    settings: Settings,
    command: str,
    seconds: float,
    figures: dict[str, str],
    notes: list[str],
) -> Path:
    """Write ``out/README.md`` and ``out/results.json``; returns the README's path."""
    out.mkdir(parents=True, exist_ok=True)
    versions = _versions()
    lines = [
        "# minidl experiments: the report's study, reproduced",
        "",
        f"Produced by `{command}` in {seconds / 60:.1f} min ({versions['python']}, torch {versions['torch']}, "
        f"minidl {versions['minidl']}).",
        "",
        f"Every row: {settings.trials} trials (seeds {settings.seeds[0]}..{settings.seeds[-1]}; the seed draws the "
        f"data, the initial weights and the batch order), {settings.n_train:,} training and {settings.n_test:,} test "
        "points of "
        f"the circle task, {settings.epochs} epochs, the 2 -> 25 -> 25 -> 25 -> 2 network, batch {settings.batch_size} "
        "(the default-recipe rows: the recipe's own batch size). "
        "Errors are those of the **final epoch** (not the best epoch on the test set), as mean ± sample standard "
        "deviation over the trials; diverged trials are counted and left out of the statistics.",
        "",
        "## Key numbers beside the report's",
        "",
        *_key_table(groups, summaries),
        "",
    ]
    for number, group in enumerate(groups, start=1):
        lines += _group_section(number, group, summaries, figures.get(group.key))
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    readme = out / "README.md"
    results = json.dumps(_results(groups, summaries, settings, command, versions), indent=1)
    atomic_write(readme, lambda file: file.write("\n".join(lines).encode()))
    atomic_write(out / "results.json", lambda file: file.write(results.encode()))
    return readme


def _versions() -> dict[str, Any]:
    return {
        "minidl": __version__,
        "torch": torch.__version__,
        "python": f"Python {platform.python_version()}",
        "plugins": {p.distribution: f"{p.version} ({p.status})" for p in registry.plugins()},
    }


def _results(
    groups: list[Group], summaries: dict[str, Summary], settings: Settings, command: str, versions: dict[str, Any]
) -> dict[str, Any]:
    return {
        "command": command,
        "settings": asdict(settings),
        "versions": versions,
        "groups": [
            {
                "key": g.key,
                "title": g.title,
                "setup": g.setup,
                "skipped": list(g.skipped),
                "rows": [
                    {
                        "label": c.label,
                        "spec": c.spec,
                        "final": summaries[spec_key(c.spec)].final,
                        "trials": summaries[spec_key(c.spec)].per_trial,
                    }
                    for c in g.configs
                ],
            }
            for g in groups
        ],
    }
