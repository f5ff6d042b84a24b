"""MkDocs hooks for the site in two languages (mkdocs.yml: ``hooks``; issue 11).

mkdocs-static-i18n builds the English site at ``/`` and the Chinese one at ``/zh/``. It finds a
page's translation by its name (``engine.zh.md`` beside ``engine.md``). Two things it cannot do
on its own, done here:

* **The course notebooks.** The Chinese edition is generated into ``notebooks/zh/NN_name.ipynb``
  (tools/regenerate_notebooks.py), not beside the English one as ``NN_name.zh.ipynb``; and the
  plugin treats ``.ipynb`` files (pages only through mkdocs-jupyter) as plain files, which it
  neither moves under ``zh/`` nor links with the language switcher. So in each build, every
  course notebook page gets its place (``notebooks/NN_name/`` or ``zh/notebooks/NN_name/``) and
  its switcher links, and the Chinese page is read from ``notebooks/zh/`` when that edition exists
  (otherwise the Chinese site shows the English notebook, as it does for untranslated pages).
* **Links in the notebooks** are written for Jupyter and GitHub (``../../docs/glossary.md``,
  ``05_chain_rule.ipynb``, ``../exercises/01_local_derivatives.ipynb``, relative to the notebook's
  folder); on the site they point at the page in the same language, or, for a file that is not a
  page (an exercise notebook), at the file in the repository.
* **The glossary's table** is written once, in ``docs/glossary.md``; ``docs/glossary.zh.md`` has
  its own prose and table header, then the line ``<!-- glossary-table -->``, replaced here by
  the rows of that table, so a term added to the English page appears in both languages.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

COURSE_NOTEBOOK = re.compile(r"^notebooks/([0-9][0-9]_[^/]+)\.ipynb$")
GLOSSARY_TABLE_MARKER = "<!-- glossary-table -->"
# A relative link to a Markdown file or a notebook in the HTML of a rendered notebook.
NOTEBOOK_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+\.(?:md|ipynb))(#[^"]*)?"')


class NotebookPage(File):
    """A course notebook as a page: mkdocs-jupyter renders it (as its own ``NotebookFile``
    does, which the i18n plugin replaces by a plain file)."""

    def is_documentation_page(self) -> bool:
        return True


def _i18n(config):
    return config.plugins["i18n"]


def _page_file(file: File, lang: str, config, source: str | None = None) -> NotebookPage:
    """A copy of ``file`` that builds to ``lang``'s copy of its page (``zh/…`` for Chinese)."""
    i18n = _i18n(config)
    prefix = "" if lang == i18n.default_language else f"{lang}/"
    dest_uri = prefix + COURSE_NOTEBOOK.sub(r"notebooks/\1/index.html", file.src_uri)
    page = NotebookPage(
        file.src_uri,
        config.docs_dir,
        config.site_dir,
        config.use_directory_urls,
        dest_uri=dest_uri,
        inclusion=file.inclusion,
    )
    if source is not None:
        page.abs_src_path = source
    page.locale = lang
    page.locale_alternate_of = lang
    page.localization = None if lang == i18n.default_language else lang
    page.norm_src_uri = file.src_uri
    return page


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen each language's files
def on_files(files: Files, config) -> Files:
    i18n = _i18n(config)
    lang, languages = i18n.current_language, i18n.build_languages
    for file in list(files):
        match = COURSE_NOTEBOOK.match(file.src_uri)
        if not match:
            continue
        # This language's edition (notebooks/zh/NN_name.ipynb), if the build is not English and
        # the edition exists; otherwise the English notebook, as for any untranslated page.
        edition = Path(config.docs_dir, "notebooks", lang, f"{match.group(1)}.ipynb")
        translated = lang != i18n.default_language and edition.is_file()
        page = _page_file(file, lang, config, str(edition) if translated else None)
        # The language switcher links to the same notebook's page in each language.
        page.alternates = {other: _page_file(file, other, config) for other in languages}
        page.alternates[lang] = page
        files.remove(file)
        files.append(page)
    return files


def _site_path(repo_path: str, lang_prefix: str, config) -> str | None:
    """The site path of the page made from ``repo_path`` (a path in the repository), or None."""
    docs = posixpath.relpath(Path(config.docs_dir).resolve().as_posix(), _repo(config))
    if repo_path.startswith(docs + "/") and repo_path.endswith(".md"):
        page = repo_path[len(docs) + 1 : -len(".md")]
        return lang_prefix + ("" if page == "index" else page + "/")
    match = re.fullmatch(r"notebooks/(?:[a-z]{2}/)?([0-9][0-9]_[^/]+)\.ipynb", repo_path)
    if match:
        return f"{lang_prefix}notebooks/{match.group(1)}/"
    return None


def _repo(config) -> str:
    return Path(config.config_file_path).resolve().parent.as_posix()


def on_post_page(output: str, page, config) -> str:
    if not isinstance(page.file, NotebookPage):
        return output
    i18n = _i18n(config)
    lang = i18n.current_language
    lang_prefix = "" if lang == i18n.default_language else f"{lang}/"
    source = Path(page.file.abs_src_path).resolve().as_posix()
    folder = posixpath.dirname(posixpath.relpath(source, _repo(config)))
    page_dir = posixpath.dirname(page.file.dest_uri)

    def relink(match: re.Match) -> str:
        href, anchor = match.group(1), match.group(2) or ""
        target = posixpath.normpath(posixpath.join(folder, href))
        site_path = _site_path(target, lang_prefix, config)
        if site_path is not None:
            return f'href="{posixpath.relpath(site_path or ".", page_dir)}/{anchor}"'
        if config.repo_url and Path(_repo(config), target).is_file():
            return f'href="{config.repo_url.rstrip("/")}/blob/main/{target}{anchor}"'
        return match.group(0)

    return NOTEBOOK_LINK.sub(relink, output)


def glossary_rows(config) -> list[str]:
    """The term rows of docs/glossary.md's tables, without their headers and separators."""
    english = Path(config.docs_dir, "glossary.md").read_text(encoding="utf-8")
    rows, line_in_table = [], 0
    for line in english.splitlines():
        line_in_table = line_in_table + 1 if line.startswith("|") else 0
        if line_in_table > 2:  # the first two lines of a table are its header and |---|
            rows.append(line)
    return rows


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri == "glossary.zh.md" and GLOSSARY_TABLE_MARKER in markdown:
        markdown = markdown.replace(GLOSSARY_TABLE_MARKER, "\n".join(glossary_rows(config)))
    return markdown


def on_page_context(context, page, config, nav):
    """On the two home pages the plugin links the switcher to the absolute ``/`` and ``/zh/``,
    which leave the site when it is served from a sub-path (a project's GitHub Pages, a
    folder opened from disk): link them relative to the page instead, as on every other page."""
    if page.is_homepage or page.file.src_uri == "index.zh.md":
        i18n = _i18n(config)
        # The plugin sets the switcher as an attribute (``config.extra.alternate``), which is
        # what the theme's template reads.
        for alternate in getattr(config.extra, "alternate", None) or []:
            is_default = alternate["lang"] == i18n.default_language
            alternate["link"] = "." if is_default else f"{alternate['lang']}/"
    return context
