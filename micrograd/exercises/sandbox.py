"""Calling a student's code so that nothing it does can break the checker.

Every call into student code goes through :func:`call`, which turns whatever happens
into an :class:`Outcome`: a return value, an exception (with the line of the student's
code that raised it), ``NotImplementedError`` (the untouched template) or a time-out.

How the time limit works, and its limits:

- On the main thread of a POSIX system (a notebook cell, a script, pytest) a timer signal
  (``signal.setitimer``) interrupts the student's code with :class:`StudentTimeout`, and
  keeps interrupting it every 50 ms until the call is over, so an ``except Exception`` in
  the student's loop cannot swallow it (``StudentTimeout`` is a ``BaseException``; only a
  bare ``except:`` inside a loop could, and the repeated signal still gets through as soon
  as the loop leaves the ``try``).
- Elsewhere (Windows, or a call from another thread) the call runs in a helper thread; if it
  is still running when time is up, a ``StudentTimeout`` is raised inside that thread
  (CPython's ``PyThreadState_SetAsyncExc``) and the checker moves on.
- Both interrupt Python code only: a single long computation inside C (``10 ** 10 ** 9``,
  ``list(itertools.cycle(...))``, ``time.sleep(1e9)`` on Windows) runs to its end before the
  interrupt is seen. So the checkers never hand an object the student returned to such a C
  loop: they walk it in Python, with a cap on its length. Memory is not limited.
"""

from __future__ import annotations

import ctypes
import linecache
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Outcome", "StudentTimeout", "call", "describe_exception"]

# This package's own files: frames from them are not "the student's line".
_PACKAGE_DIR = __file__.rsplit("/", 1)[0].rsplit("\\", 1)[0]


class StudentTimeout(BaseException):
    """Raised inside student code that runs past its time limit."""


@dataclass
class Outcome:
    """What happened when student code was called."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out

    @property
    def not_implemented(self) -> bool:
        return isinstance(self.error, NotImplementedError)


def _with_signal(fn: Callable[[], Any], timeout: float) -> Outcome:
    state = {"armed": True}

    def on_alarm(signum, frame):
        if state["armed"]:
            raise StudentTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout, 0.05)
    try:
        try:
            return Outcome(value=fn())
        finally:
            state["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except StudentTimeout:
        return Outcome(timed_out=True)
    except RecursionError as error:  # before Exception: it is one
        return Outcome(error=error)
    except Exception as error:
        return Outcome(error=error)


def _with_thread(fn: Callable[[], Any], timeout: float) -> Outcome:
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn()
        except StudentTimeout:
            box["timed_out"] = True
        except BaseException as error:  # report everything, including SystemExit
            box["error"] = error

    thread = threading.Thread(target=target, name="student-code", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(StudentTimeout)
        )
        thread.join(1.0)
        return Outcome(timed_out=True)
    if "error" in box:
        return Outcome(error=box["error"])
    return Outcome(value=box.get("value"), timed_out=box.get("timed_out", False))


def call(fn: Callable[..., Any], *args: Any, timeout: float = 2.0, **kwargs: Any) -> Outcome:
    """Call ``fn(*args, **kwargs)``; never raises (except KeyboardInterrupt), never hangs.

    >>> call(lambda: 1 / 0).error.__class__.__name__
    'ZeroDivisionError'
    >>> call(lambda: 42).value
    42
    """
    import time

    start = time.perf_counter()
    use_signal = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if use_signal and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        use_signal = False  # someone else's timer is running (e.g. pytest-timeout): keep it
    try:
        if use_signal:
            outcome = _with_signal(lambda: fn(*args, **kwargs), timeout)
        else:
            outcome = _with_thread(lambda: fn(*args, **kwargs), timeout)
    except SystemExit as error:  # sys.exit() in student code is feedback, not an exit
        outcome = Outcome(error=error)
    outcome.seconds = time.perf_counter() - start
    return outcome


def describe_exception(error: BaseException) -> str:
    """One line: the exception and, when it came from the student's code, where.

    The location is the innermost frame outside this package (the student's cell).
    """
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    student = [f for f in frames if not f.filename.startswith(_PACKAGE_DIR)]
    if student:
        frame = student[-1]
        line = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        where = f" in {frame.name}(), line {frame.lineno}"
        if line:
            where += f": `{line}`"
    text = str(error)
    if isinstance(error, SystemExit):
        text = f"sys.exit({error.code!r}) was called"
    return f"{type(error).__name__}{where}" + (f" ({text})" if text else "")
