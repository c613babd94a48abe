"""The final's result notice (results.pdf) with its team results (团体成绩) and 优秀组织奖,
read back with pdftotext."""

from __future__ import annotations

import re

from tests.support.factories import Api
from tests.support.pdf import pdf_text
from tests.support.teams import team_final

REASON = "决赛排名的选手2名，少于团体成绩计入的3名"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_published_finals_notice_has_the_team_results_after_the_ranking(app, client):
    final = team_final(app, client)
    final.org.put(f"/events/{final.event_id}/organisation-awards/{final.units[2]}")
    final.org.put(f"/events/{final.event_id}/organisation-awards/{final.units[0]}")
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    path = f"/events/{final.event_id}/rounds/final/results.pdf"
    text = pdf_text(Api(client).call("GET", path, status=200).data)
    whole = flat(text)
    # After the individual ranking (whose last place is 11) and before the closing notes.
    assert whole.index("团体成绩") > whole.index("缺考")
    teams = whole[whole.index("团体成绩") :]
    assert teams.index("团体成绩") < teams.index("决定因素：")
    assert "名次单位团体总成绩计入团体成绩的选手（个人名次）" in teams
    assert re.search(
        r"1单位2243\.32\d+选手2-1（第1名）、\d+选手2-2（第7名）、\d+选手2-3（第8名）", teams
    ), teams[:400]
    assert re.search(r"2单位1243\.32\d+选手1-1（第4名）、\d+选手1-2（第5名）", teams)
    assert "选手1-4" not in teams
    assert "不计团体名次的单位" in teams
    assert f"单位3：{REASON}" in teams and f"单位4：{REASON}" in teams
    assert "优秀组织奖单位1、单位3" in teams
    assert "最好的3名选手总成绩之和" in teams


def test_no_award_line_without_awards_and_no_teams_where_units_are_hidden(app, client):
    final = team_final(app, client)
    path = f"/events/{final.event_id}/rounds/final/results.pdf"
    organised = flat(pdf_text(final.org.call("GET", path, status=200).data))
    assert "团体成绩" in organised and "优秀组织奖" not in organised
    # A judge before publication sees numbers only: no units, so no team results either.
    judged = flat(pdf_text(final.judge.call("GET", path, status=200).data))
    assert "未发布" in judged and "团体成绩" not in judged and "单位2" not in judged
    # The preliminary's notice ranks people within units; it has no team results.
    prelim = f"/events/{final.event_id}/rounds/preliminary/results.pdf"
    assert "团体成绩" not in flat(pdf_text(final.org.call("GET", prelim, status=200).data))
