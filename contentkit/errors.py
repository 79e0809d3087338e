"""Errors that end a command with one clear line and a stable exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes: part of the CLI contract (documented in the README, checked by a test)."""

    OK = 0
    INPUT = 1  # bad story, recipe, option value or media input
    USAGE = 2  # bad command line: unknown format, option or platform
    STRICT = 3  # --strict and the build produced warnings / check found problems
    OUTPUT = 4  # output folder not writable, locked, holds a symlink; encoder failure
    INTERNAL = 70  # a bug: set CONTENTKIT_DEBUG=1 for a traceback
    INTERRUPTED = 130  # Ctrl-C or SIGTERM


EXIT_OK = ExitStatus.OK
EXIT_INPUT = ExitStatus.INPUT
EXIT_USAGE = ExitStatus.USAGE
EXIT_STRICT = ExitStatus.STRICT
EXIT_OUTPUT = ExitStatus.OUTPUT


class ContentkitError(Exception):
    """An error a user can act on. ``str()`` is a single line."""

    exit_code: int = EXIT_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        self.message = " ".join(str(message).split())
        self.path = path
        self.line = line
        self.key = key
        if exit_code is not None:
            self.exit_code = exit_code
        super().__init__(self.render())

    def __reduce__(self):
        # a build in a worker process raises it in the parent intact (path, line, key, exit code)
        return (_rebuild, (type(self), self.message, self.path, self.line, self.key, self.exit_code))

    def render(self) -> str:
        where = ""
        if self.path:
            where = str(self.path)
            if self.line:
                where += f":{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"


def _rebuild(cls, message, path, line, key, exit_code):
    return cls(message, path=path, line=line, key=key, exit_code=exit_code)


class UsageError(ContentkitError):
    exit_code = EXIT_USAGE


class OutputError(ContentkitError):
    exit_code = EXIT_OUTPUT


def closest(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean X?)' for the closest known name, or ''."""
    import difflib

    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f" (did you mean '{match[0]}'?)" if match else ""


def first_problem(exc) -> tuple[str, str, dict]:
    """The first problem of a pydantic ``ValidationError`` as (dotted key, message, error):
    "unknown key" for a key the model does not have, else pydantic's message without its
    "Value error, " prefix. Every config file reports its problems this way, one line each."""
    err = exc.errors()[0]
    key = ".".join(str(x) for x in err["loc"])
    msg = "unknown key" if err["type"] == "extra_forbidden" else str(err["msg"]).removeprefix("Value error, ")
    return key, msg, err
