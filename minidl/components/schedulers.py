"""Learning-rate schedulers, stepped once per epoch."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from minidl.components.optim.optimizer import Optimizer
from minidl.core.config import Configurable, Param, validate_config
from minidl.core.errors import ConfigError


class Scheduler(Configurable):
    """Base class: ``step(metric)`` after each epoch; ``state_dict``/``load_state_dict`` for checkpoints.

    ``state_keys`` names the attributes that change while training and so belong in a checkpoint.
    """

    runtime_arguments = ("optimizer",)
    state_keys: tuple[str, ...] = ()

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise ConfigError(f"{type(self).__name__}: expected a minidl optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer

    def step(self, metric: float) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        return {"config": self.get_config(), **{k: getattr(self, k) for k in self.state_keys}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        name = type(self).__name__
        config = validate_config(type(self), state.get("config"), where=f"{name} state.config")
        missing = [k for k in self.state_keys if k not in state]
        if missing:
            raise ConfigError(f"{name}.load_state_dict: missing {', '.join(missing)}")
        self.set_config(**config)
        for key in self.state_keys:
            setattr(self, key, state[key])


class ReduceLROnPlateau(Scheduler):
    """Multiply the learning rate by ``factor`` when the metric has not improved for ``patience`` epochs.

    PyTorch's semantics: "improved" means better than the best so far by ``threshold`` (relative:
    ``best * (1 -/+ threshold)``; absolute: ``best -/+ threshold``); after a reduction, ``cooldown``
    epochs pass before bad epochs count again; the rate never goes below ``min_lr``, and changes
    smaller than ``eps`` are skipped.
    """

    state_keys = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch")

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Annotated[Literal["min", "max"], Param(help="whether the metric should go down or up")] = "min",
        factor: Annotated[float, Param(gt=0.0, lt=1.0, help="multiplier of the learning rate on a plateau")] = 0.1,
        patience: Annotated[int, Param(ge=0, help="epochs without improvement before reducing")] = 10,
        threshold: Annotated[float, Param(ge=0.0, help="smallest change that counts as improvement")] = 1e-4,
        threshold_mode: Annotated[
            Literal["rel", "abs"], Param(help="threshold relative to the best, or absolute")
        ] = "rel",
        cooldown: Annotated[int, Param(ge=0, help="epochs to wait after a reduction")] = 0,
        min_lr: Annotated[float, Param(ge=0.0, help="lower bound of the learning rate")] = 0.0,
        eps: Annotated[float, Param(ge=0.0, help="smallest reduction that is applied")] = 1e-8,
    ) -> None:
        super().__init__(optimizer)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.eps = eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0

    def is_better(self, value: float, best: float) -> bool:
        if self.mode == "min":
            return value < (best * (1.0 - self.threshold) if self.threshold_mode == "rel" else best - self.threshold)
        return value > (best * (1.0 + self.threshold) if self.threshold_mode == "rel" else best + self.threshold)

    def step(self, metric: float) -> None:
        current = float(metric)
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            old = self.optimizer.lr
            new = max(old * self.factor, self.min_lr)
            if old - new > self.eps:
                self.optimizer.set_config(lr=new)
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
