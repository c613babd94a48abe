"""Skills contests: events, rounds, judging, results, notices, certificates."""
