"""The progress chart: a PNG of the expected size, drawn with the shipped CJK font and no missing glyphs."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, date, datetime

from matplotlib import font_manager
from PIL import Image

from bot.charts import cjk_font_name, cjk_font_path, render_chart
from trackers.commitments.catalog import Card
from trackers.commitments.progress import Point, assessment_for
from trackers.models import Commitment, Comparator, Status

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _card(points: list[Point], subject: str = "集成电路产业链群规模") -> Card:
    commitment = Commitment(
        id=3,
        subject=subject,
        comparator=Comparator.GT,
        value=500,
        unit="亿元",
        deadline=date(2025, 12, 31),
        timezone="Asia/Shanghai",
        status=Status.OVERDUE,
    )
    return Card(commitment, None, [], [], [], points, assessment_for(commitment, points))


def _render(card: Card, language: str = "zh") -> tuple[bytes, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_chart(card, language, NOW)
    return png, [str(w.message) for w in caught]


def test_the_chart_is_a_png_of_the_expected_size_with_no_missing_glyphs():
    png, caught = _render(_card([Point(date(2022, 12, 31), 120.3, 36)]))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1200, 750)
    assert 20_000 < len(png) < 1_000_000
    assert not [message for message in caught if "missing from font" in message or "Glyph" in message]


def test_the_chinese_labels_use_the_font_the_project_ships():
    path = cjk_font_path()
    assert path.is_file() and path.stat().st_size > 1_000_000
    assert cjk_font_name() == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=[cjk_font_name()]), fallback_to_default=False)
    assert found == str(path)


def test_without_the_cjk_font_the_same_labels_would_be_boxes():
    # The check above means something: matplotlib's own font lacks these glyphs and says so.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "集成电路", family="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_a_chart_without_progress_or_in_english_still_renders():
    png, caught = _render(_card([]), "en")
    assert Image.open(io.BytesIO(png)).size == (1200, 750)
    assert not [message for message in caught if "missing from font" in message]
    png, _ = _render(_card([Point(date(2021, 12, 31), 90.0), Point(date(2022, 12, 31), 120.3)], "<b>&"), "en")
    assert png.startswith(b"\x89PNG")
