"""The demo craftsman class: the 2021 worker craftsman training class of the city federation's
workers' university (domain.md §2), loaded through the services as the organiser and the
experts would through the API.

- the cohort with the lecture rubric 教学目标 20 / 教学内容 30 / 教学组织 20 / 语言表达 20 /
  教具使用 10 and the usual bands (优秀 ≥ 85, 合格 ≥ 60, recommended for appointment from 合格);
- two review sessions (sittings) of 16 trial lectures each;
- 32 fictional trainees — model workers, master craftsmen, leaders of innovation studios — with
  their units, honours and lecture topics; the first three have their own logins;
- a panel of 5 experts (expert1 leads), each reviewing every lecture through the rubric with
  two written comments composed from fragments about the items that expert scored lowest, so
  the comments differ from lecture to lecture and from expert to expert;
- the results signed off by the panel lead.

Everything is deterministic (`random.Random(2021)`). The loader flushes but never commits. It
checks that the results show every band and the trimmed aggregation, and raises `RuntimeError`
when they no longer do, so a demo that stopped showing the rules never loads silently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from competition import scoring
from competition.core.demo_logins import DemoLogin, DemoLogins
from competition.models import Cohort, Role
from competition.reviews import services as craftsman_service
from competition.reviews.services import RubricItemSpec

SEED = 2021

EXPERT_PASSWORD = "demo-expert"
TRAINEE_PASSWORD = "demo-trainee"

COHORT_NAME = "2021年度职工工匠研修班"
COHORT_HOST = "市总工会职工大学"
COHORT_YEAR = 2021

RUBRIC = (
    RubricItemSpec("objectives", "教学目标", Decimal(20)),
    RubricItemSpec("content", "教学内容", Decimal(30)),
    RubricItemSpec("organisation", "教学组织", Decimal(20)),
    RubricItemSpec("delivery", "语言表达", Decimal(20)),
    RubricItemSpec("aids", "教具使用", Decimal(10)),
)

SESSIONS = (
    (date(2021, 11, 18), "市总工会职工大学第一报告厅"),
    (date(2021, 11, 19), "市总工会职工大学第一报告厅"),
)

# (display name); expert1 is the panel lead.
EXPERTS = ("周立新", "陈淑芬", "刘建国", "马晓岚", "郑国强")
# How each expert tends to mark compared with the panel: some are stricter than others.
EXPERT_BIAS = (0.5, -1.5, 0.0, 2.5, -3.0)


@dataclass(frozen=True)
class _TraineeSpec:
    name: str
    unit: str
    title: str
    topic: str
    quality: float  # the lecture's latent quality, out of 100


# Fictional people and units (any likeness to a real person or company is accidental).
TRAINEES = (
    _TraineeSpec(
        "张海峰", "市地铁运营有限公司车辆中心", "全国劳动模范", "地铁车辆转向架检修要点", 90
    ),
    _TraineeSpec("李秀梅", "市第一纺织有限公司", "市劳动模范", "细纱接头操作法", 84),
    _TraineeSpec(
        "王志刚", "市供电公司检修分公司", "市级大工匠", "10kV配电线路带电作业安全防护", 88
    ),
    _TraineeSpec("刘春燕", "市人民医院", "市劳动模范", "静脉留置针穿刺与维护", 81),
    _TraineeSpec("陈建平", "市燃气集团管网分公司", "大工匠", "燃气管道带压开孔作业", 86),
    _TraineeSpec(
        "杨国庆", "市公交集团保修厂", "劳模创新工作室领衔人", "新能源公交车高压系统故障诊断", 79
    ),
    _TraineeSpec("赵丽娟", "市自来水集团水质监测中心", "市劳动模范", "水质常规指标快速检测", 76),
    _TraineeSpec("黄建军", "市重型机械厂", "全国五一劳动奖章获得者", "大型铸件焊接变形控制", 92),
    _TraineeSpec("周晓东", "市建工集团第三工程公司", "市级大工匠", "高层建筑钢筋绑扎质量控制", 73),
    _TraineeSpec(
        "吴明辉", "市汽车制造有限公司总装车间", "技能大师工作室领衔人", "总装拧紧工艺与质量追溯", 85
    ),
    _TraineeSpec("徐静", "市热力集团", "市劳动模范", "换热站节能运行调节", 70),
    _TraineeSpec("孙立伟", "市精密机床厂", "市级大工匠", "数控车床精度检测与补偿", 87),
    _TraineeSpec("马玉兰", "市邮政分公司", "市劳动模范", "包裹分拣作业标准化", 68),
    _TraineeSpec(
        "朱振宇", "市轨道交通建设公司", "劳模创新工作室领衔人", "盾构机刀盘检查与换刀", 83
    ),
    _TraineeSpec("胡晓梅", "市食品集团", "市劳动模范", "面点制作中的发酵控制", 77),
    _TraineeSpec("郭志强", "市排水集团", "大工匠", "有限空间作业安全防护", 57),
    _TraineeSpec("何文斌", "市光电科技有限公司", "劳模创新工作室领衔人", "光纤熔接与损耗测试", 80),
    _TraineeSpec("林雪", "市第二人民医院", "市劳动模范", "急危重症患者院内转运护理", 82),
    _TraineeSpec("罗德明", "市钢铁公司炼钢厂", "全国劳动模范、大工匠", "转炉炼钢终点控制", 91),
    _TraineeSpec("郑海燕", "市纺织印染公司", "市级大工匠", "印染配色与色差控制", 74),
    _TraineeSpec("梁国栋", "市船舶修造公司", "大工匠", "船体分段焊接工艺", 86),
    _TraineeSpec("宋晓光", "市航空机载设备公司", "技能大师工作室领衔人", "航空线束制作与检验", 89),
    _TraineeSpec("谢春华", "市供电公司营销服务中心", "市劳动模范", "低压计量装置安装规范", 72),
    _TraineeSpec("韩磊", "市化工集团", "市级大工匠", "化工装置开停车操作要点", 78),
    _TraineeSpec(
        "唐建新", "市地铁运营有限公司供电中心", "劳模创新工作室领衔人", "接触网检修作业流程", 84
    ),
    _TraineeSpec("冯丽萍", "市餐饮集团", "市劳动模范", "中式菜肴刀工技法", 75),
    _TraineeSpec("曹志远", "市交运集团汽车维修公司", "大工匠", "汽车电控系统故障排查思路", 81),
    _TraineeSpec("彭永红", "市水务集团污水处理厂", "市劳动模范", "活性污泥法运行控制", 69),
    _TraineeSpec(
        "董世杰", "市机场集团机务工程部", "技能大师工作室领衔人", "航空器地面除冰作业", 85
    ),
    _TraineeSpec("袁芳", "市园林绿化集团", "市劳动模范", "古树名木养护技术", 71),
    _TraineeSpec("蒋宏伟", "市电梯安装维修公司", "市级大工匠", "电梯曳引系统检查与调整", 80),
    _TraineeSpec("邓淑华", "市印刷集团", "市劳动模范", "胶印机色彩调节", 66),
)
TRAINEE_LOGINS = 3

# By rubric item: what fell short, each with ways to improve it; "{topic}" is the lecture.
FRAGMENTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "objectives": (
        (
            "教学目标表述较笼统，没有落到学员课后“会做什么”上",
            (
                "建议用一句话写明课后学员能独立完成的操作，并据此组织内容",
                "建议把目标改写成可检验的操作要求，课末对照检查",
            ),
        ),
        (
            "目标设定偏多，一堂课想讲透的内容超出了时间容量",
            ("建议聚焦一到两个核心技能点，其余内容放到后续课时",),
        ),
        (
            "知识目标清楚，但技能目标和安全意识目标没有明确提出",
            ("建议按知识、技能、职业素养三个层次重新梳理教学目标",),
        ),
        (
            "开篇没有交代本课要解决的岗位难题，学员不易抓住重点",
            ("建议开篇抛出一个现场真实问题，让教学目标更聚焦",),
        ),
    ),
    "content": (
        (
            "内容以个人经历叙述为主，提炼出的操作要领不够系统",
            (
                "建议把多年积累的经验提炼成三到五条操作要领，配合口诀便于记忆",
                "建议以工序为线索重新编排内容，每道工序讲清要领和质量要求",
            ),
        ),
        (
            "《{topic}》中的关键参数只讲了结论，没有讲清依据和适用条件",
            ("建议把《{topic}》的关键参数整理成对照表，讲清取值依据和适用条件",),
        ),
        (
            "案例较为单一，未涉及常见异常情况的判断与处置",
            ("建议补充一两个典型故障案例，讲清原因分析和处置步骤",),
        ),
        (
            "部分内容与现行标准规范衔接不够，个别术语使用不规范",
            ("建议对照现行国家标准和企业规程核对内容，统一术语",),
        ),
        (
            "重难点分配不均，前半段铺垫过长，核心工艺讲解仓促",
            ("建议压缩背景介绍，把一半以上时间留给核心工艺的讲解和示范",),
        ),
    ),
    "organisation": (
        (
            "时间把控欠佳，结尾部分明显压缩，总结不够完整",
            ("建议预先排定各环节用时，留出五分钟做总结和答疑",),
        ),
        (
            "以讲授为主，与学员的互动和提问环节偏少",
            (
                "建议增加提问和小组讨论，及时了解学员掌握情况",
                "建议在每个要点后设计一个现场提问，请学员说出判断依据",
            ),
        ),
        (
            "环节之间过渡生硬，示范与讲解衔接不够自然",
            ("建议按“讲解—示范—练习—点评”组织教学，环节之间用问题串联",),
        ),
        (
            "没有安排学员复述或动手环节，难以检验教学效果",
            ("建议安排学员分组动手操作或复述要领，由讲师现场点评",),
        ),
    ),
    "delivery": (
        (
            "语速偏快，专业术语出现时缺少解释",
            ("建议放慢语速，术语第一次出现时用现场语言解释清楚",),
        ),
        (
            "表达较为口语化，部分表述不够准确严谨",
            ("建议试讲前逐字打磨开场和结尾，表述力求准确简洁",),
        ),
        (
            "声音偏小，后排听讲效果受影响",
            ("建议使用扩音设备，并在关键步骤处提高音量、稍作停顿",),
        ),
        (
            "讲解中重复语句较多，关键结论不够突出",
            ("建议每个环节结束时用一句话归纳结论，避免反复铺陈",),
        ),
    ),
    "aids": (
        (
            "课件文字过多，图示和现场照片偏少",
            ("建议精简课件文字，多用结构图、实物照片和短视频",),
        ),
        (
            "实物教具准备充分，但展示角度不佳，后排看不清细节",
            ("建议借助实物投影或摄像头放大展示操作细节",),
        ),
        (
            "板书较少，关键步骤没有梳理成条目",
            ("建议把关键步骤做成流程图板书，便于学员记录",),
        ),
        (
            "视频素材播放时间过长，讲解节奏被打断",
            ("建议把视频剪辑为一两分钟的片段，边播边讲",),
        ),
    ),
}

OPENINGS_STRONG = ("整体教学设计完整，", "示范规范、经验丰富，", "课堂效果较好，")


def load_demo_cohort() -> list[DemoLogin]:
    """Build the demo cohort (flushed, not committed) and return the logins it created.

    The organiser is the demo contest's `organiser` when it exists, else made here, so the
    cohort can also be loaded on its own.
    """
    rng = random.Random(SEED)
    logins = DemoLogins()
    user = logins.user
    organiser = logins.organiser()

    cohort = craftsman_service.create_cohort(COHORT_NAME, COHORT_YEAR, COHORT_HOST)
    craftsman_service.set_rubric(cohort, RUBRIC, organiser)
    sessions = [craftsman_service.add_session(cohort, day, place) for day, place in SESSIONS]

    experts = [
        user(f"expert{n}", EXPERT_PASSWORD, Role.EXPERT, name) for n, name in enumerate(EXPERTS, 1)
    ]
    for n, expert in enumerate(experts):
        craftsman_service.add_expert(cohort, expert.id, organiser, lead=n == 0)

    half = len(TRAINEES) // 2
    trainees = []
    for n, spec in enumerate(TRAINEES):
        login = None
        if n < TRAINEE_LOGINS:
            login = user(f"trainee{n + 1}", TRAINEE_PASSWORD, Role.TRAINEE, spec.name)
        trainees.append(
            craftsman_service.add_trainee(
                cohort,
                spec.name,
                spec.unit,
                spec.title,
                user_id=login.id if login else None,
                session_id=sessions[0 if n < half else 1].id,
            )
        )

    for trainee, spec in zip(trainees, TRAINEES, strict=True):
        # Each lecture is stronger in some respects than in others, for every expert alike.
        leaning = {item.key: rng.uniform(-4, 4) for item in RUBRIC}
        for expert, bias in zip(experts, EXPERT_BIAS, strict=True):
            items = _item_scores(spec.quality + bias, leaning, rng)
            shortcomings, suggestions = _comments(spec, items, rng)
            craftsman_service.set_review(
                cohort,
                trainee,
                expert,
                items=items,
                shortcomings=shortcomings,
                suggestions=suggestions,
            )

    _check(cohort)
    craftsman_service.sign_off(cohort, experts[0])
    return logins.made


def _item_scores(
    quality: float, leaning: dict[str, float], rng: random.Random
) -> dict[str, Decimal]:
    """One expert's item scores: whole marks, as experts write them on the form."""
    return {
        key: Decimal(int(max(40, min(99, round(quality + lean + rng.gauss(0, 2.5))))))
        for key, lean in leaning.items()
    }


def _comments(spec: _TraineeSpec, items: dict[str, Decimal], rng: random.Random) -> tuple[str, str]:
    """Shortcomings and suggestions about the items this expert scored lowest: one for a
    strong lecture, two for an ordinary one, three for a weak one."""
    mean = sum(items.values()) / len(items)
    count = 1 if mean >= 86 else 2 if mean >= 70 else 3
    weakest = sorted(items, key=lambda key: (items[key], rng.random()))[:count]
    chosen = [rng.choice(FRAGMENTS[key]) for key in weakest]
    faults = [fault.format(topic=spec.topic) for fault, _ in chosen]
    fixes = [rng.choice(options).format(topic=spec.topic) for _, options in chosen]
    opening = rng.choice(OPENINGS_STRONG) + "不足在于" if count == 1 else ""
    return opening + "；".join(faults) + "。", "；".join(fixes) + "。"


def _check(cohort: Cohort) -> None:
    """The demo must show every band, a recommendation refused, and the trimmed mean."""
    results = craftsman_service.cohort_results(cohort)
    ranking = results.ranking
    bands = {entry.band for entry in ranking.ranked}
    problems = []
    if len(ranking.ranked) != len(TRAINEES) or ranking.unreviewed:
        problems.append("not every trainee is ranked")
    if bands != {"excellent", "pass", scoring.FAIL}:
        problems.append(f"the bands shown are {sorted(bands)}")
    if all(entry.recommended for entry in ranking.ranked):
        problems.append("nobody is refused a recommendation")
    if any(entry.reviews != len(EXPERTS) for entry in ranking.ranked):
        problems.append("not every expert reviewed every trainee")
    if problems:
        raise RuntimeError("The demo cohort no longer shows the rules: " + "; ".join(problems))
