"""``minidl export FILE --format onnx|safetensors``: a trained model for other tools."""

from __future__ import annotations

import argparse

from minidl.cli.options import input_path, output_path
from minidl.cli.output import say
from minidl.cli.output_path import check_output, renamed
from minidl.core.errors import SpecError
from minidl.workflow.export import export_onnx, save_safetensors
from minidl.workflow.files import load

SUFFIXES = {"onnx": ".onnx", "safetensors": ".safetensors"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export",
        help="write a trained model as an ONNX graph, or its weights as safetensors",
        description="Write the model in FILE for other tools: as an ONNX graph in evaluation mode (input x of "
        "shape (batch, in), output y of shape (batch, out); run it with onnxruntime; needs "
        "pip install 'minidl[onnx]'), or its weights as a safetensors file with the spec in its metadata "
        "(read back with minidl import-weights).",
    )
    parser.add_argument("file", type=input_path, metavar="FILE", help="a .minidl model or checkpoint file")
    parser.add_argument("--format", choices=tuple(SUFFIXES), default="onnx", help="what to write (default: onnx)")
    parser.add_argument(
        "--output",
        type=output_path,
        metavar="FILE",
        help="where to write (default: the input's name with .onnx or .safetensors, in the current folder)",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = args.output or renamed(args.file, SUFFIXES[args.format])
    check_output(output, args.force, named=args.output is not None)
    loaded = load(args.file)
    if loaded.kind == "spec":
        raise SpecError(
            f"{args.file}: is a spec file, without weights: export needs a trained model (minidl train {args.file})"
        )
    if args.format == "onnx":
        export_onnx(loaded.model, output)
    else:
        save_safetensors(loaded.model, output, training=loaded.spec["training"])
    say(f"wrote {output}")
    return 0
