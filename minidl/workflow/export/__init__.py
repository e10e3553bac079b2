"""A trained model for other tools: ONNX graphs, checked by ONNX's own checker.

    minidl.export_onnx(model, "model.onnx")               # needs: pip install 'minidl[onnx]'

Each module lowers itself to ONNX through its optional ``lower_onnx`` method (``minidl.core.lowering``).
``onnx`` is imported only when exporting.
"""

from minidl.workflow.export.errors import ExportError, MissingDependency
from minidl.workflow.export.onnx_export import export_onnx, onnx_model

__all__ = ["ExportError", "MissingDependency", "export_onnx", "onnx_model"]
