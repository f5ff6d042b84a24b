"""The translations: gettext catalogs (micrograd.i18n), complete, compiled, chosen in order."""

from __future__ import annotations

import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from micrograd import i18n

ROOT = Path(__file__).resolve().parents[1]
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE]
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


def po_path(lang: str) -> Path:
    return i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def read_catalog(lang: str):
    with open(po_path(lang), "rb") as po:
        return read_po(po, locale=lang)


def marked_in_source() -> set[str]:
    """Every string marked _(), N_(), ngettext() in the package, extracted as Babel does."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map
    ):
        found.update(message if isinstance(message, tuple) else (message,))
    return found


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


@pytest.fixture(autouse=True)
def no_language_from_outside(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)


def test_the_source_marks_messages():
    # the extraction sees the demo's and the plots' messages (a guard for the tests below)
    marked = marked_in_source()
    assert "wrote {name}: {path}" in marked
    assert "predicted class" in marked


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_marked_message_has_a_translation(lang):
    """No English leaks into a zh run: every message in the code is translated, none fuzzy."""
    catalog = read_catalog(lang)
    missing = sorted(
        message
        for message in marked_in_source()
        if message not in catalog or not catalog[message].string or catalog[message].fuzzy
    )
    assert not missing, f"run `make messages` and translate in {po_path(lang)}: {missing}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_catalog_entry_is_translated_and_keeps_its_placeholders(lang):
    catalog = read_catalog(lang)
    entries = [m for m in catalog if m.id]
    assert entries
    for message in entries:
        assert message.string and not message.fuzzy, message.id
        assert placeholders(message.string) == placeholders(message.id), message.id
        if lang == "zh":
            assert CJK.search(message.string), f"not Chinese: {message.string!r}"
            # matplotlib draws $...$ with its math fonts, which have no Chinese: keep apart
            assert "$" not in message.string, message.string


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_translation_formats_like_its_message(lang):
    values = {"accuracy": 0.5, "loss": 1.25, "sizes": [16, 1], "epoch": 3}
    for message in (m for m in read_catalog(lang) if m.id):
        fields = {name: values.get(name, 0.5) for name in placeholders(message.id)}
        message.id.format(**fields)
        message.string.format(**fields)  # the same specs fit the same values


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_committed_mo_matches_the_po(lang):
    """The .mo gettext reads is the .po compiled (`make messages` was run after editing)."""
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(lang))
    compiled.seek(0)
    mo_file = po_path(lang).with_suffix(".mo")
    with open(mo_file, "rb") as committed:
        on_disk = gettext.GNUTranslations(committed)
    expected = gettext.GNUTranslations(compiled)
    assert on_disk._catalog == expected._catalog, f"run `make messages` to recompile {mo_file}"


def test_the_catalogs_are_shipped_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for suffix in ("po", "mo"):
        assert f'"locale/*/LC_MESSAGES/*.{suffix}"' in pyproject
    assert (po_path("zh").with_suffix(".mo")).is_file()


def test_language_order_argument_then_override_then_environment_then_english(monkeypatch):
    assert i18n.language() == "en"
    assert i18n._("loss") == "loss"
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    assert i18n.language() == "zh"
    assert i18n._("loss") == "损失"
    assert i18n._("loss", lang="en") == "loss"  # the argument wins over the environment
    with i18n.override("en") as chosen:
        assert chosen == "en"
        assert i18n._("loss") == "loss"  # override wins over the environment
        assert i18n._("loss", lang="zh") == "损失"  # and the argument over override
    assert i18n._("loss") == "损失"  # the override ended with its block
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "en")
    assert i18n._("loss", lang="zh") == "损失"
    with i18n.override(None):  # None: no choice, the environment decides
        assert i18n._("loss") == "loss"


@pytest.mark.parametrize("spelling", ["zh", "ZH", "zh_CN", "zh-CN", "zh_CN.UTF-8", "zh-Hans"])
def test_ways_to_write_chinese(spelling):
    assert i18n.language(spelling) == "zh"
    assert i18n._("true class", lang=spelling) == "真实类别"


@pytest.mark.parametrize("unknown", ["fr", "klingon", "xx_YY.UTF-8"])
def test_an_unknown_language_is_english_without_an_error(unknown, monkeypatch):
    assert i18n.language(unknown) == "en"
    assert i18n._("true class", lang=unknown) == "true class"
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, unknown)
    assert i18n._("true class") == "true class"
    assert i18n.translator().gettext("loss") == "loss"


def test_an_empty_environment_variable_means_english(monkeypatch):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "  ")
    assert i18n.language() == "en"


def test_a_message_without_a_translation_stays_english():
    assert i18n._("a sentence nobody marked", lang="zh") == "a sentence nobody marked"


def test_ngettext_and_n_():
    assert i18n.ngettext("{n} step", "{n} steps", 1, lang="en") == "{n} step"
    assert i18n.ngettext("{n} step", "{n} steps", 3, lang="en") == "{n} steps"
    assert i18n.N_("loss") == "loss"  # marked only: translated later with _()


def test_a_language_that_is_not_a_string_is_a_clear_error():
    with pytest.raises(TypeError, match="language must be a string"):
        i18n.language(1)


def test_library_errors_stay_english(monkeypatch):
    from micrograd import Value

    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    with pytest.raises((TypeError, ValueError)) as error:
        Value(1.0) + "two"
    assert not CJK.search(str(error.value))
