"""``minidl import-weights WEIGHTS``: a model file from a safetensors file whose names and shapes fit a spec."""

from __future__ import annotations

import argparse

from minidl.cli.options import input_path, output_path
from minidl.cli.output import say
from minidl.cli.output_path import check_output, renamed
from minidl.workflow.export import load_safetensors
from minidl.workflow.files import EXTENSION, load, save


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import-weights",
        help="make a model file from safetensors weights and a spec",
        description="Read WEIGHTS (a safetensors file, e.g. written by minidl export or by another tool) into the "
        "model of a spec and save it as a .minidl model. Every weight must be there with its name "
        "(layers.<i>.weight, layers.<i>.bias, ...), shape and the spec's dtype, and nothing else.",
    )
    parser.add_argument("weights", type=input_path, metavar="WEIGHTS", help="a .safetensors file")
    parser.add_argument(
        "--spec",
        type=input_path,
        metavar="FILE",
        help="a .minidl spec, model or checkpoint file whose spec the weights fit (default: the spec minidl "
        "export wrote into WEIGHTS)",
    )
    parser.add_argument(
        "--output",
        type=output_path,
        metavar="FILE",
        help=f"the model file to write (default: WEIGHTS' name with {EXTENSION}, in the current folder)",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    output = args.output or renamed(args.weights, EXTENSION)
    check_output(output, args.force, named=args.output is not None)
    spec = None if args.spec is None else load(args.spec).spec
    loaded = load_safetensors(args.weights, spec)
    save(loaded.model, output, training=loaded.spec["training"])
    say(f"wrote {output}")
    return 0
