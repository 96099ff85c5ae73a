"""A local HTTP server that speaks the OpenAI and Anthropic wire formats, for tests and benchmarks.

The real vendor SDKs talk to it over a loopback port, so backend tests exercise the same HTTP,
JSON and error handling a real provider would, with no network. It serves

* ``POST /v1/chat/completions`` (OpenAI chat completions, with ``tool_calls`` and ``reasoning_content``),
* ``POST /v1/embeddings`` (OpenAI embeddings; deterministic vectors),
* ``POST /v1/messages`` (Anthropic Messages, with ``tool_use`` and ``thinking`` blocks),
* ``GET /v1/models``,

answering from a queue of scripted :class:`StubReply` values (a default reply when the queue is
empty): text, tool calls, an HTTP error with ``Retry-After``, a malformed body, a slow reply, or a
dropped connection. Every request is recorded and counted, so a test can assert that a cached
re-run sent nothing. Streaming is not served (the backends do not stream).

It can be taught to answer like llama.cpp's server (``mimic="llama.cpp"``): HTTP 500 to an
assistant message whose ``content`` is ``null``, and HTTP 400 ("Requested tokens (N) exceed
context window of M") when the prompt plus ``max_tokens`` exceeds ``n_ctx``. A ``responder``
answers each request from its body (a scripted model), :meth:`StubLLMServer.refuse` makes every
request whose body contains a marker fail the same way (one item that always gets a 400), and
:meth:`StubReply.fenced_call` writes a tool call as llama.cpp's default chat format does: a fenced
JSON block in the content.

Use it in a thread (``with StubLLMServer(latency=0.1) as server:``) or, for benchmarks that must
not share the client's interpreter lock, in its own process (:meth:`StubLLMServer.spawn`, or
``python -m envfactory_testing.stub_llm_server --latency 0.1``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import subprocess
import sys
import threading
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

__all__ = ["StubLLMServer", "StubProcess", "StubReply", "StubRequest"]

ToolCallScript = tuple[str, "dict[str, Any] | str"]
Responder = Callable[[str, dict[str, Any]], "StubReply | None"]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    408: "Request Timeout",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    529: "Overloaded",
}


def _calls(calls: Iterable[ToolCallScript]) -> tuple[ToolCallScript, ...]:
    return tuple(calls)


@attrs.frozen(kw_only=True)
class StubReply:
    """One scripted answer, rendered in the wire format of whichever endpoint was called.

    ``tool_calls`` holds ``(name, arguments)`` pairs; arguments given as a string are sent as-is
    (so a test can send arguments that are not JSON). ``status`` other than 200 sends the vendor's
    error body with ``message``; ``body`` replaces the whole response body (malformed replies, or
    an error status with a body of another shape);
    ``delay`` waits before answering; ``disconnect`` closes the connection without answering.
    """

    text: str = ""
    tool_calls: tuple[ToolCallScript, ...] = attrs.field(default=(), converter=_calls)
    reasoning: str = ""
    status: int = 200
    message: str = ""
    retry_after: float | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: str | None = None
    delay: float = 0.0
    disconnect: bool = False
    finish_reason: str = ""

    @classmethod
    def ok(cls, text: str = "ok", *, reasoning: str = "", delay: float = 0.0) -> StubReply:
        return cls(text=text, reasoning=reasoning, delay=delay)

    @classmethod
    def tools(cls, *calls: ToolCallScript, text: str = "", reasoning: str = "") -> StubReply:
        return cls(text=text, tool_calls=calls, reasoning=reasoning)

    @classmethod
    def error(cls, status: int, message: str = "", *, retry_after: float | None = None) -> StubReply:
        return cls(status=status, message=message or f"stub error {status}", retry_after=retry_after)

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1.0, message: str = "Rate limit reached") -> StubReply:
        return cls.error(429, message, retry_after=retry_after)

    @classmethod
    def malformed(cls, body: str = '{"choices": [ this is not json') -> StubReply:
        return cls(body=body)

    @classmethod
    def slow(cls, seconds: float, text: str = "ok") -> StubReply:
        return cls(text=text, delay=seconds)

    @classmethod
    def dropped(cls) -> StubReply:
        return cls(disconnect=True)

    @classmethod
    def fenced_call(cls, name: str, arguments: dict[str, Any], *, text: str = "") -> StubReply:
        """A tool call written in the content as a fenced JSON block (llama.cpp's default chat format)."""
        block = "```json\n" + json.dumps({"name": name, "arguments": arguments}) + "\n```"
        return cls(text=f"{text}\n{block}" if text else block)

    def as_json(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["tool_calls"] = [list(call) for call in self.tool_calls]
        data["headers"] = dict(self.headers)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StubReply:
        values = dict(data)
        values["tool_calls"] = tuple(tuple(call) for call in values.get("tool_calls", ()))
        return cls(**values)


@attrs.frozen(kw_only=True)
class StubRequest:
    """A request the stub received (control requests under ``/_stub/`` are not recorded)."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any


def _tokens(text: str) -> int:
    return max(1, (len(text) + 3) // 4)


def _vector(model: str, text: str, size: int) -> list[float]:
    seed = hashlib.sha256(f"{model}\0{text}".encode()).digest()
    while len(seed) < size:
        seed += hashlib.sha256(seed).digest()
    return [round((byte - 127.5) / 127.5, 6) for byte in seed[:size]]


class StubLLMServer:
    """The stub server in a background thread of this process."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        default: StubReply | None = None,
        mimic: str = "",
        n_ctx: int = 8192,
        responder: Callable[[dict[str, Any]], StubReply | None] | None = None,
    ) -> None:
        if mimic not in ("", "llama.cpp"):
            raise ValueError(f"mimic must be '' or 'llama.cpp', got {mimic!r}")
        self.latency = latency
        self.host = host
        self.port = port
        self.default = default or StubReply.ok("ok")
        self.mimic = mimic
        self.n_ctx = n_ctx
        self.responder = responder
        self.refusals: list[tuple[str | Callable[[Any], bool], StubReply]] = []
        self.refused = 0
        self.requests: list[StubRequest] = []
        self._queue: deque[StubReply] = deque()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._sequence = 0
        self._keep_records = True
        self._responder: Responder | None = None

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> StubLLMServer:
        self._thread = threading.Thread(target=self._run, name="stub-llm-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=10) or self._server is None:
            raise RuntimeError("the stub LLM server did not start")
        return self

    def _run(self) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(self._listen())
        self._ready.set()
        loop.run_forever()
        self._server.close()
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    async def _listen(self) -> asyncio.Server:
        server = await asyncio.start_server(self._handle, self.host, self.port, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        return server

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop = None

    def __enter__(self) -> StubLLMServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def serve_forever(self) -> None:
        """Serve on the current event loop until cancelled (the subprocess mode)."""
        self._server = await self._listen()
        self._ready.set()
        async with self._server:
            await self._server.serve_forever()

    # --- scripting and inspection -----------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """What to pass as an OpenAI client's ``base_url``."""
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        """What to pass as an Anthropic client's ``base_url`` (it adds ``/v1`` itself)."""
        return self.url

    def script(self, *replies: StubReply) -> StubLLMServer:
        """Queue replies, served one per request in order."""
        with self._lock:
            self._queue.extend(replies)
        return self

    def refuse(self, match: str | Callable[[Any], bool], reply: StubReply | None = None) -> StubLLMServer:
        """Answer every chat request that ``match`` picks with ``reply`` (default: a 400), every time.

        ``match`` is a text the raw body contains, or a predicate given the parsed body.
        """
        with self._lock:
            self.refusals.append((match, reply or StubReply.error(400, "the stub refuses this request")))
        return self

    def respond_with(self, responder: Responder | None) -> StubLLMServer:
        """Compute replies from request bodies: ``responder(path, body)`` is asked before the queue,
        and its ``None`` falls back to it. For clients whose requests do not come in a fixed order
        (concurrent trials, a process killed and resumed), where a queue cannot line replies up."""
        with self._lock:
            self._responder = responder
        return self

    def _computed_reply(self, path: str, body: Any) -> StubReply | None:
        responder = self._responder
        if responder is None or path == "/v1/models" or not isinstance(body, dict):
            return None
        return responder(path, body)

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def request_count(self) -> int:
        return self._sequence

    def count(self, path: str) -> int:
        """Requests received on ``path`` (for example ``/v1/chat/completions``)."""
        return sum(1 for request in self.requests if request.path == path)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self._sequence = 0

    # --- HTTP -------------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await self._read_request(reader)
                if request is None:
                    break
                method, path, headers, raw = request
                close = headers.get("connection", "").lower() == "close"
                answer = await self._answer(method, path, headers, raw)
                if answer is None:  # a scripted dropped connection
                    break
                status, response_headers, body = answer
                lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
                response_headers = {
                    "content-type": "application/json",
                    "content-length": str(len(body)),
                    **({"connection": "close"} if close else {}),
                    **response_headers,
                }
                lines.extend(f"{key}: {value}" for key, value in response_headers.items())
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:  # the server is stopping: end quietly
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if error.partial.strip():
                raise
            return None
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            if line:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).strip() or b"0", 16)
                if size == 0:
                    await reader.readline()
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            raw = b"".join(chunks)
        else:
            length = int(headers.get("content-length", "0") or 0)
            raw = await reader.readexactly(length) if length else b""
        path = target.split("?", 1)[0]
        return method, path, headers, raw

    async def _answer(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes] | None:
        if path.startswith("/_stub/"):
            return self._control(method, path, raw)
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        with self._lock:
            self._sequence += 1
            number = self._sequence
            if self._keep_records:
                self.requests.append(StubRequest(method=method, path=path, headers=dict(headers), body=body))
            reply = self._check(path, raw, body) or self._computed_reply(path, body)
            if reply is None:
                reply = self._queue.popleft() if self._queue and path != "/v1/models" else None
        if reply is None and self.responder is not None and isinstance(body, dict) and path.endswith("/completions"):
            reply = self.responder(body)
        if reply is None:
            reply = self.default
        wait = self.latency + reply.delay
        if wait:
            await asyncio.sleep(wait)
        if reply.disconnect:
            return None
        anthropic = path.endswith("/messages")
        if reply.status != 200:
            return self._error(reply, anthropic=anthropic)
        if reply.body is not None:
            return 200, dict(reply.headers), reply.body.encode("utf-8")
        if isinstance(body, dict) and body.get("stream"):
            return self._error(StubReply.error(400, "the stub server does not stream"), anthropic=anthropic)
        payload = self._payload(path, method, body if isinstance(body, dict) else {}, reply, number)
        if payload is None:
            return self._error(StubReply.error(404, f"no route {method} {path}"), anthropic=anthropic)
        return 200, dict(reply.headers), json.dumps(payload).encode("utf-8")

    def _check(self, path: str, raw: bytes, body: Any) -> StubReply | None:
        """What the server says before any model runs: a refusal rule, or (llama.cpp) a request it rejects."""
        if not path.endswith("/chat/completions"):
            return None
        text = raw.decode("utf-8", "replace")
        for match, reply in self.refusals:
            if match in text if isinstance(match, str) else match(body):
                self.refused += 1
                return reply
        if self.mimic != "llama.cpp" or not isinstance(body, dict):
            return None
        messages = body.get("messages") or []
        if any(isinstance(m, dict) and m.get("role") == "assistant" and m.get("content") is None for m in messages):
            return StubReply.error(500, 'can only concatenate str (not "NoneType") to str')
        wanted = _tokens(json.dumps(messages)) + int(body.get("max_tokens") or 0)
        if wanted > self.n_ctx:
            return StubReply.error(400, f"Requested tokens ({wanted}) exceed context window of {self.n_ctx}")
        return None

    def _error(self, reply: StubReply, *, anthropic: bool) -> tuple[int, dict[str, str], bytes]:
        kind = {
            429: "rate_limit_error",
            401: "authentication_error",
            404: "not_found_error",
            529: "overloaded_error",
        }.get(reply.status, "api_error" if reply.status >= 500 else "invalid_request_error")
        if anthropic:
            body: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": reply.message}}
        else:
            body = {"error": {"message": reply.message, "type": kind, "param": None, "code": None}}
        headers = dict(reply.headers)
        if reply.retry_after is not None:
            headers["retry-after"] = f"{reply.retry_after:g}"
        if reply.body is not None:  # a proxy's HTML error page, a body without the vendor's shape
            return reply.status, headers, reply.body.encode("utf-8")
        return reply.status, headers, json.dumps(body).encode("utf-8")

    def _payload(self, path: str, method: str, body: dict[str, Any], reply: StubReply, number: int) -> Any:
        model = str(body.get("model", "stub-model"))
        prompt_tokens = _tokens(json.dumps(body.get("messages", body.get("input", ""))))
        if method == "GET" and path.endswith("/models"):
            return {
                "object": "list",
                "data": [{"id": "stub-model", "object": "model", "created": 0, "owned_by": "stub"}],
            }
        if method == "POST" and path.endswith("/chat/completions"):
            return self._openai_chat(model, reply, number, prompt_tokens)
        if method == "POST" and path.endswith("/embeddings"):
            inputs = body.get("input", [])
            inputs = [inputs] if isinstance(inputs, str) else list(inputs)
            size = int(body.get("dimensions") or 8)
            tokens = sum(_tokens(str(text)) for text in inputs)
            return {
                "object": "list",
                "data": [
                    {"object": "embedding", "index": index, "embedding": _vector(model, str(text), size)}
                    for index, text in enumerate(inputs)
                ],
                "model": model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        if method == "POST" and path.endswith("/messages"):
            return self._anthropic_messages(model, reply, number, prompt_tokens)
        return None

    @staticmethod
    def _arguments_text(arguments: dict[str, Any] | str) -> str:
        return arguments if isinstance(arguments, str) else json.dumps(arguments)

    def _openai_chat(self, model: str, reply: StubReply, number: int, prompt_tokens: int) -> dict[str, Any]:
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.text if reply.text or not reply.tool_calls else None,
        }
        if reply.tool_calls:
            message["tool_calls"] = [
                {
                    "id": f"call_stub_{number}_{index}",
                    "type": "function",
                    "function": {"name": name, "arguments": self._arguments_text(arguments)},
                }
                for index, (name, arguments) in enumerate(reply.tool_calls)
            ]
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        completion = _tokens(reply.text + reply.reasoning + json.dumps(reply.tool_calls))
        return {
            "id": f"chatcmpl-stub-{number}",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop"),
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion,
                "total_tokens": prompt_tokens + completion,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": _tokens(reply.reasoning) if reply.reasoning else 0},
            },
        }

    def _anthropic_messages(self, model: str, reply: StubReply, number: int, prompt_tokens: int) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if reply.reasoning:
            content.append({"type": "thinking", "thinking": reply.reasoning, "signature": f"stub-signature-{number}"})
        if reply.text:
            content.append({"type": "text", "text": reply.text})
        for index, (name, arguments) in enumerate(reply.tool_calls):
            parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
            content.append({"type": "tool_use", "id": f"toolu_stub_{number}_{index}", "name": name, "input": parsed})
        completion = _tokens(reply.text + reply.reasoning + json.dumps(reply.tool_calls))
        return {
            "id": f"msg_stub_{number}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": reply.finish_reason or ("tool_use" if reply.tool_calls else "end_turn"),
            "stop_sequence": None,
            "usage": {
                "input_tokens": prompt_tokens,
                "output_tokens": completion,
                "cache_read_input_tokens": 0,
                "cache_creation_input_tokens": 0,
            },
        }

    def _control(self, method: str, path: str, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        if path == "/_stub/stats":
            stats = {"requests": self._sequence, "pending": len(self._queue)}
            return 200, {}, json.dumps(stats).encode()
        if path == "/_stub/script" and method == "POST":
            self.script(*(StubReply.from_json(item) for item in json.loads(raw)))
            return 200, {}, b'{"ok": true}'
        if path == "/_stub/reset" and method == "POST":
            self.reset()
            return 200, {}, b'{"ok": true}'
        return 404, {}, b'{"error": "unknown control path"}'

    # --- subprocess mode --------------------------------------------------------------------------

    @classmethod
    def spawn(cls, *, latency: float = 0.0, record: bool = False) -> StubProcess:
        """Start the stub in its own Python process (so it does not compete for this one's GIL)."""
        code = "from envfactory_testing.stub_llm_server import main; main()"
        command = [sys.executable, "-c", code, "--latency", str(latency)]
        if not record:
            command.append("--no-record")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            process.kill()
            raise RuntimeError(f"the stub LLM server process did not start (said {line!r})")
        return StubProcess(process=process, url=line.split(" ", 1)[1])


@attrs.define
class StubProcess:
    """A stub server running in a child process, controlled over HTTP."""

    process: subprocess.Popen[str]
    url: str

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    def _control(self, path: str, data: Any = None) -> Any:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=body, method="POST" if body is not None else "GET")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    @property
    def request_count(self) -> int:
        return int(self._control("/_stub/stats")["requests"])

    def script(self, *replies: StubReply) -> None:
        self._control("/_stub/script", [reply.as_json() for reply in replies])

    def reset(self) -> None:
        self._control("/_stub/reset", {})

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> StubProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the stub LLM server on a loopback port until terminated.")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free one)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to wait before every reply")
    parser.add_argument("--no-record", action="store_true", help="count requests but do not keep their bodies")
    args = parser.parse_args(list(argv) if argv is not None else sys.argv[1:])
    server = StubLLMServer(latency=args.latency, port=args.port)
    server._keep_records = not args.no_record

    async def serve() -> None:
        task = asyncio.ensure_future(server.serve_forever())
        while not server._ready.is_set():
            await asyncio.sleep(0.01)
        print(f"READY {server.url}", flush=True)
        await task

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
