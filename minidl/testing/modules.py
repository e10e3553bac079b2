"""Protocol checks for a module class: parameter pairs, gradients, modes, configuration, repr, call order,
initialisation and wrong inputs.

:func:`check_module` runs them all; each ``check_*`` can also be called on its own. Every failure is
an AssertionError whose message names the check, the class, the mode and what differed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from minidl.components.init import BUILTIN_INITIALIZERS, Initializer
from minidl.components.modules import Elementwise
from minidl.core.config import Configurable, Field, schema_of
from minidl.core.errors import CallOrderError, ConfigError, ShapeError
from minidl.core.module import Module, Parameter
from minidl.testing._util import assert_close, isolated_rng, kit_check, seeded_forward
from minidl.testing.gradients import analytic_gradients, check_against_reference, check_finite_differences

_PLAIN = (bool, int, float, str, type(None))


@kit_check
def check_module(
    cls: type[Module],
    config: Mapping[str, Any] | None = None,
    *,
    input_shape: Sequence[int],
    reference: Callable[[], Any] | None = None,
    reference_modes: Sequence[str] = ("train", "eval"),
    fixed_width: bool | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    atol: float = 1e-10,
) -> None:
    """Run every module check on ``cls(**config)`` with inputs of ``input_shape``, in training and evaluation mode.

    The module is moved to float64 and its parameters get small random offsets (so an identity
    scale cannot hide a missing term). In each mode: finite differences, gradient accumulation,
    ``zero_grad``, and, when ``reference`` (a zero-argument factory of the ``torch.nn`` counterpart,
    e.g. ``lambda: nn.BatchNorm1d(4)`` with torch's ``nn`` imported in the test) is given and the mode is in
    ``reference_modes``, forward/gradients/buffers against it to ``atol``. Before the evaluation-mode checks the
    module runs a few training batches so running statistics are not at their initial values. Also:
    ``init_parameters`` with every built-in initializer (:func:`check_reset_parameters`) and inputs of another
    width or rank (:func:`check_wrong_inputs`; ``fixed_width`` as there).
    """
    config = dict(config or {})
    device = torch.device(device)
    with isolated_rng(seed, device):
        check_config_roundtrip(cls(**config), config)
        check_repr(cls(**config))
        check_call_order(cls, config, input_shape)
        check_reset_parameters(cls, config)
        check_wrong_inputs(cls, config, input_shape, fixed_width=fixed_width)
        module = cls(**config).to(dtype=torch.float64, device=device)
        with torch.no_grad():
            for p in module.param():
                p.value.add_(0.1 * torch.randn_like(p.value))
        check_param_pairs(module)
        x = torch.randn(tuple(input_shape), dtype=torch.float64, device=device)
        for mode in ("train", "eval"):
            if mode == "eval":
                with torch.no_grad():
                    for _ in range(3):
                        module.forward(torch.randn_like(x) * 2.0 + 0.5)
            module.train(mode == "train")
            check_finite_differences(module, x, seed=seed)
            check_grad_accumulation(module, x, seed=seed)
            check_zero_grad(module, x, seed=seed)
            if reference is not None and mode in reference_modes:
                check_against_reference(
                    module, reference().to(dtype=torch.float64, device=device), x, seed=seed, atol=atol
                )
        check_train_eval(module, x)
        check_float32(cls(**config).to(device=device), input_shape, seed=seed, device=device)


@kit_check
def check_param_pairs(module: Module) -> None:
    """``param()`` lists every parameter as a :class:`Parameter` ``(value, grad)`` of matching shape, dtype and device,
    the same objects each call."""
    name = type(module).__name__
    pairs = module.param()
    if not isinstance(pairs, list):
        raise AssertionError(f"{name}.param() returned {type(pairs).__name__}, expected a list")
    for i, pair in enumerate(pairs):
        if not isinstance(pair, Parameter):
            raise AssertionError(f"{name}.param()[{i}] is {type(pair).__name__}, expected minidl.Parameter")
        value, grad = pair
        if value.shape != grad.shape or value.dtype != grad.dtype or value.device != grad.device:
            raise AssertionError(
                f"{name}.param()[{i}]: value {tuple(value.shape)} {value.dtype} {value.device} and gradient "
                f"{tuple(grad.shape)} {grad.dtype} {grad.device} must match"
            )
        if grad.data_ptr() == value.data_ptr():
            raise AssertionError(f"{name}.param()[{i}]: the gradient shares memory with the value")
    if [id(p) for p in module.param()] != [id(p) for p in pairs]:
        raise AssertionError(
            f"{name}.param() returned new pair objects on a second call; optimizers keep references to them"
        )
    held = [p for _, p in module.named_parameters()]
    if {id(p) for p in held} != {id(p) for p in pairs}:
        raise AssertionError(f"{name}.param() lists {len(pairs)} parameters, but the module holds {len(held)}")


@kit_check
def check_zero_grad(module: Module, x: torch.Tensor, *, seed: int = 0) -> None:
    """After a backward pass, ``zero_grad()`` leaves every gradient exactly zero."""
    analytic_gradients(module, x, seed)
    module.zero_grad()
    for name, p in module.named_parameters():
        if bool(p.grad.ne(0).any()):
            raise AssertionError(f"{type(module).__name__}.zero_grad() left a non-zero gradient in {name!r}")


@kit_check
def check_grad_accumulation(module: Module, x: torch.Tensor, *, seed: int = 0) -> None:
    """Two forward/backward passes add up: parameter gradients double, the input gradient does not."""
    name = f"{type(module).__name__} ({'train' if module.training else 'eval'} mode)"
    once = analytic_gradients(module, x, seed)
    module.zero_grad()
    with torch.no_grad():
        seeded_forward(module, x, seed)
        module.backward(once["weights"])
        seeded_forward(module, x, seed)
        again = module.backward(once["weights"])
    assert_close(again, once["input gradient"], f"{name}: input gradient of a second backward", atol=1e-12, rtol=1e-12)
    for param_name, p in module.named_parameters():
        what = f"gradient of parameter {param_name!r}"
        assert_close(
            p.grad, 2 * once[what], f"{name}: {what} after two backward calls (must accumulate)", atol=1e-12, rtol=1e-12
        )
    module.zero_grad()


@kit_check
def check_train_eval(module: Module, x: torch.Tensor) -> None:
    """``train()``/``eval()`` return the module and set every sub-module's mode; evaluation is deterministic."""
    name = type(module).__name__
    if module.eval() is not module or module.train() is not module:
        raise AssertionError(f"{name}.train() and .eval() must return the module itself")
    for flag in (False, True):
        module.train(flag)
        wrong = [type(m).__name__ for m in module.modules() if m.training is not flag]
        if wrong:
            raise AssertionError(f"{name}.train({flag}) left {wrong} with training={not flag}")
    module.eval()
    with torch.no_grad():
        first = seeded_forward(module, x, 1).clone()
        second = seeded_forward(module, x, 2)
    if not torch.equal(first, second):
        raise AssertionError(
            f"{name} in eval mode gave different outputs for the same input (it must be deterministic)"
        )
    module.train()


@kit_check
def check_config_roundtrip(component: Configurable, given: Mapping[str, Any] | None = None, *runtime_args: Any) -> None:
    """``get_config()`` is plain data holding the given values, read from the live object; ``from_config`` rebuilds
    an equal configuration.

    Live: each declared value changed with ``set_config`` is the one ``get_config`` then reports (the value
    is restored afterwards); values in ``config_readers`` describe structure and are only read.
    ``runtime_args`` go first to ``from_config``: an optimizer's parameters, a scheduler's optimizer.
    """
    cls, config = type(component), component.get_config()
    name = cls.__name__
    if not isinstance(config, dict) or not all(isinstance(k, str) for k in config):
        raise AssertionError(f"{name}.get_config() must return a dict with string keys, got {config!r}")
    for key, value in config.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, _PLAIN) for v in values):
            raise AssertionError(f"{name}.get_config()[{key!r}] = {value!r} is not plain data")
    for key, value in (given or {}).items():
        expected = list(value) if isinstance(value, tuple) else value
        if key not in config or config[key] != expected:
            raise AssertionError(f"{name}.get_config() lost {key}={value!r} (got {config.get(key)!r})")
    rebuilt = cls.from_config(config, *runtime_args).get_config()
    if rebuilt != config:
        raise AssertionError(f"{name}.from_config(get_config()) changed the configuration: {config!r} -> {rebuilt!r}")
    for field in schema_of(cls):
        other = None if field.name in cls.config_readers else _another_value(field, config[field.name])
        if other is None:
            continue
        component.set_config(**{field.name: other})
        try:
            seen = component.get_config()[field.name]
        finally:
            component.set_config(**{field.name: config[field.name]})
        if seen != other:
            raise AssertionError(
                f"{name}.get_config() reports {field.name}={seen!r} after set_config({field.name}={other!r}): keep "
                f"each declared value in the attribute of its name (self.{field.name}), where both read and write it"
            )


def _another_value(field: Field, value: Any) -> Any:
    """A valid value of ``field`` other than ``value`` (the first element changed, for a tuple), or None."""
    first = value[0] if isinstance(value, list) else value
    if first is None or field.choices is not None:
        tries = [field.default, *(field.choices or ())]
    elif isinstance(first, (bool, str)):
        tries = [not first] if isinstance(first, bool) else [first + "x"]
    else:
        bounds = [b for b in (field.ge, field.gt, field.le, field.lt) if b is not None]
        tries = [first + 1, first - 1, first / 2, *((first + b) / 2 for b in bounds)]
    for attempt in tries:
        other = [attempt, *value[1:]] if isinstance(value, list) else attempt
        with contextlib.suppress(ConfigError):
            if field.validate(other, field.name) != field.validate(value, field.name):
                return other
    return None


@kit_check
def check_repr(module: Module) -> None:
    """``repr`` is a string that starts with the class name and its arguments in parentheses."""
    text = repr(module)
    name = type(module).__name__
    if not isinstance(text, str) or not text.startswith(name + "(") or not text.endswith(")"):
        raise AssertionError(f"repr of a {name} should look like {name}(...), got {text!r}")


@kit_check
def check_call_order(cls: type[Module], config: Mapping[str, Any], input_shape: Sequence[int]) -> None:
    """``backward`` on a fresh module raises :class:`minidl.CallOrderError` instead of failing obscurely."""
    out = cls(**config).forward(torch.randn(tuple(input_shape)))
    try:
        cls(**config).backward(torch.ones_like(out))
    except CallOrderError:
        return
    except Exception as error:
        raise AssertionError(
            f"{cls.__name__}.backward before forward raised {type(error).__name__}: {error}; "
            "expected minidl.CallOrderError"
        ) from error
    raise AssertionError(f"{cls.__name__}.backward before forward did not raise minidl.CallOrderError")


@kit_check
def check_float32(
    module: Module, input_shape: Sequence[int], *, seed: int = 0, device: str | torch.device = "cpu"
) -> None:
    """In float32 (the default) the output, input gradient and parameter gradients stay float32."""
    x = torch.randn(tuple(input_shape), device=device)
    grads = analytic_gradients(module, x, seed)
    for what, tensor in grads.items():
        if tensor.dtype != torch.float32:
            raise AssertionError(f"{type(module).__name__}: {what} is {tensor.dtype} for a float32 module and input")


class _MatrixOnly(Initializer):
    """An initializer that insists on what ``reset_parameters`` may hand it: a weight of 2 or more dimensions
    and a bias of ``(fan_out,)`` (or None)."""

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        if weight.dim() < 2 or (bias is not None and tuple(bias.shape) != tuple(weight.shape[:1])):
            raise ShapeError(
                f"fill got a weight of shape {tuple(weight.shape)} and a bias of shape "
                f"{None if bias is None else tuple(bias.shape)}"
            )
        weight.normal_()
        if bias is not None:
            bias.normal_()


@kit_check
def check_reset_parameters(cls: type[Module], config: Mapping[str, Any] | None = None) -> None:
    """``init_parameters`` works with every built-in initializer, gives finite values, and the same seed the same ones.

    ``reset_parameters(initializer)`` may pass ``initializer.fill`` only weights of 2 or more dimensions
    ``(fan_out, fan_in, ...)`` with their ``(fan_out,)`` bias; anything else (a norm's 1-D scale and shift)
    the module sets itself. A module that passes a vector fails here, not at a user's model build.
    """
    config = dict(config or {})
    initializers = {**{name: c() for name, c in BUILTIN_INITIALIZERS.items()}, "matrix-only": _MatrixOnly()}
    for name, initializer in initializers.items():
        values = []
        for _ in range(2):
            module = cls(**config)
            torch.manual_seed(0)
            try:
                module.init_parameters(initializer)
            except Exception as error:
                raise AssertionError(
                    f"check_reset_parameters: {cls.__name__}.init_parameters with the {name!r} initializer raised "
                    f"{type(error).__name__}: {error}; reset_parameters(initializer) must pass initializer.fill only "
                    "weights of 2 or more dimensions (fan_out, fan_in) and their bias, and set other parameters "
                    "(a norm's scale and shift) itself"
                ) from error
            values.append([(n, p.value.clone()) for n, p in module.named_parameters()])
        for (param, first), (_, second) in zip(*values):
            if not bool(torch.isfinite(first).all()):
                raise AssertionError(
                    f"check_reset_parameters: {cls.__name__}.init_parameters({name!r}) left non-finite values "
                    f"in {param!r}"
                )
            if not torch.equal(first, second):
                raise AssertionError(
                    f"check_reset_parameters: {cls.__name__}.init_parameters({name!r}) gave {param!r} different values "
                    "for the same seed: draw from torch's global generator (the trainer seeds it)"
                )


@kit_check
def check_wrong_inputs(
    cls: type[Module], config: Mapping[str, Any], input_shape: Sequence[int], *, fixed_width: bool | None = None
) -> None:
    """Given an input of another width or rank, ``forward`` works or raises :class:`minidl.ShapeError`, nothing else;
    a module with a fixed input width refuses another width with ShapeError.

    ``fixed_width=None`` infers it: a module with parameters that is not :class:`minidl.Elementwise` is taken to
    have one (pass ``fixed_width=False`` for a module with parameters that accepts any width). A ShapeError is
    what makes a user's mistake one line naming the layer instead of a raw traceback.
    """
    shape = tuple(input_shape)
    module = cls(**config)
    fixed = fixed_width if fixed_width is not None else bool(module.param()) and not isinstance(module, Elementwise)
    wider = (*shape[:-1], shape[-1] + 1)
    for other in (wider, (*shape, 2), shape[:1]):
        try:
            module.forward(torch.randn(other))
        except ShapeError:
            continue
        except Exception as error:
            raise AssertionError(
                f"check_wrong_inputs: {cls.__name__}.forward on an input of shape {other} (the test's shape is "
                f"{shape}) raised {type(error).__name__}: {error}; raise minidl.ShapeError naming the shape it expects"
            ) from error
        if fixed and other == wider:
            raise AssertionError(
                f"check_wrong_inputs: {cls.__name__}.forward accepted an input of width {wider[-1]}, but its width "
                f"is {shape[-1]}: raise minidl.ShapeError for another width (fixed_width=False if any width is right)"
            )
