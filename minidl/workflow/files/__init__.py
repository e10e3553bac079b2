"""Spec, model and checkpoint files (``.minidl``): one msgpack document, safe to load from a stranger.

    minidl.save(model, "net.minidl", training=spec["training"])
    loaded = minidl.load("net.minidl")          # LoadedFile: kind, spec, model, producer, trainer_state
    run.save_checkpoint("run.minidl")           # a minidl.Run's spec, weights and training state
    run = minidl.resume("run.minidl")           # continues exactly

specs/FORMAT.md describes the format.
"""

from minidl.workflow.files.format import EXTENSION, FORMAT_ID, FORMAT_VERSION
from minidl.workflow.files.load import LoadedFile, load
from minidl.workflow.files.save import save, save_checkpoint, save_spec

__all__ = [
    "EXTENSION",
    "FORMAT_ID",
    "FORMAT_VERSION",
    "LoadedFile",
    "load",
    "save",
    "save_checkpoint",
    "save_spec",
]
