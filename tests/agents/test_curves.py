"""Learning curves: read back what a SummaryWriter logged, the moving average by hand, the CLI's PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from agents.curves import moving_average, read_curve
from velo.cli.main import app


def write_run(run: Path, rewards: dict[int, float]) -> Path:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(run / "tb"))
    for step, value in rewards.items():
        writer.add_scalar("train/reward", value, step)
    writer.close()
    return run


def test_read_curve_returns_what_was_logged_sorted_by_step(tmp_path: Path) -> None:
    run = write_run(tmp_path / "a", {300: 0.5, 100: 0.25, 200: 0.75})
    steps, values = read_curve(run)
    assert steps.tolist() == [100, 200, 300] and values.tolist() == [0.25, 0.75, 0.5]


def test_moving_average_by_hand() -> None:
    assert moving_average(np.array([1.0, 3.0, 5.0, 7.0]), 2).tolist() == [1.0, 2.0, 4.0, 6.0]
    with pytest.raises(ValueError, match="window"):
        moving_average(np.ones(3), 0)


def test_cli_plots_runs_on_one_png_and_names_bad_input(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", {100: 0.5, 200: 0.6})
    b = write_run(tmp_path / "b", {100: 0.4, 200: 0.7})
    out = tmp_path / "curves.png"
    result = CliRunner().invoke(app, ["curves", str(a), f"other={b}", "--out", str(out), "--smooth", "2"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = CliRunner().invoke(app, ["curves", str(a), "--tag", "reward/storm", "--out", str(out)])
    assert result.exit_code == 2 and "no scalar 'reward/storm'" in result.output
    result = CliRunner().invoke(app, ["curves", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 2 and "no TensorBoard events" in result.output
