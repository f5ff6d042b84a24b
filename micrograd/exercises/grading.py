"""Grading a class: every submission in a fresh process, every verdict outside it.

``micrograd exercises grade SUBMISSION.ipynb... [--csv grades.csv] [--timeout SECONDS]``
(:func:`grade`) and the nbgrader autograder cells (:func:`autograde`) work the same way:

1. the grading process draws the inputs of every check afresh (from a seed it records);
2. a child process (``python -m micrograd.exercises._child``) runs the submission's code
   cells, then runs the student's functions on those inputs and writes back plain data only
   (numbers, lists, descriptions), tagged with a secret token;
3. the grading process judges that data (:func:`micrograd.exercises.core.judge`) and gives
   each check its points: ``max_points * score``, the fraction of cases that passed.

The child gets a hard wall-clock limit (the grading process kills its whole process group;
nothing the student does in the child can stop that), a memory limit and a cap on the output
it may write (``resource.setrlimit``). A check the child never reported (it was killed, it
crashed, the student called ``os._exit``) scores 0 with the status "timeout" or "error".
Nothing the student's code does in the child (patching the checks, the results, the time
limit) changes how the grading process judges.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from micrograd._files import atomic_write, check_file_path
from micrograd.exercises.core import (
    ERROR,
    EXERCISES,
    TIMEOUT,
    CheckResult,
    Observed,
    judge,
    plain,
)
from micrograd.i18n import _, language, override

__all__ = ["NOTEBOOKS", "GradingError", "Row", "autograde", "exercise_of", "grade"]

# Notebook -> its checks and their points (``ops`` repeats the six ops, so it is not graded).
NOTEBOOKS: dict[str, dict[str, float]] = {
    "01_local_derivatives": {"mul": 1, "div": 1, "pow": 1, "exp": 1, "tanh": 1, "log": 1},
    "02_backward": {"topological_sort": 1, "backward": 1},
    "03_gradient_check": {"numerical_grad": 1, "gradient_check": 1},
    "04_neural_network": {"neuron": 1, "layer": 1, "mlp": 1},
    "05_optimizers": {"sgd": 1, "momentum": 1, "adam": 1},
    "06_training_loop": {"hinge_loss": 1, "train_step": 1, "train": 2},
    "07_gradient_shape": {"grad_W_by_hand": 1, "grad_W_with_engine": 1},
}
WRITTEN_POINTS = 2  # notebook 07's written answer, graded by hand in nbgrader
DEFAULT_TIMEOUT = 60.0  # seconds of wall time per submission
DEFAULT_MEMORY_MB = 1024
OUTPUT_CAP = 1_000_000  # bytes the child may write to its output file


class GradingError(ValueError):
    """Bad input to the grader (not a notebook, no known exercise, an unwritable CSV)."""


@dataclass
class Row:
    """One line of the grades: one check of one submission."""

    submission: str
    exercise: str
    check: str
    points: float
    max_points: float
    status: str
    message: str
    seed: int


# --------------------------------------------------------------------------------------
# Which exercise a notebook is
# --------------------------------------------------------------------------------------


def _read_notebook(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GradingError(f"{path}: cannot read it as a notebook ({error}).") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError:
        raise GradingError(f"{path}: not a notebook (not JSON); give .ipynb files.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise GradingError(f"{path}: not a notebook (no cells); give .ipynb files.")
    return nb


def exercise_of(path: str | os.PathLike[str]) -> str:
    """The exercise notebook (e.g. ``"01_local_derivatives"``) a submission belongs to.

    Read from the notebook's ``micrograd_exercise`` metadata, else from its file name.
    """
    path = Path(path)
    if path.is_dir():
        raise GradingError(f"{path}: a folder, not a notebook; give .ipynb files.")
    meta = _read_notebook(path).get("metadata", {}).get("micrograd_exercise", {})
    stem = meta.get("exercise") or Path(str(meta.get("source", ""))).stem
    if stem in NOTEBOOKS:
        return stem
    for known in NOTEBOOKS:
        if known in path.stem:
            return known
    raise GradingError(
        f"{path}: a notebook of no known exercise (known: {', '.join(NOTEBOOKS)}); grade the "
        "notebooks built by `micrograd exercises build`."
    )


def code_cells(nb: dict) -> list[str]:
    """The code the child runs: code cells, not autograder test cells, magics commented out."""
    cells = []
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = [
            f"# {line}" if line.lstrip().startswith(("%", "!")) else line
            for line in text.splitlines()
        ]
        cells.append("\n".join(lines))
    return cells


# --------------------------------------------------------------------------------------
# Running one submission in a child process
# --------------------------------------------------------------------------------------


def check_inputs(names: list[str], seed: int) -> dict[str, Any]:
    """The inputs of each check for this grading run (plain data; one seed per check)."""
    return {name: plain(EXERCISES[name].inputs(random.Random(f"{seed}:{name}"))) for name in names}


@dataclass
class ChildRun:
    observed: dict[str, Observed]
    killed: bool  # the wall-clock limit was reached
    log: str  # the end of what the child wrote (for a crash message)


def run_child(
    path: Path,
    inputs: dict[str, Any],
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    lang: str | None = None,
) -> ChildRun:
    """Run the submission's code and the student's side of each check in a fresh process."""
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="micrograd-grade-") as tmp:
        results, log = Path(tmp) / "results.jsonl", Path(tmp) / "output.txt"
        payload = {
            "token": token,
            "notebook": str(Path(path).resolve()),
            "checks": inputs,
            "results": str(results),
            "timeout": timeout,
            "memory": memory_mb * 2**20,
            "output_cap": OUTPUT_CAP,
            "lang": language(lang),
        }
        with open(log, "wb") as out:
            child = subprocess.Popen(
                [sys.executable, "-m", "micrograd.exercises._child"],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=Path(path).resolve().parent,
                start_new_session=True,  # its own process group: killed as a whole
            )
            killed = False
            try:
                child.communicate(json.dumps(payload).encode(), timeout=timeout)
            except subprocess.TimeoutExpired:
                killed = True
                _kill(child)
        observed = _read_results(results, token, inputs)
        text = log.read_bytes()[-2000:].decode("utf-8", "replace") if log.exists() else ""
    return ChildRun(observed, killed, text)


def _kill(child: subprocess.Popen) -> None:
    """Kill the child and everything it started (its process group, on POSIX)."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):  # Windows, or gone
        child.kill()
    child.wait()


def _read_results(results: Path, token: str, inputs: dict) -> dict[str, Observed]:
    """The first record of each check that carries the token (nothing else is trusted)."""
    found: dict[str, Observed] = {}
    if not results.exists():
        return found
    prefix = token + " "
    with open(results, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.startswith(prefix):
                continue
            try:
                data = json.loads(line[len(prefix) :])
                name = data["check"]
            except (ValueError, KeyError, TypeError):
                continue
            if name in inputs and name not in found:
                found[name] = Observed.from_plain(data)
    return found


# --------------------------------------------------------------------------------------
# Judging and the grades
# --------------------------------------------------------------------------------------


def _missing(run: ChildRun, timeout: float) -> Observed:
    if run.killed:
        return Observed(
            stop=(
                TIMEOUT,
                _(
                    "the submission did not finish within {seconds:g} s "
                    "(an infinite loop, or the time limit switched off?)."
                ).format(seconds=timeout),
            )
        )
    last = run.log.strip().splitlines()[-1:] or [_("no output")]
    return Observed(
        stop=(
            ERROR,
            _(
                "the grading process of this submission ended before this "
                "check (os._exit, a crash, or out of memory?): {last}"
            ).format(last=last[0][:200]),
        )
    )


def judge_submission(
    names: list[str], inputs: dict[str, Any], run: ChildRun, timeout: float
) -> dict[str, CheckResult]:
    """The checks ``names`` of one submission, in order, each judged here from plain data."""
    results: dict[str, CheckResult] = {}
    for name in names:
        observed = run.observed.get(name) or _missing(run, timeout)
        results[name] = judge(EXERCISES[name], inputs[name], observed, earlier=results)
    return results


def _message(result: CheckResult) -> str:
    """One line for the CSV: the verdict, then the diagnoses, then the failing cases."""
    lines = [line.strip() for line in result.messages if not line.startswith("  |")]
    first, rest = lines[:1], lines[1:]
    diagnoses = [line for line in rest if not line.startswith("•")]
    cases = [line for line in rest if line.startswith("•")]
    return " ".join(first + diagnoses + cases)[:1000]


def grade_one(
    path: Path,
    stem: str,
    inputs: dict,
    seed: int,
    timeout: float,
    memory_mb: int,
    lang: str | None = None,
) -> list[Row]:
    """One submission's rows; the messages in ``lang`` (default: MICROGRAD_LANG, else English)."""
    lang = language(lang)  # resolved here: a worker thread does not see the caller's override
    run = run_child(path, inputs, timeout, memory_mb, lang)
    rows = []
    with override(lang):
        judged = judge_submission(list(NOTEBOOKS[stem]), inputs, run, timeout)
    for name, result in judged.items():
        max_points = float(NOTEBOOKS[stem][name])
        points = round(max_points * result.score, 4)
        rows.append(
            Row(str(path), stem, name, points, max_points, result.status, _message(result), seed)
        )
    return rows


def _check_csv(path: str | os.PathLike[str]) -> Path:
    try:
        target = check_file_path(path, "--csv")
    except ValueError as error:
        raise GradingError(str(error)) from None
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise GradingError(f"--csv {os.fspath(path)!r}: the folder {str(folder)!r} does not exist.")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise GradingError(f"--csv {os.fspath(path)!r}: not writable here.")
    return target


def write_csv(rows: list[Row], path: str | os.PathLike[str]) -> Path:
    """The grades as CSV (header row, one row per submission and check), written atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f.name for f in fields(Row)])
    writer.writerows(astuple(row) for row in rows)
    return atomic_write(path, buffer.getvalue())


def grade(
    paths: list[str | os.PathLike[str]],
    *,
    csv_path: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int | None = None,
    memory_mb: int = DEFAULT_MEMORY_MB,
    workers: int | None = None,
    progress: bool = True,
    lang: str | None = None,
) -> list[Row]:
    """Grade submissions; every input is checked before any grading starts (GradingError).

    ``seed`` fixes the inputs (default: drawn afresh, recorded in every row). Submissions
    run ``workers`` at a time (default: the number of CPUs). The messages are in ``lang``
    (``"en"`` or ``"zh"``; default: ``MICROGRAD_LANG``, else English).
    """
    lang = language(lang)
    if not paths:
        raise GradingError("no submissions given.")
    if not timeout > 0:
        raise GradingError(f"--timeout must be a positive number of seconds, got {timeout!r}.")
    stems = [(Path(p), exercise_of(p)) for p in paths]
    if csv_path is not None:
        _check_csv(csv_path)
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    inputs = {stem: check_inputs(list(NOTEBOOKS[stem]), seed) for stem in {s for _, s in stems}}
    from tqdm.auto import tqdm

    rows: list[Row] = []
    bar = tqdm(
        total=len(stems),
        desc=_("grading", lang=lang),
        unit=_("submission", lang=lang),
        disable=not progress,
        file=sys.stderr,
    )
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = [
            pool.submit(grade_one, path, stem, inputs[stem], seed, timeout, memory_mb, lang)
            for path, stem in stems
        ]
        for future in futures:
            rows += future.result()
            bar.update(1)
    bar.close()
    if csv_path is not None:
        write_csv(rows, csv_path)
    return rows


# --------------------------------------------------------------------------------------
# nbgrader: the locked test cell of each check
# --------------------------------------------------------------------------------------


def _this_notebook(stem: str) -> Path:
    """The notebook being autograded: the .ipynb of exercise ``stem`` in the working folder."""
    found = []
    for path in Path.cwd().glob("*.ipynb"):
        try:
            if exercise_of(path) == stem:
                found.append(path)
        except GradingError:
            continue
    if not found:
        raise GradingError(f"no notebook of exercise {stem} in {Path.cwd()}")
    return max(found, key=lambda p: p.stat().st_mtime)


def autograde(name: str, *, timeout: float = DEFAULT_TIMEOUT, seed: int | None = None) -> float:
    """The points of check ``name`` for the notebook being autograded (nbgrader test cells).

    Grades the notebook file in a fresh process, exactly as ``micrograd exercises grade``
    does, prints the feedback and returns the points (nbgrader's partial credit).
    """
    stem = next((s for s, checks in NOTEBOOKS.items() if name in checks), None)
    if stem is None:
        raise GradingError(f"autograde(): {name!r} is not a graded check.")
    path = _this_notebook(stem)
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    if os.environ.get("MICROGRAD_GRADE_SEED"):
        seed = int(os.environ["MICROGRAD_GRADE_SEED"])
    earlier = [n for n in NOTEBOOKS[stem] if n == name or n in EXERCISES[name].uses]
    inputs = check_inputs(earlier, seed)
    lang = language()  # a zh notebook sets MICROGRAD_LANG=zh in its first cells
    run = run_child(path, inputs, timeout, lang=lang)
    with override(lang):
        result = judge_submission(earlier, inputs, run, timeout)[name]
    print(result)
    return round(float(NOTEBOOKS[stem][name]) * result.score, 4)
