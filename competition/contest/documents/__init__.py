"""The contest's printed documents: certificates, notices, score sheets."""
