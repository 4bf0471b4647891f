"""One table of every benchmark's figures for `make bench`.

Each bench script calls ``record()`` for its headline figures (as well as printing its own
report); with ``BENCH_RESULTS=FILE`` set they are appended to FILE as JSON lines, and
``python bench/benchtable.py FILE`` prints them as one table: benchmark, figure, database,
value, baseline, ratio and aim. Without ``BENCH_RESULTS`` ``record()`` does nothing."""

from __future__ import annotations

import json
import os
import sys


def _database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    return "PostgreSQL" if url.startswith(("postgres", "postgresql")) else "SQLite"


def record(
    bench: str,
    figure: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_name: str = "",
    aim: str = "",
    database: str | None = None,
) -> None:
    """Note one figure of ``bench`` (value in ``unit``; the baseline in the same unit)."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {
        "bench": bench,
        "figure": figure,
        "database": database or _database(),
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "baseline_name": baseline_name,
        "aim": aim,
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = (
        f"{value:,.0f}"
        if abs(value) >= 100
        else f"{value:,.2f}"
        if abs(value) < 10
        else f"{value:,.1f}"
    )
    return f"{text} {unit}"


def table(rows: list[dict]) -> str:
    head = ("benchmark", "figure", "database", "value", "baseline", "ratio", "aim")
    lines = [head]
    for r in rows:
        ratio = f"{r['value'] / r['baseline']:.2f}" if r.get("baseline") not in (None, 0) else "—"
        baseline = _number(r.get("baseline"), r["unit"])
        if r.get("baseline_name") and r.get("baseline") is not None:
            baseline = f"{baseline} ({r['baseline_name']})"
        lines.append(
            (
                r["bench"],
                r["figure"],
                r["database"],
                _number(r["value"], r["unit"]),
                baseline,
                ratio,
                r.get("aim") or "—",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python bench/benchtable.py RESULTS.jsonl", file=sys.stderr)  # noqa: T201
        return 2
    try:
        with open(argv[0], encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        print(f"no benchmark results in {argv[0]}", file=sys.stderr)  # noqa: T201
        return 1
    print(table(rows))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
