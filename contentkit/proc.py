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


# ------------------------------------------------------------------ forked helpers of a format
# Cores a format may spread its own work over (forked processes), set by the build for each
# format: the machine's cores (or -j) when this format is the only thing running, 1 in a pool
# worker (the other cores build other stories), beside a format on a thread (the video), and
# with -j 1 or CONTENTKIT_OVERLAP=0.
CORES = 1
_FN: list = []


def forks(jobs: int) -> int:
    """How many processes a format may run ``jobs`` independent pieces of work in: 1 unless
    the build gave it spare cores, this is Linux (fork, which the pieces need to inherit the
    story without pickling it, is only safe there) and no other thread of ours is alive (a
    fork copies the locks a thread holds, not the thread: a format on a thread beside this
    one, an encoder pool). A daemon thread (the terminal's progress display) may run; the
    children never print, and get standard streams of their own (``_child``)."""
    import sys

    if CORES <= 1 or jobs <= 1 or not sys.platform.startswith("linux"):
        return 1
    me = threading.current_thread()
    if any(t is not me and not t.daemon for t in threading.enumerate()):
        return 1
    return min(CORES, jobs)


def _child() -> None:
    """A forked helper's first step: its own standard streams (the parent's progress thread
    may have held their locks at the fork; the exit's flush would wait on them forever) and
    SIGINT ignored (Ctrl-C reaches the whole process group: the parent handles it and ends them)."""
    import os
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  # lives as long as the process
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115


def _call(item):
    return _FN[0](item)


def fork_map(fn, items: list, processes: int, cost=None) -> list:
    """``[fn(i) for i in items]`` in ``processes`` forked processes, each taking the next item
    as it finishes one, the costliest first by ``cost(item)`` (results in item order; the
    first error is raised here as it was raised there). ``fn`` and what it reads are
    inherited, not pickled; results are pickled."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(range(len(items)), key=lambda i: -cost(items[i])) if cost else list(range(len(items)))
    _FN[:] = [fn]
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_child) as ex:
            try:
                got = dict(zip(order, ex.map(_call, [items[i] for i in order])))
                return [got[i] for i in range(len(items))]
            except BaseException:
                ex.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _FN.clear()
