"""Checks for an initializer class: in-place fills of many shapes, seeded draws, and the statistics of many draws."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from minidl.components.init import Initializer, fans
from minidl.core.errors import ShapeError
from minidl.testing._util import isolated_rng, kit_check
from minidl.testing.modules import check_config_roundtrip

SHAPES = ((1, 1), (1, 7), (7, 1), (5, 3), (3, 5), (4, 3, 2), (2, 3, 2, 2))
"""Weights the checks fill: matrices, and weights of more dimensions (a convolution's ``(out, in, *kernel)``)."""
LARGE = ((600, 400), (96, 64, 3, 3))
"""Weights whose draws are compared with the expected statistics: 240,000 and 55,296 values."""
Statistic = float | Callable[[int, int], float]


@kit_check
def check_initializer(
    cls: type[Initializer],
    config: Mapping[str, Any] | None = None,
    *,
    reference: Callable[[torch.Tensor], Any] | None = None,
    std: Statistic | None = None,
    bound: Statistic | None = None,
    zero_bias: bool | None = None,
    random: bool = True,
    seed: int = 0,
) -> None:
    """Check ``cls(**config).fill(weight, bias)`` on weights of several shapes, float32 and float64.

    Every fill is in place, leaves shapes and dtypes, writes finite values, accepts ``bias=None``, and
    draws from torch's global generator only (the same seed gives the same values; with ``random``, another
    seed others). Fans are PyTorch's (:func:`minidl.plugin.fans`: ``(out, in, *kernel)`` has fan_in
    ``in * kernel``). A 1-D weight is filled or refused with ShapeError, never another error.

    Statistics over large weights (2-D and 4-D), when given: ``std`` and ``bound`` (numbers, or functions of
    ``(fan_in, fan_out)``) for the standard deviation (within 2 %) and the largest magnitude; ``reference``,
    a function filling a tensor in place, e.g. ``lambda w: nn.init.xavier_normal_(w, gain=2.0)`` with torch's
    ``nn`` imported in the test, whose draws must have the same mean, spread and quantiles. ``zero_bias``:
    True if the bias must come out zero.
    """
    config = dict(config or {})
    name = cls.__name__
    initializer = cls(**config)
    check_config_roundtrip(initializer, config)
    for shape in SHAPES:
        for dtype in (torch.float32, torch.float64):
            first, bias = _filled(initializer, shape, dtype, seed)
            if not torch.equal(first, _filled(initializer, shape, dtype, seed)[0]):
                raise AssertionError(
                    f"{name}: the same seed gave different weights of shape {shape}: draw from torch's global "
                    "generator (the trainer seeds it)"
                )
            if random and first.numel() > 1 and torch.equal(first, _filled(initializer, shape, dtype, seed + 1)[0]):
                raise AssertionError(
                    f"{name}: another seed gave the same weights of shape {shape} (random=False if it is not random)"
                )
            if zero_bias and bool(bias.ne(0).any()):
                raise AssertionError(f"{name}: the bias of a weight of shape {shape} is not zero")
        _filled(initializer, shape, torch.float32, seed, with_bias=False)
    _check_vector(initializer)
    for shape in LARGE:
        _check_statistics(initializer, shape, seed, reference, std, bound)


def _filled(
    initializer: Initializer, shape: tuple[int, ...], dtype: torch.dtype, seed: int, with_bias: bool = True
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """A NaN-filled weight (and bias) after ``fill`` under ``seed``, checked to be filled in place."""
    weight = torch.full(shape, float("nan"), dtype=dtype)
    bias = torch.full(shape[:1], float("nan"), dtype=dtype) if with_bias else None
    with isolated_rng(seed, torch.device("cpu")):
        initializer.fill(weight, bias)
    for what, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and (tensor.dtype != dtype or not bool(torch.isfinite(tensor).all())):
            raise AssertionError(
                f"{type(initializer).__name__}.fill left the {what} of a {shape} {dtype} weight unfilled or "
                "non-finite (fill writes in place, into the tensors it is given)"
            )
    return weight, bias


def _check_vector(initializer: Initializer) -> None:
    try:
        initializer.fill(torch.zeros(4), None)
    except ShapeError:
        pass
    except Exception as error:
        raise AssertionError(
            f"{type(initializer).__name__}.fill on a 1-D weight raised {type(error).__name__}: {error}; refuse it "
            "with minidl.ShapeError (minidl.plugin.fans does) or fill it"
        ) from error


def _check_statistics(
    initializer: Initializer,
    shape: tuple[int, ...],
    seed: int,
    reference: Callable[[torch.Tensor], Any] | None,
    std: Statistic | None,
    bound: Statistic | None,
) -> None:
    name = f"{type(initializer).__name__} on a {shape} weight"
    weight, _ = _filled(initializer, shape, torch.float64, seed)
    fan_in, fan_out = fans(weight)
    spread = float(weight.std())
    if std is not None:
        expected = std(fan_in, fan_out) if callable(std) else std
        if abs(spread - expected) > 0.02 * expected or abs(float(weight.mean())) > 0.02 * expected:
            raise AssertionError(
                f"{name}: mean {float(weight.mean()):.4g} and standard deviation {spread:.4g}, expected 0 and "
                f"{expected:.4g} (fan_in {fan_in}, fan_out {fan_out})"
            )
    if bound is not None:
        limit = bound(fan_in, fan_out) if callable(bound) else bound
        if float(weight.abs().max()) > limit * (1 + 1e-6):
            raise AssertionError(f"{name}: a value of magnitude {float(weight.abs().max()):.4g} exceeds {limit:.4g}")
    if reference is not None:
        expected = torch.empty(shape, dtype=torch.float64)
        with isolated_rng(seed + 7, torch.device("cpu")):
            reference(expected)
        scale = float(expected.std())
        levels = torch.tensor([0.05, 0.25, 0.5, 0.75, 0.95], dtype=torch.float64)
        ours, theirs = _quantiles(weight, levels), _quantiles(expected, levels)
        worst = int((ours - theirs).abs().argmax())
        if abs(spread - scale) > 0.02 * scale or float((ours - theirs).abs().max()) > 0.06 * scale:
            raise AssertionError(
                f"{name}: standard deviation {spread:.4g} against the reference's {scale:.4g}; "
                f"{float(levels[worst]):.0%} quantile {float(ours[worst]):.4g} against {float(theirs[worst]):.4g}"
            )


def _quantiles(values: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
    ordered = values.reshape(-1).sort().values
    return ordered[(levels * (ordered.numel() - 1)).round().long()]
