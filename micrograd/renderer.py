"""Find Graphviz's ``dot`` program and run it: DOT source in, a picture out.

:mod:`micrograd.draw` builds the DOT source of a graph; this module turns it into SVG, PNG or
PDF. No system package is needed: micrograd depends on ``graphviz-pure``, a self-contained
build of ``dot`` installed next to Python. The program is looked up at render time, in this
order:

1. the environment variable ``MICROGRAD_DOT`` (a path or a program name), if set;
2. a system ``dot`` on ``PATH`` (Graphviz installed by apt, brew, choco, ...);
3. ``graphviz-pure`` next to the Python interpreter (a Jupyter kernel's ``PATH`` often lacks
   the virtual environment's ``bin``), then on ``PATH``.

The program runs as a subprocess with a time limit (``timeout``, default
:data:`DEFAULT_TIMEOUT` seconds): Graphviz's layout can take minutes on a graph with many
crossing edges, and a teaching tool should say so rather than hang. Every failure (no
program, a crash, a timeout, no output) raises :class:`RenderError` with a one-line message
saying what to do.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import graphviz

from micrograd._files import atomic_write, check_file_path

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_VAR",
    "ComputationGraph",
    "RenderError",
    "RendererNotFoundError",
    "RendererNotFoundWarning",
    "find_renderer",
    "render_source",
    "save",
]

ENV_VAR = "MICROGRAD_DOT"
# Everything draw_dot accepts by default lays out in about a second (see docs/reference/
# draw.md for the measurements); the limit stops what slips through, on a slow machine too.
DEFAULT_TIMEOUT = 10.0
SAVE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "dot", "gv")

RENDERER_HINT = (
    "To draw graphs, install graphviz-pure into this Python environment "
    "(pip install graphviz-pure), or install Graphviz so that `dot` is on PATH "
    f"(e.g. apt install graphviz), or set {ENV_VAR} to the path of a dot program."
)


class RenderError(RuntimeError):
    """Turning the DOT source into a picture failed: no renderer, it crashed, or it took too long.

    The message is one line saying what happened and what to do; the command line prints it.
    """


class RendererNotFoundError(RenderError):
    """No Graphviz ``dot`` program was found to turn the DOT source into a picture."""


class RendererNotFoundWarning(UserWarning):
    """Jupyter shows the DOT source instead of a picture: no ``dot`` program, or it failed."""


# --------------------------------------------------------------------------------------
# Finding the program
# --------------------------------------------------------------------------------------


def find_renderer() -> Path | None:
    """The ``dot`` program to render with, or None if there is none (see the module doc).

    Raises :class:`RendererNotFoundError` if ``MICROGRAD_DOT`` is set but names no program:
    an explicit choice that does not work should not be replaced silently by another.
    """
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit:
        found = shutil.which(explicit)
        if found is None:
            raise RendererNotFoundError(
                f"{ENV_VAR} is set to {explicit!r}, which is not an executable program. "
                f"Point it at Graphviz's dot or at graphviz-pure, or unset it."
            )
        return Path(found)
    found = shutil.which("dot")  # a system Graphviz
    if found is None:
        # graphviz-pure where pip put it (next to the interpreter in a virtual environment,
        # in Scripts\\ or bin/ of a Windows or conda installation), then on PATH (path=None)
        here = Path(sys.executable).parent
        for directory in [*map(str, (here, here / "Scripts", here / "bin")), None]:
            found = shutil.which("graphviz-pure", path=directory)
            if found:
                break
    return Path(found) if found else None


# --------------------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------------------


class _FormatNotSupported(RenderError):
    """The renderer has no output of this format (graphviz-pure has no PDF)."""


def render_source(
    source: str,
    format: str = "svg",  # noqa: A002 - the name graphviz uses
    timeout: float | None = None,
    args: Iterable[str] = (),
) -> bytes:
    """Run the renderer on DOT ``source``; return the picture in ``format`` as bytes.

    ``timeout`` (seconds, default :data:`DEFAULT_TIMEOUT`) bounds the layout; ``args`` are
    more command-line arguments for ``dot`` (e.g. ``["-Kneato"]``).
    """
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not limit > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    program = find_renderer()
    if program is None:
        raise RendererNotFoundError(f"no Graphviz renderer found. {RENDERER_HINT}")
    # Graphviz reads UTF-8. draw_dot never emits a lone surrogate (UTF-8 has none); in a
    # graph made by hand one is written as its escape rather than crash.
    data = source.encode("utf-8", "backslashreplace")
    try:
        done = subprocess.run(
            [str(program), f"-T{format}", *args], input=data, capture_output=True, timeout=limit
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{program.name} did not finish laying out the graph within {limit:g} s. Draw less: "
            "collapse neurons or layers (draw_dot(out, collapse=model)), draw a smaller "
            "expression, or allow more time with timeout=."
        ) from None
    except OSError as error:  # not an executable, wrong architecture, ...
        raise RenderError(
            f"cannot run the renderer {str(program)!r}: {error.strerror or error}. {RENDERER_HINT}"
        ) from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f": {said[0][:200]}" if said else ""
        error_type = _FormatNotSupported if "not recognized" in reason else RenderError
        raise error_type(
            f"the renderer {str(program)!r} failed (exit status {done.returncode}){reason}. "
            f"Check that it is Graphviz's dot, or unset {ENV_VAR} to use graphviz-pure."
        )
    if not _looks_like(format, done.stdout):
        raise RenderError(
            f"the renderer {str(program)!r} did not return a {format} picture (its output "
            f"starts with {done.stdout[:20]!r}). Check that it is Graphviz's dot, or unset "
            f"{ENV_VAR} to use graphviz-pure."
        )
    return done.stdout


# How the pictures of the usual formats begin (an SVG after its XML prolog and comments).
_MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "jpg": b"\xff\xd8", "jpeg": b"\xff\xd8"}


def _looks_like(format: str, data: bytes) -> bool:  # noqa: A002
    if format.split(":")[0] == "svg":
        return b"<svg" in data[:4096]
    magic = _MAGIC.get(format.split(":")[0])
    return magic is None or data.startswith(magic)


def save(
    graph: graphviz.Graph | graphviz.Digraph,
    path: str | os.PathLike[str],
    format: str | None = None,  # noqa: A002 - the name graphviz uses
    timeout: float | None = None,
) -> Path:
    """Write ``graph`` to ``path`` as SVG, PNG, PDF (or ``.dot``/``.gv`` source); return the path.

    The format comes from the extension unless ``format`` is given. graphviz-pure has no
    PDF output; with it, the PDF holds the drawing as a 300 dpi image. The file is written
    atomically: a failure leaves an existing file as it was. ``timeout`` as in
    :func:`render_source`.

    >>> save(draw_dot(y), "graph.png")      # doctest: +SKIP
    PosixPath('graph.png')
    """
    path = check_file_path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in SAVE_FORMATS:
        raise ValueError(
            f"save: cannot tell the picture format from {str(path)!r}; "
            f"use one of the extensions {', '.join('.' + f for f in SAVE_FORMATS)} "
            "or pass format='svg'."
        )
    if fmt in ("dot", "gv"):
        return atomic_write(path, graph.source)
    if timeout is None:
        timeout = getattr(graph, "timeout", None)  # draw_dot(timeout=...)
    try:
        data = render_source(graph.source, fmt, timeout)
    except _FormatNotSupported:
        if fmt != "pdf":
            raise
        data = _pdf_from_png(graph.source, timeout)
    return atomic_write(path, data)


def _pdf_from_png(source: str, timeout: float | None, dpi: int = 300) -> bytes:
    """A PDF page holding the graph as an image, for renderers without PDF output."""
    from PIL import Image  # Pillow comes with matplotlib, a dependency of micrograd

    png = render_source(source, "png", timeout, args=[f"-Gdpi={dpi}"])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


_SCALED_SVG = '<svg style="max-width: 100%; height: auto"'


class ComputationGraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with the program :func:`find_renderer` picks.

    ``.source``, ``.pipe()``, ``.render()`` and inline display in Jupyter work as in
    graphviz, each bounded by ``timeout`` seconds (an attribute, default
    :data:`DEFAULT_TIMEOUT`). ``save(graph, "graph.png")`` writes a picture (graphviz's own
    ``.save()`` writes the DOT source). :func:`micrograd.draw.draw_dot` fills ``node_ids``
    (the DOT id of each Value's box, the box's ``<title>`` in the SVG) and ``shown_grads``
    (box id -> the Value whose grad the box shows).
    """

    timeout: float | None = None
    node_ids: dict[Any, str]
    shown_grads: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.node_ids = {}
        self.shown_grads = {}

    def pipe(  # the signature of graphviz's pipe
        self,
        format: str | None = None,  # noqa: A002
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> Any:
        output = ":".join(part for part in (format or self.format, renderer, formatter) if part)
        args = [f"-K{engine or self.engine}"]
        if neato_no_op:
            args.append(f"-n{int(neato_no_op)}")
        data = render_source(self.source, output, self.timeout, args)
        return data.decode(encoding) if encoding else data

    def render(  # the main arguments of graphviz's render; the rest are not supported
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,  # noqa: A002
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
    ) -> str:
        """Write the DOT source to ``filename`` and the picture next to it; return its path."""
        fmt = format or self.format
        source_file = Path(self.save(filename, directory))
        target = Path(outfile) if outfile is not None else Path(f"{source_file}.{fmt}")
        atomic_write(target, self.pipe(format=fmt, engine=engine))
        if cleanup:
            source_file.unlink()
        if view:
            self._view(target, format=fmt, quiet=False)
        return str(target)

    def save(  # graphviz's save, writing atomically
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
    ) -> str:
        """Write the DOT source to ``filename`` (in ``directory``); return its path."""
        if filename is not None:
            self.filename = os.fspath(filename)
        if directory is not None:
            self.directory = os.fspath(directory)
        path = Path(self.filepath)
        if not (skip_existing and path.exists()):
            atomic_write(path, self.source)
        return str(path)

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **kw: Any
    ) -> dict[str, Any]:
        # Jupyter calls this to display the object. Without a renderer, show the DOT source
        # (still useful, e.g. to paste into an online viewer) and say how to get pictures.
        # The same for any other failure (a crash, a timeout): one line, not a traceback.
        try:
            bundle = super()._repr_mimebundle_(include, exclude, **kw)
        except RenderError as error:
            warnings.warn(
                f"{error} Showing the DOT source instead.", RendererNotFoundWarning, stacklevel=2
            )
            return {"text/plain": self.source}
        # JupyterLab shows an SVG output as an image at its natural size (a wide graph runs
        # off the screen) but prefers HTML: the same SVG inline, scaled to the output width.
        svg = bundle.get("image/svg+xml")
        if svg and (exclude is None or "text/html" not in exclude):
            inline = svg[svg.index("<svg") :].replace("<svg", _SCALED_SVG, 1)
            bundle["text/html"] = f"<div>{inline}</div>"
        return bundle

    def _repr_svg_(self) -> str | None:
        """SVG for front ends that ask for ``_repr_svg_``; None (so: text) if rendering fails.

        IPython asks for it too when ``_repr_mimebundle_`` gave no SVG: it must not raise
        (``_repr_mimebundle_`` has already warned).
        """
        try:
            return self.pipe(format="svg", encoding="utf-8")
        except RenderError:
            return None
