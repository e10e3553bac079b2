"""Property: whatever argument list a user types, ``main()`` returns 0, 2, 3 or 130, never raises, and a
non-zero status prints exactly one line on stderr.

The argument lists are drawn from the parser itself (every sub-command, every option, its type) with
extreme values: huge, negative, NaN, infinite, empty and unicode numbers; special and missing paths,
folders, FIFOs, garbage and real minidl files. Paths that commands write to (options of type Path)
stay inside each example's own folder; paths that commands read (positionals) include ``/``,
``/dev/null`` and the like. Runs are kept short: the default recipe is a tiny spec, training stops
after two epochs, and ``minidl experiments`` trains nothing.

The suite runs a fixed, derandomised sample of 150; the long variant draws ``MINIDL_EXAMPLES`` (3000) from
``MINIDL_SEED`` (1): ``pytest -m long tests/cli/test_properties.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import minidl
from minidl.cli import COMMANDS, build_parser, experiments, main
from minidl.workflow import memory
from minidl.workflow.trainer import Trainer
from tests import faulty_plugin
from tests.cli.conftest import small_spec

STATUSES = {0, 2, 3, 130}
SANE = st.sampled_from(["1", "2", "3", "10", "0.5", "0.01"])
"""Ordinary values, drawn as often as extreme ones, so that many argument lists get past the parser."""
NUMBERS = st.one_of(
    st.sampled_from(
        [
            *("0", "1", "2", "-1", "1.5", "1e-3", "1e38", "1e39", "-1e39", "1e-320", "1e400"),
            *("nan", "-nan", "inf", "-inf", "", " ", "1_000", "٣", "0x10", "2**63", "9" * 40),
            *(str(2**63 - 1), str(2**63), str(2**64)),
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
)
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
"""What the OS can hand a program: no NUL; undecodable bytes come as surrogate escapes (in INPUTS)."""
FILES = ["spec.minidl", "model.minidl", "bare.minidl", "checkpoint.minidl", "garbage.minidl", "empty.minidl"]
FILES += ["faulty-spec.minidl", "faulty-model.minidl"]  # a plugin layer raises in training, or in any forward
INPUTS = st.sampled_from(FILES) | st.sampled_from(
    [
        *("ünïcødé spec.minidl", "folder", "fifo", "missing.minidl", "missing/x.minidl", "model.minidl/x"),
        *(".", "..", "/", "/dev/null", "/proc/self/mem", "", "-", "x" * 300, "\udcff.minidl"),  # not UTF-8
    ]
)
OUTPUTS = st.sampled_from(
    [
        *("out.minidl", "folder", "fifo", "missing/out.minidl", "model.minidl/out.minidl", "spec.minidl"),
        *("ü ñ.minidl", "x" * 240 + ".minidl", "x" * 300, "./out", "folder/", "", "."),
    ]
)


def value_of(action: argparse.Action) -> st.SearchStrategy[str]:
    """Extreme values for one option or positional, chosen by what the parser declares about it."""
    if action.choices is not None:
        return st.sampled_from(sorted(action.choices)) | TEXT
    if action.type is Path:
        return OUTPUTS if action.option_strings else INPUTS  # options name where to write, positionals what to read
    return st.one_of(SANE, NUMBERS, TEXT)


def words_of(parser: argparse.ArgumentParser) -> st.SearchStrategy[list[str]]:
    """Some of a sub-command's options (each with a value when it takes one) and positionals, in any order."""
    groups = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or "--debug" in action.option_strings:
            continue  # --help is drawn below, rarely; --debug prints a traceback on purpose
        value = st.just([]) if action.nargs == 0 else value_of(action).map(lambda v: [v])
        word = st.just(list(action.option_strings[-1:]))
        groups.append(st.one_of(st.just([]), st.tuples(word, value).map(lambda t: t[0] + t[1])))
    junk = st.sampled_from(["--help", "--", "-", "--epochs", "--no-such-option"]) | TEXT
    extra = st.one_of(st.just([]), st.just([]), st.just([]), junk.map(lambda word: [word]))  # mostly none
    return st.tuples(*groups, extra).flatmap(st.permutations).map(lambda gs: [w for g in gs for w in g])


def argument_lists() -> st.SearchStrategy[list[str]]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    by_command = [words_of(sub).map(lambda words, name=name: [name, *words]) for name, sub in commands.items()]
    top = st.lists(st.sampled_from(["--version", "--help", "frobnicate", "-x"]) | TEXT, max_size=2)
    return st.one_of(*by_command, top)


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The files an example may name: a spec, a model with and without training setup, a checkpoint, junk,
    and files whose plugin layer raises (the plugin installed for the test)."""
    (tmp_path / "plugin").mkdir()
    with faulty_plugin.install(tmp_path / "plugin", monkeypatch):
        folder = tmp_path / "files"
        folder.mkdir()
        minidl.save_spec(small_spec(), folder / "spec.minidl")
        minidl.save_spec(small_spec(), folder / "ünïcødé spec.minidl")
        run = minidl.Run(small_spec())
        run.fit(1)
        run.save_checkpoint(folder / "checkpoint.minidl")
        run.save(folder / "model.minidl")
        minidl.save(run.model, folder / "bare.minidl")
        (folder / "garbage.minidl").write_bytes(b"\x81\xa6format\xa6minidl\xff\x00garbage")
        (folder / "empty.minidl").write_bytes(b"")
        (folder / "folder").mkdir()
        minidl.save_spec(
            faulty_plugin.small_spec({"component": "Faulty", "config": {"fail": "train_forward"}}),
            folder / "faulty-spec.minidl",
        )
        faulty = faulty_plugin.small_spec({"component": "Faulty", "config": {"fail": "eval_forward"}})
        minidl.save(minidl.build_model(faulty), folder / "faulty-model.minidl", training=faulty["training"])
        yield folder


@contextmanager
def fresh_folder(files: Path) -> Iterator[None]:
    """A new working folder with copies of ``files`` (an example may write there) and a FIFO."""
    start = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(files, folder, dirs_exist_ok=True)
        os.mkfifo(Path(folder) / "fifo")
        os.chdir(folder)
        try:
            yield
        finally:
            os.chdir(start)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep every run short and small: a tiny default recipe, at most two epochs a run, no study trained, no
    processes started (``--nproc`` runs the command alone), and 4 GiB more address space at most (an example
    that would fill the memory fails here, not the machine)."""
    monkeypatch.setattr("minidl.cli.train_command.default_spec", small_spec)
    run_epoch = Trainer.run_epoch

    def at_most_two(self: Trainer) -> minidl.EpochMetrics:
        metrics = run_epoch(self)
        if self.epoch >= 2:
            self.request_stop()
        return metrics

    monkeypatch.setattr(Trainer, "run_epoch", at_most_two)
    for command in ("train", "resume"):  # --nproc N starts N processes: here the command runs alone, in-process
        monkeypatch.setattr(
            f"minidl.cli.{command}_command.launch",
            lambda args: args.run(argparse.Namespace(**{**vars(args), "nproc": None})),
        )
    monkeypatch.setattr(experiments, "study", lambda settings: [])
    monkeypatch.setattr(experiments, "run_study", lambda *args, **kwargs: {})
    for variable in ("MINIDL_DEBUG", "MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS", "MINIDL_STRICT_PLUGINS"):
        monkeypatch.delenv(variable, raising=False)
    mapped = memory._kib_fields("/proc/self/status").get("VmSize")
    if mapped is None:  # not Linux: no cap
        yield
        return
    import resource

    limits = resource.getrlimit(resource.RLIMIT_AS)
    cap = mapped + 4 * 2**30 if limits[1] == resource.RLIM_INFINITY else min(mapped + 4 * 2**30, limits[1])
    resource.setrlimit(resource.RLIMIT_AS, (cap, limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, limits)


def check_every_argument_list(
    files: Path, capsys: pytest.CaptureFixture[str], examples: int, draw_seed: int | None = None
) -> Counter[str]:
    """Run the property on ``examples`` argument lists (a fixed sample, or drawn from ``draw_seed``); how many
    ended how, by sub-command."""
    seen: Counter[str] = Counter()

    @seed(draw_seed or 0)
    @settings(
        max_examples=examples,
        derandomize=draw_seed is None,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(argument_lists())
    def check(argv: list[str]) -> None:
        with fresh_folder(files):
            capsys.readouterr()
            status = main(argv)
            out, err = capsys.readouterr()
        seen[f"{argv[0] if argv and argv[0] in COMMANDS else '(other)'} -> {status}"] += 1
        assert status in STATUSES, (argv, status, err)
        assert "Traceback" not in out + err, (argv, err)
        if status != 0:
            assert len(err.strip().splitlines()) == 1, (argv, status, err)

    check()
    return seen


def test_every_argument_list_ends_in_a_status_and_at_most_one_line(files: Path, capsys, quick) -> None:
    check_every_argument_list(files, capsys, examples=150)


@pytest.mark.long
def test_every_argument_list_long(files: Path, capsys, quick) -> None:
    examples, draw_seed = int(os.environ.get("MINIDL_EXAMPLES", "3000")), int(os.environ.get("MINIDL_SEED", "1"))
    seen = check_every_argument_list(files, capsys, examples, draw_seed)
    with capsys.disabled():
        print(f"\n{sum(seen.values())} argument lists: " + ", ".join(f"{k} x{n}" for k, n in sorted(seen.items())))
