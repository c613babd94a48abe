"""How a contest names itself on its papers: its title, and the bodies that issue them.

Certificates, result notices, score sheets and the certificate verification page all head
their text this way. They share this module so they always agree. A certificate and the
verification page of its serial must name the same contest and issuers, word for word.
"""

from __future__ import annotations

from competition.models import Contest


def issuers(contest: Contest) -> tuple[str, ...]:
    """The host first, then each co-host in the order the organiser listed them (separated by
    、 or a comma, full- or half-width)."""
    names = [contest.host]
    for part in contest.co_hosts.replace("，", "、").replace(",", "、").split("、"):
        if part.strip():
            names.append(part.strip())
    return tuple(names)
