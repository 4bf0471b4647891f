"""Checklists built from the standards, inspections filled item by item, failed items becoming
graded and cited hazards, the coverage report and inspection plans — through services, pages,
API and CLI."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from anlan.core.choices import UserRole
from anlan.hazards.models import Hazard
from anlan.inspections import coverage as cov
from anlan.inspections import services
from anlan.inspections.models import (
    ChecklistTemplate,
    Clause,
    Inspection,
    InspectionStatus,
    InspectionTask,
)
from anlan.registry.choices import EnterpriseIndustry
from anlan.registry.models import RiskFlag

from ..factories import LINGSHI, YANHU, EnterpriseFactory, make_user, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def casting_plant(db):
    plant = EnterpriseFactory(
        name="灵石铝业深井铸造", region=region(LINGSHI), industry=EnterpriseIndustry.NON_FERROUS
    )
    plant.risk_flags.add(RiskFlag.objects.get_or_create(code="deep_well_casting")[0])
    return plant


@pytest.fixture
def dust_plant(db):
    plant = EnterpriseFactory(
        name="灵石粉尘机械厂", region=region(LINGSHI), industry=EnterpriseIndustry.MACHINERY
    )
    plant.risk_flags.add(RiskFlag.objects.get_or_create(code="dust_explosion")[0])
    return plant


def shipped(name):
    return ChecklistTemplate.objects.get(name=name)


def fill(inspection, user, fail_orders=(), *, note="现场发现问题"):
    for answer in inspection.answers.select_related("item"):
        result = "fail" if answer.item.order in fail_orders else "pass"
        services.answer(
            inspection=inspection,
            user=user,
            item_id=answer.item_id,
            result=result,
            note=note if result == "fail" else "",
        )


def test_shipped_checklists_cover_the_fifteen_key_trades():
    names = set(ChecklistTemplate.objects.values_list("name", flat=True))
    assert len(names) >= 15
    dust = shipped("粉尘涉爆").current
    cited = [i.clause_id for i in dust.items.all() if i.clause_id]
    assert cited and all(c.startswith("gm2023-11-") for c in cited)
    casting = shipped("有色金属（铝深井铸造）").current
    assert any((i.clause_id or "").startswith("gm2023-5-") for i in casting.items.all())
    venue = shipped("人员密集场所").current
    assert venue.items.count() >= 3  # general items where no determination standard applies


def test_a_checklist_item_needs_a_clause_or_a_text_and_a_real_clause(city_admin):
    with pytest.raises(ValidationError) as exc:
        services.create_checklist(
            user=city_admin,
            name="坏清单",
            from_standards=False,
            extra_items=[{"clause": "", "text": ""}, {"clause": "no-such-clause"}],
        )
    assert set(exc.value.message_dict) == {"items.1.text", "items.2.clause"}
    assert not ChecklistTemplate.objects.filter(name="坏清单").exists()


def test_editing_a_checklist_makes_a_new_version_and_inspections_keep_theirs(
    city_admin, lingshi_regulator, dust_plant
):
    template = shipped("粉尘涉爆")
    first = template.current
    inspection = services.start_inspection(
        user=lingshi_regulator, enterprise=dust_plant, kind="law_enforcement", template=template
    )
    items = [{"clause": i.clause_id or "", "text": i.text} for i in first.items.all()][:-1]
    items.append({"text": "新增：除尘器泄爆口朝向安全区域"})
    second = services.revise_checklist(
        template=template, user=city_admin, items=items, note="增加一项"
    )
    assert second.number == first.number + 1
    inspection.refresh_from_db()
    assert inspection.checklist == first
    assert inspection.answers.count() == first.items.count()
    with pytest.raises(PermissionDenied):
        services.revise_checklist(
            template=template,
            user=make_user("e", UserRole.ENTERPRISE_SAFETY, enterprise=dust_plant),
            items=items,
        )


def test_completing_makes_graded_cited_hazards_from_failed_items(lingshi_regulator, dust_plant):
    template = shipped("粉尘涉爆")
    inspection = services.start_inspection(
        user=lingshi_regulator, enterprise=dust_plant, kind="law_enforcement", template=template
    )
    items = list(inspection.checklist.items.order_by("order"))
    clause_item = next(i for i in items if i.clause_id)
    general_item = next(i for i in items if not i.clause_id)
    with pytest.raises(ValidationError) as exc:  # unanswered items
        services.complete_inspection(inspection=inspection, user=lingshi_regulator)
    assert "answers" in exc.value.message_dict
    assert not Hazard.objects.exists()
    fill(inspection, lingshi_regulator, fail_orders={clause_item.order, general_item.order})
    hazards = services.complete_inspection(inspection=inspection, user=lingshi_regulator)
    assert len(hazards) == 2
    major = next(h for h in hazards if h.level == "major")
    general = next(h for h in hazards if h.level == "general")
    assert list(major.clauses.values_list("pk", flat=True)) == [clause_item.clause_id]
    assert "第十一条" in major.basis and major.channel == "law_enforcement"
    assert general.clauses.count() == 0
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED
    with pytest.raises(PermissionDenied):  # a completed inspection is closed
        services.answer(
            inspection=inspection, user=lingshi_regulator, item_id=clause_item.pk, result="pass"
        )


def test_an_enterprise_records_only_its_own_self_inspections(dust_plant, yuncheng_plant):
    manager = make_user("dust-safety", UserRole.ENTERPRISE_SAFETY, enterprise=dust_plant)
    template = shipped("粉尘涉爆")
    with pytest.raises(ValidationError) as exc:
        services.start_inspection(
            user=manager, enterprise=dust_plant, kind="law_enforcement", template=template
        )
    assert "kind" in exc.value.message_dict
    inspection = services.start_inspection(
        user=manager, enterprise=dust_plant, kind="self", template=template
    )
    fill(inspection, manager, fail_orders={1})
    (hazard,) = services.complete_inspection(inspection=inspection, user=manager)
    assert hazard.channel == "self_inspection"
    with pytest.raises(PermissionDenied):
        services.start_inspection(
            user=manager, enterprise=yuncheng_plant, kind="self", template=template
        )


def test_bad_inspection_input_is_named(lingshi_regulator, dust_plant):
    with pytest.raises(ValidationError) as exc:
        services.start_inspection(
            user=lingshi_regulator,
            enterprise=dust_plant,
            kind="mutual",
            template=shipped("粉尘涉爆"),
            inspected_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert {"inspected_on", "peer"} <= set(exc.value.message_dict)
    assert not Inspection.objects.exists()


def test_coverage_shows_who_had_no_self_inspection(lingshi_regulator, dust_plant, casting_plant):
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    manager = make_user("dust-safety", UserRole.ENTERPRISE_SAFETY, enterprise=dust_plant)
    inspection = services.start_inspection(
        user=manager,
        enterprise=dust_plant,
        kind="self",
        template=shipped("粉尘涉爆"),
        inspected_on=last_month,
    )
    fill(inspection, manager)
    services.complete_inspection(inspection=inspection, user=manager)
    start, end = services.month_bounds(None)
    report = cov.coverage(lingshi_regulator, start, end)
    without_self = {r.enterprise.pk for r in cov.missing(report, "self")}
    assert dust_plant.pk not in without_self and casting_plant.pk in without_self
    assert report.totals["self"] == 1


def test_coverage_page_api_export_and_cli(client, lingshi_regulator, dust_plant, tmp_path):
    client.force_login(lingshi_regulator)
    page = client.get("/inspections/coverage/", {"missing": "self"})
    assert page.status_code == 200 and dust_plant.name in page.content.decode()
    assert (
        client.get("/inspections/coverage/", {"month": "2026-13"}).status_code == 200
    )  # error shown
    api = client.get("/api/inspections/coverage", {"month": "2026-10"})
    assert api.status_code == 200 and api.json()["start"] == "2026-10-01"
    assert client.get("/api/inspections/coverage", {"month": "oops"}).status_code == 422
    export = client.get("/inspections/coverage/export.xlsx")
    assert load_workbook(io.BytesIO(export.content)).active.max_row >= 2
    out = io.StringIO()
    call_command(
        "inspections_coverage",
        "--region",
        LINGSHI,
        "--missing",
        "self",
        "--user",
        lingshi_regulator.username,
        stdout=out,
    )
    assert dust_plant.name in out.getvalue()


def test_inspection_pages_and_api_run_an_inspection(client, lingshi_regulator, casting_plant):
    client.force_login(lingshi_regulator)
    template = shipped("有色金属（铝深井铸造）")
    form = client.get("/inspections/new/", {"enterprise": casting_plant.pk})
    assert template.name in form.content.decode()
    response = client.post(
        "/inspections/new/",
        {
            "enterprise": casting_plant.pk,
            "kind": "law_enforcement",
            "template": template.pk,
            "inspectors": "张伟",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/inspections/{inspection.pk}/"
    )
    answers = {f"result_{a.item_id}": "pass" for a in inspection.answers.all()}
    article5 = inspection.answers.filter(item__clause__article=5).order_by("item__order").first()
    answers[f"result_{article5.item_id}"] = "fail"
    answers[f"note_{article5.item_id}"] = "无应急水源"
    client.post(f"/inspections/{inspection.pk}/", {**answers, "complete": "1"})
    inspection.refresh_from_db()
    assert inspection.status == "completed"
    hazard = Hazard.objects.get()
    assert "无应急水源" in hazard.description
    # In the ledger, graded 重大 and citing Decree No. 10 Article 5.
    assert hazard.level == "major" and "第五条" in hazard.basis
    assert list(hazard.clauses.values_list("pk", flat=True)) == [article5.item.clause_id]
    ledger = client.get("/hazards/", {"level": "major"}).content.decode()
    assert hazard.code in ledger
    page = client.get(f"/hazards/{hazard.pk}/").content.decode()
    assert "第五条" in page and f"#{article5.item.clause_id}" in page
    assert client.get(f"/api/hazards/{hazard.pk}").json()["clauses"] == [article5.item.clause_id]
    detail = client.get(f"/api/inspections/{inspection.pk}").json()
    assert detail["status"] == "completed"
    assert client.get(f"/api/inspections/{inspection.pk + 99}").status_code == 404


def test_api_start_answer_complete_and_errors(
    client, lingshi_regulator, dust_plant, yanhu_regulator
):
    client.force_login(lingshi_regulator)
    template = shipped("粉尘涉爆")
    created = client.post(
        "/api/inspections",
        {"enterprise": dust_plant.pk, "kind": "department_patrol", "checklist": template.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    answers = [{"item": a["item"], "result": "pass"} for a in body["answers"]]
    answers[0]["result"] = "fail"
    client.post(
        f"/api/inspections/{body['id']}/answers",
        {"answers": answers},
        content_type="application/json",
    )
    done = client.post(f"/api/inspections/{body['id']}/complete")
    assert done.status_code == 200 and len(done.json()["hazards"]) == 1
    again = client.post(f"/api/inspections/{body['id']}/complete")
    assert again.status_code == 403
    bad = client.post(
        "/api/checklists",
        {"name": "x", "extra_items": [{"clause": "nope"}]},
        content_type="application/json",
    )
    assert bad.status_code in (403, 422)
    client.force_login(yanhu_regulator)
    assert client.get(f"/api/inspections/{body['id']}").status_code == 404


def test_plans_generate_one_task_per_enterprise_per_period(
    lingshi_regulator, dust_plant, casting_plant
):
    plan = services.create_plan(
        user=lingshi_regulator,
        data={
            "name": "月度执法检查",
            "kind": "law_enforcement",
            "template": shipped("粉尘涉爆"),
            "region": region(LINGSHI),
            "frequency": "monthly",
        },
    )
    first = services.generate_tasks()
    assert first >= 2 and services.generate_tasks() == 0
    task = InspectionTask.objects.get(plan=plan, enterprise=dust_plant)
    assert task.due_on.month == timezone.localdate().month
    inspection = services.start_inspection(
        user=lingshi_regulator,
        enterprise=dust_plant,
        kind="law_enforcement",
        template=plan.template,
        task=task,
    )
    assert task.inspection == inspection
    with pytest.raises(PermissionDenied):
        services.create_plan(
            user=lingshi_regulator,
            data={
                "name": "越界",
                "kind": "law_enforcement",
                "template": plan.template,
                "region": region(YANHU),
                "frequency": "monthly",
            },
        )


def test_checklist_pages(client, city_admin):
    client.force_login(city_admin)
    assert client.get("/inspections/checklists/").status_code == 200
    template = shipped("涉氨制冷")
    assert client.get(f"/inspections/checklists/{template.pk}/").status_code == 200
    response = client.post(
        "/inspections/checklists/new/",
        {"name": "有限空间专项", "flags": ["confined_space"], "extra": "作业审批单齐全"},
    )
    assert response.status_code == 302
    created = ChecklistTemplate.objects.get(name="有限空间专项")
    texts = [i.text for i in created.current.items.all()]
    assert "作业审批单齐全" in texts and any(i.clause_id for i in created.current.items.all())
    edit = client.post(
        f"/inspections/checklists/{created.pk}/edit/",
        {"clause_0": "", "text_0": "只留一项", "note": "精简"},
    )
    assert edit.status_code == 302
    assert created.current.number == 2 and created.current.items.count() == 1
    assert Clause.objects.exists()
