"""The graph that modules' ``lower_onnx`` methods write into (see ``minidl.core.lowering.OnnxGraph``).

Built with the ``onnx`` package's own helpers; imported only when exporting, so ``import minidl`` never
imports ``onnx``. Every name a layer adds starts with its place (``layers.2.``): constants keep the
names files give the same tensors (``layers.2.weight``), and a checker message about a node says
which layer wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import onnx
import torch
from onnx import TensorProto, helper

from minidl.version import __version__
from minidl.workflow.export.raw import little_endian

OPSET = 21
"""ONNX 1.16's operator set (2024): it has ``Gelu`` (since 20) and is old enough for runtimes deployed today."""

INPUT, OUTPUT = "x", "y"

ONNX_DTYPES: dict[torch.dtype, int] = {
    torch.float32: TensorProto.FLOAT,
    torch.float64: TensorProto.DOUBLE,
    torch.float16: TensorProto.FLOAT16,
    torch.bfloat16: TensorProto.BFLOAT16,
    torch.int64: TensorProto.INT64,
    torch.int32: TensorProto.INT32,
    torch.int8: TensorProto.INT8,
    torch.uint8: TensorProto.UINT8,
    torch.bool: TensorProto.BOOL,
}


class Graph:
    """Nodes and constants in the order layers add them; :meth:`model` makes the ONNX model of them."""

    def __init__(self, dtype: torch.dtype) -> None:
        self.dtype = dtype
        self.prefix = ""
        """Prepended to every name: the place of the layer being lowered, set by the exporter."""
        self._nodes: list[onnx.NodeProto] = []
        self._constants: list[onnx.TensorProto] = []
        self._names: set[str] = {INPUT}
        self._count = 0

    def node(self, op_type: str, inputs: Sequence[str], **attributes: Any) -> str:
        output = self._fresh(op_type)
        attributes = {k: ONNX_DTYPES[v] if isinstance(v, torch.dtype) else v for k, v in attributes.items()}
        self._nodes.append(helper.make_node(op_type, list(inputs), [output], name=output, **attributes))
        return output

    def constant(self, value: torch.Tensor | float, name: str | None = None) -> str:
        tensor = value if isinstance(value, torch.Tensor) else torch.tensor(value, dtype=self.dtype)
        if tensor.dtype not in ONNX_DTYPES:
            raise ValueError(f"constant {name or ''!r}: dtype {tensor.dtype} has no ONNX equivalent here")
        full = self._fresh("constant") if name is None else self._claim(self.prefix + name)
        raw = bytes(little_endian(tensor))
        self._constants.append(helper.make_tensor(full, ONNX_DTYPES[tensor.dtype], list(tensor.shape), raw, raw=True))
        return full

    def model(self, output: str, input_width: int | None) -> onnx.ModelProto:
        """The model whose input ``x`` is (batch, input_width) and whose output ``y`` is the value ``output``.

        The output's type and shape are left for shape inference to fill in.
        """
        if all(output not in node.output for node in self._nodes):  # the input or a constant: give it a node
            self.prefix = ""
            output = self.node("Identity", [output])
        for node in self._nodes:
            node.input[:] = [OUTPUT if name == output else name for name in node.input]
            node.output[:] = [OUTPUT if name == output else name for name in node.output]
        element = ONNX_DTYPES[self.dtype]
        graph = helper.make_graph(
            self._nodes,
            "minidl",
            [helper.make_tensor_value_info(INPUT, element, ["batch", input_width or "features"])],
            [helper.make_tensor_value_info(OUTPUT, element, None)],
            initializer=self._constants,
        )
        opsets = [helper.make_opsetid("", OPSET)]
        return helper.make_model(
            graph,
            opset_imports=opsets,
            ir_version=helper.find_min_ir_version_for(opsets),  # the oldest runtime that knows the opset can load it
            producer_name="minidl",
            producer_version=__version__,
        )

    def _fresh(self, kind: str) -> str:
        self._count += 1
        return self._claim(f"{self.prefix}{kind}_{self._count}")

    def _claim(self, name: str) -> str:
        if name in self._names or name == OUTPUT:
            raise ValueError(f"the name {name!r} is used twice in the graph")
        self._names.add(name)
        return name
