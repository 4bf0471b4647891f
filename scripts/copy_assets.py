#!/usr/bin/env python3
"""Copy the front-end files Anlan serves from node_modules/ into anlan/static/vendor/.

Run after `npm ci` (the Makefile's `assets` target does both). The layout is
anlan/static/vendor/<package>/<file>, which the templates reference, e.g.
{% static 'vendor/leaflet/leaflet.css' %}. A source map that a file names is copied beside it,
so that collectstatic with a manifest storage finds every file it refers to.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "anlan" / "static" / "vendor"

# (package, path inside the package, sub-folder under vendor/<package>/); globs are allowed.
FILES = [
    ("bootstrap", "dist/css/bootstrap.min.css", ""),
    ("bootstrap", "dist/js/bootstrap.bundle.min.js", ""),
    ("htmx.org", "dist/htmx.min.js", ""),
    ("echarts", "dist/echarts.min.js", ""),
    ("leaflet", "dist/leaflet.js", ""),
    ("leaflet", "dist/leaflet.css", ""),
    ("leaflet", "dist/images/*", "images"),
]

SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=([^\s*]+)")


def copy(src: Path, dest_dir: Path) -> int:
    """Copy one file (and the source map it names, if any); return how many files were copied."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest_dir / src.name)
    match = SOURCE_MAP.search(src.read_bytes()[-500:])
    if match:
        name = match.group(1).decode()
        map_file = src.parent / name
        if "/" not in name and map_file.is_file():
            shutil.copy2(map_file, dest_dir / name)
            return 2
    return 1


def main() -> int:
    if not NODE_MODULES.is_dir():
        print("node_modules/ is missing: run `npm ci` first (or `make assets`).", file=sys.stderr)  # noqa: T201
        return 1
    sources: list[tuple[Path, Path]] = []
    for package, pattern, subdir in FILES:
        matches = sorted((NODE_MODULES / package).glob(pattern))
        if not matches:
            print(f"missing node_modules/{package}/{pattern}: run `npm ci`", file=sys.stderr)  # noqa: T201
            return 1
        sources += [(src, VENDOR / package / subdir) for src in matches if src.is_file()]
    # Start from an empty folder so that files dropped from the list do not linger.
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    copied = sum(copy(src, dest_dir) for src, dest_dir in sources)
    print(f"copied {copied} files into {VENDOR.relative_to(ROOT)}/")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
