"""The award programmes' JSON API: each module adds its routes to `http.blueprints.api`."""

from competition.awards.api import nominations, programmes, review, selection  # noqa: F401
