"""Weight initializers."""

from minidl_extra.init.orthogonal import Orthogonal
from minidl_extra.init.xavier_uniform import XavierUniform

__all__ = ["Orthogonal", "XavierUniform"]
