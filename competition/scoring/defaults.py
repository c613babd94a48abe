"""The reference rules: what an event or a cohort gets when nobody configures otherwise.

domain.md §1: the final is theory knowledge (理论知识) 30 % and practical operation (技能操作)
70 %, each out of 100; equal totals are separated by the better practical score; a unit that
enters the final enters at least 3 people.  domain.md §2: a trial lecture is excellent (优秀)
from 85, passes (合格) from 60, and is recommended for appointment from pass.

Every number here is a default, not a constant of the software: the organiser may set other
rules for an event or a cohort.  They are written down once, here, and the API's defaults, the
console's "reference rules" button, the services and the demo all read them from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from competition.scoring.review import BAND_LABELS, DEFAULT_BANDS

__all__ = [
    "BAND_LABELS",
    "DEFAULT_BANDS",
    "MAX_TEAM_SIZE",
    "MIN_FINALISTS_PER_UNIT",
    "PRACTICAL",
    "REFERENCE_COMPONENTS",
    "REFERENCE_TIE_BREAKS",
    "REFERENCE_WEIGHTS",
    "TEAM_SIZE",
    "THEORY",
    "ComponentRule",
    "default_tie_breaks",
]

THEORY = "theory"
PRACTICAL = "practical"


@dataclass(frozen=True)
class ComponentRule:
    """One component of an event's rules as set up: key, name, weight (0.30 = 30 %; 0 only
    breaks ties), the maximum mark, and whether a higher score is better."""

    key: str
    name: str
    weight: Decimal
    max_score: Decimal
    higher_is_better: bool = True


#: The reference final: theory 30 %, practical 70 %, both out of 100.
REFERENCE_COMPONENTS: tuple[ComponentRule, ...] = (
    ComponentRule(THEORY, "理论知识", Decimal("0.30"), Decimal("100")),
    ComponentRule(PRACTICAL, "技能操作", Decimal("0.70"), Decimal("100")),
)
#: Component key → weight of the reference rules.
REFERENCE_WEIGHTS: Mapping[str, Decimal] = MappingProxyType(
    {c.key: c.weight for c in REFERENCE_COMPONENTS}
)
#: Equal totals: the better practical score ranks first.
REFERENCE_TIE_BREAKS: tuple[str, ...] = (PRACTICAL,)
#: A unit that enters the final enters at least this many people (不少于3名).
MIN_FINALISTS_PER_UNIT = 3
#: Team results (团体成绩): a unit's team total is the sum of its best this many final totals.
TEAM_SIZE = 3
#: The largest team size an event may set.
MAX_TEAM_SIZE = 20


def default_tie_breaks(component_keys: Iterable[str]) -> tuple[str, ...]:
    """The reference tie-break chain as far as the given components have its components.

    Why not refuse: an event set up with its own components, and no word about tie-breaks,
    starts with no tie-break rather than with a chain naming a component it does not have.
    """
    keys = set(component_keys)
    return tuple(key for key in REFERENCE_TIE_BREAKS if key in keys)


def describe_reference_rules() -> str:
    """The reference rules in English words, for the API's description of an event's defaults
    (`theory 0.30, practical 0.70, tie-breaks [practical]`), so the document cannot drift from
    the rules it describes."""
    weights = ", ".join(f"{c.key} {c.weight}" for c in REFERENCE_COMPONENTS)
    return f"{weights}, tie-breaks [{', '.join(REFERENCE_TIE_BREAKS)}]"


def describe_default_bands() -> str:
    """The default bands in English words (`excellent ≥ 85, pass ≥ 60, recommended for
    appointment from pass`), for the API's description of a new cohort."""
    bands = ", ".join(f"{band.key} ≥ {band.minimum}" for band in DEFAULT_BANDS.bands)
    return f"{bands}, recommended for appointment from {DEFAULT_BANDS.recommend_from}"
