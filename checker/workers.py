"""The lifetime of `-j` worker processes: they end with their parent, whatever ends it.

* Ctrl-C reaches the whole foreground process group. Workers ignore SIGINT;
  the parent gets KeyboardInterrupt and ends them (`end`).
* SIGTERM and SIGHUP to the parent become exceptions (checker.cli), and the
  parent ends its workers the same way before it exits 143 or 129.
* SIGKILL to the parent (a CI job timeout, `subprocess.run(timeout=...)`)
  leaves no one to clean up: on Linux each worker asks the kernel to kill it
  when its parent dies (prctl PR_SET_PDEATHSIG, see prctl(2)); elsewhere a
  thread in the worker sees the parent change (getppid) and exits.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["start", "end"]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_POLL_S = 0.5
_GRACE_S = 2.0


def start(parent: int) -> None:
    """A worker's initializer: default SIGTERM/SIGHUP, SIGINT ignored, and death with `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if not _death_signal():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="pcheck-parent-watch").start()
    if os.getppid() != parent:  # the parent died before the death signal was asked for
        os._exit(1)


def _death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_S)
    os._exit(1)


def end(pool) -> None:
    """Stop a ProcessPoolExecutor's workers now: cancel what has not started, terminate the rest."""
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + _GRACE_S
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(_GRACE_S)
    # With its workers gone the executor's manager thread sees a broken pool and ends; joining it
    # here keeps the executor's exit hook from writing to a pipe that is already closed (a
    # traceback at interpreter exit, seen under load).
    waiter = threading.Thread(target=_join_quietly, args=(pool,), daemon=True)
    waiter.start()
    waiter.join(_GRACE_S)


def _join_quietly(pool) -> None:
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except Exception:  # a broken pool says so here: nothing is waiting for its results any more
        pass
