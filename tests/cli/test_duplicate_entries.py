"""Every list-valued option refuses an entry given twice, in one line naming it, before any work (svc42 item 2).

`velo evaluate --scenario paper,paper` ran paper once, silently: a repeat and a typo for another name look alike, so the
user is asked instead of guessed for. The same kind everywhere a list is given: `--scenario` (and `all` among names),
`--policies`, `--languages` (two spellings of one language too), `--source` (one file reached twice), `velo cache
calibrate --queries`, `velo curves` RUNS and the gateway's `--edge`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app
from velo.paths import BUNDLED_OASST1


def refused(args: list[str], message: str, env: dict[str, str] | None = None) -> None:
    # typer's error box wraps a long message in its frame, at 80 columns where its width was not set before it was
    # first drawn (a pytest-xdist worker): a path wrapped inside a word would not be found
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", **(env or {})})
    said = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2 and message in said, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("scenario", "message"), [
    ("paper,paper", "--scenario: 'paper' is given twice in 'paper,paper' (entries 1 and 2); give each once"),
    ("calm, paper, calm", "--scenario: 'calm' is given twice in 'calm, paper, calm' (entries 1 and 3)"),
    ("all,calm", "--scenario: 'all' names every scenario already, in 'all,calm'; give all alone, or the names"),
])
def test_a_scenario_given_twice_is_refused(tmp_path: Path, scenario: str, message: str) -> None:
    refused(["evaluate", "--scenario", scenario, "--data", str(tmp_path / "nodata")], message)


@pytest.mark.parametrize("scenario", [None, "calm"])
def test_a_policy_given_twice_is_refused(tmp_path: Path, scenario: str | None) -> None:
    args = ["evaluate", "--policies", "random,oracle,random", "--data", str(tmp_path / "nodata")]
    refused(args + (["--scenario", scenario] if scenario else []), "--policies: 'random' is given twice in 'random,oracle,random' (entries 1 and 3)")


@pytest.mark.parametrize("command", [["data", "prepare", "--out"], ["data", "edge-answers", "--data"]])
@pytest.mark.parametrize(("languages", "message"), [
    ("en,de,en", "--languages: 'en' is given twice in 'en,de,en' (entries 1 and 3)"),
    ("pt,pt-BR", "--languages: 'pt' and 'pt-BR' both name 'pt' in 'pt,pt-BR' (entries 1 and 2)"),
])
def test_a_language_given_twice_is_refused(tmp_path: Path, command: list[str], languages: str, message: str) -> None:
    refused([*command[:2], "--languages", languages, command[2], str(tmp_path / "d")], message)
    assert not (tmp_path / "d").exists()


def test_a_source_file_reached_twice_is_refused(tmp_path: Path) -> None:
    one = sorted(p for p in BUNDLED_OASST1.rglob("*") if p.is_file())[0]
    refused(["data", "prepare", "-s", str(one), "-s", str(one), "--out", str(tmp_path / "d")], f"source file {one} is named twice")
    refused(["data", "prepare", "-s", str(BUNDLED_OASST1), "-s", str(one), "--out", str(tmp_path / "d")],
            f"source file {one} is given as {BUNDLED_OASST1} and again as {one}")
    assert not (tmp_path / "d").exists()


def test_a_query_set_given_twice_to_calibrate_is_refused(tmp_path: Path) -> None:
    seeds, queries = tmp_path / "s.jsonl", tmp_path / "q.jsonl"
    seeds.write_text("")
    queries.write_text("")
    refused(["cache", "calibrate", "--seeds", str(seeds), "--queries", str(queries), "--seeds", str(seeds), "--queries", str(queries)],
            f"--queries {queries} is given twice")


def test_a_run_given_twice_to_curves_is_refused(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "tb").mkdir(parents=True)
    refused(["curves", str(run), f"again={run}", "--out", str(tmp_path / "c.png")], f"run {run} is given twice (as 'run' and 'again')")
    assert not (tmp_path / "c.png").exists()


def test_an_edge_given_twice_to_the_gateway_is_refused() -> None:
    refused(["serve", "gateway", "--edge", "http://127.0.0.1:8201", "--edge", "http://127.0.0.1:8201/"],
            "edges[1]: http://127.0.0.1:8201/ is edges[0] again; give each edge server once", env={"VELO_GATEWAY_API_KEY": "sk-test-0001"})
