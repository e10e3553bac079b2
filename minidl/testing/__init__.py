"""A conformance kit for component authors: call it from your tests to check a component against minidl's contract.

    from minidl.testing import check_module, check_optimizer, check_scheduler

    def test_my_layer():
        # torch's nn is imported in the test, never by minidl
        check_module(MyLayer, {"width": 4}, input_shape=(5, 4), reference=lambda: nn.MyLayer(4))

Modules are checked against float64 central finite differences and, given a PyTorch reference,
against autograd to 1e-10; optimizers and schedulers against ``torch.optim`` trajectories and learning
rates. Failures are AssertionErrors with messages that say what differed, so any test runner works.
"""

from minidl.testing.gradients import check_against_reference, check_finite_differences, copy_into_reference
from minidl.testing.lowering import check_lowering, check_onnx_export
from minidl.testing.modules import (
    check_call_order,
    check_config_roundtrip,
    check_float32,
    check_grad_accumulation,
    check_module,
    check_param_pairs,
    check_repr,
    check_train_eval,
    check_zero_grad,
)
from minidl.testing.optim import check_optimizer, check_scheduler

__all__ = [
    "check_against_reference",
    "check_call_order",
    "check_config_roundtrip",
    "check_finite_differences",
    "check_float32",
    "check_grad_accumulation",
    "check_lowering",
    "check_module",
    "check_onnx_export",
    "check_optimizer",
    "check_param_pairs",
    "check_repr",
    "check_scheduler",
    "check_train_eval",
    "check_zero_grad",
    "copy_into_reference",
]
