"""The child process of ``micrograd exercises grade``: run one submission, report plain data.

Started by :func:`micrograd.exercises.grading.run_child` as ``python -m
micrograd.exercises._child``, with the task on stdin (JSON). It limits its own memory and
output first, takes its own copy of each check's student side, runs the notebook's code
cells, runs each check's ``observe`` on the inputs it was given, and appends one line per
check to the results file: the secret token, then the plain data. Then it exits at once
(``os._exit``), so that nothing the student registered (atexit, threads) runs after.
The verdicts are computed by the parent, never here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import linecache
import os
import signal
import sys


def _limit(memory: int, output_cap: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the parent's wall-clock kill still applies
        return
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, output_cap)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (value, value))
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # too much output: a write error, no kill


def _not_now(*args, **kwargs):
    """check() and autograde() do nothing while grading: the grader runs the checks."""
    from micrograd.exercises.core import CheckResult

    name = args[0] if args else "?"
    return CheckResult(str(name), "not implemented", messages=["(not run while grading)"])


def _run_cells(cells: list[str], namespace: dict, timeout: float) -> None:
    from micrograd.exercises.sandbox import _CappedText, call

    output = _CappedText(2000)
    for i, source in enumerate(cells):
        filename = f"<cell {i + 1}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            code = compile(source, filename, "exec")
        except (SyntaxError, ValueError):
            continue  # a cell that does not compile defines nothing; the checks will say so
        call(exec, code, namespace, timeout=timeout, output=output)


def main() -> None:
    task = json.loads(sys.stdin.read())
    _limit(int(task["memory"]), int(task["output_cap"]))
    results = open(task["results"], "a", encoding="utf-8")  # noqa: SIM115 - kept open to the end
    token = task["token"]

    import micrograd.exercises
    from micrograd.exercises import core, grading
    from micrograd.exercises.core import EXERCISES, NOT_IMPLEMENTED, Observed, observe
    from micrograd.exercises.sandbox import unavailable
    from micrograd.i18n import _, override

    mine = {name: EXERCISES[name] for name in task["checks"]}  # before any student code runs
    for module in (micrograd.exercises, core):
        module.check = _not_now
    grading.autograde = _not_now

    with open(task["notebook"], encoding="utf-8") as f:
        nb = json.load(f)
    namespace: dict = {"__name__": "__main__", "display": print}
    timeout = float(task["timeout"])
    # The library functions that would solve any check of this notebook are unavailable to
    # the cells as well, so that no answer can be computed with them ahead of the checks.
    forbidden = tuple(sorted({name for ex in mine.values() for name in ex.forbidden}))
    with unavailable(forbidden):
        _run_cells(grading.code_cells(nb), namespace, timeout)

    # The messages made on this side (an exception's place, a time-out) are in the grader's
    # language, whatever the notebook set (a zh notebook sets MICROGRAD_LANG for itself).
    with override(task.get("lang") or "en"):
        for name, ex in mine.items():
            inputs = task["checks"][name]
            if ex.variable in namespace:
                limit = min(ex.timeout, timeout)
                found = observe(ex, namespace[ex.variable], inputs, timeout=limit)
            else:
                message = _("the notebook defines no {variable}.").format(variable=ex.variable)
                found = Observed(stop=(NOT_IMPLEMENTED, message))
            line = json.dumps({"check": name, **dataclasses.asdict(found)}, default=repr)
            results.write(f"{token} {line}\n")
            results.flush()
    results.close()
    os._exit(0)


if __name__ == "__main__":
    main()
