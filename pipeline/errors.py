"""The one exception tree of tailor.

Every failure tailor expects is a ``TailorError``; anything else is a bug::

    TailorError
    ├── InputError       an input file (or folder) is missing, unreadable or not what it claims
    ├── ConfigError      a setting has a wrong type or value
    ├── UsageError       options that contradict each other (an output's extension and its format)
    ├── GraphError       a pipeline graph is invalid
    ├── StepError        a pipeline step failed after its retries
    ├── TransientError   a failure worth retrying (timeout, rate limit, dropped connection)
    ├── CacheError       the cache could not be read or written
    ├── GuardError       a rewrite tried to add a fact the resume lacks
    ├── ProviderError    a tailoring provider failed or returned something unusable
    └── HistoryError     the run history (SQLite) could not be read or written

Messages name the file, setting or step and the problem, never a command-line flag.
The errors carry no exit codes: the CLI maps the classes to them (``tailor.cli.errors``).
"""

from __future__ import annotations


class TailorError(Exception):
    """Base of every error tailor expects and reports without a traceback."""


class InputError(TailorError):
    """An input file is missing, unreadable or not what it claims to be."""


class ConfigError(TailorError):
    """A setting has a wrong type or value."""


class UsageError(TailorError):
    """Options that contradict each other, e.g. an output file's extension and the format asked for."""


class GraphError(TailorError):
    """A pipeline graph is invalid: a cycle, a missing input or a duplicate name."""


class StepError(TailorError):
    """A pipeline step failed after its retries."""


class TransientError(TailorError):
    """A failure worth retrying: a timeout, a rate limit, a dropped connection."""


class CacheError(TailorError):
    """The cache could not be read or written (runs go on without it)."""


class GuardError(TailorError):
    """A rewrite tried to add a skill, title, employer, date or number the resume lacks."""


class ProviderError(TailorError):
    """A tailoring provider failed or returned something unusable."""


class HistoryError(TailorError):
    """The run history (SQLite) could not be read or written."""
