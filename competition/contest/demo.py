"""The reference demo contest: the 5th BDA workers' skills contest, CNC milling (domain.md §1).

`flask --app wsgi demo load` calls `load_demo_contest`, which builds a whole contest through the
services, the way an organiser and the judges would through the API:

- an organiser, a final panel of 5 judges (judge1 is the chief judge) and one preliminary
  committee judge per unit, each with a documented demo password (`DemoLogin`, printed by the CLI);
- the contest, 7 fictional enterprises of the development area, the event 数控铣工 (职工组) with
  theory 30 % / practical 70 % and practical time used as a tie-break only; the contest's
  certificate colours and the event's award rules (10 / 20 / 30 %, pass line 60);
- 45 contestants with valid identity numbers and drawn contest numbers;
- each unit's preliminary, marked by its own committee judge; one unit has a tie exactly at its
  cut, settled by a recorded ruling before its finalists are recommended;
- the final, marked by the 5-judge panel (highest and lowest mark dropped), with three crafted
  ties: equal totals separated by practical, equal totals and practical separated by time used,
  and a tie on everything settled by the chief judge's recorded ruling;
- every judge's sheet signed by the chief judge (the event requires sign-off), both rounds
  published;
- a second event, 数控车工 (职工组), whose preliminary is open for marking so a newcomer can try
  the score sheet at once: two units' people registered, nothing marked, nothing locked, and
  those units' committee judges (`unit1_judge`, `unit2_judge`) assigned to mark it; its
  practical is marked item by item from a marking scheme (评分细则).

Everything is deterministic (`random.Random(SEED)`, never the global generator).  The loader
flushes but never commits: the caller decides.  It checks the ties it crafted against the real
ranking and raises `RuntimeError` when the rules no longer produce them, so a broken demo never
loads silently.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from competition import scoring
from competition.contest.services import awards as award_service
from competition.contest.services import contests as contest_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import results as result_service
from competition.contest.services import schemes as scheme_service
from competition.contest.services.certificates import set_colours
from competition.contest.services.contests import ComponentSpec
from competition.contest.services.schemes import ItemSpec
from competition.core.demo_logins import DemoLogin, DemoLogins
from competition.core.id_numbers import check_character
from competition.extensions import db
from competition.models import Contest, Contestant, Event, Role, Round, User
from competition.models.contests import FINAL, PRELIMINARY
from competition.scoring.ranking import RESOLUTION

SEED = 2026

JUDGE_PASSWORD = "demo-judge"

CONTEST_NAME = "北京经济技术开发区第五届职工职业技能竞赛"
CONTEST_EDITION = "第五届"
CONTEST_HOST = "北京经济技术开发区总工会"
CONTEST_CO_HOSTS = "北京经济技术开发区社会事业局"
CONTEST_THEME = "匠心“铣”利剑，助力高精尖"

# The certificates' colours (frame band and title, gold rules) and the award rules: first
# 10 %, second 20 %, third 30 % of the finalists, rounded half-up, nobody below 60.
CONTEST_COLOURS = ("#9e1b1e", "#c39b3a")
AWARD_RULES = {
    "mode": "proportion",
    "tiers": [
        {"name": "一等奖", "share": Decimal("0.10")},
        {"name": "二等奖", "share": Decimal("0.20")},
        {"name": "三等奖", "share": Decimal("0.30")},
    ],
    "pass_line": Decimal("60"),
    "rounding": "half_up",
    "base": "ranked",
}

EVENT_NAME = "数控铣工"
EVENT_GROUP = "职工组"
MIN_FINALISTS = scoring.defaults.MIN_FINALISTS_PER_UNIT
# The reference rules (theory 30 %, practical 70 %, ties on practical), then time used.
COMPONENTS = (
    *contest_service.REFERENCE_COMPONENTS,
    ComponentSpec("time_used", "操作用时(分钟)", Decimal("0"), Decimal("600"), False, "分钟"),
)
TIE_BREAKS = (*contest_service.REFERENCE_TIE_BREAKS, "time_used")
MARKED = ("theory", "practical", "time_used")

# The event left open for marking: 3 people of each of the first two units, marked by those
# units' committee judges (`unit1_judge`, `unit2_judge`, the same logins as in the milling).
OPEN_EVENT_NAME = "数控车工"
OPEN_EVENT_UNITS = 2
OPEN_EVENT_NAMES = (("高志远", "韩雪梅", "邓文杰"), ("沈嘉怡", "范立新", "石浩宇"))

PANEL = (
    "决赛裁判长",
    "决赛裁判员（二）",
    "决赛裁判员（三）",
    "决赛裁判员（四）",
    "决赛裁判员（五）",
)


@dataclass(frozen=True)
class _UnitSpec:
    name: str
    short: str
    contestants: int
    finalists: int


# Fictional enterprises of the area (any likeness to a real company is accidental).
UNITS = (
    _UnitSpec("北京亦庄精工数控机床有限公司", "精工数控", 7, 4),
    _UnitSpec("北京经开航宇精密制造有限公司", "航宇精密", 6, 3),
    _UnitSpec("北京博瑞通达汽车零部件有限公司", "博瑞通达", 8, 4),
    _UnitSpec("北京京南智能装备科技有限公司", "京南智能", 5, 3),
    _UnitSpec("北京恒锐精密模具有限公司", "恒锐模具", 7, 4),
    _UnitSpec("北京中科鑫泰医疗器械有限公司", "鑫泰医疗", 6, 3),
    _UnitSpec("北京凯晟光电设备有限公司", "凯晟光电", 6, 3),
)

# (name, sex); 堃, 喆, 燚 and 𠮷 (outside the Basic Multilingual Plane) are real name characters
# that fonts, databases and certificates must carry.
NAMES = (
    ("张伟东", "M"),
    ("王建军", "M"),
    ("李志强", "M"),
    ("刘晓燕", "F"),
    ("陈国栋", "M"),
    ("杨帆", "M"),
    ("赵磊", "M"),
    ("黄海涛", "M"),
    ("周鹏", "M"),
    ("吴昊", "M"),
    ("徐志刚", "M"),
    ("孙立军", "M"),
    ("马骏", "M"),
    ("王堃", "M"),
    ("胡彬", "M"),
    ("郭晓峰", "M"),
    ("陈静", "F"),
    ("何建华", "M"),
    ("高翔", "M"),
    ("林浩然", "M"),
    ("罗斌", "M"),
    ("吕𠮷祥", "M"),
    ("郑凯", "M"),
    ("梁栋", "M"),
    ("谢宏伟", "M"),
    ("宋子豪", "M"),
    ("张丽娜", "F"),
    ("唐明", "M"),
    ("许晨阳", "M"),
    ("韩冬", "M"),
    ("冯志远", "M"),
    ("赵喆", "M"),
    ("曹宇航", "M"),
    ("彭涛", "M"),
    ("孙梦瑶", "F"),
    ("曾繁星", "M"),
    ("肖健", "M"),
    ("田野", "M"),
    ("董海波", "M"),
    ("钱燚", "M"),
    ("袁明亮", "M"),
    ("潘俊杰", "M"),
    ("杨玥", "F"),
    ("蒋文博", "M"),
    ("朱永生", "M"),
)

# Districts of Beijing (resident identity number area codes).
AREA_CODES = (
    "110101",
    "110102",
    "110105",
    "110106",
    "110107",
    "110108",
    "110111",
    "110112",
    "110113",
    "110114",
    "110115",
    "110116",
    "110117",
    "110118",
    "110119",
)
BIRTH_FROM = date(1975, 1, 1)
BIRTH_TO = date(2000, 12, 31)

# The unit (index into UNITS) whose preliminary has a tie crafted exactly at its cut: the people
# at places `finalists` and `finalists + 1` get the same marks, and a ruling separates them.
CUT_TIE_UNIT = 2
PRELIMINARY_RULING = "经初赛组委会裁定，依据岗位实操考核记录评定"
FINAL_RULING = "经裁判长裁定，依据现场操作规范性评定"

# The crafted final: slot -> (unit index, preliminary rank index) and (theory, practical, time).
# Every judge gives the theory and the time as measured; the practical marks scatter around the
# score, with the highest and lowest dropped.
FINAL_SLOTS: dict[str, tuple[int, int]] = {
    "practical_high": (3, 0),  # 83.00 by 0.30 × 83 + 0.70 × 83.00
    "practical_low": (0, 1),  # 83.00 by 0.30 × 90 + 0.70 × 80.00: below on practical
    "time_fast": (1, 0),  # 86.95 by 0.30 × 88 + 0.70 × 86.50, 185 minutes
    "time_slow": (5, 2),  # the same total and practical, 198 minutes: below on time used
    "ruling_first": (2, 1),  # 80.45, 210 minutes: equal on everything with ruling_second
    "ruling_second": (6, 0),
}
FINAL_SCORES: dict[str, tuple[str, str, str]] = {
    "practical_high": ("83", "83.00", "176"),
    "practical_low": ("90", "80.00", "203"),
    "time_fast": ("88", "86.50", "185"),
    "time_slow": ("88", "86.50", "198"),
    "ruling_first": ("85", "78.50", "210"),
    "ruling_second": ("85", "78.50", "210"),
}
EXPECTED_DECIDED_BY = {
    "practical_low": ("practical_high", "practical"),
    "time_slow": ("time_fast", "time_used"),
    "ruling_second": ("ruling_first", RESOLUTION),
}

HALF = Decimal("0.5")


@dataclass
class _Person:
    contestant: Contestant
    unit_index: int
    skill: float


def database_is_empty() -> bool:
    """True when there is no user and no contest: the only state the demo may be loaded into."""
    no_user = db.session.scalar(select(User.id).limit(1)) is None
    return no_user and db.session.scalar(select(Contest.id).limit(1)) is None


def load_demo_contest() -> list[DemoLogin]:
    """Build the demo contest (flushed, not committed) and return the logins it created."""
    rng = random.Random(SEED)
    logins = DemoLogins()
    user = logins.user
    organiser = logins.organiser()
    panel = [user(f"judge{n}", JUDGE_PASSWORD, Role.JUDGE, name) for n, name in enumerate(PANEL, 1)]

    contest = contest_service.create_contest(
        CONTEST_NAME, CONTEST_HOST, CONTEST_EDITION, co_hosts=CONTEST_CO_HOSTS, theme=CONTEST_THEME
    )
    event = contest_service.create_event(
        contest, EVENT_NAME, EVENT_GROUP, MIN_FINALISTS, COMPONENTS, TIE_BREAKS
    )
    set_colours(contest, *CONTEST_COLOURS, organiser)
    award_service.set_rules(event, actor=organiser, **AWARD_RULES)
    for n, judge in enumerate(panel):
        contest_service.assign_judge(event, judge.id, organiser, chief=n == 0)

    unit_ids: list[int] = []
    committee: list[User] = []
    for n, spec in enumerate(UNITS, 1):
        unit = contest_service.create_unit(contest, spec.name)
        judge = user(f"unit{n}_judge", JUDGE_PASSWORD, Role.JUDGE, f"{spec.short}初赛组委会")
        contest_service.assign_judge(event, judge.id, organiser, unit_id=unit.id)
        unit_ids.append(unit.id)
        committee.append(judge)

    people = _register_contestants(event, unit_ids, rng)
    skill = {p.contestant.id: p.skill for p in people}

    preliminary = event.round(PRELIMINARY)
    _mark_preliminary(event, preliminary, people, committee, rng)
    _resolve_ties(event, preliminary, organiser, PRELIMINARY_RULING, skill)
    _check_cut_tie(event, preliminary, unit_ids[CUT_TIE_UNIT], UNITS[CUT_TIE_UNIT].finalists)

    chosen = [
        result_service.set_finalists(event, unit_id, spec.finalists, organiser)
        for unit_id, spec in zip(unit_ids, UNITS, strict=True)
    ]
    judging_service.set_require_sign_off(event, True, organiser)
    _sign_every_sheet(event, preliminary, panel[0])
    result_service.publish_round(event, preliminary, organiser)

    final = event.round(FINAL)
    slots = {slot: chosen[u][r] for slot, (u, r) in FINAL_SLOTS.items()}
    finalists = [cid for unit in chosen for cid in unit]
    by_id = {p.contestant.id: p for p in people}
    _mark_final(event, final, [by_id[cid] for cid in finalists], slots, panel, rng)
    _settle_final(event, final, slots, organiser)
    _sign_every_sheet(event, final, panel[0])
    result_service.publish_round(event, final, organiser)

    _open_event(contest, unit_ids[:OPEN_EVENT_UNITS], committee[:OPEN_EVENT_UNITS], organiser)
    return logins.made


def _item(code: str, kind: str, name: str, points: int, *sizes: str) -> ItemSpec:
    nominal, lower, upper = (Decimal(size) for size in sizes) if sizes else (None, None, None)
    return ItemSpec(code, kind, name, Decimal(points), nominal, lower, upper)


#: The open event's practical is marked from a marking scheme (评分细则) like a real turning
#: job: measured sizes against their tolerances, judged aspects 0-3, a safety deduction.
OPEN_EVENT_SCHEME = (
    _item("M1", "measurement", "外圆 Φ40", 15, "40", "-0.025", "0"),
    _item("M2", "measurement", "外圆 Φ32", 15, "32", "-0.02", "0.02"),
    _item("M3", "measurement", "总长 60", 10, "60", "-0.05", "0.05"),
    _item("M4", "measurement", "内孔 Φ20", 10, "20", "0", "0.021"),
    _item("J1", "judgement", "表面质量", 15),
    _item("J2", "judgement", "倒角与去毛刺", 10),
    _item("J3", "judgement", "工艺合理性", 15),
    _item("J4", "judgement", "工件完整、无损伤", 10),
    _item("D1", "deduction", "安全文明生产", 10),
)


def _open_event(
    contest: Contest, unit_ids: Sequence[int], committee: Sequence[User], organiser: User
) -> Event:
    """The event left open: registered and judged, its preliminary not marked, signed or
    published, so `unit1_judge` can enter a mark in the first minute."""
    event = contest_service.create_event(
        contest,
        OPEN_EVENT_NAME,
        EVENT_GROUP,
        MIN_FINALISTS,
        contest_service.REFERENCE_COMPONENTS,
        contest_service.REFERENCE_TIE_BREAKS,
    )
    for unit_id, judge, names in zip(unit_ids, committee, OPEN_EVENT_NAMES, strict=True):
        contest_service.assign_judge(event, judge.id, organiser, unit_id=unit_id)
        for name in names:
            contest_service.register_contestant(event, name, unit_id)
    scheme_service.set_scheme(
        event, "practical", OPEN_EVENT_SCHEME, max_judgement_spread=1, actor=organiser
    )
    return event


# ---------------------------------------------------------------- contestants
def _id_number(area: str, born: date, sequence: int) -> str:
    """A resident identity number with its GB 11643 check character."""
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


def _register_contestants(
    event: Event, unit_ids: Sequence[int], rng: random.Random
) -> list[_Person]:
    """Everyone in NAMES, unit by unit; contest numbers as drawn by lot (抽签), so they reveal
    neither unit nor registration order."""
    total = sum(spec.contestants for spec in UNITS)
    if total != len(NAMES):
        raise RuntimeError(f"demo: {total} places for {len(NAMES)} names")
    numbers = [f"{n:03d}" for n in range(1, total + 1)]
    rng.shuffle(numbers)
    span = (BIRTH_TO - BIRTH_FROM).days
    people: list[_Person] = []
    names = iter(NAMES)
    seen: set[str] = set()
    for unit_index, (unit_id, spec) in enumerate(zip(unit_ids, UNITS, strict=True)):
        for _ in range(spec.contestants):
            name, sex = next(names)
            while True:
                born = BIRTH_FROM + timedelta(days=rng.randrange(span + 1))
                sequence = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
                id_number = _id_number(rng.choice(AREA_CODES), born, sequence)
                if id_number not in seen:
                    seen.add(id_number)
                    break
            contestant = contest_service.register_contestant(
                event, name, unit_id, id_number=id_number, number=numbers[len(people)]
            )
            people.append(_Person(contestant, unit_index, rng.gauss(0, 1)))
    return people


# ---------------------------------------------------------------- marks
def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _whole(value: float) -> Decimal:
    return Decimal(round(value))


def _to_half(value: float) -> Decimal:
    return scoring.round_half_up(Decimal(repr(value)) / HALF, 0) * HALF


def _to_cent(value: float) -> Decimal:
    return scoring.round_half_up(Decimal(repr(value)), 2)


def _scores(event: Event, values: dict[str, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(total, practical, time) as the ranking compares them."""
    total = scoring.weighted_total(values, result_service.scoring_components(event))
    return total, values["practical"], values["time_used"]


def _preliminary_values(person: _Person, rng: random.Random) -> dict[str, Decimal]:
    """One committee judge's marks: a computer-marked theory exam, practical marked in half
    points or, for some workpieces, to the hundredth, and the minutes the workpiece took."""
    s = person.skill
    practical = _clamp(76 + 8 * s + rng.gauss(0, 5), 55, 97)
    return {
        "theory": _whole(_clamp(80 + 7 * s + rng.gauss(0, 4), 60, 98)),
        "practical": _to_cent(practical) if rng.random() < 0.4 else _to_half(practical),
        "time_used": _whole(_clamp(195 - 18 * s + rng.gauss(0, 12), 150, 240)),
    }


def _mark_preliminary(
    event: Event,
    round_: Round,
    people: Sequence[_Person],
    committee: Sequence[User],
    rng: random.Random,
) -> None:
    for unit_index, spec in enumerate(UNITS):
        members = [p for p in people if p.unit_index == unit_index]
        values = {p.contestant.id: _preliminary_values(p, rng) for p in members}
        if unit_index == CUT_TIE_UNIT:
            # The pair at places `finalists` and `finalists + 1` score the same on everything.
            order = sorted(
                members,
                key=lambda p: _sort_key(_scores(event, values[p.contestant.id]), p.contestant),
            )
            last_in, first_out = order[spec.finalists - 1], order[spec.finalists]
            values[first_out.contestant.id] = dict(values[last_in.contestant.id])
        for person in members:
            for key in MARKED:
                mark_service.set_mark(
                    event,
                    round_,
                    person.contestant,
                    key,
                    values[person.contestant.id][key],
                    committee[unit_index],
                )


def _sort_key(
    scores: tuple[Decimal, Decimal, Decimal], contestant: Contestant
) -> tuple[Decimal, Decimal, Decimal, str]:
    total, practical, time_used = scores
    return -total, -practical, time_used, contestant.number


def _panel_marks(score: Decimal, rng: random.Random, high: Decimal) -> list[Decimal]:
    """Five judges' marks whose trimmed mean (highest and lowest dropped) is exactly `score`:
    three middle marks summing to 3 × score and one outlier on either side."""
    a = HALF * rng.randint(0, 3)
    b = HALF * rng.randint(0, 2)
    middle = [score - a, score + b, score + a - b]
    low = min(middle) - HALF * rng.randint(0, 4)
    top = min(max(middle) + HALF * rng.randint(0, 4), high)
    marks = [*middle, low, top]
    rng.shuffle(marks)
    return marks


def _final_marks(
    event: Event, person: _Person, rng: random.Random, taken: set[Decimal]
) -> tuple[Decimal, list[Decimal], Decimal]:
    """(theory, the five practical marks, time) for a finalist not in a crafted tie, redrawn
    until the total is one no other finalist has, so the only ties are the crafted ones."""
    s = person.skill
    for _ in range(200):
        theory = _whole(_clamp(82 + 6 * s + rng.gauss(0, 4), 60, 99))
        base = _clamp(78 + 8 * s + rng.gauss(0, 4), 58, 95)
        practical = [_to_half(_clamp(base + rng.gauss(0, 1.5), 0, 100)) for _ in PANEL]
        time_used = _whole(_clamp(190 - 15 * s + rng.gauss(0, 10), 150, 240))
        values = {
            "theory": theory,
            "practical": scoring.aggregate_marks(practical),
            "time_used": time_used,
        }
        total = _scores(event, values)[0]
        if total not in taken:
            taken.add(total)
            return theory, practical, time_used
    raise RuntimeError("demo: could not draw a final total distinct from the others")


def _mark_final(
    event: Event,
    round_: Round,
    finalists: Sequence[_Person],
    slots: dict[str, int],
    panel: Sequence[User],
    rng: random.Random,
) -> None:
    crafted = {cid: slot for slot, cid in slots.items()}
    taken = {
        _scores(event, {k: Decimal(v) for k, v in zip(MARKED, FINAL_SCORES[slot], strict=True)})[0]
        for slot in FINAL_SCORES
    }
    practical_max = next(c.max_score for c in event.components if c.key == "practical")
    for person in finalists:
        slot = crafted.get(person.contestant.id)
        if slot is None:
            theory, practical, time_used = _final_marks(event, person, rng, taken)
        else:
            theory_text, practical_text, time_text = FINAL_SCORES[slot]
            theory, time_used = Decimal(theory_text), Decimal(time_text)
            practical = _panel_marks(Decimal(practical_text), rng, practical_max)
        for judge, practical_mark in zip(panel, practical, strict=True):
            for key, value in (
                ("theory", theory),
                ("practical", practical_mark),
                ("time_used", time_used),
            ):
                mark_service.set_mark(event, round_, person.contestant, key, value, judge)


def _sign_every_sheet(event: Event, round_: Round, chief: User) -> None:
    """The chief judge confirms every judge's sheet of the round, as publication requires."""
    for line in judging_service.progress(event, [round_]):
        if line.counts.started:
            ref = judging_service.sheet_ref(event, round_, line.component.key, line.judge.id)
            judging_service.sign_sheet(ref, chief)


# ---------------------------------------------------------------- ties and checks
def _resolve_ties(
    event: Event, round_: Round, actor: User, reason: str, skill: dict[int, float]
) -> None:
    """Rule on every unresolved tie of the round (and, in the preliminary, of each unit),
    the better-rated worker first, until none is left."""
    for _ in range(100):
        groups = list(result_service.round_results(event, round_).ranking.unresolved_ties)
        if round_.kind == PRELIMINARY:
            for ranking in result_service.unit_rankings(event, round_).values():
                groups.extend(ranking.unresolved_ties)
        if not groups:
            return
        order = sorted(groups[0], key=lambda cid: (-skill[cid], cid))
        result_service.resolve_tie(event, round_, order, reason, actor)
    raise RuntimeError("demo: tie rulings do not settle the ranking")


def _check_cut_tie(event: Event, round_: Round, unit_id: int, count: int) -> None:
    ranked = result_service.round_results(event, round_, unit_id).ranking.ranked
    if ranked[count].decided_by != RESOLUTION:
        raise RuntimeError(
            f"demo: the preliminary tie at the cut of unit {unit_id} was not settled by a ruling"
        )


def _check(condition: bool, message: Callable[[], str]) -> None:
    if not condition:
        raise RuntimeError("demo: " + message())


def _settle_final(event: Event, round_: Round, slots: dict[str, int], organiser: User) -> None:
    """Rule on the crafted tie on everything, then check that the ranking shows exactly the
    crafted separations and nothing else."""
    ranking = result_service.round_results(event, round_).ranking
    _check(not ranking.incomplete, lambda: f"final marks incomplete: {ranking.incomplete}")
    tied = tuple(sorted((slots["ruling_first"], slots["ruling_second"])))
    _check(
        ranking.unresolved_ties == (tied,),
        lambda: f"final ties {ranking.unresolved_ties}, expected only {tied}",
    )
    result_service.resolve_tie(
        event, round_, [slots["ruling_first"], slots["ruling_second"]], FINAL_RULING, organiser
    )
    ranking = result_service.round_results(event, round_).ranking
    _check(not ranking.unresolved_ties, lambda: f"final ties left: {ranking.unresolved_ties}")
    place = {entry.contestant_id: entry.rank for entry in ranking.ranked}
    decided = {e.contestant_id: e.decided_by for e in ranking.ranked if e.decided_by}
    expected = {slots[lower]: by for lower, (_, by) in EXPECTED_DECIDED_BY.items()}
    _check(decided == expected, lambda: f"final decided_by {decided}, expected {expected}")
    for lower, (upper, _) in EXPECTED_DECIDED_BY.items():
        _check(
            place[slots[lower]] == place[slots[upper]] + 1,
            lambda lower=lower, upper=upper: f"{lower} is not ranked right below {upper}",
        )
