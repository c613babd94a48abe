"""Judge consistency on the chief judge's and the organisers' pages."""
