"""The checklists shipped for the 15 kinds of enterprise an emergency bureau inspects most.
Each is built from the clauses in force that apply to its industry and flags, plus general
items where no determination standard covers the trade (non-coal mines, fireworks, crowded
venues) or where every inspection should look (licences, training, emergency plans)."""

from __future__ import annotations

from django.db import transaction

GENERAL = [
    "安全生产责任制、安全管理制度和操作规程建立并落实",
    "主要负责人和安全管理人员依法培训考核合格，从业人员经安全培训",
    "应急预案编制、备案并按规定组织演练",
    "隐患排查治理台账建立，已发现隐患按期整改",
]

SEEDS = [
    # (name, industry, flags, extra general items)
    ("煤矿", "coal_mine", [], []),
    (
        "非煤矿山",
        "non_coal_mine",
        [],
        [
            "安全出口和避灾路线畅通、标识清楚",
            "提升、运输、排水、通风等主要设备设施完好并定期检测检验",
            "尾矿库、排土场按设计运行，坝体和边坡监测正常",
        ],
    ),
    ("危险化学品", "hazardous_chemicals", [], []),
    (
        "烟花爆竹",
        "fireworks",
        [],
        [
            "生产、储存区域安全距离和药物定量符合规定",
            "工房、仓库人员和药量不超过核定数量",
            "防静电、防雷、防火设施完好",
        ],
    ),
    ("冶金", "metallurgy", [], []),
    ("有色金属（铝深井铸造）", "non_ferrous", ["deep_well_casting"], []),
    ("建材", "building_materials", [], []),
    ("机械", "machinery", [], []),
    ("轻工", "light_industry", [], []),
    ("纺织", "textiles", [], []),
    ("烟草", "tobacco", [], []),
    ("粉尘涉爆", "", ["dust_explosion"], []),
    ("涉氨制冷", "", ["ammonia_refrigeration"], []),
    ("有限空间作业", "", ["confined_space"], []),
    (
        "人员密集场所",
        "crowded_venue",
        [],
        [
            "疏散通道、安全出口畅通，应急照明和疏散指示标志完好",
            "消防设施、器材完好有效",
            "大型活动和节假日人流管控措施落实",
        ],
    ),
]


@transaction.atomic
def seed_checklists() -> int:
    """Create the shipped checklists that do not exist yet. Returns how many were created."""
    from .models import ChecklistTemplate
    from .services import create_checklist

    created = 0
    for name, industry, flags, extra in SEEDS:
        if ChecklistTemplate.objects.filter(name=name).exists():
            continue
        create_checklist(
            user=None,
            name=name,
            industry=industry,
            flags=flags,
            extra_items=[{"text": text} for text in extra + GENERAL],
            description="",
        )
        created += 1
    return created
