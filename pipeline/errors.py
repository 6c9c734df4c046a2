"""The one exception hierarchy of tailor.

Every expected failure is a ``TailorError``; the CLI prints its message on one
line and exits with its ``exit_code``. Anything else is a bug.
"""

from __future__ import annotations


class TailorError(Exception):
    """Base of every error tailor expects and reports without a traceback."""

    exit_code: int = 2


class InputError(TailorError):
    """An input file is missing, unreadable or not what it claims to be."""


class ConfigError(TailorError):
    """A setting has a wrong type or value."""


class GraphError(TailorError):
    """A pipeline graph is invalid: a cycle, a missing input or a duplicate name."""


class StepError(TailorError):
    """A pipeline step failed after its retries."""

    exit_code = 1


class TransientError(TailorError):
    """A failure worth retrying: a timeout, a rate limit, a dropped connection."""

    exit_code = 1


class CacheError(TailorError):
    """The cache could not be read or written (runs go on without it)."""

    exit_code = 1


class GuardError(TailorError):
    """A rewrite tried to add a skill, title, employer, date or number the resume lacks."""

    exit_code = 1


class ProviderError(TailorError):
    """A tailoring provider failed or returned something unusable."""

    exit_code = 1
