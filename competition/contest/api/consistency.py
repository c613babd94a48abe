"""Judge consistency through the API: how each judge's marks sit against the panel's."""
