"""Messages in the learner's language: gettext catalogs, the Python ecosystem's convention.

Text meant for a person (the demo's progress and summary, the labels of the plots, the
exercises' feedback) is written in English in the code and marked for translation; the
translations live in gettext message catalogs shipped with the package::

    micrograd/locale/zh/LC_MESSAGES/micrograd.po   # the translations, edited by people
    micrograd/locale/zh/LC_MESSAGES/micrograd.mo   # the same, compiled (what gettext reads)

``make messages`` extracts the marked strings with Babel (``babel.cfg``), merges them into
each catalog and compiles it. The language of a message is, first to last:

1. the ``lang=`` argument of the call (``_("loss", lang="zh")``);
2. the language set for a block with :func:`override` (``micrograd demo --lang zh`` does);
3. the environment variable ``MICROGRAD_LANG`` (``MICROGRAD_LANG=zh jupyter lab``);
4. English.

A language without a catalog (``"fr"``) falls back to English without an error: a message
is never lost, it only stays English. Error messages (``TypeError``, ``ValueError`` ...)
are not translated, as in the rest of the Python ecosystem.

How to mark a string::

    from micrograd.i18n import _

    print(_("epoch {epoch}: loss {loss:.4f}").format(epoch=3, loss=0.25))

The message is the *template* with named placeholders, formatted *after* translation (never
an f-string inside ``_()``: the catalog could not contain it), so a translation may put the
placeholders in another order. Use :func:`N_` to mark a string that is translated later, e.g.
in a table built at import time: ``TITLES = {"loss": N_("loss")}`` then ``_(TITLES[name])``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "CJK_FONTS",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "ENVIRONMENT_VARIABLE",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "_",
    "cjk_font",
    "figure_language",
    "gettext",
    "language",
    "ngettext",
    "override",
    "translator",
    "use_language_for_plots",
]

DOMAIN = "micrograd"  # the catalogs' file name: micrograd.po / micrograd.mo
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT_VARIABLE = "MICROGRAD_LANG"
DEFAULT_LANGUAGE = "en"  # the language the messages are written in: no catalog needed
LANGUAGES = ("en", "zh")  # the languages with a catalog (and English)

# The language chosen for a block of code by override(); a context variable so that
# threads and asyncio tasks each keep their own.
_override: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "micrograd_language", default=None
)


def _normalise(lang: str | None) -> str | None:
    """``"zh_CN.UTF-8"``, ``"zh-Hans"``, ``"ZH"`` -> ``"zh"``; None or empty -> None.

    Only the language part counts (there is one Chinese catalog, in simplified characters).
    A language without a catalog becomes English.
    """
    if lang is None:
        return None
    if not isinstance(lang, str):
        raise TypeError(f"a language must be a string like 'zh' or 'en', got {lang!r}.")
    base = lang.strip().replace("-", "_").split(".")[0].split("@")[0].split("_")[0].lower()
    if not base:
        return None
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def language(lang: str | None = None) -> str:
    """The language a message would be shown in: ``"en"`` or ``"zh"``.

    ``lang`` if given, else the one set by :func:`override`, else ``MICROGRAD_LANG``, else
    English. Anything without a catalog (``"fr"``, ``"klingon"``) is English.

    >>> language("zh_CN.UTF-8"), language("fr")
    ('zh', 'en')
    """
    for candidate in (lang, _override.get(), os.environ.get(ENVIRONMENT_VARIABLE)):
        chosen = _normalise(candidate)
        if chosen is not None:
            return chosen
    return DEFAULT_LANGUAGE


@functools.cache
def _catalog(lang: str) -> _gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()  # the messages themselves
    # fallback=True: a missing .mo gives the English messages, not an exception
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


class Translator:
    """The messages of one language: call it as ``_``, or use gettext's methods.

    >>> _zh = translator("zh")
    >>> _zh("loss"), _zh.gettext("accuracy"), _zh.language
    ('损失', '准确率', 'zh')
    """

    __slots__ = ("language", "translations")

    def __init__(self, language: str, translations: _gettext.NullTranslations) -> None:
        self.language = language  # "en" or "zh"
        self.translations = translations  # the standard library's gettext object

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"


def translator(lang: str | None = None) -> Translator:
    """The messages of ``lang`` (resolved as :func:`language` does), as a callable.

    A function that shows many messages can resolve the language once::

        _ = translator(lang)
        print(_("loss"), _("accuracy"))
    """
    chosen = language(lang)
    return Translator(chosen, _catalog(chosen))


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` translated into ``lang`` (resolved as :func:`language` does)."""
    return translator(lang).gettext(message)


_ = gettext  # the conventional short name, which Babel's extraction looks for


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The singular or plural form for the count ``n``, translated.

    >>> ngettext("{n} step", "{n} steps", 2, lang="en").format(n=2)
    '2 steps'
    """
    return translator(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate it later)."""
    return message


@contextlib.contextmanager
def override(lang: str | None) -> Iterator[str]:
    """Within the block, messages without a ``lang=`` argument use ``lang``.

    ``None`` leaves the choice to ``MICROGRAD_LANG`` (and English). Yields the language
    that is now in effect::

        with override("zh"):
            fig = plots.plot_history(history)     # Chinese labels (given a CJK font)
    """
    token = _override.set(_normalise(lang))
    try:
        yield language()
    finally:
        _override.reset(token)


# --------------------------------------------------------------------------------------
# A font for Chinese text in figures
# --------------------------------------------------------------------------------------

# Fonts with simplified Chinese, best first: Debian's fonts-noto-cjk and fonts-wqy-*,
# then the ones macOS and Windows ship.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Arial Unicode MS",
)


@functools.cache
def _characters_to_draw(lang: str) -> frozenset[str]:
    """Every character of the catalog's translations that a Latin font lacks (from U+2E80 on:
    CJK ideographs, CJK and full-width punctuation)."""
    messages = getattr(_catalog(lang), "_catalog", {})  # GNUTranslations keeps them here
    return frozenset(c for text in messages.values() for c in str(text) if ord(c) >= 0x2E80)


@functools.cache
def cjk_font(lang: str = "zh") -> str | None:
    """The family name of an installed font that draws every character of ``lang``'s catalog.

    Looked up once in matplotlib's font list (``font_manager``) among :data:`CJK_FONTS`;
    None when no installed font has them all: the plots then stay in English rather than
    draw boxes for missing characters. A Debian machine gets one with
    ``apt-get install fonts-noto-cjk``.
    """
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    needed = _characters_to_draw(_normalise(lang) or DEFAULT_LANGUAGE)
    for family in CJK_FONTS:
        if family not in installed:
            continue
        properties = font_manager.FontProperties(family=family)
        try:
            path = font_manager.findfont(properties, fallback_to_default=False)
            charmap = font_manager.get_font(path).get_charmap()
        except (ValueError, OSError, RuntimeError):  # listed, but unreadable
            continue
        if all(ord(c) in charmap for c in needed):
            return family
    return None


@contextlib.contextmanager
def figure_language(lang: str | None = None) -> Iterator[str]:
    """For drawing a figure: its text in ``lang`` if an installed font can draw it, else English.

    Within the block messages use that language (as with :func:`override`) and matplotlib
    finds the Chinese characters in the CJK font (:func:`cjk_font`), after the usual font,
    so Latin letters and digits look as in the English figures. Yields the language used.
    Mathematical text (``$w$``) is drawn by matplotlib's math fonts, which have no Chinese:
    a translation keeps Chinese and ``$...$`` in separate labels.
    """
    chosen = language(lang)
    font = cjk_font(chosen) if chosen != DEFAULT_LANGUAGE else None
    with contextlib.ExitStack() as stack:
        if font is None:
            chosen = DEFAULT_LANGUAGE  # English labels rather than boxes for missing glyphs
        else:
            import matplotlib

            families = [*matplotlib.rcParams["font.family"], font]
            stack.enter_context(matplotlib.rc_context({"font.family": families}))
        stack.enter_context(override(chosen))
        yield chosen


def use_language_for_plots(lang: str | None = None) -> Translator:
    """Set up a whole session (a notebook's kernel) to label its own figures in ``lang``.

    The library's plots choose their language themselves (:func:`figure_language`); this is
    for the titles and labels a notebook writes in its own code cells. One line in the import
    cell does it, the same line in every edition::

        tr = use_language_for_plots()      # the language of MICROGRAD_LANG
        ax.set_title(tr("loss at step {k}").format(k=k))

    Returns the translator to mark labels with (not ``_``: IPython rebinds ``_`` to the last
    output). When the language is not English and an installed font draws it
    (:func:`cjk_font`), that font is appended to matplotlib's ``font.family`` for the rest of
    the session, so that Chinese characters are found there after the usual font (Latin text
    looks as in English figures). Otherwise the translator is English: labels stay English
    rather than show boxes for missing glyphs, and matplotlib's settings are left untouched.
    Calling it again is harmless (the font is added once).
    """
    chosen = language(lang)
    font = cjk_font(chosen) if chosen != DEFAULT_LANGUAGE else None
    if font is None:
        return translator(DEFAULT_LANGUAGE)
    import matplotlib

    families = list(matplotlib.rcParams["font.family"])
    if font not in families:
        matplotlib.rcParams["font.family"] = [*families, font]
    return translator(chosen)
