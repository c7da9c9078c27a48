"""The `eccp-kg` console script: one sub-command per module in eccp_kg.commands.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`func` to a callable taking the parsed arguments and returning an exit code."""
from __future__ import annotations

import argparse
import importlib
import keyword
import os
import sys

COMMANDS = ("build", "validate", "query", "export", "push", "serve", "report", "import")


def command_module(name: str) -> str:
    """The module of a command: its name, with a trailing '_' when the name is a Python keyword (import)."""
    return f"eccp_kg.commands.{name}_" if keyword.iskeyword(name) else f"eccp_kg.commands.{name}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eccp-kg",
        description="Build, validate, query, export and serve the ECCP cluster-policy knowledge graph.",
    )
    from eccp_kg import __version__

    parser.add_argument("--version", action="version", version=f"eccp-kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(command_module(name)).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`eccp-kg query ... | head`): stop quietly, as cat and grep do. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (tests)
            pass
        return 141  # 128 + SIGPIPE, what a shell reports for a command a pipe stopped


if __name__ == "__main__":
    raise SystemExit(main())
