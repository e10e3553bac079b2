"""``minidl-tui --device/--precision``: every run of the session computes there, and the status area says so."""

from __future__ import annotations

import pytest

from minidl.tui import main
from minidl.tui.app import make_app
from minidl.tui.config import TEST_CONFIG
from minidl.workflow.run import Runtime
from tests.tui.conftest import SIZE, settle, small_spec


async def test_the_status_area_names_a_chosen_precision_and_training_uses_it() -> None:
    app = make_app(spec=small_spec(epochs=2), config=TEST_CONFIG, runtime=Runtime(device="cpu", precision="bf16"))
    async with app.run_test(size=SIZE) as pilot:
        assert app.main.query_one("#metrics").border_title == "Training on cpu, bf16"
        await pilot.press("space")
        await settle(app, pilot)
        assert len(app.main.history) == 2
        assert type(app.main.session.trainer.compiled_step).__name__ == "Bf16Step"
        await pilot.press("r")  # a rebuilt run keeps the session's choice
        assert type(app.main.session.trainer.compiled_step).__name__ == "Bf16Step"


async def test_the_default_cpu_float32_is_not_announced() -> None:
    app = make_app(spec=small_spec(epochs=1), config=TEST_CONFIG)
    async with app.run_test(size=SIZE):
        assert app.main.query_one("#metrics").border_title == "Training"
        assert app.main.session.placement == ""


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--device", "gpu"], "minidl-tui: error: device 'gpu': unknown device"),
        (["--precision", "tf32"], "minidl-tui: error: precision 'tf32': TF32 matmuls exist on CUDA GPUs only"),  # cpu
    ],
)
def test_a_bad_choice_is_one_line_before_the_app_starts(argv, message, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1
