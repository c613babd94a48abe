"""The pages of set-up and nomination, driven as a browser would: the organiser sets up a
programme, a union nominates a station with its evidence and submits it; refusals are read
on the page."""

from __future__ import annotations

import io
import re

from tests.awards.helpers import EXE, JPEG, PDF, setup_programme
from tests.support.pages import organiser_pages, sign_in, text_of


def _token(pages, url: str) -> str:
    found = re.search(r'name="[\w-]*csrf_token"[^>]*value="([^"]+)"', pages.get(url))
    assert found
    return found.group(1)


def _post(pages, url: str, form_url: str, prefix: str, data: dict, status: int, **kw):
    token = _token(pages, form_url)
    body = {f"{prefix}-csrf_token" if prefix else "csrf_token": token, "csrf_token": token, **data}
    response = pages.client.post(url, data=body, **kw)
    assert response.status_code == status, text_of(response.get_data(as_text=True))[:1500]
    return response


def test_the_organiser_sets_up_a_programme_on_the_console(app, client) -> None:
    pages = organiser_pages(app, client)
    assert "评选活动" in pages.get("/console")
    made = _post(
        pages, "/console/awards", "/console/awards", "",
        {"name": "2021年度最美工会户外劳动者服务站点", "year": "2021", "host": "市总工会",
         "nomination_deadline": "2099-06-30T17:00", "notice_days": "5"},
        302,
    )  # fmt: skip
    rules = made.location
    pid = int(re.search(r"/console/awards/(\d+)/rules", rules).group(1))
    _post(pages, f"/console/awards/{pid}/rules/reference", rules, "reference", {}, 302)
    page = text_of(pages.get(rules))
    assert "有场地" in page and "有成效" in page
    levels = {
        "levels-levels-0-key": "national", "levels-levels-0-name": "全国",
        "levels-levels-0-quota": "150",
        "levels-levels-0-grant_amount": "50000",
    }  # fmt: skip
    _post(pages, f"/console/awards/{pid}/rules/levels", rules, "levels", levels, 302)
    bad = _post(
        pages, f"/console/awards/{pid}/rules/levels", rules, "levels",
        {"levels-levels-0-key": "national", "levels-levels-0-name": "全国",
         "levels-levels-0-quota": "-3"},
        422,
    )  # fmt: skip
    assert "名额不能为负数" in text_of(bad.get_data(as_text=True))
    units = f"/console/awards/{pid}/units"
    _post(pages, units, units, "",
          {"name": "东城区环卫中心工会", "user_id": "0", "username": "dc_union",
           "password": "union-password-1"}, 302)  # fmt: skip
    listed = text_of(pages.get(units))
    assert "东城区环卫中心工会" in listed and "dc_union" in listed
    experts = f"/console/awards/{pid}/experts"
    _post(pages, experts, experts, "new",
          {"new-username": "zj1", "new-display_name": "张专家", "new-password": "expert-pass-1",
           "new-unit_id": "0", "new-lead": "y"}, 302)  # fmt: skip
    assert "组长" in text_of(pages.get(experts))
    overview = text_of(pages.get(f"/console/awards/{pid}"))
    assert "基层工会 1 个" in overview


def test_a_union_nominates_uploads_and_submits_on_its_pages(app, client) -> None:
    p = setup_programme(app, client)
    union = sign_in(app.test_client(), "u1_union", "union-password-1")
    home = union.get("/union")
    assert p.unions and "东城区环卫中心工会" in text_of(home)
    new = f"/awards/programmes/{p.id}/stations/new"
    made = _post(
        union, new, new, "station",
        {"station-name": "建国门环卫驿站", "station-address": "建国门内大街 18 号",
         "station-district": "东城区", "station-level": "national",
         "station-contact_phone": "１３８００００００００"},
        302,
    )  # fmt: skip
    page_url = made.location
    sid = int(page_url.rsplit("/", 1)[1])
    page = text_of(union.get(page_url))
    assert "还缺少这些标准的材料" in page and "有场地" in page
    # a program renamed as a photo: refused by its bytes, named, nothing stored
    files_url = f"/awards/stations/{sid}/evidence/place/files"
    refused = _post(
        union, files_url, page_url, "f-place",
        {"f-place-file": (io.BytesIO(EXE), "场地.jpg")}, 415,
        content_type="multipart/form-data",
    )  # fmt: skip
    assert "场地.jpg" in text_of(refused.get_data(as_text=True))
    _post(
        union, files_url, page_url, "f-place",
        {"f-place-file": [(io.BytesIO(JPEG), "场地.jpg"), (io.BytesIO(PDF), "台账.pdf")]}, 302,
        content_type="multipart/form-data",
    )  # fmt: skip
    shown = union.get(page_url)
    assert "场地.jpg" in shown and "台账.pdf" in shown
    file_id = re.search(r'href="/awards/files/(\d+)"', shown).group(1)
    photo = union.client.get(f"/awards/files/{file_id}")
    assert photo.status_code == 200 and photo.data == JPEG
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    # submitting early names what is missing
    early = _post(union, f"/awards/stations/{sid}/submit", page_url, "action", {}, 409)
    assert "有标识" in text_of(early.get_data(as_text=True))
    for key in p.criteria[1:]:
        _post(
            union, f"/awards/stations/{sid}/evidence/{key}", page_url, f"c-{key}",
            {f"c-{key}-text": "情况说明"}, 302,
        )  # fmt: skip
    _post(union, f"/awards/stations/{sid}/submit", page_url, "action", {}, 302)
    assert "已提交" in text_of(union.get(page_url))
    # another unit's account finds nothing there
    other = sign_in(app.test_client(), "u2_union", "union-password-1")
    other.get(page_url, status=404)
    other.get(f"/awards/files/{file_id}", status=404)


def test_the_station_import_page_previews_then_stores(app, client) -> None:
    from tests.awards.test_imports import EVIDENCE, HEADER, _workbook

    p = setup_programme(app, client)
    pages = sign_in(app.test_client(), "org")
    url = f"/awards/programmes/{p.id}/import"
    assert "站点名称" in text_of(pages.get(url))
    data = _workbook(
        HEADER, [1, "东城区环卫中心工会", "甲驿站", "地址", "东城区", "", "", "", "全国", *EVIDENCE]
    )
    preview = _post(
        pages, url, url, "", {"file": (io.BytesIO(data), "站点.xlsx")}, 200,
        content_type="multipart/form-data",
    )  # fmt: skip
    html = preview.get_data(as_text=True)
    assert "全部可以导入" in text_of(html)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    _post(pages, f"{url}/confirm", url, "", {"token": token}, 302)
    assert "甲驿站" in text_of(pages.get(f"/console/awards/{p.id}"))
