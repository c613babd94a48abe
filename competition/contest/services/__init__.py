"""The contest's operations: each loads rows, calls `competition.scoring`, writes rows and the
audit trail, and flushes; the request commits."""
