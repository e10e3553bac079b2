"""A run: the spec being trained, the model and Trainer built from it, and how it executes (:class:`Runtime`).

The spec is the run's truth: what a user changes between epochs goes into the spec and the Trainer
together, so a checkpoint written at any moment holds the run as it is; anything else (layers, data,
loss, seed...) makes a new run. The Trainer knows nothing of specs or files: building, resuming and
saving it happen here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import torch

from minidl.components.modules.sequential import Sequential
from minidl.core.errors import ConfigError
from minidl.workflow import memory
from minidl.workflow.devices import resolve_device
from minidl.workflow.distributed import World
from minidl.workflow.distributed.agreement import agree
from minidl.workflow.failures import Watch, build
from minidl.workflow.files import LoadedFile, TrainingState, load, save, save_checkpoint
from minidl.workflow.precision import apply_matmul_precision, check_precision
from minidl.workflow.spec import MODEL_DTYPES, check_fits, check_update, copy_spec, fresh_model, normalize
from minidl.workflow.trainer import EpochMetrics, Trainer

LIVE_SECTIONS = ("epochs", "batch_size", "optimizer")  # the optimizer only as new values of the same one


@dataclass(frozen=True)
class Runtime:
    """How a run executes, never what it trains: chosen when running, never saved.

    ``compile``: the compiled training step (``None``: ``MINIDL_COMPILE`` decides). ``threads``: torch's
    intra-op threads, process-wide, set when the run is made (``None``: left as they are). ``device``:
    ``cpu``, ``cuda``, ``cuda:N`` or ``auto`` (``None``: where the model is, the CPU for fresh weights),
    checked when the Runtime is made. ``precision``: ``float32``, ``tf32`` (CUDA's TF32 matmuls,
    process-wide) or ``bf16`` (mixed precision). ``graphs``: CUDA-graph steps (``None``: on for CUDA).
    ``world``: the ranks of a data-parallel run this process is one of (``distributed.join``;
    ``None``: alone).
    """

    compile: bool | None = None
    threads: int | None = None
    world: World | None = None
    device: str | torch.device | None = None
    precision: str = "float32"
    graphs: bool | None = None
    _device: torch.device | None = field(init=False, repr=False, compare=False, default=None)  # ``device``, resolved

    def __post_init__(self) -> None:
        threads = self.threads
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
            raise ConfigError(f"Runtime: threads must be an int >= 1 or None, got {threads!r}")
        if self.world is not None and not isinstance(self.world, World):
            raise ConfigError(
                f"Runtime: world must be a World (minidl.workflow.distributed.join()) or None, got {self.world!r}"
            )
        device = None if self.device is None else resolve_device(self.device)
        if device is not None and device.type == "meta":
            raise ConfigError("device 'meta': it holds shapes, not values; a run needs cpu, cuda, cuda:N or auto")
        check_precision(self.precision, None, device)
        object.__setattr__(self, "_device", device)

    def apply(self) -> None:
        """Set what belongs to the whole process (torch's thread count)."""
        if self.threads is not None:
            torch.set_num_threads(self.threads)

    def device_for(self, model: Sequential | None) -> torch.device:
        """The device the run computes on: the chosen one, else the model's, else the CPU."""
        if self._device is not None:
            return self._device
        return torch.device("cpu") if model is None else model.placement()[1]


class Run:
    """Trains a spec on ``model`` (in place) or on fresh weights from the spec's seed; ``state`` (a checkpoint's)
    continues exactly. Before anything large is allocated, one optimizer step on a scratch weight checks the
    update fits the dtype, and the weights, gradients and data are checked against the free memory.
    """

    def __init__(
        self,
        spec: dict[str, Any],
        model: Sequential | None = None,
        *,
        state: TrainingState | None = None,
        runtime: Runtime | None = None,
    ) -> None:
        self._spec = normalize(spec)
        if self._spec["training"] is None:
            raise ConfigError("spec.training: this spec has no training setup (dataset, loss, optimizer, ...)")
        self.runtime = runtime or Runtime()
        self.runtime.apply()
        self.trainer = _trainer(self._spec, model, state, self.runtime)

    @classmethod
    def from_file(cls, loaded: LoadedFile, runtime: Runtime | None = None) -> Run:
        """The run a loaded file goes on with: a checkpoint's exactly, else fresh training of the file's model."""
        if loaded.spec["training"] is None:
            raise ConfigError(
                f"this {loaded.kind} file has no training setup (spec.training is nil): nothing to train with"
            )
        return cls(loaded.spec, loaded.model, state=loaded.state, runtime=runtime)

    @property
    def spec(self) -> dict[str, Any]:
        """A copy of the normalised spec, as changed so far: edit the run itself with :meth:`change`."""
        return copy_spec(self._spec)

    @property
    def model(self) -> Sequential:
        return self.trainer.model

    @property
    def history(self) -> list[EpochMetrics]:
        return self.trainer.history

    @property
    def leads(self) -> bool:
        """Whether this process prints the run's progress and writes its files: alone, or as rank 0 of its world."""
        return self.runtime.world is None or self.runtime.world.rank == 0

    def fit(self, epochs: int | None = None, *, verbose: bool = False) -> list[EpochMetrics]:
        """``Trainer.fit``: up to ``epochs`` more epochs (default: to the planned total); only the leading process
        prints. With a world, the first call checks that every rank trains the same spec (as changed so far) and
        gives every rank rank 0's weights; from then on the Trainer steps and evaluates data-parallel.
        """
        world = self.runtime.world
        if world is not None and self.trainer.world is None:
            agree(world, self._spec, self.trainer)
            self.trainer.join(world)
        return self.trainer.fit(epochs, verbose=verbose and self.leads)

    def can_change(self, section: str, value: Any) -> bool:
        """Whether :meth:`change` takes this normalised training value, or only a new run can."""
        if section not in LIVE_SECTIONS:
            return False
        return section != "optimizer" or value["component"] == self._spec["training"]["optimizer"]["component"]

    def change(self, section: str, value: Any) -> None:
        """Between epochs: a new total of epochs, batch size, or values of the optimizer (the ones its ``config``
        gives: ``{"component": "Adam", "config": {"lr": 1e-3}}`` changes the learning rate alone; its other
        values, the learning rate a scheduler lowered say, stay as they are); the spec records it. Call it from
        the thread that trains, or while nothing does. With a world, make the same change on every rank: the
        ranks compare their specs when the first ``fit`` starts, not after.
        """
        training = normalize({**self._spec, "training": {**self._spec["training"], section: value}})["training"]
        new, old = training[section], self._spec["training"][section]
        if not self.can_change(section, new):
            raise ConfigError(f"spec.training.{section}: cannot change during a run (start a new run)")
        if section == "optimizer":
            given = value.get("config") or {}  # normalize filled the rest with defaults, not with the run's values
            new = {**new, "config": {k: v if k in given else old["config"][k] for k, v in new["config"].items()}}
            changed = {k: v for k, v in new["config"].items() if old["config"][k] != v}
            self.trainer.optimizer.set_config(**changed)
        else:
            setattr(self.trainer, section, new)
        self._spec["training"][section] = new

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model with the run's training setup (``minidl.load`` gives back both); with a world, rank 0
        alone writes."""
        if self.leads:
            save(self.model, path, training=self._spec["training"])

    def save_checkpoint(self, path: str | os.PathLike[str]) -> None:
        """Write everything :func:`resume` needs to continue this run bit for bit, on any number of ranks.

        With a world, rank 0 alone writes and the others go on to the next collective, where they wait for
        it (no barrier after it: once it returned the file is whole, whatever another rank does meanwhile).
        """
        if self.leads:
            save_checkpoint(self._spec, self.trainer, path)


def resume(path: str | os.PathLike[str], runtime: Runtime | None = None) -> Run:
    """The run a file goes on with: a checkpoint exactly where it stopped, a model file's setup on its weights."""
    return Run.from_file(load(path, device=None if runtime is None else runtime.device), runtime)


def build_trainer(
    spec: dict[str, Any],
    model: Sequential | None = None,
    *,
    compile: bool | None = None,
    device: str | torch.device | None = None,
    precision: str = "float32",
    graphs: bool | None = None,
) -> Trainer:
    """A Trainer for the spec's training setup (on ``model``, or fresh weights): the plain loop, without a Run.

    ``device``, ``precision`` and ``graphs`` are :class:`Runtime`'s; the model is moved to the device.
    """
    return Run(spec, model, runtime=Runtime(compile=compile, device=device, precision=precision, graphs=graphs)).trainer


def _trainer(spec: dict[str, Any], model: Sequential | None, state: TrainingState | None, runtime: Runtime) -> Trainer:
    training = spec["training"]
    seed = training["seed"]
    device = runtime.device_for(model)
    dtype = MODEL_DTYPES[spec["model"]["dtype"]] if model is None else model.placement()[0]
    check_precision(runtime.precision, dtype, device)
    apply_matmul_precision(runtime.precision, device)
    check_update(training["optimizer"], dtype, device)
    dataset = build("dataset", training["dataset"], "spec.training.dataset")
    needs = {"data": memory.data_bytes(dataset, dtype)}
    if model is None:
        weights = memory.weight_bytes(spec["model"]["layers"], dtype)
        needs = {"weights": weights, "gradients": weights, **needs}
    memory.require(needs, "spec")
    if device.type == "cuda":
        memory.require(needs, f"spec on {device}", device)
    if model is None:
        model = fresh_model(spec, seed).to(device=device)  # drawn on the CPU from the seed: the same weights anywhere
    elif model.placement()[1] != device:
        model.to(device=device)
        if state is not None:  # the optimizer's buffers follow its parameters
            state.optimizer.load_state_dict(state.optimizer.state_dict())
    with Watch(lambda: [(dataset, "dataset", "spec.training.dataset")], "loading the data set"):
        data = dataset.load(seed)
    check_fits(model, data.num_features, data.num_classes, training["dataset"]["component"])
    loss = build("loss", training["loss"], "spec.training.loss")
    if state is not None:
        optimizer, scheduler = state.optimizer, state.scheduler
    else:
        optimizer = build("optimizer", training["optimizer"], "spec.training.optimizer", model.param())
        scheduler = (
            None
            if training["scheduler"] is None
            else build("scheduler", training["scheduler"], "spec.training.scheduler", optimizer)
        )
    trainer = Trainer(
        model,
        loss,
        optimizer,
        data,
        scheduler=scheduler,
        epochs=training["epochs"],
        batch_size=training["batch_size"],
        seed=seed,
        compile=runtime.compile,
        precision=runtime.precision,
        graphs=runtime.graphs,
    )
    if state is not None:
        trainer.continue_after(state.history, state.rng)
    return trainer
