"""The `inspraak` command. User mistakes end in one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from sqlalchemy.exc import OperationalError

from participation.features import feature_modules
from participation.settings import Settings, SettingsError, markdown_table

EXIT_USAGE = 2


class CommandError(Exception):
    """A mistake the user can fix; printed without a traceback."""


def _parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The shell's commands, then each feature's, with the module that owns each of those.

    A feature's `<package>.cli` module offers `add_commands(subparsers)`, which adds its
    commands, and `run(args, settings)`, which runs one and returns the exit status.
    """
    parser = argparse.ArgumentParser(
        prog="inspraak", description="Inspraak: citizen participation for municipalities."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply every pending migration")

    commands.add_parser("demo", help="load the demo municipality (safe to repeat)")

    users = commands.add_parser("users", help="manage accounts")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    create = user_commands.add_parser("create", help="create a verified account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", action="append", default=[], dest="roles")
    create.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )

    shown = commands.add_parser("settings", help="print the settings and their values")
    shown.add_argument("--markdown", action="store_true", help="print the README table instead")

    owners: dict[str, ModuleType] = {}
    for module in feature_modules("cli"):
        before = set(commands.choices)
        module.add_commands(commands)
        owners.update(dict.fromkeys(set(commands.choices) - before, module))
    return parser, owners


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    if args.workers < 1:
        raise CommandError("--workers must be 1 or more")
    del settings  # validated; each worker reads the same environment again
    uvicorn.run(
        "participation.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level="info",
        # Live pages send the same small frames to thousands of viewers: compressing them costs
        # ~32 KiB of zlib state per connection and one compression per viewer per message.
        ws_per_message_deflate=False,
        # uvicorn's own protocol over the `websockets` library's sans-I/O core: a send writes
        # at once and awaits only when the client does not read. bench/live.py measured it
        # against the legacy "websockets" one: 2/3 of the CPU per message, 4/5 of the memory.
        ws="websockets-sansio",
    )


def _upgrade(settings: Settings) -> None:
    from participation.migrate import upgrade

    upgrade(settings.database_url)
    print("Database is up to date.")


def _demo(settings: Settings) -> None:
    from participation.database import Database
    from participation.demo import DEMO_PASSWORD, load_demo

    db = Database(settings.database_url)
    try:
        accounts = load_demo(db)
    finally:
        db.dispose()
    print(f"Demo data loaded. Every demo account has the password {DEMO_PASSWORD!r}:")
    for account in accounts:
        print(f"  {account.role.value:<15} {account.email}")


def _create_user(args: argparse.Namespace, settings: Settings) -> None:
    from participation.actions import do_create_user, user_by_email
    from participation.database import Database
    from participation.forms import Form
    from participation.models import ROLE_VALUES, Role

    password = sys.stdin.readline().rstrip("\r\n")
    form = Form({"email": args.email, "display_name": args.name, "password": password})
    email = form.email()
    name = form.text("display_name", max_length=80)
    form.new_password("password", personal=(email, name))
    for field, message in form.errors.items():
        raise CommandError(f"{ {'display_name': 'name'}.get(field, field) }: {message}")
    unknown = [role for role in args.roles if role not in ROLE_VALUES]
    if unknown:
        raise CommandError(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLE_VALUES)}")
    db = Database(settings.database_url)
    try:
        with db.write() as session:
            if user_by_email(session, email) is not None:
                raise CommandError(f"an account with the email {email} already exists")
            roles = tuple(Role(role) for role in args.roles)
            user = do_create_user(
                session,
                email=email,
                display_name=name,
                password=password,
                roles=roles,
                verified=True,
            )
            user_id = user.id
    finally:
        db.dispose()
    print(f"Created account {user_id} for {email}.")


def _settings(args: argparse.Namespace, settings: Settings) -> None:
    if args.markdown:
        print(markdown_table())
        return
    for setting, value in settings.shown():
        print(f"{setting.env}={value}")


def main(argv: Sequence[str] | None = None) -> int:
    parser, owners = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command in owners:
            status: int | None = owners[args.command].run(args, settings)
            return status or 0
        if args.command == "serve":
            _serve(args, settings)
        elif args.command == "db":
            _upgrade(settings)
        elif args.command == "demo":
            _demo(settings)
        elif args.command == "users":
            _create_user(args, settings)
        else:
            _settings(args, settings)
    except (SettingsError, CommandError) as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as error:
        print(f"inspraak: the database cannot be used: {error.orig}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
