import pytest

from anlan.core.models import Region


@pytest.mark.django_db
def test_shanxi_ships_with_its_11_cities_and_117_counties():
    assert Region.objects.filter(level="city", parent__code="140000").count() == 11
    assert Region.objects.filter(level="county").count() == 117
    lingshi = Region.objects.get(code="140729")
    assert lingshi.name == "灵石县" and lingshi.parent.name == "晋中市"
    assert Region.objects.get(code="141181").name == "孝义市"


@pytest.mark.django_db
def test_a_city_subtree_holds_its_counties_only():
    jinzhong = Region.objects.get(code="140700")
    names = set(Region.objects.subtree(jinzhong).values_list("name", flat=True))
    assert "灵石县" in names and "昔阳县" in names
    assert "盐湖区" not in names


@pytest.mark.django_db
def test_region_codes_must_fit_their_parent():
    from django.core.exceptions import ValidationError

    lingshi = Region.objects.get(code="140729")
    bad = Region(code="140802101", name="错镇", level="township", parent=lingshi)
    with pytest.raises(ValidationError) as exc:
        bad.full_clean()
    assert "code" in exc.value.message_dict
