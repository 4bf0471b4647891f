"""An inspector completes the dust-explosion checklist on a phone-sized page; two items fail and
two hazards appear — one 重大 citing Decree No. 10 Article 11, one 一般. The county's coverage
report then shows which enterprises had no self-inspection."""

import pytest
from playwright.sync_api import expect

from anlan.core.choices import UserRole
from anlan.hazards.models import Hazard
from anlan.inspections.models import ChecklistTemplate, Inspection
from anlan.inspections.seed import seed_checklists
from anlan.registry.choices import EnterpriseIndustry
from anlan.registry.models import RiskFlag

from ..factories import LINGSHI, EnterpriseFactory, make_user, region
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dust_checklist_on_a_phone_makes_a_major_and_a_general_hazard(phone, live_server, people):  # noqa: F811
    from django.core.management import call_command

    call_command("standards", "load", verbosity=0)
    seed_checklists()
    plant = EnterpriseFactory(
        name="灵石粉尘木业（演示）",
        region=region(LINGSHI),
        industry=EnterpriseIndustry.LIGHT_INDUSTRY,
    )
    plant.risk_flags.add(RiskFlag.objects.get_or_create(code="dust_explosion")[0])
    officer = make_user("county-dust", UserRole.COUNTY_REGULATOR, region=region(LINGSHI))
    template = ChecklistTemplate.objects.get(name="粉尘涉爆")
    items = list(template.current.items.order_by("order"))
    clause_item = next(i for i in items if i.clause_id)
    general_item = next(i for i in items if not i.clause_id)

    page = phone
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/inspections/new/?enterprise={plant.pk}")
    page.select_option("#kind", "law_enforcement")
    page.select_option("#template", str(template.pk))
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("inspection-status")).to_have_text("检查中")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for item in items:
        result = "fail" if item in (clause_item, general_item) else "pass"
        page.click(f"label[for=r{item.pk}{result}]")
    page.fill(f"input[name=note_{clause_item.pk}]", "除尘器无泄爆装置")
    page.fill(f"input[name=note_{general_item.pk}]", "隐患台账未建立")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button[name=complete]")
    expect(page.get_by_test_id("inspection-status")).to_have_text("已完成")
    expect(page.get_by_test_id("hazards")).to_contain_text("重大")
    hazards = Hazard.objects.order_by("pk")
    assert [h.level for h in hazards].count("major") == 1 and hazards.count() == 2
    major = hazards.get(level="major")
    assert "应急管理部令第10号" in major.basis and "第十一条" in major.basis
    assert Inspection.objects.get().status == "completed"

    page.goto(f"{live_server.url}/inspections/coverage/?missing=self&region={LINGSHI}")
    expect(page.get_by_test_id("coverage-rows")).to_contain_text(plant.name)
