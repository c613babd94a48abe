"""The two faces of the application, shared by every feature: the JSON API (version 1, see
shared/api-v1.md) and the HTML pages. Each feature's `api` and `web` packages add their routes
to these; neither face imports the other."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")
web = Blueprint("web", __name__)
