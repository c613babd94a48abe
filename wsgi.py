"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app` both load this."""

from competition.app import create_app

app = create_app()
