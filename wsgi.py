"""WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app` both load this."""

import gc

from competition.app import create_app

app = create_app()

# What start-up made (the app, SQLAlchemy's and WeasyPrint's tables, every imported module)
# lives as long as the worker. Frozen, it is left out of the cyclic collector's sweeps, which
# otherwise walk it again and again while a ranking of 10,000 people is worked out: about a
# tenth of that time (bench/rankings.py, which freezes the same way).
gc.collect()
gc.freeze()
