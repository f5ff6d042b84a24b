"""Model files: how ``Module.save`` writes a model and ``Module.load`` reads it back.

A model file is plain JSON (never pickle: loading a pickle can run arbitrary code)::

    {"format": "micrograd-edu-model", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "sizes": [4, 1], ...},
     "parameters": {"layers.0.neurons.0.w.0": 0.52, ...}}

A file comes from outside, so reading one trusts nothing in it. Every way a file can be
wrong -- not JSON, nested too deep, a number too large for a float, a field of the wrong
type, an architecture that does not match the stored parameters -- is a ``ValueError``
whose message names the file and the problem, raised *before* anything is built or
changed. (A file that cannot be opened at all is the usual ``OSError``.) In particular the
architecture is checked against the number of stored parameters before a model is built,
so a 150-byte file declaring ``"nin": 10000000`` is refused at once instead of building a
network of gigabytes.

Writing goes through :func:`micrograd._files.atomic_write`, so a failure halfway leaves any
previous file intact, and a model with a non-finite parameter is refused (such a file could
not be loaded back).
"""

from __future__ import annotations

import json
import math
import os
import reprlib
import types
from collections.abc import Callable
from typing import Any

from micrograd._files import atomic_write

__all__ = ["FORMAT", "FORMAT_VERSION", "MAX_FILE_BYTES", "build", "load", "read", "save"]

#: The ``format`` field of a model file, and the version this code writes and reads.
FORMAT = "micrograd-edu-model"
FORMAT_VERSION = 1

#: Larger files are refused before reading: 64 MiB is about two million parameters, far
#: beyond what a scalar engine trains in a lesson.
MAX_FILE_BYTES = 64 * 2**20

#: The classes a file can build on its own (``MLP.load(path)``), and the architecture fields
#: their constructors take, in order. Any other Module loads into an instance it made itself.
BUILDABLE = {
    "Neuron": ("nin", "activation"),
    "Layer": ("nin", "nout", "activation"),
    "MLP": ("nin", "sizes", "activation", "output_activation"),
}

_short_repr = reprlib.Repr()
_short_repr.maxstring = _short_repr.maxother = 60
_short_repr.maxlong = 40


def short(value: object) -> str:
    """``repr(value)``, cut short: a hostile file must not make a 20 KB error message."""
    return _short_repr.repr(value)


def _where(path: str | os.PathLike[str]) -> str:
    """The file's name for a message: in full unless absurdly long."""
    text = os.fspath(path)
    return repr(text) if len(text) <= 300 else short(text)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def save(model: Any, path: str | os.PathLike[str]) -> None:
    """Write ``model`` (a :class:`micrograd.nn.Module`) to ``path``; see ``Module.save``."""
    state = model.state_dict()
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(
                f"{type(model).__name__}.save({_where(path)}): parameter {name!r} is {value!r}, "
                "not a finite number, and a model file holds only finite numbers. Training "
                "probably diverged: retrain (e.g. with a smaller learning rate) before saving."
            )
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "architecture": model.architecture(),
        "parameters": state,
    }
    atomic_write(path, json.dumps(document, indent=1, allow_nan=False) + "\n")


# --------------------------------------------------------------------------------------
# Reading: check everything, then build
# --------------------------------------------------------------------------------------


def read(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON document of a model file, with its header checked.

    Raises ``ValueError`` naming the file for anything but a well-formed header (the
    architecture and the parameters are checked when they are used).
    """
    name = _where(path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # bounded, even for /dev/zero
    except ValueError as error:  # e.g. a NUL character in the path
        raise ValueError(f"cannot read a model from {name}: {error}.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(
            f"{name} is over {MAX_FILE_BYTES:,} bytes, too large for a model file "
            "(that is millions of parameters, more than a scalar engine trains)."
        )
    try:
        document = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError(f"{name} is not a micrograd model file: JSON nested too deeply.") from None
    except ValueError as error:  # not UTF-8, not JSON, or an integer of thousands of digits
        reason = str(error) if len(str(error)) < 200 else str(error)[:200] + "..."
        raise ValueError(
            f"{name} is not a micrograd model file: it is not valid JSON ({reason})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ValueError(
            f"{name} is not a micrograd model file: expected format {FORMAT!r}, "
            f"found {short(found)}."
        )
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:  # not True, not 1.0
        raise ValueError(
            f"{name} has format version {short(version)}; this micrograd reads "
            f"version {FORMAT_VERSION}."
        )
    for key in ("architecture", "parameters"):
        if not isinstance(document.get(key), dict):
            raise ValueError(
                f"{name} is damaged: {key!r} should be a JSON object, "
                f"found {type(document.get(key)).__name__}."
            )
    return document


def load(target: Any, path: str | os.PathLike[str]) -> Any:
    """Load parameters saved by :meth:`save`; returns the model.

    ``model.load(path)`` loads into ``model`` after checking that the file's architecture
    and parameter names match it. ``MLP.load(path)`` (on the class) builds a new model of
    the saved architecture. A file that is not JSON, not a model file, of another
    architecture, with other parameter names or with a value that is not a finite number
    is a ``ValueError`` naming the file and saying what is wrong (the one error type of a
    bad file). The declared architecture is checked against the stored parameters before
    anything is built, and a model is changed only if the whole file is good. A file that
    cannot be opened at all is an ``OSError`` (e.g. ``FileNotFoundError``).
    """
    document = read(path)
    saved, parameters = document["architecture"], document["parameters"]
    if isinstance(target, type):
        model = build(target, saved, len(parameters), path)
    else:
        model = target
        expected = model.architecture()
        if not _same(saved, expected):
            raise ValueError(
                f"{_where(path)} holds a model of another architecture: the file has "
                f"{_describe(saved)}, this model is {_describe(expected)}. Build a model "
                f"with the saved architecture, or use {type(model).__name__}.load(path)."
            )
    try:
        model.load_state_dict(parameters)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{_where(path)}: {error}") from None
    return model


def build(cls: type, architecture: dict[str, Any], n_parameters: int, path: object) -> Any:
    """A new ``cls`` of the file's ``architecture``, once it is known to hold ``n_parameters``.

    The one builder of ``Neuron.load``, ``Layer.load`` and ``MLP.load``. The sizes are
    checked and the parameter count they imply compared with the file's *before* building,
    so a file cannot make us build a network larger than itself.
    """
    where = _where(path)
    found = architecture.get("type")
    if cls.__name__ not in BUILDABLE:
        raise ValueError(
            f"{cls.__name__}.load(path) cannot build a {cls.__name__} from a file; "
            "make the model first, then call model.load(path)."
        )
    if found != cls.__name__:
        known = isinstance(found, str) and found in BUILDABLE
        advice = f"load it with {found}.load(path)" if known else "is it damaged?"
        raise ValueError(f"{where} holds a {short(found)}, not a {cls.__name__!r}; {advice}.")
    arguments = {}
    for field in BUILDABLE[cls.__name__]:
        if field not in architecture:
            raise ValueError(f"{where} is damaged: the architecture has no {field!r}.")
        arguments[field] = architecture[field]
    unknown = [key for key in architecture if key != "type" and key not in arguments]
    if unknown:
        raise ValueError(
            f"{where} is damaged: the architecture of a {cls.__name__} has no field "
            f"{short(unknown[0])}."
        )
    widths = _widths(arguments, where)
    if max(widths) > n_parameters:  # each size alone needs that many weights at least
        raise ValueError(
            f"{where} is damaged: its architecture ({_describe(architecture)}) declares a "
            f"size of {short(max(widths))}, but the file stores only {n_parameters} parameters."
        )
    from micrograd.nn import parameter_count  # nn imports this module: not at the top

    declared = parameter_count(widths[0], widths[1:])  # sizes bounded by the file, so is this
    if declared != n_parameters:
        raise ValueError(
            f"{where} is damaged: its architecture ({_describe(architecture)}) has "
            f"{short(declared)} parameters, but the file stores {n_parameters}."
        )
    try:
        return cls(**arguments)
    except (TypeError, ValueError) as error:  # e.g. an unknown activation
        raise ValueError(f"{where} is damaged: {error}") from None


def _widths(arguments: dict[str, Any], where: str) -> list[int]:
    """The number of inputs, then the number of neurons of each layer, checked to be sizes."""
    if "sizes" in arguments:  # an MLP
        sizes = arguments["sizes"]
        if not isinstance(sizes, list) or not sizes:
            raise ValueError(
                f"{where} is damaged: 'sizes' should be a list of layer sizes, "
                f"found {short(sizes)}."
            )
        widths = [arguments["nin"], *sizes]
    else:  # a Layer, or a Neuron (a layer of one)
        widths = [arguments["nin"], arguments.get("nout", 1)]
    for width in widths:
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(
                f"{where} is damaged: a size in the architecture is {short(width)}, "
                "not a positive whole number."
            )
    return widths


def _same(a: object, b: object) -> bool:
    """``a == b``, but also of the same types: a file's ``"nin": 2.0`` or ``true`` is no 2 or 1.

    Recursion follows ``b`` (the model's own, shallow architecture), never the file alone.
    """
    if type(a) is not type(b):
        return False
    if isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _describe(architecture: object) -> str:
    """``type='MLP', nin=2, ...``: the first fields of an architecture, each cut short."""
    if isinstance(architecture, dict):
        fields = [
            f"{short(k)[1:-1] if isinstance(k, str) else short(k)}={short(v)}"
            for k, v in list(architecture.items())[:8]
        ]
        return ", ".join(fields) + (", ..." if len(architecture) > 8 else "")
    return short(architecture)


class class_or_instance_method:  # a decorator, named like classmethod
    """A method that receives the class when called on the class, the instance otherwise.

    ``model.load(path)`` loads into an existing model; ``MLP.load(path)`` makes a new one.
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance: object, owner: type) -> Callable[..., Any]:
        return types.MethodType(self.function, owner if instance is None else instance)
