"""The award programmes' pages: each module adds its routes to `http.blueprints.web`."""

from competition.awards.web import nominations, programmes, review, selection  # noqa: F401
