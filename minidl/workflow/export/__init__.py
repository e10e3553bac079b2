"""A trained model for other tools: ONNX graphs (checked by ONNX's own checker) and safetensors weights.

    minidl.export_onnx(model, "model.onnx")               # needs: pip install 'minidl[onnx]'
    minidl.save_safetensors(model, "model.safetensors")   # weights, with the spec as metadata
    loaded = minidl.load_safetensors("model.safetensors", spec=None)   # a LoadedFile, like minidl.load

Each module lowers itself to ONNX through its optional ``lower_onnx`` method (``minidl.core.lowering``).
``onnx`` is imported only when exporting; safetensors needs nothing beyond torch and the standard library.
"""

from minidl.workflow.export.errors import ExportError, MissingDependency
from minidl.workflow.export.onnx_export import export_onnx, onnx_model
from minidl.workflow.export.weights import load_safetensors, save_safetensors

__all__ = ["ExportError", "MissingDependency", "export_onnx", "load_safetensors", "onnx_model", "save_safetensors"]
