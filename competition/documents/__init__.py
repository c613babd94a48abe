"""Printed documents: honour certificates, result notices and blank score sheets as PDFs.

Each document is a Jinja template under `templates/pdf/`, fed frozen dataclasses built here
from the services, rendered to an HTML string and then to PDF by WeasyPrint (`render`).
"""
