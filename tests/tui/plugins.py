"""Plugin sources that misbehave the ways a TUI user met (made into fake distributions by the tests).

``Explodes`` raises where its ``raise_in`` parameter says, with Textual markup in every text it shows.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from minidl import registry
from minidl.registry.failures import PluginWarning
from tests.registry.fake_plugins import make_distribution

EXPLODING = """
    from typing import Annotated, Literal
    import minidl
    from minidl.registry import hookimpl

    class Explodes(minidl.Module):
        \"\"\"Raises where asked to [/] (a [bold]plugin's[/bold] bug).\"\"\"

        def __init__(
            self,
            raise_in: Annotated[
                Literal["nowhere", "constructor", "forward", "training", "backward"],
                minidl.Param(help="where to raise [/]"),
            ] = "nowhere",
            normalized_shape_of_inputs: Annotated[int, minidl.Param(ge=1, help="a long name [/]")] = 1,
        ):
            super().__init__()
            if raise_in == "constructor":
                raise RuntimeError("constructor exploded [/]")
            self.raise_in = raise_in
            self.normalized_shape_of_inputs = normalized_shape_of_inputs  # what it declares, it holds

        def forward(self, x):
            if self.raise_in == "forward" or (self.raise_in == "training" and self.training):
                raise RuntimeError("forward exploded [/]")
            return x

        def backward(self, g):
            if self.raise_in == "backward":
                raise ValueError("backward exploded [/]")
            return g

    @hookimpl
    def register_modules(register):
        register(Explodes)
"""

MARKUP_NAME = """
    import minidl
    from minidl.registry import hookimpl

    class Bracket(minidl.Module):
        \"\"\"Identity, registered under a name that is Textual markup.\"\"\"
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Bracket, name="[/]")
"""


def install_exploding(folder: Path) -> None:
    """``minidl-explodes`` (Explodes) and ``minidl-bracket`` (refused: it names a module ``[/]``, so its
    failure reads as markup), then a fresh registry, loaded with the expected warning silenced."""
    make_distribution(folder, "minidl-explodes", "0.1.0", "minidl_explodes_plugin", EXPLODING)
    make_distribution(folder, "minidl-bracket", "0.1.0", "minidl_bracket_plugin", MARKUP_NAME)
    registry.reload()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        registry.names("module")


def exploding_layer(where: str) -> dict:
    return {"component": "minidl-explodes:Explodes", "config": {"raise_in": where}}
