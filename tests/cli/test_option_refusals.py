"""Bad options of `velo shard serve`, `velo cache eval` and `velo demo` are refused in one line naming the option,
before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app


@pytest.mark.parametrize(("shards", "message"), [
    ("15:0", "--shards: a layer range is START:END with START < END, e.g. 0:15, got '15:0'"),
    ("x", "--shards: "),
])
def test_bad_shards_are_one_line_naming_the_option_not_a_pydantic_dump(shards: str, message: str) -> None:
    result = CliRunner().invoke(app, ["shard", "serve", "--shards", shards])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert "errors.pydantic.dev" not in result.output and "validation error" not in result.output
    assert result.output.count("\n") == 1, result.output


@pytest.mark.parametrize("command", [["cache", "eval", "--seeds", "{jsonl}", "--queries", "{jsonl}"], ["demo"]], ids=["cache eval", "demo"])
@pytest.mark.parametrize("rule", ["{tmp}/nonexist.json", "defualt"])
def test_a_rule_file_that_is_not_there_is_named_as_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], rule: str) -> None:
    """Issue: `velo cache eval --rule /tmp/nonexist.json` said "unknown hit rule"."""
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    jsonl = tmp_path / "empty.jsonl"
    jsonl.write_text("")
    rule = rule.format(tmp=tmp_path)
    result = CliRunner().invoke(app, [*(a.format(jsonl=jsonl) for a in command), "--rule", rule])
    assert result.exit_code == 2 and f"--rule {rule}: file not found" in " ".join(result.output.split()), result.output
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(("rule", "message"), [
    ("/etc/passwd", "--rule /etc/passwd: unknown hit rule '/etc/passwd'"),
    ("{tmp}/empty.jsonl", "--rule {tmp}/empty.jsonl: unknown hit rule"),
    ("{tmp}/bad.json", "--rule {tmp}/bad.json: {tmp}/bad.json:"),
    ("static:x", "--rule static:x: bad static rule 'static:x'"),
])
def test_a_rule_that_is_not_one_is_refused_before_the_demo_prepares_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rule: str,
                                                                          message: str) -> None:
    """nc17 finding 17: `velo demo --rule /etc/passwd --no-serve` prepared the data (step 1) before refusing the rule."""
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "bad.json").write_text('{"format": "not a rule"}')
    rule, message = rule.format(tmp=tmp_path), message.format(tmp=tmp_path)
    result = CliRunner().invoke(app, ["demo", "--rule", rule, "--no-serve"])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(("uri", "message"), [
    ("{tmp}/nonexistent/dir/x.db", "directory {tmp}/nonexistent/dir does not exist"),
    ("{tmp}/empty.jsonl/x.db", "--uri {tmp}/empty.jsonl/x.db: {tmp}/empty.jsonl is a file, not a directory"),  # said "does not exist"
    ("{tmp}/cache.sqlite", "must end in .db"),
    ("{tmp}", "must end in .db"),
    ("ftp://host:19530", "a Milvus server URI is http://host:port"),
    ("http://:19530", "a Milvus server URI is http://host:port"),
    ("http://host:99999", "(port 1-65535)"),
    ("", "--uri is empty"),
])
@pytest.mark.parametrize("command", ["cache eval", "serve edge"])
def test_a_milvus_uri_pymilvus_would_reject_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      uri: str, message: str, command: str) -> None:
    """Issue: `velo cache eval --uri /nonexistent/dir/x.db` (or a path not ending in .db) printed pymilvus'
    ConnectionConfigException traceback after the embedders were loaded."""
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    uri, message = uri.format(tmp=tmp_path), message.format(tmp=tmp_path)
    if command == "cache eval":
        jsonl = tmp_path / "empty.jsonl"
        jsonl.write_text("")
        argv = ["cache", "eval", "--seeds", str(jsonl), "--queries", str(jsonl), "--uri", uri]
    else:  # the edge server creates a milvus-lite file's directories: a missing one is not refused there
        if "nonexistent" in uri or "jsonl" in uri:
            return
        argv, message = ["serve", "edge", "--cache-uri", uri, "--llm", "http://127.0.0.1:9"], message.replace("--uri", "--cache-uri" if uri else "cache_uri")
    result = CliRunner().invoke(app, argv)
    flat = " ".join(result.output.split())
    assert result.exit_code == 2 and message in flat and "Traceback" not in flat, result.output
    assert result.output.count("\n") == 1 and "edge server" not in flat, result.output
    assert not (tmp_path / "home").exists() and not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("command", [["data", "prepare"], ["data", "edge-answers"]])
def test_an_empty_language_entry_is_refused_as_every_comma_list(tmp_path: Path, command: list[str]) -> None:
    """nc19 finding 9's kind: `--languages en,,de` was read as en,de (`str.split` and a filter), while `--policies` and
    `--scenario` refuse an empty entry (`velo.cli.comma_list`)."""
    result = CliRunner().invoke(app, [*command, "--languages", "en,,de", "--out" if command[1] == "prepare" else "--data", str(tmp_path / "d")])
    assert result.exit_code == 2 and "--languages: entry 2 of 'en,,de' is empty" in " ".join(result.output.split()), result.output
    assert not (tmp_path / "d").exists()
