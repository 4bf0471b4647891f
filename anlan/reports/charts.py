"""A bulletin's charts drawn with matplotlib for the printed documents: SVG for the PDF (vector,
its text left as text in the first CJK font found here) and PNG for the Word file. The
web page draws the same charts with ECharts from ``Chart.echarts()``.

Only matplotlib's object-oriented ``Figure`` is used (no pyplot), so no GUI backend and no
global figure state are involved. The style is applied with ``rc_context``, which changes
matplotlib's global settings for the duration of a drawing, so drawings are serialised by a
lock (a web worker's threads may render bulletins at the same time)."""

from __future__ import annotations

import base64
import html
import io
import threading
from functools import cache

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

PALETTE = ("#c0392b", "#2c7fb8", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#f1c40f", "#16a085")
# Debian's fonts-noto-cjk (installed with WeasyPrint's libraries); then fonts found on other
# systems; DejaVu last, which has no Chinese glyphs.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "DejaVu Sans",
)
WIDTH_IN, HEIGHT_IN = 6.4, 2.7
_DRAWING = threading.Lock()


@cache
def _families() -> list[str]:
    """The CJK families matplotlib can find here, in order of preference."""
    found = _known()
    if found in ([], ["DejaVu Sans"]):  # no CJK font in matplotlib's cached list: look again
        for path in font_manager.findSystemFonts():
            if "cjk" in path.lower() or "wqy" in path.lower():
                font_manager.fontManager.addfont(path)
        found = _known()
    return found or ["DejaVu Sans"]


def _known() -> list[str]:
    known = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FAMILIES if name in known]


def _style() -> dict:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": _families(),
        "font.size": 8,
        "axes.unicode_minus": False,
        "svg.fonttype": "none",  # text stays text: selectable, and small
        "svg.hashsalt": "anlan",  # the same chart gives the same SVG
    }


def _bars(fig: Figure, categories: list[str], series) -> None:
    ax = fig.add_subplot()
    n = max(1, len(series))
    width = 0.8 / n
    positions = range(len(categories))
    for i, (name, values) in enumerate(series):
        values = [values[c] if c < len(values) else 0 for c in positions]
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        bars = ax.bar(offsets, values, width * 0.92, label=name, color=PALETTE[i % len(PALETTE)])
        ax.bar_label(bars, fmt="%g", fontsize=7, padding=1)
    ax.set_xticks(list(positions), [str(c) for c in categories])
    if len(categories) > 6:
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    ax.set_ylim(bottom=0)
    ax.margins(y=0.15)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 if len(categories) <= 6 else -0.32),
        ncols=min(n, 4),
        frameon=False,
        fontsize=7,
    )


def _pie(fig: Figure, labels: list[str], values: list[float]) -> None:
    ax = fig.add_subplot()
    total = sum(values) or 1
    shown = [(label, value) for label, value in zip(labels, values, strict=False) if value > 0]
    if not shown:
        ax.axis("off")
        return
    wedges, _texts = ax.pie(
        [v for _l, v in shown],
        colors=[PALETTE[i % len(PALETTE)] for i in range(len(shown))],
        startangle=90,
        counterclock=False,
        wedgeprops={"edgecolor": "white", "linewidth": 0.8},
    )
    ax.legend(
        wedges,
        [f"{label} {value:g}（{100 * value / total:.1f}%）" for label, value in shown],
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
        fontsize=7,
    )
    ax.set_aspect("equal")


def draw(chart, fmt: str = "svg", *, dpi: int = 200) -> bytes:
    """``chart`` (a ``render.Chart``: title, kind "bar" or "pie", categories, series) as SVG or
    PNG bytes."""
    with _DRAWING, rc_context(_style()):
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=dpi, layout="constrained")
        fig.suptitle(chart.title, fontsize=9, fontweight="bold")
        if chart.kind == "pie":
            _pie(fig, chart.categories, chart.series[0][1] if chart.series else [])
        else:
            _bars(fig, chart.categories, chart.series)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def svg_img(chart, *, title: str) -> str:
    """The chart as an ``<img>`` holding the SVG as a data URI, for the print HTML: WeasyPrint
    draws it as an image, so its styles and ids stay out of the document's."""
    data = base64.b64encode(draw(chart, "svg")).decode("ascii")
    return f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="{html.escape(title)}">'
