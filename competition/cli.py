"""Command-line commands: `flask --app wsgi users create …`, `flask --app wsgi demo load`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from competition.core import users as user_service
from competition.core.errors import AppError
from competition.extensions import db
from competition.models.users import ROLE_VALUES

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="The reference CNC-milling demo contest.")


def _read_password() -> str:
    """At a terminal, ask twice; from a pipe, line 1 is the password and line 2, if any,
    repeats it."""
    stdin = sys.stdin
    if stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    lines = stdin.read().splitlines()
    if not lines:
        raise click.ClickException("No password on standard input.")
    password = lines[0]
    if len(lines) > 1 and lines[1] != password:
        raise click.ClickException("The two passwords on standard input differ.")
    return password


@users_cli.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLE_VALUES), help="The user's role.")
@click.option("--display-name", default="", help="The name shown to people.")
def create_user(name: str, role: str, display_name: str) -> None:
    """Create user NAME; the password is read from standard input."""
    password = _read_password()
    try:
        user = user_service.create_user(name, password, role, display_name)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in error.fields.items())
        raise click.ClickException(error.message + (f" ({details})" if details else "")) from error
    click.echo(f"Created {user.role} {user.username} (id {user.id}).")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has any contest.")
def load_demo(if_empty: bool) -> None:
    """Load the reference CNC-milling contest with contestants, judges and marks."""
    from competition.awards.demo import load_demo_programme
    from competition.awards.review_demo import add_demo_review
    from competition.contest.demo import database_is_empty, load_demo_contest
    from competition.reviews.demo import load_demo_cohort

    if if_empty and not database_is_empty():
        click.echo("The database already holds data; demo not loaded.")
        return
    try:
        logins = load_demo_contest()
        logins += load_demo_cohort()
        logins += load_demo_programme(then=add_demo_review)
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        raise click.ClickException(f"Demo not loaded: {error.message}") from error
    click.echo("Demo contest loaded. Logins (username / password / role):")
    for login in logins:
        click.echo(f"  {login.username:<16} {login.password:<16} {login.role}")


@click.command("backup")
@with_appcontext
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(out: Path) -> None:
    """Write a consistent copy of the live SQLite database to OUT."""
    from competition.core.backup import BackupError, backup_sqlite

    try:
        pages = backup_sqlite(db.engine, out)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {pages} pages to {out}.")


def register_cli(app: Flask) -> None:
    from competition.contest.cli import certificates_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(certificates_cli)
    from competition.jobs_cli import jobs_cli

    app.cli.add_command(jobs_cli)
