"""`velo evaluate` on the prepared sample with a tiny budget: JSON, markdown, plots, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app
from velo.latency import PROFILES

pytestmark = pytest.mark.skipif(
    not (PROFILES / "edge_llm.json").is_file(),
    reason="velo/profiles/edge_llm.json is missing; measure it with benchmarks/edge_llm_speed.py",
)

POLICIES = ("random", "greedy-0.3", "oracle")
METRICS = (  # agents/evaluation.py `summarize`, plus what velo/cli/evaluate.py adds
    "requests", "satisfaction", "satisfaction_similar", "satisfaction_new", "quality", "latency_mean_ms",
    "latency_p95_ms", "cache_hit_rate", "false_hit_rate", "cloud_calls_per_1000", "invalid_actions",
    "share_cache", "share_edge", "share_cloud", "share_cloud_context", "edge_answers_real",
    "satisfaction_ci95", "satisfaction_similar_ci95", "satisfaction_new_ci95",
)


def evaluate(data: Path, *args: str):
    return CliRunner().invoke(
        app,
        ["evaluate", "--policies", ",".join(POLICIES), "--episodes", "1", "--steps", "20",
         "--data", str(data), "--split", "train", *args],
    )


def test_json_has_every_metric_for_every_policy(prepared_sample: Path) -> None:
    result = evaluate(prepared_sample, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report) == list(POLICIES)
    for name, metrics in report.items():
        assert set(metrics) == set(METRICS), name
        assert metrics["requests"] == 3 * 20  # three edges by default
        assert metrics["invalid_actions"] == 0.0
    assert report["oracle"]["satisfaction"] >= max(m["satisfaction"] for m in report.values())


def test_markdown_table_and_edge_answers_note(prepared_sample: Path) -> None:
    result = evaluate(prepared_sample)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| policy | sat | sat sim | sat new |")
    assert lines[1].startswith("|---|")
    assert [line.split("|")[1].strip() for line in lines[2:5]] == list(POLICIES)
    # the sample has no generated edge answers
    assert "note: the edge LLM's answers were not generated (`velo data edge-answers`)" in result.stdout


def test_plots(prepared_sample: Path, tmp_path: Path) -> None:
    result = evaluate(prepared_sample, "--json", "--plots", str(tmp_path / "plots"))
    assert result.exit_code == 0, result.output
    pngs = sorted(tmp_path.joinpath("plots").glob("*.png"))
    assert [p.name for p in pngs] == ["actions.png", "latency.png", "satisfaction.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def bad_policy(data: Path):
    return CliRunner().invoke(
        app, ["evaluate", "--policies", "random,nope", "--steps", "5", "--data", str(data), "--split", "train"]
    )


def test_bad_policy_name(prepared_sample: Path) -> None:
    result = bad_policy(prepared_sample)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert " ".join(result.stderr.split()).startswith("error: unknown policy 'nope'; choose from random, greedy-0.1,")
    assert "Traceback" not in result.output


def test_bad_policy_name_is_one_line(prepared_sample: Path) -> None:
    result = bad_policy(prepared_sample)
    assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("args", [(), ("--scenario", "calm")], ids=["v0", "scenario"])
@pytest.mark.parametrize(("spec", "message"), [("nosuch", "unknown policy 'nosuch'"), ("runs/none/policy.safetensors", "policy.safetensors"),
                                                ("TRUNC", "trunc.safetensors: damaged checkpoint"),
                                                ("RUNDIR", "rundir is a directory, not a checkpoint file; give its checkpoint, ")])
def test_a_bad_policy_is_refused_before_the_bank_is_built(prepared_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         args: tuple[str, ...], spec: str, message: str) -> None:
    """Issue: `velo evaluate --policies nosuch` was refused only after the environment's bank was built (212 s on the
    shared data). A fresh VELO_HOME with prepared data gets no banks directory."""
    import shutil

    from velo.paths import SHIPPED_CHECKPOINTS

    if spec == "TRUNC":  # cut to 30 KB, header intact: used to fail with safetensors' traceback after the build
        spec = str(tmp_path / "trunc.safetensors")
        Path(spec).write_bytes((SHIPPED_CHECKPOINTS / "dlrs.safetensors").read_bytes()[:30_000])
    if spec == "RUNDIR":  # a run directory (velo train --out): had said "checkpoint ... does not exist"
        spec = str(tmp_path / "rundir")
        Path(spec).mkdir()
        shutil.copy(SHIPPED_CHECKPOINTS / "dlrs.safetensors", Path(spec) / "policy.safetensors")
    home = tmp_path / "home"
    shutil.copytree(prepared_sample, home / "data")
    monkeypatch.setenv("VELO_HOME", str(home))
    result = CliRunner().invoke(app, ["evaluate", "--policies", f"random,{spec}", "--episodes", "1", "--steps", "5", "--split", "train", *args])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.output
    assert sorted(p.name for p in home.iterdir()) == ["data"]


def test_scenario_report_has_baselines_oracle_headroom_and_workload(prepared_sample: Path, tmp_path: Path) -> None:
    result = evaluate(prepared_sample, "--scenario", "calm", "--json", "--plots", str(tmp_path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["calm"]
    grid = ("0.02", "0.05", "0.1", "0.15", "0.2", "0.3", "0.5")
    assert set(report["policies"]) == {*POLICIES, *(f"greedy-{d}" for d in grid), "greedy-best"}
    assert report["greedy_best_distance"] in (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
    assert report["policies"]["greedy-best"] == report["policies"][f"greedy-{report['greedy_best_distance']:g}"]
    for metric in ("satisfaction", "satisfaction_similar", "satisfaction_new"):
        h = report["headroom"][metric]
        best = max(v[metric] for k, v in report["policies"].items() if k != "oracle")
        assert h["best"] == pytest.approx(best) and h["oracle"] == report["policies"]["oracle"][metric]
        assert h["headroom"] == pytest.approx((h["oracle"] - best) / abs(best))
    assert 0.0 <= report["workload"]["verbatim_share_of_similar"] <= 1.0
    assert 0 < report["workload"]["items_with_rewordings"] <= report["workload"]["items"]
    assert set(report["edge_quality_by_language"]) == {"en", "es", "de", "zh", "ru"}
    assert report["greedy_tuning"]["distance"] == report["greedy_best_distance"]
    assert set(report["greedy_tuning"]["scores"]) == set(grid)
    assert (tmp_path / "calm" / "satisfaction.png").is_file()


def test_unknown_scenario_is_named(prepared_sample: Path) -> None:
    result = evaluate(prepared_sample, "--scenario", "stormy")
    assert result.exit_code != 0 and "unknown scenario 'stormy'" in result.output


def test_negative_seed_names_the_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--seed", "-1", "--data", str(tmp_path / "nodata")])
    assert result.exit_code == 2 and "--seed" in result.output, result.output


def test_a_learned_policy_is_compared_not_counted_as_a_baseline(prepared_with_edge_answers: Path) -> None:
    """A checkpoint (the shipped DLRS, labelled) gets its paired difference with the best baseline, its share of
    the headroom and the paper's measure; the headroom's best baseline is never the learned policy."""
    result = evaluate(prepared_with_edge_answers, "--scenario", "flaky-backhaul", "--json", "--episodes", "3",
                      "--policies", "random,greedy-0.3,greedy-llm,shipped=dlrs,oracle")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["flaky-backhaul"]
    assert "shipped" in report["policies"] and "dlrs" not in report["policies"]
    for metric, subset in (("satisfaction", "all"), ("satisfaction_new", "new")):
        h, g = report["headroom"][metric], report["learned"]["shipped"][metric]
        assert h["best_baseline"] not in ("shipped", "oracle")
        assert g["best_baseline"] == h["best_baseline"]
        mine, best = (report["episode_means"][n][subset] for n in ("shipped", h["best_baseline"]))
        assert g["diff_mean"] == pytest.approx(sum(mine[e] - best[e] for e in mine) / len(mine))
        # the grid adds greedy-0.1 and greedy-0.5: all five of the paper's rule baselines are there
        paper = [report["policies"][n][metric] for n in ("greedy-0.1", "greedy-0.3", "greedy-0.5", "greedy-llm", "random")]
        assert g["gain_vs_paper_baselines"] == pytest.approx(g["value"] / (sum(paper) / 5) - 1)
        if h["oracle"] > h["best"]:
            assert g["headroom_captured"] == pytest.approx((g["value"] - h["best"]) / (h["oracle"] - h["best"]))


def test_a_label_without_a_policy_is_refused(prepared_sample: Path) -> None:
    result = evaluate(prepared_sample, "--policies", "mine=")
    assert result.exit_code == 2 and "LABEL=SPEC" in result.output, result.output


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        ("runs/dlrs/policy.safetensors", "dlrs"),  # what `velo train --out runs/dlrs` writes: its run folder
        ("data/checkpoints/dlrs.safetensors", "dlrs"),  # the shipped file: its name (was "checkpoints")
        ("ck/a.safetensors", "a"),  # two files of one folder: two labels (both were "ck", refused as given twice)
        ("ck/b.safetensors", "b"),
        ("policy.safetensors", "policy"),
        ("greedy-0.1", "greedy-0.1"),
        ("mine=ck/a.safetensors", "mine"),
    ],
)
def test_a_bare_spec_is_labelled_by_what_names_it(spec: str, label: str) -> None:
    from agents.headroom import split_label

    assert split_label(spec)[0] == label


@pytest.mark.parametrize("scenario", [(), ("--scenario", "calm")])
def test_a_label_given_twice_is_refused_before_any_episode(prepared_sample: Path, scenario: tuple[str, ...]) -> None:
    """`a=random,a=oracle` used to print one row `a` with the oracle's numbers."""
    result = evaluate(prepared_sample, *scenario, "--policies", "a=random,a=oracle")
    assert result.exit_code == 2 and "policy label 'a' given twice" in result.output, result.output
    assert result.stdout == ""


def test_without_the_oracle_the_scenario_report_says_why_it_has_no_headroom(prepared_sample: Path) -> None:
    """It used to print an empty `dlrs: ` line per learned policy and an empty headroom line."""
    result = evaluate(prepared_sample, "--scenario", "calm", "--policies", "greedy-0.1,dlrs")
    assert result.exit_code == 0, result.output
    assert "no headroom and no comparison of learned policies: they need `oracle` in --policies" in result.stdout
    assert not any(line.startswith("dlrs:") for line in result.stdout.splitlines())


def test_the_readme_tables_render_from_the_shipped_headroom_report(capsys: pytest.CaptureFixture[str]) -> None:
    """scripts/headroom_tables.py prints the README's headroom tables from docs/headroom/report.json."""
    import runpy

    root = Path(__file__).resolve().parents[2]
    script = runpy.run_path(str(root / "scripts" / "headroom_tables.py"))
    script["main"](str(root / "docs" / "headroom" / "report.json"))
    out = capsys.readouterr().out
    report = json.loads((root / "docs" / "headroom" / "report.json").read_text())
    for name, r in report.items():
        h = r["headroom"]["satisfaction"]
        assert f"| `{name}` | {r['greedy_tuning']['distance']:g}" in out
        assert f"{100 * h['headroom']:+.1f} %" in out


def test_an_undefined_share_prints_as_n_a_in_reports_written_before_json_out(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/results-oasst1/report-e63af44.json holds NaN where the share of a headroom is undefined (the oracle no
    better than the best baseline on similar requests): the tables print n/a there, never "nan %"."""
    import runpy

    root = Path(__file__).resolve().parents[2]
    path = root / "docs" / "results-oasst1" / "report-e63af44.json"
    assert "NaN" in path.read_text(), "the case this test is about"
    runpy.run_path(str(root / "scripts" / "headroom_tables.py"))["main"](str(path), ci=True)
    out = capsys.readouterr().out
    assert "nan" not in out.lower() and "± 0.000; n/a; +13.7 %" in out
    # the README's thousandths tables: paper's oracle headroom (0.8153 - 0.8104) and a learner's paired difference
    assert "| oracle headroom | +4.9 (+0.6 %) |" in out and "| dlrs-seed1 | -0.6 ± 0.0 (-12 %) |" in out


def test_reports_of_other_learned_policies_merge_as_one_evaluation() -> None:
    """scripts/merge_reports.py: the union's paired differences are against the best baseline of either report,
    and a policy that scores differently in two reports (another commit or seed) is refused."""
    import runpy

    merge = runpy.run_path(str(Path(__file__).resolve().parents[2] / "scripts" / "merge_reports.py"))["merge"]

    def report(**means: list[float]) -> dict:
        policies = {p: {m: sum(v) / len(v) for m in ("satisfaction", "satisfaction_similar", "satisfaction_new")}
                    for p, v in means.items()}
        episodes = {p: {s: {str(e): x for e, x in enumerate(v)} for s in ("all", "similar", "new")} for p, v in means.items()}
        return {"paper": {"policies": policies, "episode_means": episodes, "workload": {}}}

    first = report(**{"greedy-0.1": [0.5, 0.7], "oracle": [0.9, 0.9], "a": [0.6, 0.8]})
    second = report(**{"greedy-0.1": [0.5, 0.7], "greedy-0.2": [0.6, 0.8], "oracle": [0.9, 0.9], "b": [0.5, 0.9]})
    merged = merge([first, second])["paper"]
    assert set(merged["policies"]) == {"greedy-0.1", "greedy-0.2", "oracle", "a", "b"}
    assert merged["headroom"]["satisfaction"]["best_baseline"] == "greedy-0.2"
    a, b = merged["learned"]["a"]["satisfaction"], merged["learned"]["b"]["satisfaction"]
    assert a["best_baseline"] == "greedy-0.2" and abs(a["diff_mean"]) < 1e-12
    assert abs(b["diff_mean"]) < 1e-12 and abs(b["headroom_captured"]) < 1e-12
    other = report(**{"greedy-0.1": [0.5, 0.6], "oracle": [0.9, 0.9]})
    with pytest.raises(ValueError, match="paper: greedy-0.1 scores differently in report 2"):
        merge([first, other])


def test_a_plots_directory_that_cannot_be_made_is_refused_before_any_episode(prepared_sample: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = evaluate(prepared_sample, "--plots", str(blocker / "charts"))
    assert result.exit_code == 2 and f"--plots {blocker / 'charts'}: {blocker} is a file, not a directory" in " ".join(result.output.split())
    assert result.stdout == ""


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not a JSON latency profile"),
    ("[1]", "a latency profile is a JSON object, got list"),
    ('{"model": "m", "prefill_ms_base": "abc", "prefill_ms_per_token": 1, "decode_ms_per_token": 1}', "prefill_ms_base must be a number, got 'abc'"),
    ("{}", "missing ['decode_ms_per_token'"),
])
def test_a_bad_edge_profile_is_named_in_one_line(prepared_sample: Path, tmp_path: Path, text: str, message: str) -> None:
    """A list or a string where a number goes used to end in a traceback; not-JSON did not name the file."""
    profile = tmp_path / "edge.json"
    profile.write_text(text)
    result = evaluate(prepared_sample, "--edge-profile", str(profile))
    assert result.exit_code == 2 and f"{profile}: {message}" in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output


def test_scenario_lists_are_read_as_users_write_them(prepared_sample: Path) -> None:
    """Spaces after commas are read as users write them; a name given twice (`all` among names too) is refused, naming
    it (it had been run once, silently: svc42 item 2, tests/cli/test_duplicate_entries.py)."""
    result = evaluate(prepared_sample, "--scenario", "calm, calm", "--json")
    assert result.exit_code == 2 and "'calm' is given twice" in result.output, result.output
    assert evaluate(prepared_sample, "--scenario", ",").exit_code == 2


@pytest.mark.parametrize(("args", "message"), [
    (("--policies", "random,,oracle"), "--policies: entry 2 of 'random,,oracle' is empty"),
    (("--policies", ",random"), "--policies: entry 1 of ',random' is empty"),
    (("--scenario", "calm,,paper"), "--scenario: entry 2 of 'calm,,paper' is empty"),
    # nc19 finding 9: a trailing empty entry was dropped while "" alone was refused; one rule for every empty entry
    (("--policies", "random,"), "--policies: entry 2 of 'random,' is empty"),
    (("--policies", ""), "--policies: entry 1 of '' is empty"),
    (("--scenario", "calm,"), "--scenario: entry 2 of 'calm,' is empty"),
])
def test_an_empty_entry_between_names_is_refused_not_dropped(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    """nc17 finding 18: `--policies random,,oracle` ran random and oracle, silently dropping the name left out."""
    result = CliRunner().invoke(app, ["evaluate", *args, "--data", str(tmp_path / "nodata")])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


def _strict_json(text: str):
    """json.loads that refuses the non-standard tokens NaN, Infinity and -Infinity, as jq or JSON.parse would."""
    def refuse(token: str):
        raise ValueError(f"non-standard JSON token {token}")
    return json.loads(text, parse_constant=refuse)


def test_json_is_standard_an_undefined_interval_is_null(prepared_sample: Path) -> None:
    # nc22 finding 6: one episode has no 95 % interval; it was printed as the bare token NaN
    result = evaluate(prepared_sample, "--json")
    assert result.exit_code == 0, result.output
    report = _strict_json(result.stdout)
    assert all(m["satisfaction_ci95"] is None for m in report.values())


def test_json_out_replaces_every_non_finite_float() -> None:
    from velo.cli.json_out import dumps

    text = dumps({"a": float("nan"), "b": [1.5, float("inf"), {"c": -float("inf")}], "d": (2, "x"), "e": None})
    assert _strict_json(text) == {"a": None, "b": [1.5, None, {"c": None}], "d": [2, "x"], "e": None}
