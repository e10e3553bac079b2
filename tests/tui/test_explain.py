"""Any exception becomes one plain line: the OS's words without errno, torch's message without C++ frames."""

import errno

from minidl.core.errors import ConfigError
from minidl.tui.explain import explain


def test_errors_are_one_plain_line() -> None:
    torch_said = RuntimeError(
        "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: "
        "you tried to allocate 40000000000 bytes. Error code 12 (Cannot allocate memory)\nframe #0: ..."
    )
    assert explain(torch_said) == "not enough memory: one tensor alone needs 40 GB"
    assert explain(FileNotFoundError(errno.ENOENT, "No such file or directory", "x.minidl")) == "no such file"
    assert explain(OSError(errno.EIO, "Input/output error")) == "input/output error"
    assert explain(ValueError("first line\n  at C++ frame")) == "ValueError: first line"
    assert explain(ConfigError("lr: expected float >= 0, got 'x'")) == "lr: expected float >= 0, got 'x'"
    assert explain(KeyError()) == "KeyError"
    assert len(explain(RuntimeError("x" * 1000))) == 300
