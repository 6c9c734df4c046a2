"""A chunk function for the worker-pool tests: doubles numbers, kills its process on a negative one."""

from __future__ import annotations

import os
import time

from tailor.pipeline.batch._pool import stop_requested


def double_or_die(chunk: list[int]) -> list[int | None]:
    out: list[int | None] = []
    for n in chunk:
        if stop_requested():
            out.append(None)
            continue
        if n < 0:
            os._exit(3)  # a hard crash: no exception, no cleanup, as a segfault would be
        time.sleep(0.002)
        out.append(2 * n)
    return out


def slow_double(chunk: list[int]) -> list[int | None]:
    out: list[int | None] = []
    for n in chunk:
        if stop_requested():
            out.append(None)
            continue
        time.sleep(0.05)
        out.append(2 * n)
    return out
