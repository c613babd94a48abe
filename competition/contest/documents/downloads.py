"""Every download of a contest, once: the result notice and the results workbook, the blank
score sheets, the certificates and their replacements.

The organisers' pages and the API both call these. Each takes the rows its face resolved from
the URL (a 404 there), the caller, and the options as plain arguments. It scopes what the caller
gets when that is the same for both faces (which sheets a unit committee's judge prints, whether
names are shown), refuses with the same error in the same words, and names the file once. The
face only finds out who the caller is, commits when a download wrote (certificates are issued on
first print), and answers with `competition.http.responses.download_response`.
"""

from __future__ import annotations

from competition.contest import policy
from competition.contest.documents import certificates as certificate_docs
from competition.contest.documents import notices, sheets
from competition.contest.documents.workbook import results_workbook
from competition.contest.services.results import round_results
from competition.core.downloads import PDF, XLSX, Download
from competition.core.errors import Forbidden, Invalid
from competition.core.roles import is_organiser, require_organiser
from competition.models import Event, Round, Unit, User
from competition.models.contests import PRELIMINARY

NOT_A_JUDGE = "您不是该赛项的裁判"
UNIT_COMMITTEE_SHEETS = "单位初赛组委会的裁判只能打印本单位的初赛评分表"
UNKNOWN_COMPONENT = "未知的评分项"


def results_pdf(
    event: Event, round_: Round, user: User | None, unit: Unit | None = None
) -> Download:
    """The result notice (成绩公示) of the round, or of `unit`'s own preliminary ranking, for a
    caller who may read the results (`policy.may_read_results`, the face's 404): with names and
    units only for those who see them (`policy.sees_identities`). Shared caches may keep it
    once the round is published, when everyone may read it."""
    results = round_results(event, round_, unit.id if unit else None)
    body = notices.results_pdf(results, policy.sees_identities(user, round_), unit)
    return Download(
        body, f"results-event-{event.id}-{round_.kind}.pdf", PDF, private=not round_.published
    )


def results_xlsx(
    event: Event, round_: Round, user: User | None, unit: Unit | None = None
) -> Download:
    """The round's results for Excel (`workbook.results_workbook`), for the same callers and
    with the same names as the notice."""
    results = round_results(event, round_, unit.id if unit else None)
    body = results_workbook(results, policy.sees_identities(user, round_), unit)
    return Download(
        body, f"event-{event.id}-{round_.kind}-results.xlsx", XLSX, private=not round_.published
    )


def score_sheets_pdf(
    event: Event, round_: Round, user: User, component_key: str | None = None
) -> Download:
    """Blank score sheets by contest number, one per component (or for `component_key` only).

    Organisers print every sheet; a judge prints the sheets of the rounds they mark, and a unit
    committee's judge only their own unit's preliminary (403 otherwise). 422 (field
    `component`) for a component the event does not have; 409 while the round has nobody."""
    unit_id = None
    if not is_organiser(user):
        assignment = policy.judge_assignment(user, event)
        if assignment is None:
            raise Forbidden(NOT_A_JUDGE)
        if assignment.unit_id is not None:
            if round_.kind != PRELIMINARY:
                raise Forbidden(UNIT_COMMITTEE_SHEETS)
            unit_id = assignment.unit_id
    components = list(event.components)
    if component_key:
        component = event.component(component_key)
        if component is None:
            keys = "、".join(c.key for c in event.components)
            raise Invalid(
                f"没有评分项“{component_key}”（本赛项的评分项：{keys}）",
                {"component": [UNKNOWN_COMPONENT]},
            )
        components = [component]
    body = sheets.score_sheets_pdf(event, round_, components, unit_id)
    suffix = f"-{component_key}" if component_key else ""
    return Download(body, f"score-sheets-event-{event.id}-{round_.kind}{suffix}.pdf", PDF)


def certificates_pdf(event: Event, user: User) -> Download:
    """Every ranked finalist's certificate in rank order, for an organiser. Issues those not
    issued yet and supersedes those the record no longer bears out: the caller commits. 409
    before the final is published."""
    require_organiser(user)
    body = certificate_docs.event_certificates_pdf(event, user)
    return Download(body, f"certificates-event-{event.id}.pdf", PDF)


def replacements_pdf(event: Event, user: User) -> Download:
    """Only the replacements of superseded certificates, under new serials, for an organiser;
    the caller commits. 409 when there is none to print, or before the final is published."""
    require_organiser(user)
    body = certificate_docs.replacements_pdf(event, user)
    return Download(body, f"certificates-event-{event.id}-replacements.pdf", PDF)
