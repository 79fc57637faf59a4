"""EdgeShard planner: DP against brute force, hand-computed cases, baselines, profile errors, CLI, table."""

from __future__ import annotations

import importlib.util
import json
import random
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from velo.cli.shard import shard_app
from velo.edgeshard import (
    InfeasibleProfileError,
    InvalidAssignmentError,
    Profile,
    ProfileError,
    brute_force,
    cloud_edge_even,
    cloud_edge_opt,
    edge_solo,
    evaluate,
    load_profile,
    parse_profile,
    plan,
)
from velo.edgeshard.devices import CLUSTERS, RESULT_BYTES, GiB, Network, build_profile, read_layer_profile

REPO_ROOT = Path(__file__).resolve().parents[2]


def profile_of(source: str, devices: dict[str, int], layers: list[tuple[int, int, dict[str, float]]], links: dict) -> Profile:
    """devices: name -> memory; layers: (memory, activation, compute per device); links: {a: {b: bytes/s}}."""
    return parse_profile(
        {
            "source": source,
            "devices": [{"name": n, "memory_bytes": m} for n, m in devices.items()],
            "layers": [{"memory_bytes": m, "activation_bytes": a, "compute_ms": c} for m, a, c in layers],
            "bandwidth_bytes_per_s": links,
        }
    )


def random_profile(rng: random.Random) -> Profile:
    names = [f"d{i}" for i in range(rng.randint(2, 5))]
    links: dict[str, dict[str, float]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if rng.random() < 0.8:
                links.setdefault(a, {})[b] = rng.choice([10.0, 100.0, 1000.0]) * rng.uniform(0.5, 2)
            if rng.random() < 0.2:  # an asymmetric link: the other direction given as well
                links.setdefault(b, {})[a] = rng.uniform(10, 1000)
    layers = [
        (rng.randint(1, 10), rng.choice([0, rng.randint(1, 200)]), {n: rng.choice([0.0, rng.uniform(0, 10)]) for n in names})
        for _ in range(rng.randint(1, 8))
    ]
    return profile_of(names[0], {n: rng.randint(0, 40) for n in names}, layers, links)


def value(p, objective: str) -> float:
    return p.latency_ms if objective == "latency" else p.throughput_per_s


# --- the DP is exact -------------------------------------------------------------------------------


@pytest.mark.parametrize("objective", ["latency", "throughput"])
def test_dp_equals_brute_force_on_random_instances(objective: str) -> None:
    rng = random.Random(2405_14371)
    feasible = infeasible = 0
    for k in range(250):
        profile = random_profile(rng)
        try:
            expected = brute_force(profile, objective)
        except InfeasibleProfileError:
            with pytest.raises(InfeasibleProfileError):
                plan(profile, objective)
            infeasible += 1
            continue
        got = plan(profile, objective)
        assert value(got, objective) == pytest.approx(value(expected, objective), rel=1e-9, abs=1e-9), k
        latency, throughput = evaluate(profile, got.assignment)
        assert value(got, objective) == pytest.approx(latency if objective == "latency" else throughput, rel=1e-12), k
        if objective == "throughput":  # ties on throughput go to the lowest latency, in both
            assert got.latency_ms == pytest.approx(expected.latency_ms, rel=1e-9, abs=1e-9), k
        assert got.assignment[0] == profile.source
        for shard in got.shards:
            assert sum(la.memory_bytes for la in profile.layers[shard.start : shard.stop]) <= profile.memory(shard.device)
        feasible += 1
    assert feasible >= 100 and infeasible >= 20, (feasible, infeasible)


def test_ten_devices_hundred_layers_in_reasonable_time() -> None:
    rng = random.Random(7)
    names = [f"d{i}" for i in range(10)]
    layers = [(rng.randint(1, 10), rng.randint(1, 1000), {n: rng.uniform(0.1, 5) for n in names}) for _ in range(100)]
    links = {a: {b: rng.uniform(1e3, 1e5) for b in names[i + 1 :]} for i, a in enumerate(names)}
    profile = profile_of("d0", {n: 120 for n in names}, layers, links)
    start = time.perf_counter()
    for objective in ("latency", "throughput"):
        p = plan(profile, objective)
        assert evaluate(profile, p.assignment) == (p.latency_ms, p.throughput_per_s)
    assert time.perf_counter() - start < 30


# --- known answers -----------------------------------------------------------------------------------

LINKS_A = {"e": {"m": 1e6, "c": 1e5}, "m": {"c": 1e5}}


def case_a(last_activation: int) -> Profile:
    """Source e holds 1 layer, m holds 1 layer, c holds all; compute 10 / 4 / 1 ms per layer on e / m / c.

    Transfers: 1000 B take 1 ms e<->m and 10 ms to or from c.
    """
    compute = {"e": 10.0, "m": 4.0, "c": 1.0}
    layers = [(60, 1000, compute), (60, 2000, compute), (60, last_activation, compute)]
    return profile_of("e", {"e": 100, "m": 100, "c": 1000}, layers, LINKS_A)


def test_latency_known_answer_includes_return_to_source() -> None:
    # e|c c: 10 + 10 (1000 B e->c) + 1 + 1 + 5 (500 B back c->e) = 27
    # e|m|c: 10 + 1 + 4 + 20 + 1 + 5 = 41;  e|c|m: 10 + 10 + 1 + 20 + 4 + 0.5 = 45.5
    p = plan(case_a(500), "latency")
    assert p.assignment == ("e", "c", "c")
    assert p.latency_ms == pytest.approx(27.0)
    assert p.throughput_per_s == pytest.approx(100.0)  # stages 10, 2; transfer 10
    assert evaluate(case_a(500), ("e", "m", "c"))[0] == pytest.approx(41.0)
    assert evaluate(case_a(500), ("e", "c", "m"))[0] == pytest.approx(45.5)
    # A 5000 B result costs 50 ms back from c but 5 ms from m: e|c|m (10 + 10 + 1 + 20 + 4 + 5 = 50) wins.
    p = plan(case_a(5000), "latency")
    assert p.assignment == ("e", "c", "m")
    assert p.latency_ms == pytest.approx(50.0)


def case_b() -> Profile:
    """4 layers; source e takes 5 ms per layer, worker w 1 ms; 1000 B activations, 3000 B result, 1e5 B/s."""
    layers = [(10, 1000, {"e": 5.0, "w": 1.0})] * 3 + [(10, 3000, {"e": 5.0, "w": 1.0})]
    return profile_of("e", {"e": 100, "w": 100}, layers, {"e": {"w": 1e5}})


def test_throughput_known_answer_excludes_return_from_bottleneck() -> None:
    profile = case_b()
    # all on e: 20 ms, bottleneck 20 ms -> 50/s
    p = plan(profile, "latency")
    assert p.assignment == ("e",) * 4
    assert (p.latency_ms, p.throughput_per_s) == pytest.approx((20.0, 50.0))
    # e|w w w: stages 5 and 3, transfer 10 ms -> 100/s; latency 5 + 10 + 3 + 30 (return) = 48.
    # e e|w w also reaches 100/s (stages 10, 2) but takes 52 ms: the tie goes to the lower latency.
    # Counting the 30 ms return as a pipeline stage would cap both at 33.3/s.
    p = plan(profile, "throughput")
    assert p.assignment == ("e", "w", "w", "w")
    assert (p.latency_ms, p.throughput_per_s) == pytest.approx((48.0, 100.0))
    assert evaluate(profile, ("e", "e", "w", "w")) == pytest.approx((52.0, 100.0))


def test_first_layer_is_pinned_to_the_source() -> None:
    # The cloud is 100x faster and holds everything, yet layer 0 stays on the source.
    layers = [(1, 10, {"src": 100.0, "cloud": 1.0})] * 3
    profile = profile_of("src", {"src": 1, "cloud": 100}, layers, {"src": {"cloud": 1e9}})
    for objective in ("latency", "throughput"):
        assert plan(profile, objective).assignment == ("src", "cloud", "cloud")
    with pytest.raises(InvalidAssignmentError, match="first layer must run on the source src"):
        evaluate(profile, ("cloud", "cloud", "cloud"))


def test_memory_limits_are_respected() -> None:
    # Fast f holds only 2 of 4 layers, the source 1: the last goes to the slow spare x, after f
    # (s|f f|x: 5 + 0.01 + 2 + 0.01 + 8 = 15.02 ms; s|x|f f: 5 + 10 + 8 + 0.01 + 2 = 25.01 ms).
    compute = {"s": 5.0, "f": 1.0, "x": 8.0}
    layers = [(10, 10, compute)] * 3 + [(10, 0, compute)]
    profile = profile_of("s", {"s": 10, "f": 20, "x": 100}, layers, {"s": {"f": 1e6, "x": 1e3}, "f": {"x": 1e6}})
    p = plan(profile, "latency")
    assert p.assignment == ("s", "f", "f", "x")
    assert p.latency_ms == pytest.approx(15.02)
    with pytest.raises(InvalidAssignmentError, match="layers 1-3 need 30 bytes, f has 20"):
        evaluate(profile, ("s", "f", "f", "f"))


def test_evaluate_rejects_invalid_assignments() -> None:
    profile = case_a(500)
    with pytest.raises(InvalidAssignmentError, match=r"e holds two ranges \(layers 0-0 and 2-2\)"):
        evaluate(profile.restricted_to(["e", "c"]), ("e", "c", "e"))
    with pytest.raises(InvalidAssignmentError, match="assignment has 2 entries for 3 layers"):
        evaluate(profile, ("e", "c"))
    no_link = profile_of("e", {"e": 100, "m": 100}, [(1, 1, {"e": 1.0, "m": 1.0})] * 2, {})
    with pytest.raises(InvalidAssignmentError, match="no link between e and m"):
        evaluate(no_link, ("e", "m"))


def test_asymmetric_and_missing_links() -> None:
    layers = [(1, 1000, {"a": 10.0, "b": 1.0})] * 2
    # a->b given as 1e6 B/s, b->a given as 1e4 B/s: forward 1 ms, back 100 ms.
    asym = profile_of("a", {"a": 1, "b": 10}, layers, {"a": {"b": 1e6}, "b": {"a": 1e4}})
    assert evaluate(asym, ("a", "b"))[0] == pytest.approx(10 + 1 + 1 + 100)
    # Only a->b given: the link is symmetric.
    sym = profile_of("a", {"a": 1, "b": 10}, layers, {"a": {"b": 1e6}})
    assert evaluate(sym, ("a", "b"))[0] == pytest.approx(10 + 1 + 1 + 1)
    alone = profile_of("a", {"a": 1, "b": 10}, layers, {})
    with pytest.raises(InfeasibleProfileError, match="no placement fits"):
        plan(alone)


# --- infeasibility ------------------------------------------------------------------------------------


def test_infeasible_messages_say_why() -> None:
    compute = {"s": 1.0, "t": 1.0}
    with pytest.raises(InfeasibleProfileError, match="first layer needs 50 bytes but the source s has 10"):
        plan(profile_of("s", {"s": 10, "t": 100}, [(50, 0, compute)], {"s": {"t": 1.0}}))
    with pytest.raises(InfeasibleProfileError, match="layers need 90 bytes, devices offer 60"):
        plan(profile_of("s", {"s": 30, "t": 30}, [(30, 0, compute)] * 3, {"s": {"t": 1.0}}), "throughput")


# --- baselines ----------------------------------------------------------------------------------------


def case_c() -> Profile:
    """e (source, 5 ms/layer), w (1 ms/layer, edge), gpu (0.5 ms/layer, kind cloud); 1000 B activations.

    Links: e-w 1e6 B/s (1 ms per activation), e-gpu and w-gpu 1e5 B/s (10 ms).
    """
    compute = {"e": 5.0, "w": 1.0, "gpu": 0.5}
    data = profile_of("e", {"e": 40, "w": 40, "gpu": 100}, [(10, 1000, compute)] * 4, {"e": {"w": 1e6, "gpu": 1e5}, "w": {"gpu": 1e5}})
    raw = data.to_json()
    raw["devices"][2]["kind"] = "cloud"
    return parse_profile(raw)


def test_baselines_on_a_hand_case() -> None:
    profile = case_c()
    assert profile.cloud == "gpu"
    solo = edge_solo(profile)
    assert solo.assignment == ("e",) * 4 and (solo.latency_ms, solo.throughput_per_s) == pytest.approx((20.0, 50.0))
    even = cloud_edge_even(profile)  # 10 + 10 + 1 + 10 back; bottleneck max(10, 1, 10)
    assert even.assignment == ("e", "e", "gpu", "gpu") and (even.latency_ms, even.throughput_per_s) == pytest.approx((31.0, 100.0))
    opt = cloud_edge_opt(profile, "latency")  # e|ggg 26.5, ee|gg 31, eee|g 35.5, all on e 20
    assert opt.assignment == ("e",) * 4 and opt.latency_ms == pytest.approx(20.0)
    opt = cloud_edge_opt(profile, "throughput")  # e|ggg and ee|gg both 100/s; e|ggg is faster (26.5 ms)
    assert opt.assignment == ("e", "gpu", "gpu", "gpu") and (opt.latency_ms, opt.throughput_per_s) == pytest.approx((26.5, 100.0))
    best = plan(profile, "latency")  # e|www: 5 + 1 + 3 + 1
    assert best.assignment == ("e", "w", "w", "w") and best.latency_ms == pytest.approx(10.0)
    assert {p.method for p in (solo, even, opt, best)} == {"Edge-Solo", "Cloud-Edge-Even", "Cloud-Edge-Opt", "EdgeShard"}


def test_baselines_say_why_they_cannot_run() -> None:
    with pytest.raises(InfeasibleProfileError, match="Edge-Solo: layers 0-2 need 180 bytes, e has 100"):
        edge_solo(case_a(500))
    with pytest.raises(InfeasibleProfileError, match="Cloud-Edge-Even: no cloud device"):
        cloud_edge_even(case_a(500))  # c is neither named "cloud" nor of kind "cloud"
    raw = case_a(500).to_json()
    raw["devices"][2]["kind"] = "cloud"
    with pytest.raises(InfeasibleProfileError, match="Cloud-Edge-Even: layers 0-1 need 120 bytes, e has 100"):
        cloud_edge_even(parse_profile(raw))
    assert cloud_edge_opt(parse_profile(raw)).assignment == ("e", "c", "c")


# --- profile errors -----------------------------------------------------------------------------------

GOOD = {
    "source": "d0",
    "devices": [{"name": "d0", "memory_bytes": 10}, {"name": "d1", "memory_bytes": 10}],
    "layers": [{"memory_bytes": 1, "activation_bytes": 1, "compute_ms": {"d0": 1.0, "d1": 1.0}}],
    "bandwidth_bytes_per_s": {"d0": {"d1": 100.0}},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(source="nope"), "source 'nope' is not a device"),
        (lambda p: p["layers"][0]["compute_ms"].pop("d1"), r"layers\[0\].compute_ms lacks device d1"),
        (lambda p: p["layers"][0].update(memory_bytes=-1), r"layers\[0\].memory_bytes: Input should be greater than or equal to 0"),
        (lambda p: p["layers"][0]["compute_ms"].update(d0=-2.0), r"layers\[0\].compute_ms.d0: Input should be greater than or equal"),
        (lambda p: p.update(layers=[]), "layers: List should have at least 1 item"),
        (lambda p: p["bandwidth_bytes_per_s"].update(d9={"d0": 1.0}), r"bandwidth_bytes_per_s\['d9'\] names unknown device d9"),
        (lambda p: p["bandwidth_bytes_per_s"]["d0"].update(d1=0), r"bandwidth_bytes_per_s.d0.d1: Input should be greater than 0"),
        (lambda p: p["devices"].append({"name": "d0", "memory_bytes": 1}), "device names must be unique"),
    ],
)
def test_bad_profiles_name_the_problem(tmp_path: Path, change, message: str) -> None:
    data = json.loads(json.dumps(GOOD))
    change(data)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ProfileError, match=message) as info:
        load_profile(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_good_profile_and_not_json(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(GOOD))
    assert load_profile(path).bandwidth("d1", "d0") == 100.0
    path.write_text("{")
    with pytest.raises(ProfileError, match="not valid JSON"):
        load_profile(path)


# --- CLI ----------------------------------------------------------------------------------------------


@pytest.fixture()
def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(shard_app, name="shard")
    return app


def write(tmp_path: Path, profile: Profile) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile.to_json()))
    return str(path)


@pytest.mark.parametrize("objective", ["latency", "throughput"])
def test_cli_json_has_exactly_three_keys(cli: typer.Typer, tmp_path: Path, objective: str) -> None:
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", write(tmp_path, case_c()), "--objective", objective, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"assignment", "latency_ms", "throughput_per_s"}
    expected = plan(case_c(), objective)
    assert out == {"assignment": list(expected.assignment), "latency_ms": expected.latency_ms, "throughput_per_s": expected.throughput_per_s}


def test_cli_summary_and_compare(cli: typer.Typer, tmp_path: Path) -> None:
    path = write(tmp_path, case_a(500))
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", path, "--compare"])
    assert result.exit_code == 0, result.output
    assert "1-2" in result.stdout and "60 / 100 B" in result.stdout and "latency 27.000 ms" in result.stdout
    assert "skipped:" in result.stdout and "Cloud-Edge-Even" in result.stdout
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", path, "--compare", "--json"])
    out = json.loads(result.stdout)
    assert set(out["baselines"]) == {"Edge-Solo", "Cloud-Edge-Even", "Cloud-Edge-Opt"} and "error" in out["baselines"]["Edge-Solo"]


def test_cli_errors_exit_2(cli: typer.Typer, tmp_path: Path) -> None:
    infeasible = profile_of("s", {"s": 30, "t": 30}, [(30, 0, {"s": 1.0, "t": 1.0})] * 3, {"s": {"t": 1.0}})
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", write(tmp_path, infeasible)])
    assert result.exit_code == 2
    assert "error: no placement fits: layers need 90 bytes, devices offer 60" in " ".join(result.output.split())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**GOOD, "source": "nope"}))
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", str(bad)])
    assert result.exit_code == 2 and "source 'nope' is not a device" in " ".join(result.output.split())
    result = CliRunner().invoke(cli, ["shard", "plan", "--profile", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "Traceback" not in result.output


# --- device settings and the benchmark table ----------------------------------------------------------


def synthetic_layers() -> dict:
    """Shaped like SmolLM2-135M's layer profile (velo/edgeshard/layer_profile.py): 30 layers, the embedding
    in the first and the tied LM head in the last, a 128-token prompt; times made up."""
    hidden, embed, block = 576, 49152 * 576 * 4, 14_160_000
    layer = {"activation_bytes_prefill": 128 * hidden * 4, "activation_bytes_decode": hidden * 4, "prefill_ms": 15.0, "decode_ms": 2.6}
    layers = [{**layer, "memory_bytes": block} for _ in range(30)]
    layers[0] = {**layers[0], "memory_bytes": block + embed}
    layers[-1] = {**layers[-1], "memory_bytes": block + embed, "prefill_ms": 35.0, "decode_ms": 22.6}
    return {
        "model": "SmolLM2-135M (synthetic)",
        "hidden_size": hidden,
        "prompt_tokens": 128,
        "layers": layers,
        "measured_at": "2026-01-01T00:00:00+00:00",
        "threads": 1,
        "runs": 1,
        "tied_embeddings": True,
        "lm_head_bytes": embed,
        "shard_overhead_ms": {"prefill": 1.0, "decode": 0.5},
    }


def test_build_profile_scales_compute_and_sets_links(tmp_path: Path) -> None:
    path = tmp_path / "layers.json"
    path.write_text(json.dumps(synthetic_layers()))
    layers = read_layer_profile(path)
    cluster = CLUSTERS[0]
    profile = build_profile(layers, cluster, Network(1e9, 1e7), "decode")
    assert profile.source == "edge-weak" and profile.cloud == "cloud-gpu"
    assert profile.layers[1].compute_ms == {"edge-weak": 5.2, "edge-mid": 2.6, "edge-strong": 1.3, "cloud-gpu": 0.13}
    # hidden states between layers; the last stage returns a token id
    assert profile.layers[1].activation_bytes == 576 * 4 and profile.layers[-1].activation_bytes == RESULT_BYTES
    assert build_profile(layers, cluster, Network(1e9, 1e7), "prefill").layers[0].activation_bytes == 128 * 576 * 4
    path.write_text(json.dumps({"layers": [{"memory_bytes": 1}]}))
    with pytest.raises(ValueError, match="not a layer profile"):
        read_layer_profile(path)
    assert profile.bandwidth("edge-mid", "edge-weak") == 1e9 / 8
    assert profile.bandwidth("cloud-gpu", "edge-strong") == 1e7 / 8
    assert profile.memory("edge-strong") == 2 * GiB


def _table_script():
    spec = importlib.util.spec_from_file_location("edgeshard_table", REPO_ROOT / "benchmarks" / "edgeshard_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_script(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    script = _table_script()
    assert script.main(["--layers", str(tmp_path / "missing.json")]) == 2
    assert "not found" in capsys.readouterr().err
    path = tmp_path / "layers.json"
    path.write_text(json.dumps(synthetic_layers()))
    assert script.main(["--layers", str(path)]) == 0
    out = capsys.readouterr().out
    tables = out.split("### ")[1:]
    assert len(tables) == 4
    for name in ("Edge-Solo", "Cloud-Edge-Even", "Cloud-Edge-Opt", "EdgeShard (LAN 1 Gbit/s)", "EdgeShard / best baseline"):
        assert name in out
    solo_rows = [line for line in out.splitlines() if line.startswith("| Edge-Solo")]
    assert "OOM" not in solo_rows[0] and solo_rows[-1].count("OOM") == 8  # the 384 MiB source cannot hold the model


def test_shipped_example_profile_is_the_measured_cluster_and_plans() -> None:
    """velo/profiles/edgeshard_example.json (the README's `velo shard plan` example) is what build_profile makes
    of the measured SmolLM2 layers on the 384 MiB-source cluster, 1 Gbit/s LAN, 1 Mbit/s backhaul, prefill."""
    profiles = REPO_ROOT / "velo" / "profiles"
    layers = read_layer_profile(profiles / "smollm2_layers.json")
    expected = build_profile(layers, CLUSTERS[1], Network(1000e6, 1e6), "prefill").to_json()
    shipped = profiles / "edgeshard_example.json"
    assert json.loads(shipped.read_text()) == expected
    result = CliRunner().invoke(shard_app, ["plan", "--profile", str(shipped), "--json", "--compare"])
    assert result.exit_code == 0, result.output
