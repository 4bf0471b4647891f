"""Demo hazards in every state of the lifecycle, made through the hazard services so that their
timelines are real. Idempotent: an enterprise that already has hazards gets no more."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from anlan.core.uploads import check_upload

from . import services
from .choices import HazardStatus as S
from .models import Hazard

# (enterprise name without the demo mark, description, category, level, channel, final status)
DEMO_HAZARDS = [
    (
        "山西灵石汾峪煤业有限公司",
        "主斜井皮带机头未设置防护罩",
        "equipment",
        "general",
        "department_patrol",
        S.CLOSED,
    ),
    (
        "山西灵石汾峪煤业有限公司",
        "采煤工作面瓦斯传感器悬挂位置不符合规定",
        "equipment",
        "major",
        "law_enforcement",
        S.RECTIFYING,
    ),
    (
        "山西灵石汾峪煤业有限公司",
        "井下配电点绝缘垫破损",
        "electrical",
        "general",
        "self_inspection",
        S.ACCEPTANCE_REQUESTED,
    ),
    (
        "灵石县汾峪焦化有限公司",
        "粗苯储罐区可燃气体报警仪未定期检定",
        "equipment",
        "general",
        "online_patrol",
        S.ASSIGNED,
    ),
    (
        "灵石县汾峪焦化有限公司",
        "动火作业未办理作业票",
        "special_operations",
        "general",
        "internal_report",
        S.VERIFIED,
    ),
    ("灵石县汾峪焦化有限公司", "消防通道被原料堆占", "fire", "general", "grid_member", S.REPORTED),
    (
        "灵石县静岩钢铁有限公司",
        "煤气柜区域未设置固定式一氧化碳报警",
        "equipment",
        "major",
        "law_enforcement",
        S.ASSIGNED,
    ),
    (
        "灵石县静岩钢铁有限公司",
        "行车吊具钢丝绳断丝超标",
        "equipment",
        "general",
        "mutual_inspection",
        S.CLOSED,
    ),
    (
        "灵石县翠华木业有限公司",
        "除尘器未设置泄爆装置",
        "equipment",
        "major",
        "department_patrol",
        S.REPORTED,
    ),
    (
        "灵石县翠华木业有限公司",
        "重复上报：除尘系统问题",
        "equipment",
        "general",
        "public_tip_off",
        S.MERGED,
    ),
    (
        "山西介休汾东焦化有限公司",
        "化验室气瓶未固定",
        "management",
        "general",
        "township_supervisor",
        S.REJECTED,
    ),
]
PATH = {
    S.REPORTED: [],
    S.VERIFIED: ["verify"],
    S.ASSIGNED: ["verify", "plan"],
    S.RECTIFYING: ["verify", "plan", "start"],
    S.ACCEPTANCE_REQUESTED: ["verify", "plan", "start", "request"],
    S.CLOSED: ["verify", "plan", "start", "request", "accept"],
}


def demo_photo(text: str, colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (320, 240), colour)
    ImageDraw.Draw(image).text((12, 110), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def build_demo_hazards(*, enterprises: dict, actor) -> int:
    """Create the demo hazards; ``enterprises`` maps demo names to Enterprise. Returns how many
    were created."""
    created = 0
    first_of_name: dict[str, Hazard] = {}
    today = timezone.localdate()
    for index, (name, description, category, level, channel, final) in enumerate(DEMO_HAZARDS):
        enterprise = enterprises[name]
        if Hazard.objects.filter(enterprise=enterprise, description=description).exists():
            continue
        photo = check_upload(demo_photo(f"DEMO {index + 1}", (150, 60, 40)), f"现场{index + 1}.jpg")
        hazard = services.report_hazard(
            user=actor,
            data={
                "enterprise": enterprise,
                "description": description,
                "category": category,
                "level": level,
                "channel": channel,
                "found_at": timezone.now() - dt.timedelta(days=20 - index),
                "found_by": "演示检查组",
                "latitude": enterprise.latitude,
                "longitude": enterprise.longitude,
            },
            photos=[photo],
        )
        created += 1
        if final == S.REJECTED:
            services.reject_hazard(hazard=hazard, user=actor, reason="经核查不属实（演示）")
            continue
        if final == S.MERGED:
            into = first_of_name.get(name)
            services.merge_hazard(hazard=hazard, into=into, user=actor, reason="与已上报隐患重复")
            continue
        first_of_name.setdefault(name, hazard)
        for step in PATH[final]:
            if step == "verify":
                services.verify_hazard(hazard=hazard, user=actor)
            elif step == "plan":
                plan = {
                    "measures": "按规定整改并复查（演示）",
                    "responsible_person": "演示责任人",
                    "responsible_mobile": "13900000000",
                    "funds": "20000" if level == "major" else "2000",
                    "deadline": today + dt.timedelta(days=15 if index % 3 else 2),
                    "contingency": "整改期间设专人监护，必要时停产",
                    "goals": "彻底消除隐患" if level == "major" else "",
                    "materials": "整改所需设备材料" if level == "major" else "",
                    "interim_measures": "局部停产并加强监测" if level == "major" else "",
                }
                services.assign_plan(hazard=hazard, user=actor, plan=plan)
            elif step == "start":
                services.start_rectifying(hazard=hazard, user=actor)
            elif step == "request":
                evidence = check_upload(demo_photo("RECTIFIED", (40, 130, 60)), "整改后.jpg")
                services.request_acceptance(
                    hazard=hazard, user=actor, evidence=[evidence], reason="已整改完毕"
                )
            elif step == "accept":
                services.accept_hazard(hazard=hazard, user=actor, reason="现场验收合格")
    return created


DEMO_TIPOFFS = [
    # (description, enterprise name or "", address, outcome)
    (
        "煤矿夜间组织超能力生产，井下作业人员超过规定人数，通风不好",
        "山西灵石汾峪煤业有限公司",
        "灵石县",
        "rewarded",
    ),
    ("焦化厂煤气柜附近有人吸烟，无人制止", "灵石县汾峪焦化有限公司", "灵石县", "received"),
    ("广场旁废弃厂房内堆放大量易燃杂物，无人看管", "", "灵石县城区（演示）", "unfounded"),
]


def build_demo_tipoffs(*, enterprises: dict, verifier, regulator, enterprise_user):
    """Tip-offs in each state, a reward the reporter can claim, an exposed case and an
    internal-report reward. Returns (how many tip-offs were created, the code and secret of the
    rewarded one — the secret only when created in this run)."""
    from . import exposure, rewards, tipoffs
    from .models import Reward, TipOff

    created, code, secret = 0, "", ""
    region = verifier.region
    for description, name, address, outcome in DEMO_TIPOFFS:
        existing = TipOff.objects.filter(description=description).first()
        if existing is not None:
            code = code or (existing.code if outcome == "rewarded" else "")
            continue
        tip_off, tip_secret = tipoffs.submit_tip_off(
            data={
                "region": region,
                "enterprise_name": name,
                "address": address,
                "description": description,
                "anonymous": outcome == "rewarded",
                "reporter_name": "演示举报人",
                "reporter_mobile": "13800000000",
                "reporter_is_employee": outcome == "rewarded",
            },
            photos=[check_upload(demo_photo("TIP-OFF", (90, 90, 160)), "举报照片.jpg")],
        )
        created += 1
        if outcome == "unfounded":
            tipoffs.mark_unfounded(
                tip_off=tip_off, user=verifier, reply="经现场核查，该厂房已清理，未发现所述问题。"
            )
        elif outcome == "rewarded":
            code, secret = tip_off.code, tip_secret
            hazard = tipoffs.substantiate(
                tip_off=tip_off,
                user=verifier,
                hazard_data={"enterprise": enterprises[name], "category": "management"},
                reply="经核查属实，已责令整改并立案处罚。",
            )
            services.assign_plan(
                hazard=hazard,
                user=regulator,
                plan={
                    "measures": "核定生产能力，严格入井人数管理（演示）",
                    "responsible_person": "演示责任人",
                    "funds": "10000",
                    "deadline": timezone.localdate() + dt.timedelta(days=10),
                    "contingency": "整改期间限产",
                },
            )
            services.start_rectifying(hazard=hazard, user=regulator)
            evidence = check_upload(demo_photo("RECTIFIED", (40, 130, 60)), "整改后.jpg")
            services.request_acceptance(hazard=hazard, user=regulator, evidence=[evidence])
            services.accept_hazard(hazard=hazard, user=regulator, reason="现场验收合格")
            reward = rewards.propose_tip_off_reward(
                tip_off=tip_off, user=verifier, basis="fine", fine_amount="100000"
            )
            rewards.decide_reward(reward=reward, user=regulator, approve=True)
            exposure.publish_case(
                hazard=hazard,
                user=regulator,
                title="某煤矿超能力组织生产被查处（演示）",
                facts="经群众举报，执法人员核查发现该矿夜间超能力组织生产、井下作业人员超过规定人数。",
                outcome="责令停产整改，依法罚款十万元；整改经验收合格后恢复生产。",
            )
    enterprise = enterprise_user.enterprise
    if not Reward.objects.filter(kind="internal", enterprise=enterprise).exists():
        rewards.set_internal_scheme(
            enterprise=enterprise, user=enterprise_user, general_amount=200, major_amount=2000
        )
        hazard = services.report_hazard(
            user=enterprise_user,
            data={
                "enterprise": enterprise,
                "description": "员工内部报告：主运输巷一处照明灯损坏（演示）",
                "category": "electrical",
                "channel": "internal_report",
            },
        )
        services.verify_hazard(hazard=hazard, user=enterprise_user)
        reward = rewards.propose_internal_reward(
            hazard=hazard, user=enterprise_user, employee_name="演示员工"
        )
        rewards.decide_reward(reward=reward, user=enterprise_user, approve=True)
    return created, code, secret
