"""The bridge between rows and rules: services load rows, call `competition.scoring`, write rows
and the audit trail. They flush and never commit; the request or CLI command commits."""
