"""The organiser's cohort pages: creating a cohort, its rubric and bands, trainees (by form and
from Excel), the panel, the cohort table, a trainee's full file and the results workbook.

Every refusal is checked twice: the page says why, and the API shows that nothing changed.
"""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from competition.extensions import db
from competition.models import Role, User
from tests.reviews.helpers import LECTURE_RUBRIC, SHORTCOMINGS, SUGGESTIONS, build_cohort
from tests.reviews.test_excel import xlsx
from tests.reviews.web.conftest import person
from tests.support.factories import PASSWORD, make_user
from tests.support.pages import sign_in, text_of

ITEMS = {"objectives": 90, "content": 80, "organisation": 85, "delivery": 75, "aids": 70}


_ERROR_AFTER = re.compile(
    r"(?:\s*</select>)?\s*(?:<div class=\"hint\">[^<]*</div>\s*)?"
    r"<div class=\"field-error\">([^<]*)</div>"
)


def _input(html: str, name: str) -> str:
    """The <input> (or <select>) tag of the field called `name`."""
    found = re.search(rf'<(?:input|select)[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert found, f"no field {name}"
    return found.group(0)


def _field_error(html: str, name: str) -> str:
    """The first message shown under the field called `name` ("" when there is none)."""
    tag = _input(html, name)
    after = html[html.index(tag) + len(tag) :]
    found = re.match(_ERROR_AFTER, after)
    return found.group(1) if found else ""


def _org(app, cohort):
    return sign_in(app.test_client(), "org")


def _rules(cohort) -> str:
    return f"/console/cohorts/{cohort.id}/rules"


def _rubric_rows(rows: list[tuple[str, str, str]], total: int = 6) -> dict[str, str]:
    """The rubric form's fields: (name, weight, key) per row, blank rows after."""
    data: dict[str, str] = {}
    for n in range(total):
        name, weight, key = rows[n] if n < len(rows) else ("", "", "")
        data |= {
            f"rubric-items-{n}-name": name,
            f"rubric-items-{n}-weight": weight,
            f"rubric-items-{n}-key": key,
        }
    return data


def _band_rows(rows: list[tuple[str, str, str]], appointment: str) -> dict[str, str]:
    data = {"bands-appointment_band": appointment}
    for n in range(4):
        label, minimum, key = rows[n] if n < len(rows) else ("", "", "")
        data |= {
            f"bands-bands-{n}-label": label,
            f"bands-bands-{n}-minimum": minimum,
            f"bands-bands-{n}-key": key,
        }
    return data


# ---------------------------------------------------------------- cohorts
def test_an_organiser_creates_a_cohort_from_the_console(app, client):
    make_user(app, "org", "organiser")
    org = sign_in(client, "org")
    assert 'href="/console/cohorts"' in org.get("/console")
    response = org.post(
        "/console/cohorts",
        {"name": "2021年度职工工匠研修班", "year": "2021", "host": "市总工会职工大学"},
    )
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 200 and "研修班已创建" in page
    assert "尚未签署：结果为暂定" in page and "专家直接给出总分（未设评分细则）" in page
    assert "优秀 ≥ 85 · 合格 ≥ 60 · 合格及以上推荐聘任" in page
    listing = text_of(org.get("/console/cohorts"))
    assert "2021年度职工工匠研修班" in listing and "学员 0 名 · 评审专家 0 名" in listing


def test_a_bad_or_repeated_cohort_is_refused_on_the_page(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    org = sign_in(client, "org")
    repeated = org.post("/console/cohorts", {"name": "2021年职工工匠研修班"}, status=409)
    assert "研修班“2021年职工工匠研修班”已存在" in text_of(repeated.get_data(as_text=True))
    assert "名称已被使用" in repeated.get_data(as_text=True)
    for year, message in (("abc", "应为整数"), ("1800", "年份应在 1949 到 2100 之间")):
        refused = org.post("/console/cohorts", {"name": "另一个班", "year": year}, status=422)
        page = refused.get_data(as_text=True)
        assert re.search(
            rf'field has-error">\s*<label for="year">[^<]*</label>.*?{message}', page, re.S
        )
    assert [c["name"] for c in cohort.org.get("/cohorts")["cohorts"]] == ["2021年职工工匠研修班"]


# ---------------------------------------------------------------- rubric and bands
def test_the_rubric_page_applies_the_apis_rules(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    org = _org(app, cohort)
    url = f"/console/cohorts/{cohort.id}/rules/rubric"

    short = _rubric_rows([("教学目标", "20", ""), ("教学内容", "30", ""), ("语言表达", "40", "")])
    page = text_of(org.post(url, short, status=422).get_data(as_text=True))
    assert "评分细则未保存，请改正标出的问题。" in page
    assert "各项权重之和应为 100，现为 90.00" in page
    assert cohort.org.get(cohort.path())["rubric"] == []

    # What the API's schema refuses first (every field at once) ...
    bad = _rubric_rows([("教学目标", "abc", ""), ("教学内容", "50", ""), ("", "50", "")])
    html = org.post(url, bad, status=422).get_data(as_text=True)
    assert _field_error(html, "rubric-items-0-weight") == "应为数字"
    assert _field_error(html, "rubric-items-2-name") == "长度应为 1-100 个字符"
    # ... then the rubric's own rules, from the scoring layer.
    bad = _rubric_rows([("教学目标", "50", "Objectives"), ("教学内容", "50", "content"),
                        ("教学组织", "0", "content")])  # fmt: skip
    html = org.post(url, bad, status=422).get_data(as_text=True)
    assert _field_error(html, "rubric-items-0-key").startswith("代码应为小写字母开头")
    assert _field_error(html, "rubric-items-2-key") == "代码重复"
    assert _field_error(html, "rubric-items-2-weight") == "权重应大于 0 且不超过 100，最多两位小数"
    assert cohort.org.get(cohort.path())["rubric"] == []

    good = _rubric_rows([(i["name"], i["weight"], "") for i in LECTURE_RUBRIC])
    saved = org.post(url, good, status=200)
    assert "评分细则已保存：专家按 5 项逐项评分。" in text_of(saved.get_data(as_text=True))
    rubric = cohort.org.get(cohort.path())["rubric"]
    assert [(i["key"], i["name"], i["weight"]) for i in rubric] == [
        (f"item{n}", i["name"], f"{i['weight']}.00") for n, i in enumerate(LECTURE_RUBRIC, 1)
    ]
    # Every row blank: the rubric goes, experts score directly again.
    removed = org.post(url, _rubric_rows([]), status=200)
    assert "已取消评分细则" in text_of(removed.get_data(as_text=True))
    assert cohort.org.get(cohort.path())["rubric"] == []


def test_rules_are_fixed_once_a_review_exists(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1, rubric=LECTURE_RUBRIC)
    cohort.review(0, cohort.trainees[0], items=ITEMS)
    org = _org(app, cohort)
    page = org.get(_rules(cohort))
    assert "已有专家提交评审，评分细则和等次不能再修改" in text_of(page)
    assert "disabled" in _input(page, "rubric-items-0-name")
    assert "保存评分细则" not in page
    before = cohort.org.get(cohort.path())
    good = _rubric_rows([("教学内容", "100", "content")])
    refused = org.post(f"/console/cohorts/{cohort.id}/rules/rubric", good, status=409)
    assert "已有专家提交评审，不能再修改评分细则" in text_of(refused.get_data(as_text=True))
    bands = _band_rows([("优秀", "90", "excellent")], "excellent")
    refused = org.post(f"/console/cohorts/{cohort.id}/rules/bands", bands, status=409)
    assert "已有专家提交评审，不能再修改等次设置" in text_of(refused.get_data(as_text=True))
    assert cohort.org.get(cohort.path()) == before


def test_bands_and_the_appointment_threshold_from_the_page(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    org = _org(app, cohort)
    url = f"/console/cohorts/{cohort.id}/rules/bands"
    bad = _band_rows(
        [("优秀", "90", "excellent"), ("不及格", "80", "fail"), ("良", "90", "good")], "pass"
    )
    html = org.post(url, bad, status=422).get_data(as_text=True)
    assert "等次设置未保存" in text_of(html)
    assert re.search(
        r'name="bands-bands-1-key"[^>]*>\s*<div class="field-error">等次代码应为', html
    )
    assert re.search(
        r'name="bands-bands-2-minimum"[^>]*>\s*<div class="field-error">与另一等次', html
    )
    assert cohort.org.get(cohort.path())["appointment_band"] == "pass"

    unknown = _band_rows([("优秀", "90", "excellent"), ("良好", "75", "good")], "pass")
    html = org.post(url, unknown, status=422).get_data(as_text=True)
    assert "应为所设等次之一（不能是不合格）" in html

    good = _band_rows(
        [("优秀", "90", "excellent"), ("良好", "75", "good"), ("合格", "60", "pass")], "good"
    )
    org.post(url, good, status=200)
    saved = cohort.org.get(cohort.path())
    assert [(b["key"], b["label"], b["minimum"]) for b in saved["bands"]] == [
        ("excellent", "优秀", "90.00"),
        ("good", "良好", "75.00"),
        ("pass", "合格", "60.00"),
    ]
    assert saved["appointment_band"] == "good"
    # The cohort table reads them: 80 is good (recommended), 70 is pass (not recommended).
    cohort.review(0, cohort.trainees[0], score=70)
    page = text_of(org.get(f"/console/cohorts/{cohort.id}"))
    assert "良好及以上推荐聘任" in page
    assert "1 学员1 单位1 市劳动模范 1 / 1 70.00 合格 暂不推荐" in page


# ---------------------------------------------------------------- trainees
def _trainee_form(**values: str) -> dict[str, str]:
    return {"name": "", "unit": "", "title": "", "user_id": "0", "new_username": "",
            "new_password": "", **values}  # fmt: skip


def test_trainees_are_added_with_or_without_their_own_login(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    org = _org(app, cohort)
    url = f"/console/cohorts/{cohort.id}/trainees"
    org.post(url, _trainee_form(name="李秀梅", unit="市第一纺织有限公司"), status=200)
    done = org.post(
        url,
        _trainee_form(
            name="张海峰",
            unit="市地铁运营有限公司",
            title="全国劳动模范",
            new_username="zhanghf",
            new_password="long-enough-1",
        ),
        status=200,
    )
    assert "已登记学员 张海峰。" in text_of(done.get_data(as_text=True))
    existing = make_user(app, "wangzg", "trainee")
    assert f'<option value="{existing}">wangzg' in org.get(url)
    org.post(url, _trainee_form(name="王志刚", unit="市供电公司", user_id=str(existing)), 200)
    people = cohort.org.get(cohort.path("/trainees"))["trainees"]
    assert [(t["name"], t["title"], t["user_id"] is not None) for t in people] == [
        ("李秀梅", "", False),
        ("张海峰", "全国劳动模范", True),
        ("王志刚", "", True),
    ]
    with app.app_context():
        login = db.session.get(User, people[1]["user_id"])
        assert (login.username, login.role, login.display_name) == (
            "zhanghf",
            Role.TRAINEE,
            "张海峰",
        )
    assert "张海峰" in text_of(person(app, "zhanghf", "long-enough-1").get("/my/review"))
    listing = text_of(org.get(url))
    assert "张海峰 市地铁运营有限公司 全国劳动模范 zhanghf" in listing


def test_a_refused_trainee_leaves_no_login_behind(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=0)  # 学员1 of 单位1
    org = _org(app, cohort)
    url = f"/console/cohorts/{cohort.id}/trainees"
    before = cohort.snapshot()
    repeated = org.post(
        url,
        _trainee_form(name="学员1", unit="单位1", new_username="dup", new_password="long-enough-1"),
        status=409,
    )
    assert "本班已有单位1的学员学员1" in text_of(repeated.get_data(as_text=True))
    short = org.post(
        url, _trainee_form(name="新学员", unit="单位9", new_username="x1", new_password="short")
    )
    assert short.status_code == 422 and "密码至少 8 位" in short.get_data(as_text=True)
    other = make_user(app, "other", "trainee")
    both = org.post(
        url,
        _trainee_form(
            name="新学员",
            unit="单位9",
            user_id=str(other),
            new_username="x2",
            new_password="long-enough-1",
        ),
        status=422,
    )
    assert _field_error(both.get_data(as_text=True), "new_username") == (
        "请在“关联已有的学员登录”和“新建登录”中选择一项"
    )
    expert = make_user(app, "an_expert", "expert")
    not_trainee = org.post(
        url, _trainee_form(name="新学员", unit="单位9", user_id=str(expert)), status=422
    )
    assert "该用户不是学员角色" in not_trainee.get_data(as_text=True)
    assert cohort.snapshot() == before
    with app.app_context():
        assert {u.username for u in db.session.scalars(db.select(User))} == {
            "org", "trainee1", "other", "an_expert",
        }  # fmt: skip


# ---------------------------------------------------------------- import
def _upload(org, cohort, data: bytes, name: str = "学员名单.xlsx"):
    return org.post(
        f"/console/cohorts/{cohort.id}/import",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_import_shows_every_bad_row_and_stores_nothing(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=0)
    org = _org(app, cohort)
    before = cohort.snapshot()
    rows = [
        ("张海峰", "市地铁运营有限公司", "全国劳动模范", ""),
        (None, "市第一纺织有限公司", "", ""),
        ("张海峰", "市地铁运营有限公司", "", ""),
        ("刘春燕", "市人民医院", "", "nobody"),
        ("学员1", "单位1", "", ""),
    ]
    response = _upload(org, cohort, xlsx(rows))
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "4 处问题，整个文件都没有导入。" in page
    for line in (
        "第 3 行 · 姓名：姓名不能为空",
        "第 4 行 · 姓名：与第 2 行重复",
        "第 5 行 · 登录名：没有登录名为“nobody”的用户",
        "第 6 行 · 姓名：本班已有单位1的学员学员1",
    ):
        assert line in page
    assert "确认导入" not in page
    assert cohort.snapshot() == before

    not_excel = _upload(org, cohort, b"not a workbook", "list.xlsx")
    assert not_excel.status_code == 422
    assert "文件不是有效的 Excel（.xlsx）文件" in text_of(not_excel.get_data(as_text=True))
    assert cohort.snapshot() == before


def test_an_import_is_stored_only_when_confirmed(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    make_user(app, "zhanghf", "trainee")
    org = _org(app, cohort)
    rows = [
        ("张海峰", "市地铁运营有限公司", "全国劳动模范", "zhanghf"),
        ("李秀梅", "市纺织厂", "", ""),
    ]
    preview = _upload(org, cohort, xlsx(rows))
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "共 2 名学员，全部可以导入。" in text_of(html)
    assert cohort.org.get(cohort.path("/trainees"))["trainees"] == []
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)

    other = build_cohort(app, client, trainees=0, experts=0, org=cohort.org, name="另一个班")
    elsewhere = org.post(f"/console/cohorts/{other.id}/import/confirm", {"token": token})
    assert "预览已过期，请重新上传文件。" in text_of(elsewhere.get_data(as_text=True))

    done = org.post(f"/console/cohorts/{cohort.id}/import/confirm", {"token": token}, status=200)
    assert "已导入 2 名学员。" in text_of(done.get_data(as_text=True))
    people = cohort.org.get(cohort.path("/trainees"))["trainees"]
    assert [(t["name"], t["user_id"] is not None) for t in people] == [
        ("张海峰", True),
        ("李秀梅", False),
    ]
    again = org.post(f"/console/cohorts/{cohort.id}/import/confirm", {"token": token})
    assert "预览已过期" in text_of(again.get_data(as_text=True))
    assert len(cohort.org.get(cohort.path("/trainees"))["trainees"]) == 2
    template = org.client.get(f"/console/cohorts/{cohort.id}/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.get_data())).active
    assert [c.value for c in sheet[1]] == ["姓名", "工作单位", "荣誉称号", "登录名"]


# ---------------------------------------------------------------- the panel
def test_the_panel_is_built_on_the_page(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=0)
    org = _org(app, cohort)
    url = f"/console/cohorts/{cohort.id}/experts"
    new = {"new-display_name": "周立新", "new-username": "zhoulx", "new-password": PASSWORD}
    done = org.post(url, {**new, "new-lead": "y"}, status=200)
    assert "已创建评审专家 周立新 并加入专家组。" in text_of(done.get_data(as_text=True))
    org.post(
        url, {"new-display_name": "陈淑芬", "new-username": "chensf", "new-password": PASSWORD}
    )
    taken = org.post(url, {**new, "new-display_name": "另一个"}, status=409)
    assert "用户名“zhoulx”已被使用" in text_of(taken.get_data(as_text=True))
    spare = make_user(app, "liujg", "expert")
    page = org.get(url)
    assert f'<option value="{spare}">liujg' in page
    org.post(f"{url}/seat", {"seat-user_id": str(spare)}, status=200)
    panel = cohort.org.get(cohort.path("/experts"))["experts"]
    assert [(e["username"], e["lead"]) for e in panel] == [
        ("zhoulx", True),
        ("chensf", False),
        ("liujg", False),
    ]
    moved = org.post(f"{url}/lead", {"lead-user_id": str(panel[1]["user_id"])}, status=200)
    assert "陈淑芬 已任专家组组长。" in text_of(moved.get_data(as_text=True))
    panel = cohort.org.get(cohort.path("/experts"))["experts"]
    assert [e["lead"] for e in panel] == [False, True, False]
    with app.app_context():
        assert (
            db.session.scalar(db.select(User).where(User.username == "chensf")).role == Role.EXPERT
        )
    # The new expert signs in with the password the organiser set and finds the cohort.
    assert "2021年职工工匠研修班" in person(app, "chensf").get("/review")


# ---------------------------------------------------------------- results, files, export
def test_the_cohort_table_and_the_trainees_full_file(app, client):
    cohort = build_cohort(app, client, trainees=3, experts=5)
    scores = (90, 80, 70, 60, 100)  # 5 reviews: 100 and 60 dropped → 80.00
    for expert, score in enumerate(scores):
        cohort.review(expert, cohort.trainees[0], score=score, shortcomings=f"不足{score}")
    cohort.review(0, cohort.trainees[1], score=59.99)
    org = _org(app, cohort)
    page = text_of(org.get(f"/console/cohorts/{cohort.id}"))
    assert "名次 学员 工作单位 荣誉称号 评审 / 专家 得分 等次 推荐聘任" in page
    assert "1 学员1 单位1 市劳动模范 5 / 5 80.00 合格 推荐聘任" in page
    assert "2 学员2 单位2 市劳动模范 1 / 5 59.99 不合格 暂不推荐" in page
    assert "未评审 学员3 单位3 · 市劳动模范" in page
    assert "（已排名 2 名，未评审 1 名）" in page
    assert "5 名评审专家，组长 expert1" in page

    file = text_of(org.get(f"/console/cohorts/{cohort.id}/trainees/{cohort.trainees[0]}"))
    assert "得分 80.00" in file and "第 1 名 / 共 2 名 · 5 / 5 位专家已评审" in file
    for n, score in enumerate(scores, 1):
        assert f"expert{n} {score}.00 分" in file
        assert f"不足之处 不足{score} 改进建议 {SUGGESTIONS}" in file
    unreviewed = text_of(org.get(f"/console/cohorts/{cohort.id}/trainees/{cohort.trainees[2]}"))
    assert "还没有专家评审。" in unreviewed


def test_the_export_is_the_services_workbook(app, client):
    cohort = build_cohort(app, client, trainees=2, experts=1, rubric=LECTURE_RUBRIC)
    cohort.review(0, cohort.trainees[0], items=ITEMS)
    org = _org(app, cohort)
    assert f'href="/console/cohorts/{cohort.id}/results.xlsx"' in org.get(
        f"/console/cohorts/{cohort.id}"
    )
    response = org.client.get(f"/console/cohorts/{cohort.id}/results.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    api = cohort.org.call("GET", cohort.path("/results.xlsx"), status=200)
    book = load_workbook(io.BytesIO(response.get_data()))
    same = load_workbook(io.BytesIO(api.get_data()))
    assert [[c.value for c in row] for row in book["评审结果"].iter_rows()] == [
        [c.value for c in row] for row in same["评审结果"].iter_rows()
    ]
    ranking = [[c.value for c in row] for row in book["评审结果"].iter_rows(min_row=5)]
    assert ranking[0][:3] == [1, "学员1", "单位1"] and ranking[1][5] == "未评审"
    details = [[c.value for c in row] for row in book["专家评审明细"].iter_rows(min_row=2)]
    assert details[0][-2:] == [SHORTCOMINGS, SUGGESTIONS]


def test_a_signed_cohort_shows_every_organiser_form_locked(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    cohort.review(0, cohort.trainees[0], score=88)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    org = _org(app, cohort)
    overview = text_of(org.get(f"/console/cohorts/{cohort.id}"))
    assert "已签署 已由专家组组长 expert1 于" in overview and "签署，结果已锁定" in overview
    assert "评审结果已签署并锁定，评分细则和等次不能再修改。" in text_of(org.get(_rules(cohort)))
    trainees = org.get(f"/console/cohorts/{cohort.id}/trainees")
    assert "不能再增加学员" in trainees and 'name="new_username"' not in trainees
    panel = org.get(f"/console/cohorts/{cohort.id}/experts")
    assert "专家组不能再调整" in panel and "设为组长" not in panel
    before = cohort.snapshot()
    refused = org.post(
        f"/console/cohorts/{cohort.id}/trainees",
        _trainee_form(name="晚来的", unit="单位9", new_username="late", new_password=PASSWORD),
        status=409,
    )
    assert "评审结果已由专家组组长签署并锁定，不能再增加学员" in refused.get_data(as_text=True)
    assert cohort.snapshot() == before


def test_the_demo_class_on_the_organisers_pages(app, client):
    from competition.reviews.demo import load_demo_cohort

    with app.app_context():
        load_demo_cohort()
        db.session.commit()
        cohort_id = db.session.scalar(db.text("SELECT id FROM cohorts"))
    org = sign_in(client, "organiser", "demo-organiser")
    page = org.get(f"/console/cohorts/{cohort_id}")
    assert page.count('<td class="num">5 / 5</td>') == 32
    assert "（已排名 32 名，未评审 0 名）" in text_of(page)
    assert "已由专家组组长 周立新" in text_of(page)
    assert "5 名评审专家，组长 周立新" in text_of(page)
