"""A conformance kit for component authors: call it from your tests to check a component against minidl's contract.

    from minidl.testing import check_dataset, check_initializer, check_loss, check_module, check_optimizer

    def test_my_layer():
        # torch's nn is imported in the test, never by minidl
        check_module(MyLayer, {"width": 4}, input_shape=(5, 4), reference=lambda: nn.MyLayer(4))

One check per kind: :func:`check_module` (float64 finite differences, a PyTorch reference under
autograd to 1e-10, the module protocol, initialisation with every built-in initializer, wrong input
widths), :func:`check_loss` (finite differences, a PyTorch loss), :func:`check_initializer` (in-place
fills of many shapes, seeded draws, statistics over many draws against expected values or a
PyTorch ``nn.init`` function), :func:`check_optimizer` and :func:`check_scheduler` (PyTorch optimizer
trajectories, or the author's own reference, and exact resume from ``state_dict``),
:func:`check_dataset` (seeded, shapes, dtypes, labels). Failures are AssertionErrors whose messages
say which check failed and what the component did, so any test runner works.
"""

from minidl.testing._util import assert_close
from minidl.testing.datasets import check_dataset
from minidl.testing.gradients import check_against_reference, check_finite_differences, copy_into_reference
from minidl.testing.initializers import check_initializer
from minidl.testing.losses import check_loss
from minidl.testing.lowering import check_lowering, check_onnx_export
from minidl.testing.modules import (
    check_call_order,
    check_config_roundtrip,
    check_float32,
    check_grad_accumulation,
    check_module,
    check_param_pairs,
    check_repr,
    check_reset_parameters,
    check_train_eval,
    check_wrong_inputs,
    check_zero_grad,
)
from minidl.testing.optim import check_optimizer, check_scheduler, check_tensor_scalars

__all__ = [
    "assert_close",
    "check_against_reference",
    "check_call_order",
    "check_config_roundtrip",
    "check_dataset",
    "check_finite_differences",
    "check_float32",
    "check_grad_accumulation",
    "check_initializer",
    "check_loss",
    "check_lowering",
    "check_module",
    "check_onnx_export",
    "check_optimizer",
    "check_param_pairs",
    "check_repr",
    "check_reset_parameters",
    "check_scheduler",
    "check_tensor_scalars",
    "check_train_eval",
    "check_wrong_inputs",
    "check_zero_grad",
    "copy_into_reference",
]
