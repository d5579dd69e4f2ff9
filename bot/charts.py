"""The progress chart: the target line, the deadline, the reported figures with their dates and the projection.

Rendered with matplotlib's Agg canvas directly (no pyplot: no global figure state, safe off the event loop).
Chinese labels need a CJK font; the project ships one through the `mplfonts` package (Noto Sans CJK SC), so a
fresh machine renders 集成电路 rather than boxes without any system font installed.
"""

from __future__ import annotations

import importlib.util
import io
import threading
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display here; set before anything else of matplotlib loads a backend

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from bot.render.format import amount, percent, shorten, target
from bot.texts import t
from trackers.commitments.catalog import Card
from trackers.commitments.progress import project, years_between
from trackers.runtime.clock import local_date

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
WIDTH_INCHES, HEIGHT_INCHES, DPI = 8, 5, 150
PROJECTION_STEPS = 24

# matplotlib's font cache and FreeType objects are shared: one rendering at a time.
_RENDER_LOCK = threading.Lock()


class ChartFontMissing(RuntimeError):
    """The CJK font file is not installed (the `mplfonts` package is missing)."""


def cjk_font_path() -> Path:
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ChartFontMissing(f"{FONT_PACKAGE} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise ChartFontMissing(f"{path.name} is missing from {FONT_PACKAGE}")
    return path


@cache
def cjk_font_name() -> str:
    """Register the shipped font with matplotlib once and return its family name ("Noto Sans CJK SC")."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _rc() -> dict:
    # The CJK font first; DejaVu (matplotlib's own) only for anything it lacks. The minus sign as a hyphen,
    # because the CJK font has no U+2212 glyph.
    return {"font.family": [cjk_font_name(), "DejaVu Sans"], "axes.unicode_minus": False}


def _as_datetime(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


def render_chart(card: Card, language: str, now: datetime) -> bytes:
    """A PNG of the commitment's progress against its target; the card must have a figure as its target."""
    with _RENDER_LOCK, matplotlib.rc_context(_rc()):
        return _render(card, language, now)


def _render(card: Card, language: str, now: datetime) -> bytes:
    c = card.commitment
    unit = c.unit or ""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    figure.suptitle(f"#{c.id} {shorten(c.subject, 28)}", fontsize=14)

    today = local_date(now, c.timezone)
    points = card.points
    assessment = card.assessment
    dates = [p.as_of for p in points]
    ends = [d for d in (c.deadline, c.period_start, today if not dates else None) if d is not None]
    start = min([*dates, *ends]) - timedelta(days=90)
    end = max([*dates, *ends]) + timedelta(days=90)

    # The target, as a line across the whole span.
    target_label = t(language, "chart_target", target=_plain(target(language, c)))
    axes.axhline(c.value, color="#c0392b", linewidth=1.6, linestyle="-", label=target_label)

    if c.deadline is not None:
        deadline_label = t(language, "chart_deadline", date=c.deadline.isoformat())
        axes.axvline(_as_datetime(c.deadline), color="#7f8c8d", linewidth=1.2, linestyle="--", label=deadline_label)

    if points:
        xs = [_as_datetime(p.as_of) for p in points]
        ys = [p.value for p in points]
        axes.plot(xs, ys, marker="o", color="#2c7fb8", linewidth=2, label=t(language, "chart_progress"))
        for x, point in zip(xs, points, strict=True):
            axes.annotate(
                f"{_plain(amount(point.value, unit))}\n{point.as_of.isoformat()}",
                (x, point.value),
                textcoords="offset points",
                xytext=(0, 10),
                ha="center",
                fontsize=9,
            )
        latest = points[-1]
        if c.deadline is not None and c.deadline > latest.as_of and assessment is not None:
            if assessment.growth is not None and assessment.projected is not None:
                _curve(axes, latest.as_of, c.deadline, latest.value, assessment.growth, "#2c7fb8", ":")
                axes.plot(
                    [_as_datetime(c.deadline)],
                    [assessment.projected],
                    marker="o",
                    markerfacecolor="white",
                    color="#2c7fb8",
                    label=t(language, "chart_projection", growth=percent(assessment.growth)),
                )
                axes.annotate(
                    _plain(amount(assessment.projected, unit)),
                    (_as_datetime(c.deadline), assessment.projected),
                    textcoords="offset points",
                    xytext=(6, -4),
                    fontsize=9,
                )
            if assessment.needed_growth is not None:
                _curve(axes, latest.as_of, c.deadline, latest.value, assessment.needed_growth, "#e67e22", "-.")
                axes.plot(
                    [],
                    [],
                    color="#e67e22",
                    linestyle="-.",
                    label=t(language, "chart_needed", growth=percent(assessment.needed_growth)),
                )
    else:
        axes.text(0.5, 0.5, t(language, "chart_no_points"), transform=axes.transAxes, ha="center", color="#7f8c8d")

    if start <= today <= end:
        axes.axvline(_as_datetime(today), color="#95a5a6", linewidth=0.8, linestyle=":")
        axes.annotate(
            t(language, "chart_today"),
            (_as_datetime(today), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -12),
            textcoords="offset points",
            fontsize=8,
            color="#7f8c8d",
        )

    axes.set_xlim(date2num(_as_datetime(start)), date2num(_as_datetime(end)))
    top = max(
        [c.value, *(p.value for p in points), *([assessment.projected] if assessment and assessment.projected else [])]
    )
    axes.set_ylim(0, top * 1.18)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    # Chinese readers get 2024年 / 5月 rather than English month names.
    formats = ["%Y年", "%-m月", "%-d日", "%H:%M", "%H:%M", "%S"] if language == "zh" else None
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, formats=formats))
    axes.set_ylabel(unit)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left", fontsize=9, framealpha=0.9)
    figure.tight_layout()

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _curve(axes, start: date, end: date, value: float, growth: float, color: str, style: str) -> None:
    """A compounding path from (start, value) to the deadline at `growth` a year."""
    span = (end - start).days
    xs, ys = [], []
    for step in range(PROJECTION_STEPS + 1):
        when = start + timedelta(days=span * step / PROJECTION_STEPS)
        xs.append(_as_datetime(when))
        ys.append(project(value, growth, years_between(start, when)))
    axes.plot(xs, ys, color=color, linestyle=style, linewidth=1.5)


def _plain(html_text: str) -> str:
    """Figures come HTML-escaped for messages; the chart wants them as typed."""
    return html_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
