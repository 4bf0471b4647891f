"""Loading the GB/T 2260 division table shipped with Anlan."""

from __future__ import annotations

import csv
from pathlib import Path

from .choices import REGION_PREFIX_LENGTH, RegionLevel

SHANXI_CSV = Path(__file__).with_name("data") / "regions-shanxi.csv"


def read_region_rows(path: Path = SHANXI_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def full_name_of(name: str, level: str, parent) -> str:
    """A region's name after its ancestors' from the city down (the province is left out), e.g.
    晋中市灵石县. Works with historical models in migrations too."""
    if level == RegionLevel.PROVINCE:
        return name
    if parent is None or parent.level == RegionLevel.PROVINCE:
        return name
    return parent.full_name + name


def load_regions(region_model, rows: list[dict[str, str]]) -> int:
    """Create or update regions from rows of (code, name, level, parent_code); parents first.

    Takes the model as an argument so that data migrations can pass their historical model.
    Returns the number of regions created.
    """
    depth = {level.value: i for i, level in enumerate(RegionLevel)}
    # Early migrations run this on a Region model that has no full_name column yet.
    has_full_name = any(f.name == "full_name" for f in region_model._meta.fields)
    by_code = {r.code: r for r in region_model.objects.all()}
    created = 0
    for row in sorted(rows, key=lambda r: (depth[r["level"]], r["code"])):
        code, level = row["code"].strip(), row["level"].strip()
        parent = by_code.get(row["parent_code"].strip()) if row.get("parent_code") else None
        prefix = code[: REGION_PREFIX_LENGTH[RegionLevel(level)]]
        region = by_code.get(code)
        full_name = full_name_of(row["name"].strip(), level, parent) if has_full_name else ""
        if region is None:
            extra = {"full_name": full_name} if has_full_name else {}
            region = region_model.objects.create(
                code=code,
                name=row["name"].strip(),
                level=level,
                parent=parent,
                prefix=prefix,
                **extra,
            )
            by_code[code] = region
            created += 1
        elif (region.name, region.parent_id, getattr(region, "full_name", "")) != (
            row["name"].strip(),
            getattr(parent, "pk", None),
            full_name,
        ):
            region.name = row["name"].strip()
            region.parent = parent
            fields = ["name", "parent"]
            if has_full_name:
                region.full_name = full_name
                fields.append("full_name")
            region.save(update_fields=fields)
    return created
