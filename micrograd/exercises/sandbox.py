"""Calling a student's code so that nothing it does can break the checker.

Every call into student code goes through :func:`call` (through a :class:`Probe` in the
checks), which turns whatever happens into an :class:`Outcome`: a return value, an exception
(any ``BaseException``: ``SystemExit``, ``KeyboardInterrupt``, ``GeneratorExit`` too, with the
line of the student's code that raised it), ``NotImplementedError`` (the untouched template)
or a time-out. What the code prints is captured, and capped.

How the time limit works, and its limits:

- On the main thread of a POSIX system (a notebook cell, a script, pytest) a timer signal
  (``signal.setitimer``) interrupts the student's code, and keeps interrupting it every
  50 ms until the call is over, so an ``except`` in the student's loop cannot swallow it.
- Elsewhere (Windows, or a call from another thread) the call runs in a helper thread; if it
  is still running when time is up, the time-out is raised inside that thread
  (``PyThreadState_SetAsyncExc``) and the checker moves on.
- Both interrupt Python code only, and student code can switch the signal off
  (``signal.signal(SIGALRM, SIG_IGN)``): in a notebook that hangs the cell. Grading
  (``micrograd exercises grade``) does not rely on this timer: each submission runs in a
  subprocess that the grading process kills after its wall-clock limit, with capped memory.

While a check runs the student's code, the library functions that would solve that exercise
are unavailable (:func:`unavailable`): calling them raises :class:`LibraryUnavailable`, which
says that the exercise asks for your own version.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import io
import linecache
import os
import signal
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from micrograd.i18n import _

__all__ = ["LibraryUnavailable", "Outcome", "Probe", "Stop", "call", "describe_exception"]

# This package's own files: frames from them are not "the student's line".
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
OUTPUT_CAP = 20_000  # characters of a check's output kept; the rest is counted, not stored


class _TimeUp(BaseException):
    """Raised inside student code that runs past its time limit (private on purpose)."""


class LibraryUnavailable(RuntimeError):
    """A library function that solves the exercise was called during its check."""


class Stop(Exception):
    """Ends a check early with a status ("not implemented", "timeout", "error")."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


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

    @property
    def described(self) -> str:
        return describe_exception(self.error) if self.error is not None else ""


class _CappedText(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap: int = OUTPUT_CAP):
        self.cap, self.parts, self.kept, self.total = cap, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        self.total += len(text)
        if self.kept < self.cap:
            piece = text[: self.cap - self.kept]
            self.parts.append(piece)
            self.kept += len(piece)
        return len(text)

    def getvalue(self) -> str:
        text = "".join(self.parts)
        if self.total > self.kept:
            more = self.total - self.kept
            text += "\n" + _("... ({more} more characters not kept)").format(more=more)
        return text


def _with_signal(fn: Callable[[], Any], timeout: float) -> Outcome:
    state = {"armed": True}

    def on_alarm(signum, frame):
        if state["armed"]:
            raise _TimeUp

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout, 0.05)
    try:
        try:
            return Outcome(value=fn())
        finally:
            state["armed"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _TimeUp:
        return Outcome(timed_out=True)
    except BaseException as error:  # everything is feedback: SystemExit, KeyboardInterrupt, ...
        return Outcome(error=error)


def _with_thread(fn: Callable[[], Any], timeout: float) -> Outcome:
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn()
        except _TimeUp:
            box["timed_out"] = True
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=target, name="student-code", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_TimeUp)
        )
        thread.join(1.0)
        return Outcome(timed_out=True)
    if "error" in box:
        return Outcome(error=box["error"])
    return Outcome(value=box.get("value"), timed_out=box.get("timed_out", False))


def _no_exit(status: int = 0) -> None:
    raise SystemExit(_("{call} was called").format(call=f"os._exit({status!r})"))


@contextlib.contextmanager
def _captured(out: _CappedText) -> Iterator[None]:
    """Student output goes to ``out``; ``os._exit`` becomes an exception meanwhile."""
    saved = sys.stdout, sys.stderr, os._exit
    sys.stdout = sys.stderr = out
    os._exit = _no_exit
    try:
        yield
    finally:
        sys.stdout, sys.stderr, os._exit = saved


def call(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float = 2.0,
    output: _CappedText | None = None,
    **kwargs: Any,
) -> Outcome:
    """Call ``fn(*args, **kwargs)``; never raises, never hangs (see the module doc).

    >>> call(lambda: 1 / 0).error.__class__.__name__
    'ZeroDivisionError'
    >>> call(lambda: 42).value
    42
    """
    start = time.perf_counter()
    use_signal = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if use_signal and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        use_signal = False  # someone else's timer is running (e.g. pytest-timeout): keep it
    out = output if output is not None else _CappedText()
    limited = _with_signal if use_signal else _with_thread
    with _captured(out):
        outcome = limited(lambda: fn(*args, **kwargs), timeout)
    outcome.seconds = time.perf_counter() - start
    return outcome


def describe_exception(error: BaseException) -> str:
    """One line: the exception and, when it came from the student's code, where.

    The location is the innermost frame outside this package (the student's cell).
    """
    where = ""
    frames = traceback.extract_tb(error.__traceback__)
    student = [
        f
        for f in frames
        if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)
        and not f.filename.startswith("<unavailable")
    ]
    if student:
        frame = student[-1]
        line = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        if line:
            where = _("{error} in {function}(), line {line}: `{code}`")
        else:
            where = _("{error} in {function}(), line {line}")
        where = where.format(
            error=type(error).__name__, function=frame.name, line=frame.lineno, code=line
        )
    text = str(error)
    if isinstance(error, SystemExit) and not isinstance(error.code, str):
        text = _("{call} was called").format(call=f"sys.exit({error.code!r})")
    return (where or type(error).__name__) + (f" ({text[:300]})" if text else "")


# --------------------------------------------------------------------------------------
# Library functions that would solve the exercise: unavailable during its check
# --------------------------------------------------------------------------------------


def _functions(dotted: str) -> list[types.FunctionType]:
    """The Python functions behind ``module.attr[.attr]``; [] if it does not exist.

    A class stands for all its methods and those of its micrograd base classes (properties
    and static and class methods included), so that a method added or moved later is covered.
    """
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            owner = obj
            obj = vars(owner).get(name) if isinstance(owner, type) else getattr(owner, name, None)
            if obj is None:
                return []
        if isinstance(obj, type):
            owners = [c for c in obj.__mro__ if c.__module__.startswith("micrograd")]
            members = [m for c in owners for m in vars(c).values()]
        else:
            members = [obj]
        found = []
        for member in members:
            if isinstance(member, property):
                found += [f for f in (member.fget, member.fset) if f is not None]
            else:
                found.append(getattr(member, "__func__", member))  # static and class methods
        return [f for f in found if isinstance(f, types.FunctionType)]
    return []


def _stub_code(dotted: str, n_free: int) -> types.CodeType:
    """A code object that raises LibraryUnavailable, with ``n_free`` free variables."""
    message = _(
        "{name} is not available during this check: this exercise asks for your own "
        "version, written without it."
    ).format(name=dotted)
    free = [f"_free{i}" for i in range(n_free)]
    source = "def _outer():\n"
    source += "".join(f"    {v} = None\n" for v in free)
    source += "    def _unavailable(*args, **kwargs):\n"
    source += "".join(f"        {v}\n" for v in free)
    # Only builtins are looked up: the stub runs with the original function's globals.
    module = "__import__('micrograd.exercises.sandbox', fromlist=['LibraryUnavailable'])"
    source += f"        raise {module}.LibraryUnavailable({message!r})\n"
    source += "    return _unavailable\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<unavailable {dotted}>", "exec"), namespace)
    return namespace["_outer"]().__code__


@contextlib.contextmanager
def unavailable(names: tuple[str, ...]) -> Iterator[None]:
    """While inside, every function named in ``names`` raises LibraryUnavailable when called.

    The function objects themselves get another code object (and get theirs back after), so
    a reference the student took earlier (``from micrograd.optim import SGD``) is covered too.
    """
    swapped = []
    for dotted in names:
        for fn in _functions(dotted):
            stub = _stub_code(dotted, len(fn.__code__.co_freevars))
            swapped.append((fn, fn.__code__))
            fn.__code__ = stub
    try:
        yield
    finally:
        for fn, code in reversed(swapped):
            fn.__code__ = code


# --------------------------------------------------------------------------------------
# The probe: what observe() uses to call the student's code
# --------------------------------------------------------------------------------------


class Probe:
    """Calls into the student's code for one check: time limit, output, unavailable functions.

    ``call`` ends the whole check (raises :class:`Stop`) on NotImplementedError or a time-out;
    any other exception is returned in the outcome, to be reported per case.
    """

    def __init__(self, timeout: float, forbidden: tuple[str, ...] = ()):
        self.timeout = float(timeout)
        self.forbidden = tuple(forbidden)
        self._output = _CappedText()

    @property
    def output(self) -> str:
        return self._output.getvalue()

    def call(self, fn: Any, *args: Any, what: str = "", **kwargs: Any) -> Outcome:
        what = what or _("your code")
        if not callable(fn):
            raise Stop(
                "error",
                _("{what} is not callable: got {type}.").format(what=what, type=type(fn).__name__),
            )
        with unavailable(self.forbidden):
            outcome = call(fn, *args, timeout=self.timeout, output=self._output, **kwargs)
        if outcome.not_implemented:
            raise Stop(
                "not implemented",
                _(
                    "{what} still raises NotImplementedError: fill in the part marked YOUR CODE "
                    "HERE, then run this check again."
                ).format(what=what),
            )
        if isinstance(outcome.error, KeyboardInterrupt):  # Ctrl-C, or raised on purpose: stop
            raise Stop(
                "error",
                _("{what} was interrupted (KeyboardInterrupt); the check stopped.").format(
                    what=what
                ),
            )
        if outcome.timed_out:
            raise Stop(
                "timeout",
                _(
                    "{what} did not finish within {seconds:g} s: is there an infinite loop "
                    "(a while loop whose condition never changes, a graph walk without a "
                    "`visited` set)?"
                ).format(what=what, seconds=self.timeout),
            )
        return outcome
