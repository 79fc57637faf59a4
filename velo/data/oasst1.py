"""Readers that turn OpenAssistant oasst1 files into `QAPair`s.

oasst1 (Köpf et al. 2023, "OpenAssistant Conversations", arXiv:2304.07327) is a forest of message
trees; VELO needs (question, best-ranked answer, earlier turns) triples. The data reaches us in
several shapes, so each reader maps one shape onto the same pairs:

| format              | files                                       | conversation_id                  | id                   |
| ------------------- | ------------------------------------------- | -------------------------------- | -------------------- |
| `messages`          | `*.messages.jsonl[.gz]`, HF `*.parquet`     | `message_tree_id`                | answer `message_id`  |
| `trees`             | `*.trees.jsonl[.gz]`                        | `message_tree_id`                | answer `message_id`  |
| `oa_questions`      | QLoRA `oa_questions.jsonl`                  | `first_turn_conversation_id`     | answer `message_id`  |
| `llamafactory_rm`   | LLaMA-Factory `oaast_rm_<lang>.json`        | `first_turn_conversation_id`     | hash of the content  |
| `llamafactory_sft`  | LLaMA-Factory `oaast_sft_<lang>.json`       | `first_turn_conversation_id`     | hash of the content  |

The last three formats do not carry the tree id (a multi-turn `oa_questions` record names only its
last prompter message), so their conversation id is derived from the language and the first user
turn: every record of one conversation then lands in the same tree, whatever its depth.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from velo.files import utf8_line
from velo.json_limits import JSONLimitError, loads as load_json
from velo.types import QAPair, Role, Turn

OASST1_LANGUAGES: frozenset[str] = frozenset(
    "ar bg bn ca cs da de el en eo es eu fa fi fr gl he hu id it ja ko nb nl pl pt ro ru sk sv th tr uk vi zh".split()
)
"""Primary language subtags that occur in oasst1 (regional variants such as `pt-BR` map onto these)."""

READY_TREE_STATE = "ready_for_export"
"""The `*_all` exports also hold spam, aborted and unfinished trees that the oasst1 release excludes."""

_MARKER = re.compile(r"(?:^|\s)### (Human|Assistant):")
"""QLoRA's turn markers, matched in full: answers may contain Markdown `###` headings (see SOURCE.md)."""


class DataFormatError(ValueError):
    """A source file is unreadable, unrecognized or malformed; the message names the file (and line)."""


class UnrecognizedFormatError(DataFormatError):
    """A file is readable but in none of the supported formats (directories skip such files)."""


class HubUnavailableError(ConnectionError):
    """The Hugging Face hub cannot be reached (offline mode or network)."""


class SourceFormat(str, Enum):
    MESSAGES = "messages"
    MESSAGES_PARQUET = "messages_parquet"
    TREES = "trees"
    OA_QUESTIONS = "oa_questions"
    LLAMAFACTORY_RM = "llamafactory_rm"
    LLAMAFACTORY_SFT = "llamafactory_sft"

    @property
    def priority(self) -> int:
        """Order in which sources are read, richest metadata first: deduplication keeps the first copy,
        so full trees (with deletion and review flags) win over derived files, and rank-ordered `rm`
        outputs win over `sft` outputs whose rank is unknown."""
        return {"oa_questions": 1, "llamafactory_rm": 2, "llamafactory_sft": 3}.get(self.value, 0)


SUPPORTED_FORMATS = (
    "*.messages.jsonl[.gz] or *.parquet (Hugging Face oasst1 messages), *.trees.jsonl[.gz] (message trees), "
    "oa_questions.jsonl (QLoRA), oaast_rm_<lang>.json / oaast_sft_<lang>.json (LLaMA-Factory)"
)


def normalize_lang(code: str) -> str:
    """`pt-BR` -> `pt`, `EN` -> `en`: VELO groups regional variants under the primary subtag."""
    return code.strip().replace("_", "-").split("-")[0].lower()


def first_turn_conversation_id(lang: str, first_user_text: str) -> str:
    """Stable conversation id for formats without tree ids: `oaq-` + sha1 of language and first turn."""
    digest = hashlib.sha1(f"{normalize_lang(lang)}\n{first_user_text.strip()}".encode()).hexdigest()
    return f"oaq-{digest[:24]}"


# ----------------------------------------------------------------------------------------- detection


def detect_format(path: Path) -> SourceFormat:
    """Tell a source's format from its name, else from its first record.

    Raises `UnrecognizedFormatError` for files in no supported format, `DataFormatError` when a
    `.jsonl` file's first line is not JSON (a damaged data file should stop a run, not be skipped)."""
    name = path.name.lower()
    if name.endswith(".parquet"):
        return SourceFormat.MESSAGES_PARQUET
    if name.endswith((".messages.jsonl", ".messages.jsonl.gz")):
        return SourceFormat.MESSAGES
    if name.endswith((".trees.jsonl", ".trees.jsonl.gz")):
        return SourceFormat.TREES
    if name == "oa_questions.jsonl":
        return SourceFormat.OA_QUESTIONS
    if re.fullmatch(r"oaast_rm_.+\.json", name):
        return SourceFormat.LLAMAFACTORY_RM
    if re.fullmatch(r"oaast_sft_.+\.json", name):
        return SourceFormat.LLAMAFACTORY_SFT
    if name.endswith((".jsonl", ".jsonl.gz")):
        records = _jsonl_records(path)
        first = next(records, (0, None))[1]
        records.close()
        keys = set(first) if isinstance(first, dict) else set()
        if {"input", "output", "message_id"} <= keys:
            return SourceFormat.OA_QUESTIONS
        if {"prompt", "message_tree_id"} <= keys:
            return SourceFormat.TREES
        if {"message_id", "role", "text"} <= keys:
            return SourceFormat.MESSAGES
    elif name.endswith(".json"):
        try:
            records = _json_array(path)
        except DataFormatError:  # any other JSON file (a config, a manifest) is simply not ours
            records = []
        if records and isinstance(records[0], dict) and {"instruction", "output"} <= set(records[0]):
            return SourceFormat.LLAMAFACTORY_RM if isinstance(records[0]["output"], list) else SourceFormat.LLAMAFACTORY_SFT
    raise UnrecognizedFormatError(f"{path}: not a recognized oasst1 file; supported formats: {SUPPORTED_FORMATS}")


def read_source(path: Path) -> list[QAPair]:
    """Read any supported file (see the module table) into pairs, in file order."""
    fmt = detect_format(path)
    if fmt is SourceFormat.MESSAGES:
        return read_messages(path)
    if fmt is SourceFormat.MESSAGES_PARQUET:
        return read_parquet(path)
    if fmt is SourceFormat.TREES:
        return read_trees(path)
    if fmt is SourceFormat.OA_QUESTIONS:
        return read_oa_questions(path)
    return read_llamafactory(path)


# ------------------------------------------------------------------------------- message trees (a, b)


def read_messages(path: Path) -> list[QAPair]:
    """Hugging Face `*.messages.jsonl[.gz]`: one oasst1 message per line."""
    return pairs_from_messages((f"{path}:{lineno}", record) for lineno, record in _jsonl_records(path))


def read_parquet(path: Path) -> list[QAPair]:
    """Parquet shards of the HF dataset `OpenAssistant/oasst1` (same columns as the messages export)."""
    import pyarrow.parquet as pq  # heavy; only parquet users pay for it

    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as err:  # pyarrow raises several unrelated types for a damaged file
        raise DataFormatError(f"{path}: cannot read parquet ({err})") from err
    return pairs_from_messages((f"{path}: row {index}", row) for index, row in enumerate(rows, start=1))


def read_trees(path: Path) -> list[QAPair]:
    """`*.trees.jsonl[.gz]`: one tree per line, replies nested under `prompt`; flattened to messages."""

    def flatten() -> Iterator[tuple[str, dict[str, Any]]]:
        for lineno, tree in _jsonl_records(path):
            if not isinstance(tree, dict) or not isinstance(tree.get("prompt"), dict):
                raise DataFormatError(f"{path}:{lineno}: a tree line needs a 'prompt' object")
            tree_id = tree.get("message_tree_id") or tree["prompt"].get("message_id")
            stack: list[tuple[dict[str, Any], str | None]] = [(tree["prompt"], None)]
            while stack:
                node, parent_id = stack.pop()
                if not isinstance(node, dict):
                    raise DataFormatError(f"{path}:{lineno}: replies must be message objects")
                message = {k: v for k, v in node.items() if k != "replies"}
                message.setdefault("tree_state", tree.get("tree_state"))
                yield f"{path}:{lineno}", message | {"parent_id": parent_id, "message_tree_id": tree_id}
                stack.extend((reply, node.get("message_id")) for reply in reversed(node.get("replies") or []))

    return pairs_from_messages(flatten())


def pairs_from_messages(records: Iterable[tuple[str, dict[str, Any]]]) -> list[QAPair]:
    """Every prompter message with a usable assistant reply becomes one pair.

    `records` are (location for error messages, e.g. `file:line`; oasst1 message) in source order.
    A message is usable when it is not deleted, did not fail review (`review_result` false) and belongs
    to a ready tree; a prompter qualifies only if its whole chain up to the root is usable, because
    that chain is the context the answer was written for. The answer is the best-ranked usable reply:
    lowest `rank`, a null rank counting as worst, ties broken by `created_date` then id.
    """
    messages: dict[str, dict[str, Any]] = {}
    replies: dict[str, list[dict[str, Any]]] = {}
    for where, record in records:
        missing = [key for key in ("message_id", "role", "text") if not isinstance(record, dict) or key not in record]
        if missing:
            raise DataFormatError(f"{where}: an oasst1 message needs {', '.join(missing)}")
        if not isinstance(record["text"], str) or record["role"] not in ("prompter", "assistant"):
            raise DataFormatError(f"{where}: text must be a string and role 'prompter' or 'assistant'")
        messages[record["message_id"]] = record
        if record.get("parent_id"):
            replies.setdefault(record["parent_id"], []).append(record)

    def usable(message: dict[str, Any]) -> bool:
        return (
            not message.get("deleted")
            and message.get("review_result") is not False
            and message.get("tree_state") in (None, READY_TREE_STATE)
            and bool(message["text"].strip())
        )

    def chain(message: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Root-first list of the message and its ancestors, or None when a link is missing or unusable."""
        path = [message]
        while path[-1].get("parent_id"):
            parent = messages.get(path[-1]["parent_id"])
            if parent is None or not usable(parent) or len(path) > len(messages):
                return None
            path.append(parent)
        return path[::-1]

    def rank_key(reply: dict[str, Any]) -> tuple[bool, float, str, str]:
        rank = reply.get("rank")
        unranked = rank is None or (isinstance(rank, float) and math.isnan(rank))
        return unranked, 0.0 if unranked else float(rank), str(reply.get("created_date") or ""), reply["message_id"]

    pairs = []
    for message in messages.values():
        if message["role"] != "prompter" or not usable(message):
            continue
        candidates = [r for r in replies.get(message["message_id"], []) if r["role"] == "assistant" and usable(r)]
        turns = chain(message)
        if not candidates or turns is None:
            continue
        best = min(candidates, key=rank_key)
        pairs.append(
            QAPair(
                id=best["message_id"],
                question=message["text"].strip(),
                answer=best["text"].strip(),
                lang=normalize_lang(str(message.get("lang") or "")),
                conversation_id=message.get("message_tree_id") or turns[0]["message_id"],
                context=tuple(Turn(_role(m["role"]), m["text"].strip()) for m in turns[:-1]),
            )
        )
    return pairs


def _role(oasst_role: str) -> Role:
    return Role.USER if oasst_role == "prompter" else Role.ASSISTANT


# ------------------------------------------------------------------------------- oa_questions.jsonl (c)


def parse_oa_input(text: str) -> tuple[list[Turn], str]:
    """Split QLoRA's `### Human: q ### Assistant: a ### Human: q2 ### Assistant:` into (context, question).

    Only the full markers preceded by whitespace count, so answers with Markdown `###` headings survive.
    Raises `ValueError` when the turns do not alternate Human/Assistant or the text does not end with
    an empty `### Assistant:`.
    """
    pieces = _MARKER.split(text)
    if pieces[0].strip():
        raise ValueError("text before the first '### Human:' marker")
    roles, texts = pieces[1::2], [piece.strip() for piece in pieces[2::2]]
    expected = ["Human", "Assistant"] * (len(roles) // 2)
    if len(roles) < 2 or roles != expected or texts[-1]:
        raise ValueError("turns must alternate '### Human:' / '### Assistant:' and end with an empty '### Assistant:'")
    turns = [Turn(Role.USER if role == "Human" else Role.ASSISTANT, body) for role, body in zip(roles, texts)]
    return turns[:-2], turns[-2].text


def read_oa_questions(path: Path) -> list[QAPair]:
    """QLoRA's `oa_questions.jsonl`: the oasst1 validation rank-0 replies with their conversation so far."""
    pairs = []
    for lineno, record in _jsonl_records(path):
        try:
            context, question = parse_oa_input(record["input"])
            lang = normalize_lang(record["lang"])
            pairs.append(
                QAPair(
                    id=record["message_id"],
                    question=question,
                    answer=str(record["output"] or "").strip(),
                    lang=lang,
                    conversation_id=first_turn_conversation_id(lang, context[0].text if context else question),
                    context=tuple(context),
                )
            )
        except (KeyError, TypeError, AttributeError) as err:
            raise DataFormatError(f"{path}:{lineno}: an oa_questions record needs input, output, message_id, lang ({err!r})") from err
        except ValueError as err:
            raise DataFormatError(f"{path}:{lineno}: {err}") from err
    return pairs


# --------------------------------------------------------------------------- LLaMA-Factory oaast (d)


def read_llamafactory(path: Path, lang: str | None = None) -> list[QAPair]:
    """LLaMA-Factory `oaast_rm_<lang>.json` (output: replies best first) or `oaast_sft_<lang>.json`
    (output: one reply). The files dropped message ids and languages, so the language comes from the
    file name (or `lang`) and the id is a hash of the content."""
    if lang is None:
        match = re.fullmatch(r"oaast_(?:rm|sft)_([a-z]{2}(?:-[a-z]+)?)\.json", path.name.lower())
        if match is None:
            raise DataFormatError(f"{path}: cannot tell the language; name LLaMA-Factory files oaast_rm_<lang>.json")
        lang = match.group(1)
    lang = normalize_lang(lang)
    pairs = []
    for index, record in enumerate(_json_array(path), start=1):
        try:
            outputs = record["output"] if isinstance(record["output"], list) else [record["output"]]
            answer = next((str(o).strip() for o in outputs if str(o).strip()), "")
            question = "\n\n".join(part.strip() for part in (record["instruction"], record.get("input") or "") if part.strip())
            context: list[Turn] = []
            for user, assistant in record.get("history") or []:
                context += [Turn(Role.USER, str(user).strip()), Turn(Role.ASSISTANT, str(assistant).strip())]
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise DataFormatError(
                f"{path}: record {index}: needs instruction, output and history [[user, assistant], ...] ({err!r})"
            ) from err
        content = json.dumps([lang, [t.text for t in context], question, answer], ensure_ascii=False)
        pairs.append(
            QAPair(
                id="lf-" + hashlib.sha1(content.encode()).hexdigest()[:24],
                question=question,
                answer=answer,
                lang=lang,
                conversation_id=first_turn_conversation_id(lang, context[0].text if context else question),
                context=tuple(context),
            )
        )
    return pairs


# ---------------------------------------------------------------------------------- hub (e)


def download_hub_files(repo_id: str = "OpenAssistant/oasst1", revision: str | None = None) -> list[Path]:
    """Fetch the parquet shards of a hub dataset into the huggingface_hub cache; returns local paths."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        # checked first: in offline mode huggingface_hub raises only after its own look-ups
        raise HubUnavailableError(
            f"cannot download {repo_id}: HF_HUB_OFFLINE is set; set HF_HUB_OFFLINE=0 with network access, "
            "or pass local files with --source"
        )
    from huggingface_hub import HfApi, hf_hub_download

    try:
        names = [n for n in HfApi().list_repo_files(repo_id, repo_type="dataset", revision=revision) if n.endswith(".parquet")]
        if not names:
            raise HubUnavailableError(f"{repo_id}: no parquet files in the dataset repository")
        return [Path(hf_hub_download(repo_id, n, repo_type="dataset", revision=revision)) for n in sorted(names)]
    except HubUnavailableError:
        raise
    except Exception as err:  # network, auth and missing-repo errors all mean "use local files"
        raise HubUnavailableError(f"cannot download {repo_id} from the Hugging Face hub: {err}") from err


def load_from_hub(repo_id: str = "OpenAssistant/oasst1", revision: str | None = None) -> list[QAPair]:
    """All pairs of the hub dataset (train and validation shards), read with the parquet reader."""
    return [pair for path in download_hub_files(repo_id, revision) for pair in read_parquet(path)]


# ---------------------------------------------------------------------------------- file helpers


def _jsonl_records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, decoded JSON) for each non-blank line of a `.jsonl` or `.jsonl.gz` file."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as raws:
            for lineno, raw in enumerate(raws, start=1):
                try:
                    line = utf8_line(raw, f"{path}:{lineno}")
                except ValueError as err:
                    raise DataFormatError(str(err)) from None
                if not line.strip():
                    continue
                try:
                    record = load_json(line)
                except json.JSONDecodeError as err:
                    raise DataFormatError(f"{path}:{lineno}: not valid JSON ({err.msg})") from err
                except JSONLimitError as err:  # a RecursionError or a bare int-digits ValueError had escaped (issue 9)
                    raise DataFormatError(f"{path}:{lineno}: {err}") from None
                yield lineno, record
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise DataFormatError(f"{path}: cannot read ({err})") from err


def _json_array(path: Path) -> list[Any]:
    try:
        records = load_json(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataFormatError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from err
    except JSONLimitError as err:
        raise DataFormatError(f"{path}: {err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataFormatError(f"{path}: cannot read ({err})") from err
    if not isinstance(records, list):
        raise DataFormatError(f"{path}: expected a JSON array of records")
    return records
