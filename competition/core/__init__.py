"""Infrastructure that no feature owns: errors, language, audit, locking, users, working days,
spreadsheets, the one normalisation."""
