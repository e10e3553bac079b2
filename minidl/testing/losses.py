"""Checks for a loss class: its value and gradient against finite differences and a PyTorch loss, and its protocol."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from minidl.components.losses import Loss
from minidl.core.errors import CallOrderError, ShapeError
from minidl.testing._util import assert_close, isolated_rng, kit_check
from minidl.testing.modules import check_config_roundtrip, check_repr


def targets_for(loss: Loss, shape: Sequence[int], dtype: torch.dtype, generator: torch.Generator) -> torch.Tensor:
    """Targets the training loop would give ``loss`` for predictions of ``shape`` (batch, classes).

    ``target_format == "index"``: class indices ``(batch,)``; ``"one_hot"``: rows of ``dtype``.
    """
    batch, classes = shape
    labels = torch.randint(0, classes, (batch,), generator=generator)
    if loss.target_format == "index":
        return labels
    return torch.zeros(batch, classes, dtype=dtype).scatter_(1, labels.unsqueeze(1), 1.0)


@kit_check
def check_loss(
    cls: type[Loss],
    config: Mapping[str, Any] | None = None,
    *,
    input_shape: Sequence[int] = (6, 3),
    reference: Callable[[], Any] | None = None,
    seed: int = 0,
    step: float = 1e-6,
    atol: float = 1e-10,
) -> None:
    """Check ``cls(**config)`` on float64 predictions of ``input_shape`` (batch, classes) and the targets
    its ``target_format`` asks for.

    ``forward`` gives a scalar and ``backward()`` its gradient with respect to the prediction: checked
    against central finite differences and, when ``reference`` (a zero-argument factory of the
    ``torch.nn`` loss, e.g. ``nn.CrossEntropyLoss`` with torch's ``nn`` imported in the test) is given,
    against autograd to ``atol``. The loss must be a mean over rows (data-parallel training splits
    batches by rows): the losses and gradients of a batch's two parts, weighted by their numbers of
    rows, give the batch's. Also: ``backward`` before ``forward`` raises CallOrderError, a target
    with the wrong number of rows raises ShapeError, float32 stays float32, and the configuration
    survives ``get_config``/``from_config``.
    """
    config = dict(config or {})
    name = cls.__name__
    generator = torch.Generator().manual_seed(seed)
    with isolated_rng(seed, torch.device("cpu")):
        loss = cls(**config)
        check_config_roundtrip(loss, config)
        check_repr(loss)
        prediction = torch.randn(tuple(input_shape), dtype=torch.float64, generator=generator)
        target = targets_for(loss, input_shape, torch.float64, generator)
        with torch.no_grad():
            value = loss.forward(prediction, target)
            grad = loss.backward()
        if not isinstance(value, torch.Tensor) or value.dim() != 0:
            raise AssertionError(f"{name}.forward returned {value!r}, expected a 0-dimensional tensor")
        if not isinstance(grad, torch.Tensor) or grad.shape != prediction.shape:
            raise AssertionError(f"{name}.backward() returned {grad!r}, expected a tensor of the prediction's shape")
        numeric = _numeric_gradient(loss, prediction, target, step)
        assert_close(grad, numeric, f"{name}: gradient vs finite differences", atol=1e-8, rtol=1e-6)
        _check_mean_over_rows(cls, config, prediction, target, value, grad)
        if reference is not None:
            leaf = prediction.clone().requires_grad_(True)
            with torch.enable_grad():
                expected = reference()(leaf, target)
                expected.backward()
            assert_close(value, expected, f"{name}: value vs {type(reference()).__name__}", atol=atol)
            assert_close(grad, leaf.grad, f"{name}: gradient vs {type(reference()).__name__}", atol=atol)
        _check_protocol(cls, config, prediction, target)


def _numeric_gradient(loss: Loss, prediction: torch.Tensor, target: torch.Tensor, step: float) -> torch.Tensor:
    x = prediction.clone()
    numeric = torch.zeros_like(x).reshape(-1)
    flat = x.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + step
            plus = float(loss.forward(x, target))
            flat[i] = original - step
            minus = float(loss.forward(x, target))
            flat[i] = original
            numeric[i] = (plus - minus) / (2 * step)
    return numeric.view_as(x)


def _check_mean_over_rows(
    cls: type[Loss],
    config: dict[str, Any],
    prediction: torch.Tensor,
    target: torch.Tensor,
    value: torch.Tensor,
    grad: torch.Tensor,
) -> None:
    """The batch's loss and gradient from its first third and the rest, each weighted by its share of the rows."""
    n = prediction.shape[0]
    if n < 2:
        return
    values, grads = [], []
    for rows in (slice(0, max(1, n // 3)), slice(max(1, n // 3), n)):
        share = (rows.stop - rows.start) / n
        loss = cls(**config)
        with torch.no_grad():
            values.append(loss.forward(prediction[rows], target[rows]) * share)
            grads.append(loss.backward() * share)
    why = "(data-parallel training splits batches by rows: the loss must be the mean over rows of a per-row term)"
    assert_close(
        sum(values), value, f"{cls.__name__}: the loss from the batch's parts, weighted by rows {why}", atol=1e-12
    )
    assert_close(torch.cat(grads), grad, f"{cls.__name__}: the gradient from the batch's parts {why}", atol=1e-12)


def _check_protocol(cls: type[Loss], config: dict[str, Any], prediction: torch.Tensor, target: torch.Tensor) -> None:
    name = cls.__name__
    try:
        cls(**config).backward()
    except CallOrderError:
        pass
    except Exception as error:
        raise AssertionError(
            f"{name}.backward before forward raised {type(error).__name__}: {error}; expected minidl.CallOrderError "
            "(call require_forward)"
        ) from error
    else:
        raise AssertionError(f"{name}.backward before forward did not raise minidl.CallOrderError")
    extra_row = torch.cat([target, target[:1]])
    try:
        cls(**config).forward(prediction, extra_row)
    except ShapeError:
        pass
    except Exception as error:
        raise AssertionError(
            f"{name}.forward with a target of shape {tuple(extra_row.shape)} for a prediction of shape "
            f"{tuple(prediction.shape)} raised {type(error).__name__}: {error}; expected minidl.ShapeError"
        ) from error
    else:
        raise AssertionError(
            f"{name}.forward accepted a target of shape {tuple(extra_row.shape)} for a prediction of shape "
            f"{tuple(prediction.shape)}: raise minidl.ShapeError"
        )
    loss = cls(**config)
    value = loss.forward(prediction.float(), target.float() if target.is_floating_point() else target)
    grad = loss.backward()
    if value.dtype != torch.float32 or grad.dtype != torch.float32:
        raise AssertionError(f"{name}: float32 predictions gave a {value.dtype} value and a {grad.dtype} gradient")
