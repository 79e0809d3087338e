"""Child processes (ffmpeg, espeak-ng, a fresh Python) that a build can stop.

``run`` is ``subprocess.run`` for the arguments contentkit uses (capture_output, text, input,
cwd, timeout; never a shell), except that it waits in short steps and ends the child when the
build is cancelled. A format rendered on a thread beside the others (the video) cannot be
interrupted by a signal, which only the main thread receives: when the main thread fails or
is told to stop, it calls ``cancel()``, the thread's next or current child is ended, and the
thread unwinds with ``Cancelled``.
"""

from __future__ import annotations

import subprocess
import threading
import time
from typing import Any

_CANCEL = threading.Event()


class Cancelled(Exception):
    """The build this child belonged to was cancelled."""


def cancel() -> None:
    _CANCEL.set()


def reset() -> None:
    _CANCEL.clear()


def check() -> None:
    """Raise ``Cancelled`` when the build was cancelled (for long loops between children)."""
    if _CANCEL.is_set():
        raise Cancelled("build cancelled")


def run(args: list[str], *, capture_output: bool = False, text: bool = False, input: Any = None,
        cwd: Any = None, timeout: float | None = None) -> subprocess.CompletedProcess:
    check()
    pipe = subprocess.PIPE if capture_output else None
    with subprocess.Popen(args, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                          stdout=pipe, stderr=pipe, text=text, cwd=cwd) as p:
        deadline = None if timeout is None else time.monotonic() + timeout
        first = True
        while True:
            try:
                # the input goes in on the first call; later calls only wait for the output
                out, err = p.communicate(input if first else None, timeout=0.25)
                break
            except subprocess.TimeoutExpired:
                first = False
                if _CANCEL.is_set():
                    p.kill()
                    p.communicate()
                    raise Cancelled("build cancelled") from None
                if deadline is not None and time.monotonic() > deadline:
                    p.kill()
                    p.communicate()
                    raise subprocess.TimeoutExpired(args, timeout or 0) from None
            except BaseException:
                p.kill()
                raise
    return subprocess.CompletedProcess(args, p.returncode, out, err)


_LIBC: list = []


def release_memory() -> None:
    """Hand the heap's free memory back to the system (glibc's ``malloc_trim``, about 14 ms):
    what Pillow's images and the voice model freed otherwise stays with the process (93 MB of
    the 331 MB left after a cards build of the Chinese sample). Called after a pool worker's
    story, and in a video build after the voice (the English sample's Python held 326 MB
    beside ffmpeg's encode, 255 MB with it) and before the encode. Nothing where there is no
    glibc."""
    if not _LIBC:
        import ctypes
        import ctypes.util

        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.append(libc.malloc_trim)
        except (OSError, AttributeError):
            _LIBC.append(None)
    if _LIBC[0] is not None:
        _LIBC[0](0)
