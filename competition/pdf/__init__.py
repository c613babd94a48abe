"""Rendering printed documents from plain data: no database, no request."""
