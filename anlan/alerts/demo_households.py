"""Demo vulnerable households: a dozen clearly fictional households (示例户·… , addresses marked
虚构) spread over the demo's villages. Loading twice adds nothing (the fingerprint matches)."""

from __future__ import annotations

from anlan.core.choices import RegionLevel

from .choices import CheckGroup, HouseholdCategory
from .households import fingerprint
from .models.households import Household

C, F, H = CheckGroup.COLD, CheckGroup.FLOOD, CheckGroup.HEAT
RELAPSE = HouseholdCategory.RELAPSE_MONITORED
ALONE = HouseholdCategory.ELDERLY_ALONE
DISABLED = HouseholdCategory.DISABLED
CHILD = HouseholdCategory.LEFT_BEHIND_CHILD
OTHER = HouseholdCategory.OTHER

# (head of household, categories, check for, people, needs)
HOUSEHOLDS = (
    ("示例户·张某", [ALONE], [C, H], 1, "独居，冬季需送煤、检查炉具通风（虚构）"),
    ("示例户·李某", [RELAPSE], [C, F], 4, "防返贫监测户，房屋老旧（虚构）"),
    ("示例户·王某", [DISABLED], [C, F, H], 2, "行动不便，需协助转移（虚构）"),
    ("示例户·赵某", [ALONE, DISABLED], [C], 1, "独居，听力差，需上门告知（虚构）"),
    ("示例户·刘某", [CHILD], [F], 3, "留守儿童与祖父母同住（虚构）"),
    ("示例户·陈某", [RELAPSE], [F], 5, "住房临河低洼处（虚构）"),
    ("示例户·杨某", [ALONE], [C, H], 1, "独居高龄，需每日电话问候（虚构）"),
    ("示例户·黄某", [DISABLED], [H], 2, "慢性病，高温时需防暑药品（虚构）"),
    ("示例户·周某", [RELAPSE, CHILD], [C, F], 4, "取暖设备不足（虚构）"),
    ("示例户·吴某", [ALONE], [C], 1, "窑洞居住，注意一氧化碳（虚构）"),
    ("示例户·徐某", [OTHER], [F], 3, "房屋靠近山坡（虚构）"),
    ("示例户·孙某", [ALONE, RELAPSE], [C, F, H], 1, "独居，无手机（虚构）"),
)


def load(*, regions_by_code, created_by) -> list[Household]:
    """Create the demo households in the villages among ``regions_by_code`` (code → Region);
    returns the households created (none if there is no village, or if already loaded)."""
    villages = sorted(
        (r for r in regions_by_code.values() if r.level == RegionLevel.VILLAGE),
        key=lambda r: r.code,
    )
    if not villages:
        return []
    created = []
    for n, (name, categories, check_for, people, needs) in enumerate(HOUSEHOLDS):
        village = villages[n % len(villages)]
        address = f"{village.name}{n + 1}号（虚构地址）"
        fp = fingerprint(village.code, name, address)
        if Household.objects.filter(fingerprint=fp).exists():
            continue
        household = Household(
            region=village,
            categories=[str(c) for c in categories],
            check_for=[str(c) for c in check_for],
            people=people,
            fingerprint=fp,
            created_by=created_by,
        )
        household.set_personal(
            {
                "head_name": name,
                "address": address,
                "contact_name": f"{name}家属（虚构）",
                "phone": f"139000{n:05d}",
                "needs": needs,
            }
        )
        household.save()
        created.append(household)
    return created
