"""minidl: a small deep-learning framework on PyTorch tensors, with hand-written backward passes.

    import minidl
    model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 2))
    loss = minidl.CrossEntropyLoss()
    optimizer = minidl.Adam(model.param(), lr=1e-3)

    value = loss(model(x), y)
    model.backward(loss.backward())
    optimizer.step(); optimizer.zero_grad()

``import minidl`` is lazy (PEP 562): each public name is imported on first use, so the ``minidl``
command can install its Ctrl-C handling before torch is imported. No plugin and no Textual is
imported until needed; the registry loads plugins on first use.
"""

from importlib import import_module as _import_module

from minidl.version import __version__ as __version__

_EXPORTS: dict[str, tuple[str, ...]] = {
    "minidl.components.datasets": ("Circle", "DataSplit", "Dataset", "PooledDataset", "SampledDataset", "TwoGaussians"),
    "minidl.components.init": ("DefaultInit", "HeNormal", "Initializer", "XavierNormal", "gain"),
    "minidl.components.losses": ("CrossEntropyLoss", "Loss", "MSELoss"),
    "minidl.components.modules": ("Dropout", "Elementwise", "InputFeatures", "Linear", "ReLU", "Sequential", "Tanh"),
    "minidl.components.optim": ("SGD", "Adam", "Optimizer"),
    "minidl.components.schedulers": ("ReduceLROnPlateau", "Scheduler"),
    "minidl.core": (
        "CallOrderError",
        "ConfigError",
        "Configurable",
        "MinidlError",
        "Module",
        "Param",
        "Parameter",
        "ShapeError",
        "SpecError",
        "TrainingDiverged",
    ),
    "minidl.workflow.export": ("export_onnx", "load_safetensors", "save_safetensors"),
    "minidl.workflow.files": ("LoadedFile", "load", "save", "save_spec"),
    "minidl.workflow.recipe": ("default_spec",),
    "minidl.workflow.run": ("Run", "Runtime", "build_trainer", "resume"),
    "minidl.workflow.spec": ("build_model",),
    "minidl.workflow.trainer": ("EpochMetrics", "Trainer"),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
# what an eager ``import minidl`` used to leave as attributes: ``minidl.registry.names(...)`` keeps working
_SUBPACKAGES = ("components", "core", "registry", "workflow")

__all__ = sorted(_HOME)


def __getattr__(name: str) -> object:
    if name in _HOME:
        value = getattr(_import_module(_HOME[name]), name)
    elif name in _SUBPACKAGES:
        value = _import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME, *_SUBPACKAGES})
