"""Wiring: the tailoring pipeline as a graph of steps, and the sessions that run it.

``Session`` owns what runs in one process share (settings, cache, history, graph);
``Session.tailor(RunRequest)`` gives a ``RunOutcome``. ``stages`` is the pipeline,
``graphs`` picks it per provider, ``compare`` times the schedules, ``warm`` fills
the cache with job analyses ahead of time.

Each name loads on first use: ``tailor cache stats`` needs ``caching`` alone, not the
whole pipeline that ``session`` imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tailor.pipeline._lazy import exports

if TYPE_CHECKING:
    from tailor.pipeline.app.caching import open_cache, step_memo
    from tailor.pipeline.app.run import RunOutcome, RunRequest
    from tailor.pipeline.app.session import Session

__all__ = ["RunOutcome", "RunRequest", "Session", "open_cache", "step_memo"]

__getattr__ = exports(__name__, {"open_cache": "caching", "step_memo": "caching", "RunOutcome": "run",
                                 "RunRequest": "run", "Session": "session"})
