"""Data for the fault tests, created in a subprocess against the servers' own database
(``python -m tests.faults.setup_data SCENARIO [N]``, DJANGO_SETTINGS_MODULE=anlan.settings);
prints one line of JSON with what the test needs."""

import json
import sys

import django


def base():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from anlan.core.models import Region

    if not Region.objects.filter(code="140729").exists():  # flushed by a transactional test
        from tests.factories import reseed_migration_data

        reseed_migration_data()


def make_user(username, role, **fields):
    """A user without a password (the production hasher is slow on purpose; these users
    authenticate with API tokens or not at all)."""
    from anlan.core.models import User

    user = User(username=username, role=role, display_name=username, **fields)
    user.set_unusable_password()
    user.save()
    return user


def reporters() -> dict:
    """An enterprise user with an API token (reports hazards), and the county regulator who is
    told of each report (by e-mail too)."""
    from anlan.core.choices import UserRole
    from anlan.core.models import ApiToken, Region
    from anlan.registry.models import Enterprise
    from tests.factories import make_uscc

    county = Region.objects.get(code="140729")
    enterprise = Enterprise.objects.create(
        name="故障测试煤业（演示）",
        uscc=make_uscc(county.code, n=987654),
        industry="coal_mine",
        region=county,
        address="-",
        headcount=10,
    )
    reporter = make_user("fault-reporter", UserRole.ENTERPRISE_SAFETY, enterprise=enterprise)
    make_user(
        "fault-regulator", UserRole.COUNTY_REGULATOR, region=county, email="regulator@example.cn"
    )
    _token, raw = ApiToken.issue(user=reporter, name="faults")
    return {"token": raw, "enterprise": enterprise.pk}


def deadlines(count: int) -> dict:
    """``count`` hazards under rectification due tomorrow, spread over 20 enterprises whose
    user has an e-mail address: the daily deadline job reminds each user once per hazard."""
    import datetime as dt

    from anlan.core.choices import UserRole
    from anlan.core.models import Region
    from anlan.hazards.choices import HazardStatus
    from anlan.hazards.models import Hazard, local_today
    from anlan.registry.models import Enterprise
    from tests.factories import make_uscc

    county = Region.objects.get(code="140729")
    enterprises = []
    for i in range(20):
        enterprise = Enterprise.objects.create(
            name=f"故障测试企业{i}（演示）",
            uscc=make_uscc(county.code, n=900000 + i),
            industry="coal_mine",
            region=county,
            address="-",
            headcount=10,
        )
        make_user(
            f"fault-owner-{i}",
            UserRole.ENTERPRISE_SAFETY,
            enterprise=enterprise,
            email=f"o{i}@example.cn",
        )
        enterprises.append(enterprise)
    due = local_today() + dt.timedelta(days=1)
    hazards = Hazard.objects.bulk_create(
        Hazard(
            enterprise=enterprises[i % 20],
            region=county,
            description=f"故障测试隐患 {i}",
            category="equipment",
            channel="self_inspection",
            status=HazardStatus.RECTIFYING,
            deadline=due,
            code=f"YHFAULT{i:06d}",
        )
        for i in range(count)
    )
    return {"hazards": len(hazards)}


if __name__ == "__main__":
    django.setup()
    base()
    scenario = sys.argv[1]
    if scenario == "reporters":
        result = reporters()
    elif scenario == "deadlines":
        result = deadlines(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    print(json.dumps(result))  # noqa: T201 (the test reads this line)
