import pytest
from django.urls import reverse

from anlan.core.models import Region
from anlan.hazards import services
from anlan.hazards.duplicates import possible_duplicates, similarity

from ..factories import township

pytestmark = pytest.mark.django_db


def test_similar_chinese_texts_score_high_and_different_ones_low():
    assert similarity("井下皮带机头未设置防护罩", "皮带机头没有设置防护罩") >= 0.5
    assert similarity("井下皮带机头未设置防护罩", "消防通道被杂物堵塞") < 0.1
    assert similarity("", "任何文字") == 0.0


def _report(user, **data):
    base = {"category": "equipment", "channel": "grid_member"}
    return services.report_hazard(user=user, data={**base, **data})


def test_a_similar_report_of_the_same_enterprise_is_flagged(
    lingshi_regulator, lingshi_mine, yuncheng_plant
):
    first = _report(
        lingshi_regulator, enterprise=lingshi_mine, description="主井皮带机头未设置防护罩"
    )
    unrelated = _report(
        lingshi_regulator, enterprise=lingshi_mine, description="消防通道被杂物堵塞"
    )
    second = _report(
        lingshi_regulator, enterprise=lingshi_mine, description="主井皮带机头没有防护罩"
    )
    found = possible_duplicates(second, user=lingshi_regulator)
    assert [c.hazard for c in found] == [first]
    assert unrelated not in [c.hazard for c in found]


def test_public_places_are_compared_by_place_and_distance(lingshi_regulator):
    town = township()
    village = Region.objects.create(
        code=town.code + "201", name="测试村", level="village", parent=town
    )
    near = {"latitude": "36.850000", "longitude": "111.780000"}
    far = {"latitude": "36.950000", "longitude": "111.880000"}
    first = _report(
        lingshi_regulator,
        place_name="村文化活动室",
        region=village,
        description="安全出口堵塞",
        **near,
    )
    close = _report(
        lingshi_regulator,
        place_name="村文化活动室",
        region=village,
        description="安全出口被堵塞",
        **near,
    )
    away = _report(
        lingshi_regulator,
        place_name="村文化活动室",
        region=village,
        description="安全出口被堵塞",
        **far,
    )
    assert [c.hazard for c in possible_duplicates(close, user=lingshi_regulator)][:1] == [first]
    assert first not in [c.hazard for c in possible_duplicates(away, user=lingshi_regulator)]


def test_the_verifier_sees_the_flag_and_merges_in_one_click(
    client, lingshi_regulator, lingshi_mine
):
    first = _report(
        lingshi_regulator, enterprise=lingshi_mine, description="主井皮带机头未设置防护罩"
    )
    second = _report(
        lingshi_regulator, enterprise=lingshi_mine, description="主井皮带机头没有防护罩"
    )
    client.force_login(lingshi_regulator)
    page = client.get(reverse("hazards:detail", args=[second.pk])).content.decode()
    assert 'data-testid="possible-duplicates"' in page and first.code in page
    client.post(reverse("hazards:action", args=[second.pk, "merge"]), {"into": first.code})
    second.refresh_from_db()
    assert second.status == "merged" and second.duplicate_of == first
    api = client.get(f"/api/hazards/{first.pk}/possible-duplicates").json()
    assert api == []  # the merged report is no longer open
