"""The voting package's `inspraak` commands, mounted by `participation.cli`:
`inspraak audit verify` recomputes every ballot's hash chain."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from participation.database import Database
from participation.settings import Settings
from voting import audit


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    group = commands.add_parser("audit", help="check the votes' audit chains")
    actions = group.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    actions.add_parser(
        "verify", help="recompute every ballot's hash chain and name the first broken link"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def run(args: argparse.Namespace, settings: Settings) -> int:
    del args  # `audit verify` is the only command
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            found = audit.verify(session)
    finally:
        db.dispose()
    if found.breaks:
        for broken in found.breaks:
            print(f"Broken: {broken}", file=sys.stderr)
        return 1
    print(f"Audit chains intact: {_count(found.chains, 'ballot')}, {_count(found.links, 'link')}.")
    return 0
