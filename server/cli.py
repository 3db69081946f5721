"""adm-server: serve, prepare the database, load demo data, add staff accounts, rotate keys."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from server.settings import Settings

log = logging.getLogger("server")
# server.staff_accounts.ROLES, spelled out: importing it (SQLAlchemy) would slow every --help.
STAFF_ROLES = ("officer", "admin", "technician")


def _setup_logging(settings: Settings) -> None:
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.StreamHandler(), logging.FileHandler(log_dir / "server.log")],
    )


def _write_private(path: Path, text: str) -> None:
    """Write a secret file readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app

    app = create_app(settings)
    log.info(
        "serving on http://%s:%d (database %s)",
        args.host,
        args.port,
        settings.effective_database_url.split("://")[0],
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)
    return 0


def cmd_init_db(settings: Settings, _args: argparse.Namespace) -> int:
    from server.db import make_engine, migrate

    migrate(make_engine(settings.effective_database_url))
    log.info("schema is up to date")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from server.db import make_engine, migrate, session_factory, transaction
    from server.demo import DEMO_STAFF, load_demo, write_console_passwords, write_staff_tokens
    from server.signing import Signer

    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    with transaction(session_factory(engine)) as session:
        demo = load_demo(session, Signer(settings.keys_dir), settings)
    tokens_file = write_staff_tokens(settings, demo.staff_tokens)
    passwords_file = write_console_passwords(settings, demo.console_passwords)
    if args.credential_out:
        _write_private(Path(args.credential_out), demo.kiosk_credential + "\n")
    if args.codes_out:
        _write_private(Path(args.codes_out), json.dumps(demo.pickup_codes, indent=2) + "\n")
    # A CLI's output for the operator who asked for demo codes, not a log line.
    print(f"Demo kiosk: {demo.kiosk_id}")  # noqa: T201
    for kk_number, code in demo.pickup_codes.items():
        number, pin = demo.pins[kk_number]
        print(f"  KK {kk_number}: pickup code {code}  (or number {number}, PIN {pin})")  # noqa: T201
    if args.pins_out:
        _write_private(Path(args.pins_out), json.dumps(demo.pins, indent=2) + "\n")
    accounts = ", ".join(f"{user} ({role})" for user, (_name, role) in DEMO_STAFF.items())
    print(f"Demo staff accounts {accounts};")  # noqa: T201
    print(f"  their API tokens are in {tokens_file}")  # noqa: T201
    print(f"  their web console passwords (/console/login) in {passwords_file}")  # noqa: T201
    return 0


def cmd_staff_add(settings: Settings, args: argparse.Namespace) -> int:
    from server.db import make_engine, migrate, session_factory, transaction
    from server.staff_accounts import StaffAccountError, create_account

    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    try:
        with transaction(session_factory(engine)) as session:
            _, token = create_account(
                session, args.username, args.name, args.role, "adm-server staff-add"
            )
    except StaffAccountError as exc:
        log.error("no account created: %s", exc)
        return 1
    log.info(
        "staff account %s (%s) created; only its token's hash is kept", args.username, args.role
    )
    # The token goes to stdout alone, so `token=$(adm-server staff-add ...)` captures it.
    print(token)  # noqa: T201
    return 0


def cmd_staff_password(settings: Settings, args: argparse.Namespace) -> int:
    import getpass

    from server.console.passwords import WeakPassword, check_strength
    from server.console.staff_passwords import PasswordRefused, set_password
    from server.db import make_engine, migrate, session_factory, transaction

    if args.stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"New web console password for {args.username}: ")
        if getpass.getpass("The same again: ") != password:
            log.error("the two passwords differ; nothing changed")
            return 1
    try:
        check_strength(password)
    except WeakPassword as exc:
        log.error("%s; nothing changed", exc)
        return 1
    engine = make_engine(settings.effective_database_url)
    migrate(engine)
    try:
        with transaction(session_factory(engine)) as session:
            set_password(session, args.username, password, "adm-server staff-password")
    except PasswordRefused as exc:
        log.error("%s; nothing changed", exc)
        return 1
    log.info("web console password of %s set; its open console sessions ended", args.username)
    return 0


def cmd_rotate_key(settings: Settings, _args: argparse.Namespace) -> int:
    from server.signing import Signer

    kid = Signer(settings.keys_dir).rotate()
    log.info("new signing key %s; older keys keep verifying", kid)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adm-server",
        description="ADM central server: issues signed documents and hands out print jobs to "
        "kiosks. Settings come from ADM_* environment variables (ADM_DATA_DIR, "
        "ADM_DATABASE_URL, ADM_PUBLIC_URL, ADM_STAFF_TOKEN). ADM_STAFF_TOKEN is a bootstrap "
        "staff admin credential for creating the first staff accounts; unset it afterwards.",
    )
    parser.add_argument("--data-dir", help="folder for the SQLite database, keys and logs")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    sub.add_parser("init-db", help="create or upgrade the database schema")
    demo = sub.add_parser("demo", help="load demo families of Kabupaten Sinjai and print codes")
    demo.add_argument("--credential-out", help="write the demo kiosk's credential to this file")
    demo.add_argument("--codes-out", help="write the pickup codes as JSON to this file")
    demo.add_argument("--pins-out", help="write the registration numbers and PINs as JSON")
    staff_add = sub.add_parser(
        "staff-add", help="create a staff account and print its API token (shown only once)"
    )
    staff_add.add_argument("--username", required=True, help="3-60 of a-z, 0-9, '.', '_', '-'")
    staff_add.add_argument("--name", required=True, help="the person's name, as staff see it")
    staff_add.add_argument(
        "--role",
        required=True,
        choices=STAFF_ROLES,
        help="officer: applications; technician: kiosk health; admin: all, plus accounts",
    )
    staff_password = sub.add_parser(
        "staff-password",
        help="set a staff account's web console password (asked twice; at least 10 characters)",
    )
    staff_password.add_argument("username", help="the staff account's username")
    staff_password.add_argument(
        "--stdin", action="store_true", help="read the password from the first line of stdin"
    )
    sub.add_parser("rotate-key", help="start signing with a new key")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    if args.command == "serve":
        args.host = args.host or settings.host
        args.port = args.port or settings.port
    _setup_logging(settings)
    handlers = {
        "serve": cmd_serve,
        "init-db": cmd_init_db,
        "demo": cmd_demo,
        "staff-add": cmd_staff_add,
        "staff-password": cmd_staff_password,
        "rotate-key": cmd_rotate_key,
    }
    return handlers[args.command](settings, args)


if __name__ == "__main__":
    sys.exit(main())
