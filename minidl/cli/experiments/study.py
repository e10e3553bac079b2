"""The report's study as data: groups of configurations, each one a spec trained over several seeds.

The four comparisons of the original report (activations x initializations, losses x optimizers,
scheduler, dropout) keep its setup: the 2 -> 25 -> 25 -> 25 -> 2 network, batch 10, SGD at lr 0.05 or
Adam at lr 1e-3. Our own rows start from the default recipe and swap in one plugin component each;
a row whose component is not installed is skipped with a note instead of failing the study.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from minidl.core.config import config_text
from minidl.core.errors import ConfigError, MinidlError
from minidl.workflow.recipe import builtin, default_spec, report_network
from minidl.workflow.spec import normalize

SGD = {"component": builtin("SGD"), "config": {"lr": 0.05}}
ADAM = {"component": builtin("Adam"), "config": {"lr": 1e-3}}
PLATEAU = {"component": builtin("ReduceLROnPlateau"), "config": {"factor": 0.5, "patience": 10}}
GAIN = {"ReLU": 2.0**0.5, "Tanh": 5.0 / 3.0}  # minidl.gain(): the gain for the activation that follows
EXTRA = "minidl-extra"
MAX_TRIALS = 10_000  # per configuration: beyond it the study would run for weeks (and its seed list fill the memory)


@dataclass(frozen=True)
class Settings:
    """How large the study is: every row's data size and epochs; the report's rows also take its batch size.

    The default-recipe rows keep the recipe's own batch size. The seed is set per trial.
    """

    trials: int = 10
    epochs: int = 200
    n_train: int = 1000
    n_test: int = 1000
    batch_size: int = 10
    first_seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.trials, bool) or not isinstance(self.trials, int) or not 1 <= self.trials <= MAX_TRIALS:
            raise ConfigError(
                f"experiments: the number of trials must be a whole number in [1, {MAX_TRIALS}], got {self.trials!r}"
            )

    @classmethod
    def quick(cls, trials: int = 2) -> Settings:
        """A smoke-test size: a few epochs on small data, for tests and a first look."""
        return cls(trials=trials, epochs=20, n_train=200, n_test=200)

    @property
    def seeds(self) -> list[int]:
        return list(range(self.first_seed, self.first_seed + self.trials))

    def apply(self, spec: dict[str, Any]) -> dict[str, Any]:
        """``spec`` with this study's data size and epochs (the batch size stays the spec's)."""
        training = spec["training"]
        training["dataset"] = {
            "component": builtin("circle"),
            "config": {"n_train": self.n_train, "n_test": self.n_test},
        }
        training.update(epochs=self.epochs, seed=self.first_seed)
        return spec


@dataclass(frozen=True)
class Config:
    """One row of the study: a label and the spec its trials train."""

    label: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class Group:
    """One comparison: its configurations, what they share, and the rows that could not run."""

    key: str
    title: str
    setup: str
    configs: tuple[Config, ...]
    skipped: tuple[str, ...] = field(default=())


def report_spec(
    settings: Settings,
    activation: str = "ReLU",
    init: str = "default",
    loss: str = "MSELoss",
    optimizer: dict[str, Any] = SGD,
    scheduler: dict[str, Any] | None = None,
    dropout: float | None = None,
) -> dict[str, Any]:
    """The report's network and training setup with the given choices (minidl's own components, by short name)."""
    layers = report_network(builtin(activation))
    if dropout is not None:
        hidden = [i for i, layer in enumerate(layers) if layer["component"] == builtin(activation)]
        for i in reversed(hidden):
            layers.insert(i + 1, {"component": builtin("Dropout"), "config": {"p": dropout}})
    init_config = {} if init == "default" else {"gain": GAIN[activation]}
    spec = {
        "model": {"layers": layers, "init": {"component": builtin(init), "config": init_config}, "dtype": "float32"},
        "training": {
            "loss": {"component": builtin(loss), "config": {}},
            "optimizer": optimizer,
            "scheduler": scheduler,
            "batch_size": settings.batch_size,
        },
    }
    return settings.apply(spec)


def _activations(s: Settings) -> Group:
    configs = tuple(
        Config(f"{act}, {init} init", report_spec(s, act, init))
        for act in ("ReLU", "Tanh")
        for init in ("default", "xavier", "he")
    )
    setup = (
        "MSE, SGD lr 0.05, no scheduler, no dropout; Xavier and He with the activation's gain (ReLU sqrt 2, Tanh 5/3)."
    )
    return Group("activations", "Activations x initializations", setup, configs)


def _losses(s: Settings) -> Group:
    configs = tuple(
        Config(f"{loss_label}, {_name(opt)}", report_spec(s, loss=loss, optimizer=opt))
        for loss, loss_label in (("MSELoss", "MSE"), ("CrossEntropyLoss", "CE"))
        for opt in (SGD, ADAM)
    )
    setup = "ReLU, default init, SGD lr 0.05 or Adam lr 1e-3, no scheduler, no dropout."
    return Group("losses", "Losses x optimizers", setup, configs)


def _scheduler(s: Settings) -> Group:
    configs = (
        Config("no scheduler", report_spec(s, loss="CrossEntropyLoss", optimizer=ADAM)),
        Config("ReduceLROnPlateau", report_spec(s, loss="CrossEntropyLoss", optimizer=ADAM, scheduler=PLATEAU)),
    )
    setup = "ReLU, default init, CE, Adam lr 1e-3; ReduceLROnPlateau on the training loss (factor 0.5, patience 10)."
    return Group("scheduler", "With and without the scheduler", setup, configs)


def _dropout(s: Settings) -> Group:
    common = {"loss": "CrossEntropyLoss", "optimizer": ADAM, "scheduler": PLATEAU}
    configs = (
        Config("no dropout", report_spec(s, **common)),
        Config("Dropout p=0.1", report_spec(s, dropout=0.1, **common)),
    )
    setup = "ReLU, default init, CE, Adam lr 1e-3, ReduceLROnPlateau; Dropout(p=0.1) after each hidden activation."
    return Group("dropout", "With and without dropout", setup, configs)


def _recipe_variant(
    s: Settings, activation: str | None = None, batchnorm: bool = False, **training: Any
) -> dict[str, Any]:
    """The default recipe with one component swapped (an activation, the optimizer or the scheduler)."""
    spec = s.apply(default_spec())
    layers = spec["model"]["layers"]
    if activation is not None:
        layers[:] = [
            {"component": activation, "config": {}} if layer["component"] == builtin("ReLU") else layer
            for layer in layers
        ]
    if batchnorm:
        linears = [i for i, layer in enumerate(layers) if layer["component"] == builtin("Linear")][:-1]
        for i in reversed(linears):
            width = layers[i]["config"]["out_features"]
            layers.insert(i + 1, {"component": "BatchNorm1d", "config": {"num_features": width}})
    spec["training"].update(training)
    return spec


def _ours(s: Settings) -> Group:
    candidates = [
        Config("default recipe", _recipe_variant(s)),
        Config("+ BatchNorm1d", _recipe_variant(s, batchnorm=True)),
        *(
            Config(f"{act} instead of ReLU", _recipe_variant(s, activation=act))
            for act in ("GELU", "SiLU", "ELU", "LeakyReLU")
        ),
        Config(
            "AdamW instead of Adam",
            _recipe_variant(s, optimizer={**default_spec()["training"]["optimizer"], "component": "AdamW"}),
        ),
        Config(
            "StepLR instead of plateau",
            _recipe_variant(
                s, scheduler={"component": "StepLR", "config": {"step_size": max(1, s.epochs // 4), "gamma": 0.5}}
            ),
        ),
        Config(
            "CosineAnnealingLR instead of plateau",
            _recipe_variant(s, scheduler={"component": "CosineAnnealingLR", "config": {"T_max": s.epochs}}),
        ),
    ]
    configs, skipped = [], []
    for config in candidates:
        try:
            normalize(config.spec)
        except MinidlError as error:
            skipped.append(
                f"{config.label}: skipped ({error}; install the {EXTRA} plugin: pip install plugins/{EXTRA})"
            )
            continue
        configs.append(config)
    recipe = candidates[0].spec["training"]
    setup = (
        f"The default recipe (minidl/workflow/recipe.py: ReLU, default init, {_text(recipe['loss'])}, "
        f"{_text(recipe['optimizer'])}, {_text(recipe['scheduler'])}, batch {recipe['batch_size']}), "
        "then one plugin component swapped in per row."
    )
    return Group("ours", "Our rows: the default recipe and plugin components", setup, tuple(configs), tuple(skipped))


def _text(ref: dict[str, Any] | None) -> str:
    """``Adam(lr=0.01, betas=[0.9, 0.99])``: a component reference as a reader writes it."""
    if ref is None:
        return "no scheduler"
    return f"{_name(ref)}({config_text(ref.get('config', {}))})"


def _name(ref: dict[str, Any]) -> str:
    """A component's name as the report writes it: minidl's own without the ``minidl:`` prefix."""
    return ref["component"].removeprefix(builtin(""))


def study(settings: Settings) -> list[Group]:
    """Every group of the study at the given size, in report order."""
    return [_activations(settings), _losses(settings), _scheduler(settings), _dropout(settings), _ours(settings)]


def with_seed(spec: dict[str, Any], seed: int) -> dict[str, Any]:
    """A copy of ``spec`` training from ``seed`` (data, initial weights and shuffling all follow it)."""
    training = {**spec["training"], "seed": seed}
    return {**spec, "training": training}
