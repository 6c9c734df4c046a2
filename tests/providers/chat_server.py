"""A real OpenAI-compatible chat server on loopback whose replies the test scripts.

asyncio in a thread, HTTP/1.1 with keep-alive: small enough to add almost no
time of its own (the benchmark measures client overhead against it). Replies
come from ``push``-ed ``Reply`` objects first, then from ``handler``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict -> JSON; str -> sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


def completion(content: str, *, finish: str = "stop", tokens_in: int = 0, tokens_out: int | None = None) -> dict[str, Any]:
    return {
        "id": "cmpl-test", "object": "chat.completion", "model": "test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": len(content) // 4 if tokens_out is None else tokens_out},
    }


def schema_name(request: dict[str, Any]) -> str:
    """Which reply model a request asks for, whatever structured-output form it used."""
    fmt = request.get("response_format")
    if fmt:
        return fmt["json_schema"]["name"]
    shape = json.dumps(request.get("json_schema") or request.get("grammar") or "")
    return "LlmEdits" if "summary" in shape else "LlmJobAnalysis"


def resume_block(request: dict[str, Any]) -> dict[str, Any]:
    text = request["messages"][1]["content"]
    return json.loads(re.search(r"<<<RESUME\n(.*)\nRESUME>>>", text, re.S).group(1))


def honest(request: dict[str, Any]) -> Reply:
    """A well-behaved model: the job's own skills; every list's bullets reversed, no summary (the resume has one)."""
    if schema_name(request) == "LlmJobAnalysis":
        content = {"title": "Backend Engineer", "skills": [{"name": "Python", "requirement": "required"},
                   {"name": "Kubernetes", "requirement": "preferred"}], "key_terms": ["distributed systems"],
                   "years": None, "seniority": None}
    else:
        resume = resume_block(request)
        orders = [{"block": b["block"], "order": [i["item"] for i in reversed(b["items"])]} for b in resume["lists"]]
        content = {"orders": orders, "skills": [], "renames": [], "summary": ""}
    return Reply(body=completion(json.dumps(content), tokens_in=len(json.dumps(request)) // 4))


class ChatServer:
    def __init__(self, handler: Callable[[dict[str, Any]], Reply] = honest) -> None:
        self.handler = handler
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.connects: list[dict[str, str]] = []  # headers of CONNECT requests (this server as an HTTPS proxy)
        self.handling_s: list[float] = []  # server-side time per answered request
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def start(self) -> ChatServer:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self._loop).result(5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listening socket and every open connection: the service is gone."""
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)

    def restart(self) -> None:
        """Listen again on the same port after ``stop``."""
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self._loop).result(5)

    def shutdown(self) -> None:
        self.stop()

        async def finish() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(finish(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.shutdown()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                if line.startswith(b"CONNECT "):  # asked to tunnel TLS: record what the proxy is shown, refuse
                    self.connects.append(headers)
                    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    return
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                if line.startswith(b"GET ") and line.split()[1].endswith(b"/stats"):  # the server's own handling times, for benchmarks
                    data = json.dumps(self.handling_s).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
                    await writer.drain()
                    continue
                started = time.perf_counter()
                request = json.loads(body)
                with self._lock:
                    self.requests.append(request)
                    self.headers.append(headers)
                    reply = self.script.popleft() if self.script else None
                if reply is None:
                    reply = self.handler(request)
                self.active += 1
                self.peak = max(self.peak, self.active)
                try:
                    if reply.delay:
                        await asyncio.sleep(reply.delay)
                finally:
                    self.active -= 1
                if reply.drop:
                    writer.transport.abort()
                    return
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                data = payload.encode()
                head = [f"HTTP/1.1 {reply.status} X", "Content-Type: application/json", f"Content-Length: {len(data)}"]
                head += [f"{k}: {v}" for k, v in reply.headers.items()]
                self.handling_s.append(time.perf_counter() - started)  # before the write: the client may be quicker
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()
