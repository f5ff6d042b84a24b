"""Writing files so that a failure never leaves a half-written or lost file behind.

Every file the library or the command line writes goes through :func:`atomic_path` (or
:func:`atomic_write`): the new content goes to a temporary file in the same folder, and only
when it is complete does ``os.replace`` put it in place of the old one. A full disk, an
exception or Ctrl-C halfway leaves the previous file exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "atomic_write", "check_file_path"]


def check_file_path(path: str | os.PathLike[str], what: str = "output file") -> Path:
    """``path`` as a Path, refusing one that names a folder (``out/`` or an existing dir)."""
    text = os.fspath(path)
    if not text or text.endswith(("/", os.sep)) or (os.altsep and text.endswith(os.altsep)):
        raise ValueError(f"{what} {text!r} ends with a path separator: give a file name.")
    target = Path(text)
    if target.is_dir():
        raise ValueError(f"{what} {text!r} is a folder: give a file name.")
    return target


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path``; once the block succeeds it replaces ``path``.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("hello")
    >>> target.read_text()
    'hello'
    """
    target = check_file_path(path)
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text or bytes) to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding=encoding)
    return Path(path)
