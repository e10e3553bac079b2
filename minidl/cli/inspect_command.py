"""``minidl inspect FILE``: a model summary in the manner of Keras's ``model.summary()``.

Each layer with its provider, configuration, output shape and parameter count; the totals; the
training setup; the history's last and best epochs (``--json``: every epoch); and the versions that
wrote the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from minidl import registry
from minidl.cli.options import input_path
from minidl.cli.output import say_json
from minidl.components.modules.sequential import Sequential
from minidl.core.config import config_text
from minidl.core.errors import printable
from minidl.workflow.files import LoadedFile, TrainingState, load
from minidl.workflow.spec import layer_shapes


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "inspect",
        help="summarise a saved file: layers, parameters, training setup, history, producer",
        description="Print what FILE holds without training: every layer (provider, config, output shape, "
        "parameter count), the totals, the training setup, the history's last and best values, and the "
        "minidl and plugin versions that wrote it.",
    )
    parser.add_argument("file", type=input_path, metavar="FILE", help="a .minidl spec, model or checkpoint file")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON, with every epoch's metrics")
    parser.set_defaults(run=run)


def _output_shapes(model: Sequential) -> list[list[int | None] | None]:
    """Each layer's output shape for a batch of any size (``None`` first), or ``None`` when unknown."""
    width = getattr(model[0], "in_features", None)
    if width is None:
        return [None] * len(model)
    return [[None, *shape[1:]] for shape in layer_shapes(model, width)]


def _history(state: TrainingState | None) -> dict[str, Any] | None:
    history = [m.as_dict() for m in state.history] if state is not None else []
    if not history:
        return None
    best = {key: min(history, key=lambda m: m[key]) for key in ("test_error", "test_loss")}
    return {
        "epochs": len(history),
        "last": history[-1],
        "best": {key: {"epoch": m["epoch"], "value": m[key]} for key, m in best.items()},
        "per_epoch": history,
    }


def summary(loaded: LoadedFile, file: Path) -> dict[str, Any]:
    """Everything ``inspect`` prints, as plain data (the ``--json`` output)."""
    spec = loaded.spec
    model = loaded.model
    layers = []
    for i, (ref, layer, shape) in enumerate(zip(spec["model"]["layers"], model, _output_shapes(model))):
        parameters = sum(p.value.numel() for p in layer.param())
        buffers = sum(t.numel() for _, t in layer.named_buffers())
        layers.append(
            {
                "index": i,
                "component": ref["component"],
                "provider": registry.provider("module", ref["component"]),
                "config": ref["config"],
                "output_shape": shape,
                "parameters": parameters,
                "buffers": buffers,
            }
        )
    trainable = sum(layer["parameters"] for layer in layers)
    non_trainable = sum(layer["buffers"] for layer in layers)
    return {
        "file": str(file),
        "kind": loaded.kind,
        "layers": layers,
        "totals": {"parameters": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable},
        "init": spec["model"]["init"],
        "dtype": spec["model"]["dtype"],
        "training": spec["training"],
        "history": _history(loaded.state),
        "producer": loaded.producer,
    }


def _ref(ref: dict[str, Any] | None) -> str:
    if ref is None:
        return "none"
    return f"{ref['component']}({config_text(ref['config'])})"


def _print(s: dict[str, Any]) -> None:
    console = Console(highlight=False)

    def say(text: str) -> None:  # one line, as output.say writes it
        console.print(printable(text), markup=False, soft_wrap=True)

    say(f"{s['file']}: {s['kind']}")
    table = Table(show_edge=False, header_style="bold")
    for column, justify in (
        ("#", "right"),
        ("layer", "left"),
        ("output shape", "left"),
        ("params", "right"),
        ("provider", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=True)
    table.add_column("config", overflow="fold")
    for layer in s["layers"]:
        shape = "?" if layer["output_shape"] is None else "(" + ", ".join(str(d) for d in layer["output_shape"]) + ")"
        provider = f"{layer['provider']['distribution']} {layer['provider']['version']}"
        params = f"{layer['parameters']:,}" + (f" +{layer['buffers']:,}" if layer["buffers"] else "")
        config = config_text(layer["config"])
        name = layer["component"].split(":", 1)[1]
        table.add_row(*(Text(str(v)) for v in (layer["index"], name, shape, params, provider, config)))
    console.print(table)
    totals = s["totals"]
    say(
        f"Total params: {totals['parameters']:,} (trainable {totals['trainable']:,}, "
        f"non-trainable {totals['non_trainable']:,}"
        + (", the +N of layers with buffers)" if totals["non_trainable"] else ")")
    )
    say(f"Init: {_ref(s['init'])}, dtype {s['dtype']}")
    training = s["training"]
    if training is None:
        say("Training: none (a model without a training setup)")
    else:
        say("Training:")
        for key in ("dataset", "loss", "optimizer", "scheduler"):
            say(f"  {key:10} {_ref(training[key])}")
        say(f"  {'epochs':10} {training['epochs']}, batch size {training['batch_size']}, seed {training['seed']}")
    history = s["history"]
    if history is None:
        say("History: none in this file (checkpoints carry it)" if s["kind"] != "checkpoint" else "History: none")
    else:
        last, best = history["last"], history["best"]
        say(f"History: {history['epochs']} epochs")
        say(
            f"  last       train loss {last['train_loss']:.4f} error {last['train_error']:.2%}, "
            f"test loss {last['test_loss']:.4f} error {last['test_error']:.2%}, lr {last['lr']:.2e}"
        )
        say(
            f"  best       test error {best['test_error']['value']:.2%} (epoch {best['test_error']['epoch']}), "
            f"test loss {best['test_loss']['value']:.4f} (epoch {best['test_loss']['epoch']})"
        )
    say(f"Producer: {_producer_text(s['producer'])}")


def _producer_text(producer: dict[str, Any]) -> str:
    versions: dict[str, str] = {}
    for item in producer.get("components", []):
        versions.setdefault(item["distribution"], item["version"])
    written = ", ".join(f"{d} {v}" for d, v in sorted(versions.items()))
    return f"minidl {producer.get('minidl', '?')}" + (f"; components from {written}" if written else "")


def run(args: argparse.Namespace) -> int:
    s = summary(load(args.file), args.file)
    if args.json:
        say_json(s)
    else:
        _print(s)
    return 0
