"""Trainings, visits, campaigns and activities through the services: totals equal the records,
who may record what, and bad input names the field and saves nothing."""

import datetime as dt
import random
from collections import defaultdict

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.core.choices import UserRole
from anlan.supervision import activities as services
from anlan.supervision.choices import ItemState, TrainingKind
from anlan.supervision.models import (
    Campaign,
    CampaignActivity,
    CampaignItem,
    ExpertVisit,
    TrainingSession,
)
from tests.factories import EnterpriseFactory, make_user, region, township

from .factories_activities import (
    JINZHONG,
    LINGSHI,
    XIYANG,
    make_campaign,
    make_liaison,
    make_training,
    make_unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2026():
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def training_data(**extra):
    return {
        "region": region(LINGSHI),
        "kind": TrainingKind.PRINCIPAL_LECTURE,
        "title": "主要负责人讲安全",
        "date": dt.date(2026, 3, 2),
        "sessions": 2,
        "participants": 80,
        **extra,
    }


def test_training_totals_per_kind_equal_the_records():
    rng = random.Random(7)
    codes = [LINGSHI, XIYANG, township(LINGSHI).code]
    for _ in range(60):
        make_training(
            region_code=rng.choice(codes),
            kind=rng.choice(TrainingKind.values),
            day=dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)),
            sessions=rng.randint(1, 3),
            participants=rng.randint(0, 120),
        )
    start, end = dt.date(2026, 1, 1), dt.date(2026, 7, 1)

    expected = defaultdict(lambda: [0, 0, 0])
    for t in TrainingSession.objects.all():
        if start <= t.date < end and t.region.code.startswith(LINGSHI):
            expected[t.kind][0] += 1
            expected[t.kind][1] += t.sessions
            expected[t.kind][2] += t.participants

    totals = services.training_totals(region(LINGSHI), start, end)
    for kind in TrainingKind.values:
        row = totals[kind]
        assert [row.records, row.sessions, row.participants] == expected.get(kind, [0, 0, 0])
    assert totals.participants == sum(v[2] for v in expected.values())
    # The same figure from a queryset (what a ledger passes) and from the city's subtree.
    assert services.training_totals(TrainingSession.objects.all(), start, end).records == sum(
        1 for t in TrainingSession.objects.all() if start <= t.date < end
    )
    assert services.training_totals(region(JINZHONG), start, end).sessions == sum(
        t.sessions for t in TrainingSession.objects.all() if start <= t.date < end
    )


def test_the_period_end_is_exclusive():
    make_training(day=dt.date(2026, 6, 30), participants=10)
    make_training(day=dt.date(2026, 7, 1), participants=99)
    totals = services.training_totals(region(LINGSHI), dt.date(2026, 6, 1), dt.date(2026, 7, 1))
    assert totals.participants == 10


def test_county_regulator_records_a_training_in_their_county(lingshi_regulator):
    training = services.record_training(user=lingshi_regulator, data=training_data())
    assert training.recorded_by == lingshi_regulator
    assert TrainingSession.objects.visible_to(lingshi_regulator).filter(pk=training.pk).exists()


def test_county_regulator_cannot_record_in_another_county(lingshi_regulator):
    with pytest.raises(ValidationError) as exc:
        services.record_training(user=lingshi_regulator, data=training_data(region=region(XIYANG)))
    assert "region" in exc.value.message_dict
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("participants", -5), ("sessions", -1), ("sessions", 0), ("hours", -2)],
)
def test_a_negative_count_names_the_field_and_saves_nothing(lingshi_regulator, field, value):
    with pytest.raises(ValidationError) as exc:
        services.record_training(user=lingshi_regulator, data=training_data(**{field: value}))
    assert field in exc.value.message_dict
    assert not TrainingSession.objects.exists()


def test_a_training_in_the_future_is_refused(lingshi_regulator):
    with pytest.raises(ValidationError) as exc:
        services.record_training(
            user=lingshi_regulator, data=training_data(date=dt.date(2027, 1, 1))
        )
    assert "date" in exc.value.message_dict


def test_enterprise_safety_manager_records_their_own_enterprises_training(lingshi_mine):
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    other = EnterpriseFactory(region=region(LINGSHI))
    training = services.record_training(
        user=manager,
        data=training_data(region=region(XIYANG), enterprise=other, kind="skills"),
    )
    assert training.enterprise == lingshi_mine
    assert training.region == lingshi_mine.region
    assert list(TrainingSession.objects.visible_to(manager)) == [training]


def test_enterprise_safety_manager_may_not_record_visits_or_activities(lingshi_mine):
    manager = make_user("mine-safety", UserRole.ENTERPRISE_SAFETY, enterprise=lingshi_mine)
    with pytest.raises(PermissionDenied):
        services.record_visit(user=manager, data={"enterprise": lingshi_mine})
    with pytest.raises(PermissionDenied):
        services.record_activity(user=manager, data={})


def test_liaison_records_only_what_their_unit_organised():
    unit = make_unit("应急管理局")
    other = make_unit("教育局")
    liaison = make_liaison(unit=unit)
    training = services.record_training(
        user=liaison, data=training_data(region=region(JINZHONG), organiser=unit)
    )
    assert training.organiser == unit
    for organiser in (other, None):
        with pytest.raises(ValidationError) as exc:
            services.record_training(
                user=liaison, data=training_data(region=region(JINZHONG), organiser=organiser)
            )
        assert "organiser" in exc.value.message_dict
    assert TrainingSession.objects.count() == 1


def test_liaison_without_a_unit_may_not_record():
    liaison = make_liaison("lonely-liaison")
    with pytest.raises(PermissionDenied):
        services.record_training(user=liaison, data=training_data(region=region(JINZHONG)))


def test_township_supervisor_cannot_record_at_the_county_level():
    supervisor = make_user("town-x", UserRole.TOWNSHIP_SUPERVISOR, region=township(LINGSHI))
    with pytest.raises(ValidationError) as exc:
        services.record_training(user=supervisor, data=training_data())
    assert "region" in exc.value.message_dict


def test_civil_affairs_officer_may_not_record_trainings():
    officer = make_user("civil-x", UserRole.CIVIL_AFFAIRS, region=region(LINGSHI))
    assert not services.may_record_any(officer)
    with pytest.raises(PermissionDenied):
        services.record_training(user=officer, data=training_data())


def test_township_supervisor_edits_only_trainings_in_their_township(lingshi_regulator):
    town = township(LINGSHI)
    supervisor = make_user("town-sup", UserRole.TOWNSHIP_SUPERVISOR, region=town)
    own = make_training(region_code=town.code)
    county = make_training(region_code=LINGSHI)
    services.edit_training(user=supervisor, training=own, data={"participants": 66})
    own.refresh_from_db()
    assert own.participants == 66
    with pytest.raises(PermissionDenied):
        services.edit_training(user=supervisor, training=county, data={"participants": 1})
    with pytest.raises(PermissionDenied):
        services.delete_training(user=supervisor, training=county)
    services.delete_training(user=lingshi_regulator, training=county)
    assert not TrainingSession.objects.filter(pk=county.pk).exists()


def test_an_edit_with_a_bad_value_changes_nothing(lingshi_regulator):
    training = make_training(participants=40)
    with pytest.raises(ValidationError) as exc:
        services.edit_training(
            user=lingshi_regulator,
            training=training,
            data={"participants": -1, "title": "改过的标题"},
        )
    assert "participants" in exc.value.message_dict
    training.refresh_from_db()
    assert (training.participants, training.title) == (40, "主要负责人讲安全")


def test_expert_visit_takes_the_enterprises_region(lingshi_regulator, lingshi_mine):
    visit = services.record_visit(
        user=lingshi_regulator,
        data={
            "enterprise": lingshi_mine,
            "domain": "mining",
            "date": dt.date(2026, 5, 6),
            "experts": "张专家、李专家",
            "problems_found": 4,
        },
    )
    assert visit.region == lingshi_mine.region
    totals = services.visit_totals(ExpertVisit.objects.all())
    assert (totals["mining"].records, totals["mining"].participants) == (1, 4)


def test_expert_visit_outside_the_jurisdiction_is_refused(lingshi_regulator, yuncheng_plant):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(
            user=lingshi_regulator,
            data={
                "enterprise": yuncheng_plant,
                "domain": "dust",
                "date": dt.date(2026, 5, 6),
                "experts": "张专家",
                "problems_found": -3,
            },
        )
    assert "problems_found" in exc.value.message_dict
    assert not ExpertVisit.objects.exists()


def test_campaign_end_before_start_names_the_end(city_admin):
    with pytest.raises(ValidationError) as exc:
        services.create_campaign(
            user=city_admin,
            data={
                "region": region(JINZHONG),
                "title": "安全生产月",
                "start": dt.date(2026, 6, 30),
                "end": dt.date(2026, 6, 1),
            },
        )
    assert "end" in exc.value.message_dict
    assert not Campaign.objects.exists()


def test_campaign_with_numbered_items_and_responsible_units(city_admin):
    unit = make_unit("应急管理局")
    campaign = services.create_campaign(
        user=city_admin,
        data={
            "region": region(JINZHONG),
            "title": "安全生产月",
            "start": dt.date(2026, 6, 1),
            "end": dt.date(2026, 6, 30),
        },
        items=[
            {"title": "安全宣传咨询日", "units": [unit]},
            {"title": "主要负责人讲安全", "progress": 100},
        ],
    )
    items = list(campaign.items.order_by("number"))
    assert [i.number for i in items] == [1, 2]
    assert list(items[0].units.all()) == [unit]
    assert items[1].state == ItemState.DONE
    assert services.campaign_progress(campaign) == 50


def test_a_bad_item_saves_no_campaign(city_admin):
    with pytest.raises(ValidationError) as exc:
        services.create_campaign(
            user=city_admin,
            data={
                "region": region(JINZHONG),
                "title": "安全生产月",
                "start": dt.date(2026, 6, 1),
                "end": dt.date(2026, 6, 30),
            },
            items=[{"title": "好的"}, {"title": "坏的", "progress": 140}],
        )
    assert "progress" in exc.value.message_dict
    assert not Campaign.objects.exists()
    assert not CampaignItem.objects.exists()


def test_progress_over_100_names_the_field_and_changes_nothing(city_admin):
    campaign = make_campaign()
    item = CampaignItem.objects.create(
        campaign=campaign, number=1, title="咨询日", progress=30, state=ItemState.IN_PROGRESS
    )
    with pytest.raises(ValidationError) as exc:
        services.update_progress(user=city_admin, item=item, progress=120)
    assert "progress" in exc.value.message_dict
    item.refresh_from_db()
    assert item.progress == 30


def test_progress_moves_the_state_and_a_responsible_liaison_may_report_it(city_admin):
    unit = make_unit("教育局")
    liaison = make_liaison(unit=unit)
    outsider = make_liaison("other-liaison", unit=make_unit("公安局"))
    campaign = make_campaign()
    item = CampaignItem.objects.create(campaign=campaign, number=1, title="进学校")
    item.units.add(unit)
    item = services.update_progress(user=liaison, item=item, progress=40, note="已进 12 所学校")
    assert (item.state, item.progress_note) == (ItemState.IN_PROGRESS, "已进 12 所学校")
    item = services.update_progress(user=liaison, item=item, progress=100)
    assert item.state == ItemState.DONE
    with pytest.raises(ValidationError) as exc:
        services.update_progress(user=city_admin, item=item, progress=50, state="done")
    assert "progress" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.update_progress(user=outsider, item=item, progress=10)


def test_county_regulator_may_not_change_the_citys_campaign(lingshi_regulator):
    campaign = make_campaign()
    assert Campaign.objects.visible_to(lingshi_regulator).filter(pk=campaign.pk).exists()
    with pytest.raises(PermissionDenied):
        services.edit_campaign(user=lingshi_regulator, campaign=campaign, data={"title": "x"})


def test_activity_counts_and_the_campaign_dates(lingshi_regulator):
    campaign = make_campaign()
    activity = services.record_activity(
        user=lingshi_regulator,
        data={
            "campaign": campaign,
            "region": region(LINGSHI),
            "kind": "into_schools",
            "title": "安全教育进校园",
            "date": dt.date(2026, 6, 10),
            "events": 3,
            "participants": 900,
            "materials": 1200,
        },
    )
    totals = services.activity_totals(CampaignActivity.objects.filter(campaign=campaign))
    assert (totals["into_schools"].sessions, totals["into_schools"].participants) == (3, 900)
    assert activity.recorded_by == lingshi_regulator
    for bad, field in (
        ({"date": dt.date(2026, 7, 10)}, "date"),
        ({"events": 0}, "events"),
        ({"participants": -1}, "participants"),
        ({"materials": -10}, "materials"),
    ):
        data = {
            "campaign": campaign,
            "region": region(LINGSHI),
            "kind": "open_class",
            "title": "公开课",
            "date": dt.date(2026, 6, 11),
            **bad,
        }
        with pytest.raises(ValidationError) as exc:
            services.record_activity(user=lingshi_regulator, data=data)
        assert field in exc.value.message_dict
    assert CampaignActivity.objects.count() == 1
