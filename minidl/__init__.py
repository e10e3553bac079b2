"""minidl: a small deep-learning framework on PyTorch tensors, with hand-written backward passes.

    import minidl
    model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 2))
    loss = minidl.CrossEntropyLoss()
    optimizer = minidl.Adam(model.param(), lr=1e-3)

    value = loss(model(x), y)
    model.backward(loss.backward())
    optimizer.step(); optimizer.zero_grad()

``import minidl`` imports no plugin and no Textual; the registry loads plugins on first use.
"""

from minidl.components.datasets import Circle, Dataset, DataSplit, PooledDataset, SampledDataset, TwoGaussians
from minidl.components.init import DefaultInit, HeNormal, Initializer, XavierNormal, gain
from minidl.components.losses import CrossEntropyLoss, Loss, MSELoss
from minidl.components.modules import Dropout, Elementwise, InputFeatures, Linear, ReLU, Sequential, Tanh
from minidl.components.optim import SGD, Adam, Optimizer
from minidl.components.schedulers import ReduceLROnPlateau, Scheduler
from minidl.core import (
    CallOrderError,
    ConfigError,
    Configurable,
    MinidlError,
    Module,
    Param,
    Parameter,
    ShapeError,
    SpecError,
    TrainingDiverged,
)
from minidl.version import __version__ as __version__
from minidl.workflow.export import export_onnx, load_safetensors, save_safetensors
from minidl.workflow.files import LoadedFile, load, resume, save, save_spec
from minidl.workflow.recipe import DEFAULT_SPEC, default_spec
from minidl.workflow.spec import build_model, build_trainer
from minidl.workflow.trainer import EpochMetrics, Trainer

__all__ = [
    "DEFAULT_SPEC",
    "SGD",
    "Adam",
    "CallOrderError",
    "Circle",
    "ConfigError",
    "Configurable",
    "CrossEntropyLoss",
    "DataSplit",
    "Dataset",
    "DefaultInit",
    "Dropout",
    "Elementwise",
    "EpochMetrics",
    "HeNormal",
    "Initializer",
    "InputFeatures",
    "Linear",
    "LoadedFile",
    "Loss",
    "MSELoss",
    "MinidlError",
    "Module",
    "Optimizer",
    "Param",
    "Parameter",
    "PooledDataset",
    "ReLU",
    "ReduceLROnPlateau",
    "SampledDataset",
    "Scheduler",
    "Sequential",
    "ShapeError",
    "SpecError",
    "Tanh",
    "Trainer",
    "TrainingDiverged",
    "TwoGaussians",
    "XavierNormal",
    "build_model",
    "build_trainer",
    "default_spec",
    "export_onnx",
    "gain",
    "load",
    "load_safetensors",
    "resume",
    "save",
    "save_safetensors",
    "save_spec",
]
