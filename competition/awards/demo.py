"""The demo award programme: 2021年度最美工会户外劳动者服务站点 (domain.md §3), loaded through the
services as the organiser and the unions would through the API.

- two levels: 全国 150 stations with a grant of 50,000 yuan each, 北京市 200 with 20,000;
- the 七有 as criteria (the reference set, 100 points in all);
- 6 base-level unions, each with its own login (union1 … union6);
- 20 fictional stations across the city's districts, each with evidence text for every
  criterion; all but the last two are submitted (those two show an unfinished nomination);
- a panel of 5 experts (award_expert1 leads; award_expert2 and award_expert3 belong to a
  union, so they never review its stations);
- the nomination deadline 30 days after loading, so nominations are still open.

The review, selection and notice are not loaded here: `load_demo_programme(then=...)` hands
the programme to a further step (the review's demo adds the panel's scores with it), and
`demo_programme()` finds it afterwards. Deterministic (`random.Random(2021)`); flushes, never
commits.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from competition.awards import nominations
from competition.awards import programmes as service
from competition.core.demo_logins import DemoLogin, DemoLogins
from competition.extensions import db
from competition.models import AwardProgramme, Role
from competition.models.types import utcnow

SEED = 2021
UNION_PASSWORD = "demo-union"
EXPERT_PASSWORD = "demo-expert"

PROGRAMME_NAME = "2021年度最美工会户外劳动者服务站点"
PROGRAMME_HOST = "北京市总工会"

LEVELS = (
    service.LevelSpec("national", "全国最美工会户外劳动者服务站点", 150, Decimal(50000)),
    service.LevelSpec("beijing", "北京市最美工会户外劳动者服务站点", 200, Decimal(20000)),
)

# Fictional unions and stations (any likeness to a real place is accidental).
UNIONS = (
    "东城区环卫中心工会",
    "西城区城市管理委员会工会",
    "朝阳区快递物流行业联合工会",
    "海淀区商业服务业工会",
    "丰台区交通运输行业工会",
    "通州区建筑业联合工会",
)
# (union index, name, address, district, opening hours, level applied for)
STATIONS = (
    (0, "建国门环卫驿站", "建国门内大街 18 号", "东城区", "24小时", "national"),
    (0, "东四环卫工人之家", "东四北大街 107 号", "东城区", "6:00-22:00", "beijing"),
    (0, "天坛东门暖心驿站", "天坛东路 51 号", "东城区", "24小时", "national"),
    (1, "西单户外劳动者服务站", "西单北大街 120 号", "西城区", "7:00-21:00", "national"),
    (1, "德胜门工会驿站", "德胜门外大街 9 号", "西城区", "8:00-20:00", "beijing"),
    (1, "广安门暖心驿站", "广安门内大街 311 号", "西城区", "24小时", "beijing"),
    (2, "望京快递小哥之家", "望京街 9 号", "朝阳区", "24小时", "national"),
    (2, "三里屯骑手加油站", "三里屯路 19 号", "朝阳区", "10:00-24:00", "beijing"),
    (2, "双井快递员休息站", "广渠路 36 号", "朝阳区", "8:00-22:00", "beijing"),
    (2, "酒仙桥户外劳动者驿站", "酒仙桥路 10 号", "朝阳区", "24小时", "national"),
    (3, "中关村暖心驿站", "中关村大街 27 号", "海淀区", "8:00-22:00", "national"),
    (3, "五道口骑手之家", "成府路 28 号", "海淀区", "24小时", "beijing"),
    (3, "公主坟工会服务站", "复兴路 29 号", "海淀区", "7:00-19:00", "beijing"),
    (4, "丰台站司机之家", "丰台站南路 1 号", "丰台区", "24小时", "national"),
    (4, "六里桥客运驿站", "六里桥南里 2 号", "丰台区", "6:00-23:00", "beijing"),
    (4, "南苑出租车驿站", "南苑路 88 号", "丰台区", "24小时", "beijing"),
    (5, "副中心工地工友之家", "运河东大街 57 号", "通州区", "24小时", "national"),
    (5, "梨园建筑工人驿站", "梨园南街 6 号", "通州区", "6:00-20:00", "beijing"),
    (5, "宋庄户外劳动者服务站", "宋庄镇小堡村 1 号", "通州区", "8:00-18:00", "beijing"),
    (5, "台湖工会暖心驿站", "台湖镇政府东侧", "通州区", "7:00-21:00", "beijing"),
)
DRAFTS = 2  # the last stations stay unsubmitted

CONTACTS = ("李红", "王建军", "张丽", "赵强", "孙敏", "周涛", "吴静", "郑伟")
# Evidence fragments per criterion key; each station takes a few, so no two read alike.
EVIDENCE = {
    "place": (
        "临街一层门面，面积约 {area} 平方米",
        "紧邻公交站和非机动车停车区",
        "门口设无障碍坡道",
    ),
    "sign": ("门头悬挂总工会统一标识", "门口公示服务对象、开放时间和服务项目", "设夜间灯箱"),
    "facilities": (
        "配有饮水机、冰箱、微波炉和充电设施",
        "备有雨具、急救药箱和防疫用品",
        "设休息区 {seats} 个座位，附近有卫生间",
        "24小时开放",
    ),
    "publicity": ("电子屏滚动播放工会服务信息", "张贴总工会二维码，扫码可入会", "每月更新宣传海报"),
    "service": (
        "日均服务户外劳动者约 {daily} 人次",
        "建有服务台账，逐日登记",
        "设意见簿，每月整理反馈",
    ),
    "rules": ("明确一名站长专人负责", "制定资产、安全和耗材管理制度并上墙", "每周检查消防设施"),
    "results": (
        "满意度调查 {satisfied}% 的户外劳动者表示满意",
        "被区融媒体中心报道",
        "收到环卫工人和快递员感谢信",
    ),
}
# (username, display name, union index or None); award_expert1 leads.
EXPERTS = (
    ("award_expert1", "高文华", None),
    ("award_expert2", "钱晓东", 0),
    ("award_expert3", "冯雪梅", 2),
    ("award_expert4", "何志远", None),
    ("award_expert5", "罗佳琪", None),
)


def demo_programme() -> AwardProgramme | None:
    """The demo's programme, once loaded (for a step that adds the review to it)."""
    return db.session.scalar(select(AwardProgramme).where(AwardProgramme.name == PROGRAMME_NAME))


def _evidence(rng: random.Random, key: str) -> str:
    parts = list(EVIDENCE[key])
    rng.shuffle(parts)
    chosen = parts[: rng.randint(2, len(parts))]
    values = {
        "area": rng.randint(15, 60),
        "seats": rng.randint(6, 20),
        "daily": rng.randint(40, 300),
        "satisfied": rng.randint(90, 99),
    }
    return "；".join(part.format(**values) for part in chosen) + "。"


def load_demo_programme(
    then: Callable[[AwardProgramme, DemoLogins], None] | None = None,
) -> list[DemoLogin]:
    """Load the programme, its unions, panel and stations; `then(programme, logins)` may add
    more (the review) before the logins are returned for printing."""
    rng = random.Random(SEED)
    logins = DemoLogins()
    organiser = logins.organiser()
    programme = service.create_programme(
        PROGRAMME_NAME,
        2021,
        PROGRAMME_HOST,
        nomination_deadline=utcnow() + timedelta(days=30),
        notice_days=5,
        actor=organiser,
    )
    service.set_levels(programme, LEVELS, organiser)
    service.use_reference_criteria(programme, organiser)
    units = []
    for number, name in enumerate(UNIONS, 1):
        account = logins.user(f"union{number}", UNION_PASSWORD, Role.UNION, name)
        units.append(service.add_unit(programme, name, account.id, organiser))
    for index, (username, display, unit_index) in enumerate(EXPERTS):
        expert = logins.user(username, EXPERT_PASSWORD, Role.EXPERT, display)
        unit_id = units[unit_index].id if unit_index is not None else None
        service.add_expert(programme, expert.id, organiser, unit_id=unit_id, lead=index == 0)
    db.session.refresh(programme)
    for index, (unit_index, name, address, district, hours, level) in enumerate(STATIONS):
        unit = units[unit_index]
        account = unit.user
        assert account is not None
        spec = nominations.StationSpec(
            level=level,
            name=name,
            address=address,
            district=district,
            contact_name=CONTACTS[index % len(CONTACTS)],
            contact_phone=f"1390100{index:04d}",
            opening_hours=hours,
        )
        station = nominations.create_station(programme, unit, spec, account)
        for criterion in programme.criteria:
            text = _evidence(rng, criterion.key)
            nominations.set_evidence_text(station, criterion, text, account)
        if index < len(STATIONS) - DRAFTS:
            nominations.submit(station, account)
    if then is not None:
        then(programme, logins)
    db.session.flush()
    return logins.made
