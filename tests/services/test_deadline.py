"""A request's budget and an upstream's down mark, on a clock the test steps (`services/deadline.py`, `services/cooldown.py`):
hand-computed bounds, headers that state no budget ignored, and the cool-down's states (up, down, one trial, up again)
with what they count and log."""

from __future__ import annotations

import asyncio
import logging

import pytest

from services.cooldown import Cooldown
from services.deadline import CUT_HEADER, TIMEOUT_HEADER, Deadline
from services.metrics import ServiceMetrics
from velo.wire import APIError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_call_with_a_fallback_after_it_gets_half_of_what_is_left() -> None:
    clock = Clock()
    deadline = Deadline.within(4.0, clock)
    assert deadline.for_call(fallback_after=True) == 2.0 and deadline.for_call(fallback_after=False) == 4.0
    assert deadline.for_call(fallback_after=True, ceiling_s=1.5) == 1.5
    clock.now += 3.0
    assert deadline.left() == pytest.approx(1.0) and deadline.for_call(True) == pytest.approx(0.5)
    clock.now += 2.0  # past it: nothing for any call
    assert deadline.left() == pytest.approx(-1.0) and deadline.for_call(False) == 0.0
    assert deadline.header(1.2345) == {TIMEOUT_HEADER: "1234"} and deadline.header(0.0) == {TIMEOUT_HEADER: "1"}
    assert Deadline.within(4.0, clock, cut=True).header(2.0) == {TIMEOUT_HEADER: "2000", CUT_HEADER: "1"}  # the edge learns it was cut


def test_the_client_budget_is_the_smallest_stated_and_never_above_the_gateways() -> None:
    def budget(headers: dict[str, str], ceiling: float = 120.0) -> float:
        return Deadline.of_client(headers, ceiling).left()

    assert budget({}) == pytest.approx(120.0, abs=0.1)
    assert budget({"x-stainless-read-timeout": "5.0"}) == pytest.approx(5.0, abs=0.1)  # the openai Python client's, seconds
    assert budget({"x-stainless-timeout": "600", "x-velo-timeout-ms": "2500"}) == pytest.approx(2.5, abs=0.1)
    assert budget({"x-stainless-read-timeout": "600"}, ceiling=4.0) == pytest.approx(4.0, abs=0.1)  # a client cannot raise it
    for bad in ("soon", "-3", "0", "nan", "inf", ""):  # an SDK's hint that states no budget is ignored (Node sends "0" under 1 s)
        assert budget({"x-stainless-read-timeout": bad, "x-stainless-timeout": bad}, ceiling=7.0) == pytest.approx(7.0, abs=0.1), bad
    assert Deadline.of_caller({}) is None
    assert Deadline.of_caller({TIMEOUT_HEADER: "1500"}).left() == pytest.approx(1.5, abs=0.1)  # type: ignore[union-attr]


def test_a_budget_a_client_lowered_is_cut_and_the_edge_is_told() -> None:
    assert not Deadline.of_client({}, 4.0).cut and not Deadline.of_client({"x-stainless-read-timeout": "600"}, 4.0).cut
    assert Deadline.of_client({TIMEOUT_HEADER: "30"}, 4.0).cut and Deadline.of_client({"x-stainless-timeout": "2"}, 4.0).cut
    assert Deadline.of_caller({TIMEOUT_HEADER: "30", CUT_HEADER: "1"}).cut  # type: ignore[union-attr]
    assert not Deadline.of_caller({TIMEOUT_HEADER: "2000"}).cut  # type: ignore[union-attr]  # the gateway's own share


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1.5", "", "nan", "１０"])
def test_a_velo_budget_that_is_no_positive_integer_of_milliseconds_is_refused(bad: str) -> None:
    for parse in (lambda h: Deadline.of_client(h, 120.0), Deadline.of_caller):
        with pytest.raises(APIError) as refused:
            parse({TIMEOUT_HEADER: bad})
        body = refused.value.body.error
        assert refused.value.status == 400 and body.type == "invalid_request_error" and body.param == TIMEOUT_HEADER, body
        assert "positive integer of milliseconds" in body.message and body.code == "invalid_value", body


def _value(metrics: ServiceMetrics, name: str, target: str) -> float:
    return metrics.registry.get_sample_value(name, {"target": target}) or 0.0


def test_a_dead_upstream_is_skipped_then_tried_by_one_request_and_its_return_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    clock, metrics = Clock(), ServiceMetrics()
    marks = Cooldown("cloud", 30.0, metrics, logging.getLogger("velo.test.cooldown"), "answering with the edge LLM", clock)
    url = "http://127.0.0.1:8300"
    assert marks.skipped(url) is None and not marks.is_down(url)  # up: called
    with caplog.at_level(logging.WARNING, "velo.test.cooldown"):
        marks.failed(url, "ReadTimeout", dead=True)
        clock.now += 10.0
        why = marks.skipped(url)
        marks.count_skip()
        assert why == f"the cloud {url} is skipped: no answer 10.0 s ago (ReadTimeout); tried again in 20.0 s", why
        assert _value(metrics, "velo_upstream_skips_total", "cloud") == 1 and _value(metrics, "velo_upstreams_down", "cloud") == 1
        assert marks.skipping(url)
        clock.now += 20.0  # the cool-down is over: one trial, the others still skipped
        assert marks.is_down(url) and not marks.skipping(url)  # the trial is due: the next request calls it
        assert marks.skipped(url) is None
        assert marks.skipping(url)  # the trial is out: the others skip it
        assert marks.skipped(url) == f"the cloud {url} is skipped: no answer 30.0 s ago (ReadTimeout); a trial request is out"
        marks.released(url)  # the trial's client left: the next request tries
        assert marks.skipped(url) is None
        marks.failed(url, "ReadTimeout", dead=True)  # the trial found it still down: another 30 s
        clock.now += 29.0
        assert marks.skipped(url) is not None and _value(metrics, "velo_upstream_skips_total", "cloud") == 1  # counted by its caller
        clock.now += 1.0
        assert marks.skipped(url) is None
        marks.answered(url)
        marks.answered(url)  # its next answers say nothing
    assert not marks.is_down(url) and marks.skipped(url) is None and _value(metrics, "velo_upstreams_down", "cloud") == 0
    said = [record.getMessage() for record in caplog.records]
    assert said == [f"cloud {url} does not answer (ReadTimeout): skipped for 30 s, answering with the edge LLM, then tried with one request"] * 2 + [
        f"cloud {url} answers again"], said
    assert getattr(caplog.records[-1], "velo_recovers", None) == ()  # ends the runs of repeated failures (services/repeats.py)


def test_an_error_answered_is_not_a_dead_upstream_and_a_slow_one_is_called_again_once_its_probe_answers() -> None:
    clock, metrics = Clock(), ServiceMetrics()
    marks = Cooldown("edge", 5.0, metrics, logging.getLogger("velo.test.cooldown"), "asking the next edge", clock)
    marks.failed("a", "status 503: busy", dead=False)  # it answered: nothing skipped
    assert marks.skipped("a") is None

    async def probes() -> None:
        async def answers() -> str | None:
            return None

        async def silent() -> str | None:
            return "unreachable: ReadTimeout"

        marks.failed("slow", "no answer within 2.0 s", dead=True, recheck=answers)
        marks.failed("hung", "no answer within 2.0 s", dead=True, recheck=silent)
        assert marks.is_down("slow") and marks.is_down("hung")
        await asyncio.sleep(0.05)

    asyncio.run(probes())
    assert not marks.is_down("slow") and marks.is_down("hung") and _value(metrics, "velo_upstreams_down", "edge") == 1
    with pytest.raises(ValueError, match="down_for_s must be >= 0"):
        Cooldown("edge", -1.0, metrics, logging.getLogger("velo.test.cooldown"), "", clock)


def test_a_health_probe_that_finds_it_down_marks_it_and_then_only_keeps_it_down(caplog: pytest.LogCaptureFixture) -> None:
    """Probed every few seconds (a monitor's /healthz), a hung cloud stays skipped, logged once; a trial that is out stays
    the only one."""
    clock, metrics = Clock(), ServiceMetrics()
    marks = Cooldown("cloud", 30.0, metrics, logging.getLogger("velo.test.cooldown"), "answering with the edge LLM", clock)
    with caplog.at_level(logging.WARNING, "velo.test.cooldown"):
        marks.probed_down("c", "c unreachable: ReadTimeout")
        clock.now += 30.0
        assert marks.skipped("c") is None  # the trial
        marks.probed_down("c", "c unreachable: ReadTimeout")
        assert marks.skipped("c") is not None  # still one trial, and 30 s more from the probe
        marks.released("c")
        clock.now += 29.0
        assert marks.skipped("c") is not None
        clock.now += 1.0
        assert marks.skipped("c") is None
    assert [r.getMessage() for r in caplog.records] == [
        "cloud c does not answer (health probe: c unreachable: ReadTimeout): skipped for 30 s, answering with the edge LLM, then tried with one request"]


def test_health_probes_during_the_cool_down_do_not_move_its_trial_and_one_when_it_is_due_is_a_failed_trial() -> None:
    """svc42 item 3: every failing probe had set the cool-down to `down_for_s` from itself, so a monitor polling `/healthz`
    every 10 s saw `next_trial_in_s` 30.0 on every poll and no request ever tried the upstream again. Now the trial
    stays when it was announced; a probe once it is due is the trial (as one that finds it up is: `probed_up`)."""
    clock, metrics = Clock(), ServiceMetrics()
    marks = Cooldown("cloud", 30.0, metrics, logging.getLogger("velo.test.cooldown"), "answering with the edge LLM", clock)
    marks.failed("c", "ConnectError", dead=True)
    for _ in range(2):
        clock.now += 10.0
        marks.probed_down("c", "c unreachable: ConnectError")
    assert marks.next_trial_in("c") == pytest.approx(10.0) and marks.report("c")["next_trial_in_s"] == 10.0  # type: ignore[index]
    assert marks.report("c")["down_since_s"] == 20.0  # type: ignore[index]
    clock.now += 10.0
    assert marks.report("c")["state"] == "trial due"  # type: ignore[index]
    marks.probed_down("c", "c unreachable: ConnectError")  # the trial, failed: 30 s more from it, as a failed trial request
    assert marks.skipping("c") and marks.report("c") == {"state": "cooling down", "why": "ConnectError", "down_since_s": 30.0,  # type: ignore[index]
                                                         "down_for_s": 30.0, "next_trial_in_s": 30.0}
    assert _value(metrics, "velo_upstreams_down", "cloud") == 1


def test_a_health_probe_that_finds_it_up_once_its_trial_is_due_is_its_trial(caplog: pytest.LogCaptureFixture) -> None:
    """svc41 finding 2: an upstream no request needed (the gateway's second edge, its cloud while edges answer) stayed
    "trial due" in `/healthz`'s `cooldowns` after it recovered. A probe that finds it up lifts the mark once the trial
    is due, never while it cools down or while a trial request is out."""
    clock, metrics = Clock(), ServiceMetrics()
    marks = Cooldown("edge", 5.0, metrics, logging.getLogger("velo.test.cooldown"), "asking the next edge", clock)
    with caplog.at_level(logging.WARNING, "velo.test.cooldown"):
        marks.failed("e", "ConnectError", dead=True)
        clock.now += 4.9
        marks.probed_up("e")  # back on its port within its cool-down: still skipped (svc40 item 2)
        assert marks.skipping("e") and marks.report("e")["state"] == "cooling down"  # type: ignore[index]
        clock.now += 0.1
        assert marks.skipped("e") is None  # a trial request is out: it decides, not the probe
        marks.probed_up("e")
        assert marks.report("e")["state"] == "trial out"  # type: ignore[index]
        marks.released("e")
        assert marks.report("e")["state"] == "trial due"  # type: ignore[index]
        marks.probed_up("e")  # before: "trial due" for good while no request called it
    assert marks.report("e") is None and not marks.is_down("e") and _value(metrics, "velo_upstreams_down", "edge") == 0
    assert [r.getMessage() for r in caplog.records][-1] == "edge e answers again"


def test_the_sdk_states_its_timeout_as_the_requests_budget() -> None:
    import velo

    with velo.Client(api_key="sdk-key-0001", timeout=2.5) as client:
        sent = client._http.headers
    assert sent[TIMEOUT_HEADER] == "2500" and Deadline.of_client(sent, 120.0).left() == pytest.approx(2.5, abs=0.1)
