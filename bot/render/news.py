"""The "new coverage" message: a commitment, each new figure reported on it with its quote and link, then the
arithmetic of its card (share of the target, growth needed versus reported, projection)."""

from __future__ import annotations

from bot.render.cards import assessment_lines
from bot.render.format import amount, esc, percent, shorten
from bot.texts import t
from trackers.notifications.news import CoverageNews

QUOTE_IN_MESSAGE = 120
POINTS_IN_MESSAGE = 5


def render_coverage(language: str, news: CoverageNews) -> str:
    """The "new coverage" message: the commitment, each new figure with its quote and link, then the arithmetic."""
    goal = news.target
    target = (
        t(language, f"cmp_{goal.comparator or '='}", value=amount(goal.value, goal.unit))
        if goal is not None
        else t(language, "no_target")
    )
    deadline = t(language, "cov_news_deadline", deadline=news.deadline.isoformat()) if news.deadline else ""
    lines = [
        t(language, "cov_news_head", id=news.commitment_id, subject=esc(news.subject), target=target, deadline=deadline)
    ]
    for point in news.points[:POINTS_IN_MESSAGE]:
        growth = t(language, "cov_news_growth", growth=f"{point.growth_percent:g}") if point.growth_percent else ""
        figure = amount(point.value, point.unit) if point.value is not None else "—"
        lines.append(
            t(
                language,
                "cov_news_point",
                figure=figure,
                as_of=point.as_of.isoformat() if point.as_of else "—",
                growth=growth,
            )
        )
        # Progress recorded with only a link has no quote: no empty 「」 line.
        if point.quote and point.quote.strip():
            lines.append(t(language, "cov_news_quote", quote=esc(shorten(point.quote, QUOTE_IN_MESSAGE))))
        if point.url:
            lines.append(
                t(
                    language,
                    "cov_news_link",
                    url=esc(point.url).replace('"', "&quot;"),
                    title=esc(shorten(point.title or point.url, 60)),
                )
            )
    if goal is not None and news.assessment is not None:
        if news.assessment.share is not None and goal.unit != "%":
            lines.append(t(language, "cov_news_share", share=percent(news.assessment.share)))
        lines.extend(assessment_lines(language, goal, news.assessment))
    lines.append(t(language, "cov_news_more", id=news.commitment_id))
    return "\n".join(lines)
