"""`make bench` ends with one table of every benchmark's figures, baselines, ratios and aims."""

import importlib.util
import json
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "benchtable", Path(__file__).resolve().parent.parent / "bench" / "benchtable.py"
)
benchtable = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchtable)


def test_figures_recorded_by_the_benches_print_as_one_table(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results.jsonl"
    monkeypatch.setenv("BENCH_RESULTS", str(results))
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://x@%2Ftmp/anlan")
    benchtable.record(
        "Monthly bulletin", "PDF, 1,000,000 hazards", 1.2, "s", baseline=0.25, aim="< 5 s"
    )
    benchtable.record("Dashboard", "Jinzhong, this month", 43.0, "ms")
    assert len(results.read_text().splitlines()) == 2
    assert json.loads(results.read_text().splitlines()[0])["database"] == "PostgreSQL"

    assert benchtable.main([str(results)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "benchmark",
        "figure",
        "database",
        "value",
        "baseline",
        "ratio",
        "aim",
    ]
    assert (
        "1.20 s" in lines[2] and "0.25 s" in lines[2] and "4.80" in lines[2] and "< 5 s" in lines[2]
    )
    assert "43.0 ms" in lines[3] and lines[3].rstrip().endswith("—")


def test_without_a_results_file_record_does_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_RESULTS", raising=False)
    monkeypatch.chdir(tmp_path)
    benchtable.record("X", "y", 1.0, "s")
    assert list(tmp_path.iterdir()) == []
