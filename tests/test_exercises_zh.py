"""The exercises in Chinese: the zh student notebooks, and the checks' feedback in Chinese.

The feedback test runs the corpus of wrong answers (``test_exercises_corpus.py``) and the
tampering and wrong submissions (``test_exercises_grading.py``) in Chinese: every line a
student or a teacher reads contains Chinese, no English message of the catalog is left
untranslated in it, and the verdicts (status, score, diagnosis kinds) are the same as in
English, so that a translation cannot change a grade.
"""

from __future__ import annotations

import csv
import gettext
import json
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from exercise_helpers import assert_committed_as_built

from micrograd import i18n
from micrograd.cli import main
from micrograd.exercises import build as exbuild
from micrograd.exercises import check, list_exercises, reset_attempts
from micrograd.exercises.grading import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
COMMITTED_ZH = ROOT / "notebooks" / "exercises" / "zh"
CJK = re.compile(r"[\u4e00-\u9fff]")  # Chinese characters
CJK_ANY = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")  # and full-width punctuation
PO = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


@pytest.fixture(autouse=True)
def clean_state(monkeypatch, fresh_attempts):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)


# --------------------------------------------------------------------------------------
# The notebooks
# --------------------------------------------------------------------------------------


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_the_committed_zh_notebooks_are_what_the_build_writes(tmp_path):
    written = exbuild.build(tmp_path, solutions=True, lang="zh")
    assert len(written) == 2 * len(exbuild.source_paths())
    assert_committed_as_built(
        written, tmp_path, COMMITTED_ZH, "micrograd exercises build --lang zh --solutions --shipped"
    )
    stale = {p.relative_to(COMMITTED_ZH) for p in COMMITTED_ZH.rglob("*.ipynb")} - {
        p.relative_to(tmp_path) for p in written
    }
    assert not stale, f"zh notebooks without a source: {stale}"


def test_the_shipped_zh_student_notebooks_are_what_the_build_writes(tmp_path):
    written = exbuild.build(tmp_path, lang="zh")
    shipped = sorted(exbuild.shipped_dir("zh").glob("*.ipynb"))
    assert [p.name for p in shipped] == [p.name for p in written], (
        "run `micrograd exercises build --lang zh --solutions --shipped`"
    )
    for ours, built in zip(shipped, written):
        assert ours.read_text() == built.read_text(), f"{ours.name} is stale"


@pytest.mark.parametrize("source", exbuild.source_paths(), ids=lambda p: p.stem)
def test_both_editions_have_the_same_code_cells_and_translated_text(source, tmp_path):
    en = exbuild.build(tmp_path / "en", solutions=True, lang="en")
    zh = exbuild.build(tmp_path / "zh", solutions=True, lang="zh")
    for en_path, zh_path in zip(en, zh):
        en_cells, zh_cells = _cells(en_path), _cells(zh_path)
        # the zh edition has one more code cell: it sets the feedback's language
        setting = [c for c in zh_cells if "MICROGRAD_LANG" in "".join(c["source"])]
        assert len(setting) == 1 and setting[0]["cell_type"] == "code"
        zh_rest = [c for c in zh_cells if c is not setting[0]]
        assert [c["cell_type"] for c in en_cells] == [c["cell_type"] for c in zh_rest]
        for a, b in zip(en_cells, zh_rest):
            if a["cell_type"] == "code":
                assert a["source"] == b["source"]
            else:
                assert CJK.search("".join(b["source"])), "".join(b["source"])[:80]
        meta = json.loads(zh_path.read_text())["metadata"]["micrograd_exercise"]
        assert meta == {"exercise": en_path.stem, "lang": "zh"}


@pytest.mark.parametrize("source", exbuild.source_paths(), ids=lambda p: p.stem)
def test_zh_student_notebooks_contain_no_solution_text(source, tmp_path):
    cells = exbuild.parse_source(source.read_text(encoding="utf-8"))
    secret = {line.strip() for line in exbuild.solution_lines(cells) if len(line.strip()) > 12}
    assert any(CJK.search(line) for line in secret) or source.stem != "07_gradient_shape"
    shown = {  # lines given to the student (outside every solution region)
        line.strip() for c in exbuild.to_student(cells) for line in c.text.splitlines()
    }
    (student,) = [p for p in exbuild.build(tmp_path, lang="zh") if p.stem == source.stem]
    text = student.read_text(encoding="utf-8")
    assert exbuild.BEGIN not in text and exbuild.END not in text
    lines = {line.strip() for c in _cells(student) for line in "".join(c["source"]).splitlines()}
    assert not (secret - shown) & lines


def test_a_source_with_an_unknown_language_is_refused():
    with pytest.raises(exbuild.SourceError, match="unknown language 'fr'"):
        exbuild.parse_source('# %% [markdown] lang="fr"\n# Bonjour\n', "x.py")


def test_the_cli_builds_the_zh_edition_from_the_argument_or_the_environment(
    tmp_path, monkeypatch, capsys
):
    assert main(["exercises", "build", "--lang", "zh", "--out", str(tmp_path / "a")]) == 0
    monkeypatch.setenv("MICROGRAD_LANG", "zh_CN.UTF-8")
    assert main(["exercises", "build", "--out", str(tmp_path / "b")]) == 0
    assert main(["exercises", "build", "--lang", "en", "--out", str(tmp_path / "c")]) == 0
    capsys.readouterr()
    for name in ("a", "b"):
        for path in (tmp_path / name).glob("*.ipynb"):
            assert path.read_text() == (COMMITTED_ZH / path.name).read_text()
    for path in (tmp_path / "c").glob("*.ipynb"):
        assert path.read_text() == (ROOT / "notebooks" / "exercises" / path.name).read_text()
    assert len(list((tmp_path / "a").glob("*.ipynb"))) == 7


def test_the_cli_refuses_an_unknown_language(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["exercises", "build", "--lang", "fr"])
    assert stop.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_an_installed_package_writes_the_shipped_zh_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(exbuild, "SOURCES", tmp_path / "not-here")
    assert main(["exercises", "build", "--lang", "zh", "--out", str(tmp_path / "class")]) == 0
    written = sorted((tmp_path / "class").glob("*.ipynb"))
    assert len(written) == 7
    for path in written:
        assert path.read_text() == (COMMITTED_ZH / path.name).read_text()


# --------------------------------------------------------------------------------------
# The feedback
# --------------------------------------------------------------------------------------


def _catalog():
    with open(PO, "rb") as po:
        return read_po(po, locale="zh")


def _english_fragments() -> set[str]:
    """Pieces of English text of the catalog's messages that no translation contains.

    Finding one in a zh message means some English template was shown untranslated.
    """
    catalog = [m for m in _catalog() if m.id]
    translations = " ".join(m.string for m in catalog)
    fragments = set()
    for message in catalog:
        for literal, *_ in string.Formatter().parse(message.id):
            for piece in re.split(r"[:;()]", literal):
                piece = piece.strip(" .,")
                if (
                    re.search(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}", piece)
                    and piece not in translations
                ):
                    fragments.add(piece)
    return fragments


FRAGMENTS = _english_fragments()


def assert_chinese(lines: list[str], context: str = "") -> None:
    """Every line shown is Chinese; no English message of the catalog leaks into it."""
    assert lines, context
    for line in lines:
        if line.startswith("  | "):  # what the student's own code printed
            continue
        assert CJK.search(line), f"not Chinese: {line!r} ({context})"
        leaked = [f for f in FRAGMENTS if f in line]
        assert not leaked, f"untranslated English {leaked} in {line!r} ({context})"


def test_the_fragments_guard_sees_english():
    assert FRAGMENTS
    with pytest.raises(AssertionError, match="untranslated"):
        assert_chinese(
            ["✘ 诊断：the tanh derivative uses the input x instead of the output t = tanh(x)."]
        )


def test_every_exercise_message_is_translated_in_the_compiled_catalog():
    """The .mo that gettext reads has every message of the exercises, in Chinese."""
    from babel.messages.extract import extract_from_dir

    with open(PO.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    found = [
        message
        for _f, _l, message, _c, _x in extract_from_dir(
            ROOT / "micrograd" / "exercises",
            [("**.py", "python")],
            keywords={"_": None, "N_": None},
        )
    ]
    assert len(found) > 300
    for message in found:
        assert message in compiled, f"not in the .mo (run `make messages`): {message!r}"
        assert CJK_ANY.search(compiled[message]), message


def _corpus():
    """(check, student) for every wrong answer of the in-process corpus."""
    import test_exercises_corpus as corpus

    entries = []
    entries += [(n, corpus.value_class_with(src)) for n, src, _ in corpus.OP_CORPUS]
    entries += [(n, fn) for n, fn, _ in corpus.GRAPH_CORPUS]
    entries += [(n, fn) for n, fn, _ in corpus.NUMERIC_CORPUS]
    entries += [
        (name, fn)
        for fn, _ in corpus.SHAPE_CORPUS
        for name in ("grad_W_by_hand", "grad_W_with_engine")
    ]
    entries += [(n, s) for n, s, _ in corpus.NETWORK_CORPUS]
    return entries


def _not_written(*args, **kwargs):
    raise NotImplementedError("gradient_check is yours to write")


def _raises(f, inputs, eps=1e-6):
    return [1 / 0 for _ in inputs]


def _loops(f, inputs, eps=1e-6):
    while True:
        pass


def _prints(f, inputs, eps=1e-6):
    print("debugging " * 400)
    return [0.0 for _ in inputs]


EXTRA = [
    ("gradient_check", _not_written),
    ("numerical_grad", _raises),
    ("numerical_grad", _loops),
    ("numerical_grad", _prints),
    ("mul", len),  # a function where a class is expected
    ("ops", object),
]


def _timeout(student) -> float | None:
    return 0.5 if student is _loops else None  # the others at the check's own limit


def _shown(result) -> list[str]:
    return [line for line in result.messages]


def test_every_wrong_answer_of_the_corpus_gets_chinese_feedback_and_the_same_verdict(
    monkeypatch,
):
    monkeypatch.setenv("MICROGRAD_EXERCISES_REVEAL", "1")  # the rules are shown too
    entries = _corpus() + EXTRA
    assert len(entries) > 60
    for name, student in entries:
        for _attempt in range(2):  # the second failure shows the further hints
            zh = check(name, student, quiet=True, lang="zh", timeout=_timeout(student))
        reset_attempts()
        for _attempt in range(2):
            en = check(name, student, quiet=True, lang="en", timeout=_timeout(student))
        reset_attempts()
        context = f"{name}: {student!r}"
        assert not zh.passed, context
        assert_chinese(_shown(zh), context)
        assert (zh.status, zh.score) == (en.status, en.score), context
        assert [d.kind for d in zh.diagnoses] == [d.kind for d in en.diagnoses], context
        assert [c.passed for c in zh.cases] == [c.passed for c in en.cases], context
        assert not CJK.search("\n".join(en.messages)), context  # and English stays English


def test_a_passing_check_and_a_forgotten_earlier_part_are_chinese_too():
    import test_exercises_corpus as corpus

    assert_chinese(check("neuron", corpus.NeuronRight, quiet=True, lang="zh").messages)
    assert_chinese(check("ops", corpus.ScaffoldValue, quiet=True, lang="zh").messages)
    # train_step calls the student's own hinge_loss, which is wrong: "fix that first"
    train_step = corpus.train_step_calling(
        "def hinge_loss(scores, labels):\n"
        "    return sum(1 - t * s for s, t in zip(scores, labels)) / len(scores)\n"
    )
    result = check("train_step", train_step, quiet=True, lang="zh")
    assert [d.kind for d in result.diagnoses] == ["fix-earlier-part"]
    assert_chinese(result.messages)
    assert "hinge_loss" in str(result)


def test_the_language_comes_from_the_argument_then_the_environment(monkeypatch, capsys):
    import test_exercises_corpus as corpus

    student = corpus.NUMERIC_CORPUS[0][1]
    monkeypatch.setenv("MICROGRAD_LANG", "zh")
    assert CJK.search(str(check("numerical_grad", student, quiet=True)))
    assert not CJK.search(str(check("numerical_grad", student, quiet=True, lang="en")))
    monkeypatch.setenv("MICROGRAD_LANG", "en")
    assert CJK.search(str(check("numerical_grad", student, quiet=True, lang="zh")))
    monkeypatch.delenv("MICROGRAD_LANG")
    check("numerical_grad", student)  # printed, in English
    assert not CJK.search(capsys.readouterr().out)
    # the language of one check does not leak into the next
    assert not CJK.search(str(check("numerical_grad", student, quiet=True)))


def test_library_errors_stay_english():
    with pytest.raises(ValueError, match="unknown exercise"):
        check("no-such-exercise", len, lang="zh")


def test_list_exercises_in_chinese():
    listed = list_exercises(lang="zh")
    assert set(listed) == set(list_exercises())
    assert_chinese(list(listed.values()))


# --------------------------------------------------------------------------------------
# Grading in Chinese: the tampering and wrong submissions through the command line
# --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_grading_in_chinese_gives_chinese_messages_and_the_same_points(tmp_path):
    import test_exercises_grading as grading

    built = tmp_path / "built"
    exbuild.build(built, solutions=True, lang="zh")
    folder = tmp_path / "submissions"
    folder.mkdir()
    paths = [
        grading.submission(built, folder, stem, f"trick-{name}", code, solved=False)
        for name, (stem, code) in grading.TRICKS.items()
    ]
    paths += [
        grading.submission(built, folder, stem, f"wrong-{kind}", code)
        for stem, _check, kind, code in grading.WRONG
    ]
    paths += [
        grading.submission(built, folder, "03_gradient_check", "honest"),
        grading.submission(built, folder, "03_gradient_check", "empty", solved=False),
        grading.submission(
            built,
            folder,
            "01_local_derivatives",
            "exits",
            "import os\ndef tanh(self):\n    os._exit(0)\nValue.tanh = tanh\n",
        ),
    ]
    runs = {}
    for lang in ("zh", "en"):
        proc, rows = grading.grade(*paths, "--lang", lang, "--seed", "11", "--timeout", "20")
        assert proc.returncode == 0, proc.stderr
        runs[lang] = {(r["submission"], r["check"]): r for r in rows}
    assert runs["zh"].keys() == runs["en"].keys()
    assert len(runs["zh"]) == sum(len(NOTEBOOKS[exbuild_stem(p)]) for p in paths)
    for key, zh in runs["zh"].items():
        en = runs["en"][key]
        assert (zh["status"], zh["points"]) == (en["status"], en["points"]), key
        assert_chinese([zh["message"]], str(key))
        assert not CJK.search(en["message"]), key
    tricks = [p for p in paths if p.stem.startswith("trick-")]
    for path in tricks:
        assert sum(float(r["points"]) for k, r in runs["zh"].items() if k[0] == str(path)) == 0
    for _stem, name, kind, _code in grading.WRONG:
        row = runs["zh"][(str(folder / f"wrong-{kind}.ipynb"), name)]
        assert f"[{kind}]" in row["message"], row["message"]
    honest = [r for k, r in runs["zh"].items() if k[0].endswith("honest.ipynb")]
    assert honest and all(r["status"] == "passed" for r in honest)
    assert all("✔" in r["message"] for r in honest)


def exbuild_stem(path: Path) -> str:
    return json.loads(path.read_text())["metadata"]["micrograd_exercise"]["exercise"]


def test_the_grades_csv_header_stays_english(tmp_path):
    # the CSV is data: its header and its status column are identifiers in every language
    import test_exercises_grading as grading

    built = tmp_path / "built"
    exbuild.build(built, solutions=True, lang="zh")
    path = grading.submission(built, tmp_path, "03_gradient_check", "empty", solved=False)
    proc, rows = grading.grade(path, "--lang", "zh", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    assert {r["status"] for r in rows} == {"not implemented"}
    assert list(rows[0]) == [
        "submission", "exercise", "check", "points", "max_points", "status", "message", "seed"
    ]  # fmt: skip
    assert all(CJK.search(r["message"]) for r in rows)
    assert csv  # the rows came from csv.DictReader


# --------------------------------------------------------------------------------------
# A zh student notebook, executed: its check cells print Chinese feedback
# --------------------------------------------------------------------------------------


@pytest.mark.notebook
def test_a_zh_notebook_prints_chinese_feedback(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    exbuild.build(tmp_path, solutions=True, lang="zh")
    for path, expected in (
        (tmp_path / "03_gradient_check.ipynb", "尚未实现"),
        (tmp_path / "solutions" / "03_gradient_check.ipynb", "做得好"),
    ):
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if "nbgrader" not in c.metadata or
                    c.metadata["nbgrader"].get("solution")]  # fmt: skip
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
        printed = [
            "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            for c in nb.cells
            if c.cell_type == "code" and c.source.startswith("check(")
        ]
        assert len(printed) == 2
        for text in printed:
            assert expected in text, text
            assert_chinese(text.strip().splitlines(), path.name)


# --------------------------------------------------------------------------------------
# nbgrader with the zh notebooks: they import unchanged, and the autograder speaks Chinese
# --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_nbgrader_takes_the_zh_notebooks_and_autogrades_in_chinese(tmp_path):
    import test_exercises_nbgrader as nbg

    if not (nbg.BIN / "nbgrader").exists():
        pytest.skip("nbgrader is not installed in this environment")
    root = tmp_path / "course"
    built = tmp_path / "built"
    exbuild.build(built, solutions=True, lang="zh")
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'course'\n"
    )
    (root / "source" / "zh").mkdir(parents=True)
    for stem in NOTEBOOKS:
        (root / "source" / "zh" / f"{stem}.ipynb").write_text(
            (built / "solutions" / f"{stem}.ipynb").read_text()
        )
    nbg.run(str(nbg.BIN / "nbgrader"), "generate_assignment", "zh", "--force", cwd=root)
    released = root / "release" / "zh"
    assert sorted(p.stem for p in released.glob("*.ipynb")) == sorted(NOTEBOOKS)
    for path in released.glob("*.ipynb"):
        assert "BEGIN SOLUTION" not in path.read_text()
    students = {
        "honest": (root / "source" / "zh" / "03_gradient_check.ipynb").read_text(),
        "empty": (released / "03_gradient_check.ipynb").read_text(),
    }
    for student, text in students.items():
        folder = root / "submitted" / student / "zh"
        folder.mkdir(parents=True)
        (folder / "03_gradient_check.ipynb").write_text(text)
        nbg.run(str(nbg.BIN / "nbgrader"), "db", "student", "add", student, cwd=root)
    nbg.run(str(nbg.BIN / "nbgrader"), "autograde", "zh", "--force", cwd=root)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student, want in (("honest", 1.0), ("empty", 0.0)):
            for name in NOTEBOOKS["03_gradient_check"]:
                grade = gb.find_grade(f"test_{name}", "03_gradient_check", "zh", student)
                assert grade.score == want, (student, name)
    for student, word in (("honest", "做得好"), ("empty", "尚未实现")):
        nb = json.loads(
            (root / "autograded" / student / "zh" / "03_gradient_check.ipynb").read_text()
        )
        printed = [
            "".join("".join(o.get("text", "")) for o in c.get("outputs", []))
            for c in nb["cells"]
            if "autograde(" in "".join(c["source"])
        ]
        assert len(printed) == 2
        for text in printed:
            assert word in text, text
            assert_chinese(text.strip().splitlines(), student)
