import pytest

from anlan.core.choices import UserRole
from anlan.registry.models import Enterprise
from anlan.rescue.models import Team

from ..factories import LINGSHI, YANHU, make_user, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def lingshi_squad(db):
    return Team.objects.create(
        name="灵石县矿山救援中队", kind="county_squad", region=region(LINGSHI), headcount=22
    )


def test_a_team_commander_sees_the_enterprises_of_the_area_the_team_serves(
    lingshi_squad, lingshi_mine, yuncheng_plant
):
    commander = make_user("commander", UserRole.RESCUE_COMMANDER, team=lingshi_squad)
    assert list(Enterprise.objects.visible_to(commander)) == [lingshi_mine]
    assert list(Team.objects.visible_to(commander)) == [lingshi_squad]


def test_regulators_see_the_teams_of_their_jurisdiction_only(
    lingshi_squad, lingshi_regulator, yanhu_regulator
):
    Team.objects.create(name="盐湖区救援队", kind="social", region=region(YANHU))
    assert [t.name for t in Team.objects.visible_to(lingshi_regulator)] == ["灵石县矿山救援中队"]
    assert [t.name for t in Team.objects.visible_to(yanhu_regulator)] == ["盐湖区救援队"]


def test_a_commander_needs_a_team():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make_user("no-team", UserRole.RESCUE_COMMANDER)
    assert "team" in exc.value.message_dict
