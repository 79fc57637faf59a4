"""The OpenAI API's wire shapes, version 1: requests, responses, streamed chunks and the one error shape.

Pydantic only (no torch, no pymilvus): the EdgeShard server, the gateway and edge services and the SDK all import
`velo.wire`, and a client pays nothing for it. There is no second copy of these schemas. Everything public is
imported from `velo.wire`; the modules say what they hold:

| module | holds |
|---|---|
| `velo.wire.requests` | `CompletionRequest`, `ChatCompletionRequest` and their parts; `text_turns`, `check_question` |
| `velo.wire.responses` | `Completion`, `ChatCompletion`, `ChatCompletionChunk`, `ModelList`, `Usage`; `sse_event`, `sse_chunk` (with `obfuscation` padding), `SSE_DONE` |
| `velo.wire.errors` | `ErrorResponse`, `APIError`; `parse_body` and the 400s it answers (`body_problem`: a lone surrogate or a control character in a text, a number that is not finite, an integer beyond 4,300 digits; JSON nested beyond `velo.json_limits.MAX_DEPTH`), each naming at most `MAX_NAMED` fields |
| `velo.wire.velo_routes` | VELO's own routes (`ServeRequest`, ...) and the namespace and API key rules |

| model | route | notes |
|---|---|---|
| `CompletionRequest` -> `Completion` | `POST /v1/completions` | `Completion` is also each streamed chunk (OpenAI streams `text_completion` objects) |
| `ChatCompletionRequest` -> `ChatCompletion` | `POST /v1/chat/completions` | streamed as `ChatCompletionChunk`s |
| `ModelList` of `ModelCard` | `GET /v1/models` | |
| `ModelCard` | `GET /v1/models/{id}` | the `openai` client's `models.retrieve`; an unknown id -> 404 `model_not_found` |
| `ErrorResponse` | every failure | `{"error": {"message", "type", "code", "param"}}`, `param` naming the offending field |

Requests accept the OpenAI fields with their documented types and ranges, and refuse any other field
(`extra="forbid"`, as OpenAI does), and a value of another JSON type than the field's (`strict`: no "5" for 5). Whether a service honours a field it accepts is that service's
decision, stated in its own docstring (services/edgeshard.py for the EdgeShard server) and answered with
`APIError.unsupported`. `APIError.from_validation` turns pydantic's errors into a 400 naming the field as
`param`: a top-level name (`"stop"`) or a path (`"messages[1].role"`). Streams are server-sent events:
`data: <chunk JSON>` per chunk, then `data: [DONE]` (`sse_event`, `SSE_DONE`).

VELO's additions ride in fields the official `openai` client keeps (its models allow extra keys) and other
clients ignore: `route` (how the answer was served: cache / edge / cloud / cloud_context), `latency_ms`
(VELO's end-to-end time for the request) and `similarity` (cosine similarity of the request to the best
cached question, None when the cache had no candidate) on `Completion`, `ChatCompletion` and a stream's
last chunk; `velo` carries the EdgeShard server's timings. Each is left out when None.

VELO's own routes (the edge server's `/v1/serve`, the admin routes) take and return the models of
`velo.wire.velo_routes`: `ServeRequest` / `ServeResponse` (or, streamed, `ServeEvent`s), `CacheLookupRequest` /
`CacheLookupResponse`, `CacheEntryOut`, `DeletedCount`.
"""

from __future__ import annotations

from velo.wire.errors import CONTEXT_LENGTH_EXCEEDED, DEADLINE_EXCEEDED, APIError, ErrorDetail, ErrorResponse, body_not_json, body_problem, parse_body, parse_error
from velo.wire.requests import (
    MAX_STOP_STRINGS,
    ChatCompletionRequest,
    ChatMessage,
    CompletionRequest,
    ContentPart,
    ResponseFormat,
    StreamOptions,
    check_question,
    text_turns,
)
from velo.wire.responses import (
    ROUTES,
    OBFUSCATION_BLOCK,
    SSE_DONE,
    AssistantMessage,
    ChatChoice,
    ChatChunkChoice,
    ChatCompletion,
    ChatCompletionChunk,
    ChatDelta,
    ChatFinishReason,
    Completion,
    CompletionChoice,
    FinishReason,
    ModelCard,
    ModelList,
    Route,
    Timings,
    Usage,
    sse_chunk,
    sse_event,
)
from velo.wire.velo_routes import (
    API_KEY_RULE,
    NAMESPACE_PATTERN,
    NAMESPACE_RULE,
    CacheEntryOut,
    CacheLookupRequest,
    CacheLookupResponse,
    DeletedCount,
    ServeEvent,
    ServeRequest,
    ServeResponse,
    ServeStart,
    Turn,
    api_key_problem,
    cache_context,
    namespace_problem,
)

API_VERSION = "v1"
"""The version of every route (`/v1/...`)."""

__all__ = [
    "API_KEY_RULE", "API_VERSION", "CONTEXT_LENGTH_EXCEEDED", "DEADLINE_EXCEEDED", "MAX_STOP_STRINGS", "NAMESPACE_PATTERN", "NAMESPACE_RULE", "OBFUSCATION_BLOCK", "ROUTES", "SSE_DONE",
    "APIError", "AssistantMessage", "CacheEntryOut", "CacheLookupRequest", "CacheLookupResponse", "ChatChoice", "ChatChunkChoice",
    "ChatCompletion", "ChatCompletionChunk", "ChatCompletionRequest", "ChatDelta", "ChatFinishReason", "ChatMessage", "Completion",
    "CompletionChoice", "CompletionRequest", "ContentPart", "DeletedCount", "ErrorDetail", "ErrorResponse", "FinishReason", "ModelCard",
    "ModelList", "ResponseFormat", "Route", "ServeEvent", "ServeRequest", "ServeResponse", "ServeStart", "StreamOptions", "Timings",
    "Turn", "Usage", "api_key_problem", "body_not_json", "body_problem", "cache_context", "check_question", "namespace_problem",
    "parse_body", "parse_error", "sse_chunk", "sse_event", "text_turns",
]
