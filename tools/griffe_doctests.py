"""A griffe extension for the API reference: show doctest examples as code blocks.

The docstrings hold ``>>>`` examples as plain text (so that doctest and ``help()`` read them).
Markdown would render them as a paragraph, and text like ``[x for x in y][0]`` as a broken
link. This wraps every run of ``>>>``/``...`` lines and their output in a ``pycon`` fence.
An example introduced reST-style (a paragraph ending in ``::``, the example indented below it)
is dedented to the paragraph and the ``::`` becomes ``:``. Used by mkdocs.yml
(``extensions: [tools/griffe_doctests.py:DoctestFences]``).
"""

from __future__ import annotations

from typing import Any

import griffe


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def fence_doctests(text: str) -> str:
    """Wrap each doctest example (prompt lines and their output) in a ```pycon block.

    A paragraph ending in ``::`` followed by an indented example becomes a paragraph ending in
    ``:`` followed by the example, dedented, in a fence (tests/test_docs.py has the cases).
    """
    out: list[str] = []
    in_example = in_fence = False
    fence_indent = dedent = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if not in_fence and not in_example and stripped.startswith(">>>"):
            previous = next((p for p in reversed(out) if p.strip()), "")
            if previous.endswith("::") and len(_indent(line)) > len(_indent(previous)):
                out[len(out) - 1 - out[::-1].index(previous)] = previous[:-1]
                fence_indent, dedent = _indent(previous), _indent(line)[len(_indent(previous)) :]
            else:
                fence_indent, dedent = _indent(line), ""
            out.append(f"{fence_indent}```pycon")
            in_example = True
        elif in_example and not stripped:
            out.append(f"{fence_indent}```")
            in_example = False
        if in_example and dedent and line.startswith(fence_indent + dedent):
            line = fence_indent + line[len(fence_indent + dedent) :]
        out.append(line)
    if in_example:
        out.append(f"{fence_indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest examples of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(obj.docstring.value)
