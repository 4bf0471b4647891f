"""Templates carry no inline script and no inline event handler, so a content security policy
without 'unsafe-inline' can be served (behaviours go through data attributes and static files)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "anlan"
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I
)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = path.read_text("utf-8")
        for pattern in (INLINE_SCRIPT, HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert offenders == []
