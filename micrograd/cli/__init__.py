"""The ``micrograd`` command line: ``micrograd demo``, ``micrograd graph``, ...

Each subcommand lives in its own module, which provides ``HELP`` (one line),
``add_arguments(parser)`` and ``run(args) -> int``. Heavy imports (matplotlib, graphviz)
happen inside ``run`` so that ``micrograd --help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from collections.abc import Sequence

# subcommand name -> module that implements it
SUBCOMMANDS: dict[str, str] = {
    "demo": "micrograd.cli.demo",
    "exercises": "micrograd.cli.exercises",
    "graph": "micrograd.cli.graph",
}


class CLIError(Exception):
    """A user mistake: printed as one line, exit status 2, no traceback."""


def shorten(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters, so a message never echoes a whole long input."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(message: object, limit: int = 500) -> str:
    """``str(message)`` on one line (runs of white space become one space), cut to ``limit``."""
    return shorten(" ".join(str(message).split()), limit)


class EpochReport:
    """The demo's ``fit`` callback: a line for the first, the last and every tenth epoch,
    printed above the progress bar; and the epoch under way, to name it if training fails."""

    def __init__(self, epochs: int, line: str) -> None:
        self.epochs = epochs
        self.line = line  # the translated line, with {epoch}, {loss} and {accuracy}
        self.every = max(1, epochs // 10)
        self.done = 0  # epochs finished

    @property
    def under_way(self) -> int:
        """The epoch (from 1) of the step running now (the last one once all are done)."""
        return min(self.done + 1, self.epochs)

    def __call__(self, info) -> None:
        if not info.end_of_epoch:
            return
        from tqdm import tqdm  # only when training: ``micrograd --help`` stays fast

        self.done = epoch = info.epoch + 1
        if epoch % self.every == 0 or epoch in (1, self.epochs):
            loss, accuracy = info.history.epoch_loss[-1], info.history.epoch_accuracy[-1]
            tqdm.write(self.line.format(epoch=epoch, loss=loss, accuracy=accuracy))


class _Parser(argparse.ArgumentParser):
    commands: dict[str, argparse.ArgumentParser]  # the subcommands' parsers, by name

    def error(self, message: str) -> None:  # one clear line instead of usage + error
        # argparse quotes what the user typed: cut long words, and the whole line
        message = re.sub(r"\S{61,}", lambda word: shorten(word.group(), 60), message)
        message = one_line(message, 400)
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> _Parser:
    from micrograd import __version__

    parser = _Parser(
        prog="micrograd",
        description="A scalar autograd engine for learning how neural networks learn.",
        epilog=(
            "examples:\n"
            "  micrograd demo --out out                  train MLP(2,[16,16,1]) on two moons\n"
            '  micrograd graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 -o graph.svg\n'
            "  micrograd exercises build --out class/    student notebooks for a class\n"
            "Run 'micrograd COMMAND --help' for a command's options."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"micrograd {__version__}")
    parser.commands = {}
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        command = sub.add_parser(name, help=module.HELP, description=module.__doc__)
        parser.commands[name] = command
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:  # a command may fix up its arguments first
        module = importlib.import_module(SUBCOMMANDS[argv[0]])
        if hasattr(module, "prepare_argv"):
            argv = [argv[0], *module.prepare_argv(argv[1:], parser.commands[argv[0]])]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.error(f"give a command: {', '.join(SUBCOMMANDS)}")
    try:
        return int(args.run(args) or 0)
    except CLIError as error:  # always one line, and never the whole of a long input
        print(f"micrograd {args.command}: error: {one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"micrograd {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `micrograd graph ... -o - | head`: the reader left
        # Python would complain again when it flushes stdout at exit: point it elsewhere
        with contextlib.suppress(OSError, ValueError):  # stdout may have no file number
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # a bug in micrograd: one line, the traceback on request
        if os.environ.get("MICROGRAD_DEBUG"):
            raise
        print(
            f"micrograd {args.command}: internal error: {type(error).__name__}: "
            f"{one_line(error, 200)} (please report it; set "
            "MICROGRAD_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
