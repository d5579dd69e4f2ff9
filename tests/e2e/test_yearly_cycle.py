"""The yearly cycle with real documents: a province's targets for 2025, then its 2026 government work report, pasted
in several messages, uploaded as .txt or as a PDF. The bot answers the report with one summary, confirms its 2026
main targets in one press and suggests verdicts on the 2025 targets the report answers; followers hear of each
verdict once.

The documents are read from ../shared/corpus (LUOSHI_CORPUS_DIR): the gold progress links of each report's labelled
passage (LABELLING.md, "Progress links") must all be among the suggestions, each with the right call, and every
suggestion must keep the link rules (same place, the figure's period inside the target's).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.documents import pdf_of
from tests.e2e.admin_helpers import OWNER, rows
from trackers.coverage.pastes import split_like_telegram
from trackers.extract import places
from trackers.models import Article, Commitment, ReviewItem, ReviewState

CORPUS = Path(os.environ.get("LUOSHI_CORPUS_DIR", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
# (the 2025 targets, the labelled passage of the 2026 report, the whole 2026 report)
PROVINCES = {"浙江": ("101", "102", "浙江省"), "四川": ("106", "107", "四川省"), "北京": ("109", "110", "北京市")}
FOLLOWER = 5005

pytestmark = pytest.mark.skipif(
    not (CORPUS / "reports" / "浙江省.txt").exists(), reason="the shared corpus (../shared/corpus) is absent"
)


def _gold(name: str) -> dict:
    return json.loads((CORPUS / "dev" / f"{name}.json").read_text(encoding="utf-8"))


def _buttons(message: dict) -> list[dict]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


async def _latest(client) -> dict:
    return (await client.messages(OWNER))[-1]


async def _answer(client, after: int, *, published: str, place: str, wait: float = 15) -> dict:
    """Wait for the bot's answer to a document; answer its questions (date, place) as the admin would; return the
    answer that follows them (a summary, or the head of a few cards)."""
    while True:
        [message, *_] = await client.wait_for_messages(OWNER, count=1, after=after, timeout=wait)
        data = {b["callback_data"].split(":")[0] + ":" + b["callback_data"].split(":")[1] for b in _buttons(message)}
        after = message["message_id"]
        if "dq:o" in data or "pq:o" in data:
            other = next(b for b in _buttons(message) if b["callback_data"].startswith(("dq:o", "pq:o")))
            await client.press(OWNER, OWNER, message["message_id"], other["callback_data"])
            [asked] = await client.wait_for_messages(OWNER, count=1, after=after, timeout=wait)
            after = asked["message_id"]
            await client.send_text(OWNER, published if "dq:o" in data else place, first_name="Owner")
            continue
        return message


async def _confirm_everything_in(client, summary: dict) -> None:
    """Press each group's ✅ on the summary, or each card's Confirm when the answer came as cards."""
    while True:
        [now] = [m for m in await client.messages(OWNER) if m["message_id"] == summary["message_id"]]
        confirm = next((b for b in _buttons(now) if b["callback_data"].startswith("dc:ok:")), None)
        if confirm is None:
            break
        last = (await _latest(client))["message_id"]
        await client.press(OWNER, OWNER, summary["message_id"], confirm["callback_data"])
        await client.wait_for_messages(OWNER, count=1, after=last, timeout=15)
    # A short document's cards follow its head ("找到 N 项待审核").
    count = re.search(r"找到 (\d+) 项", summary["text"])
    expected = int(count.group(1)) if count else 0
    arrived = await client.wait_for_messages(OWNER, count=expected, after=summary["message_id"], timeout=15)
    cards = [m for m in arrived if _buttons(m)] if expected else []
    for card in cards:
        ok = next((b for b in _buttons(card) if b["callback_data"].startswith("rv:ok:")), None)
        if ok is not None:
            await client.press(OWNER, OWNER, card["message_id"], ok["callback_data"])
    if cards:
        await client.wait_for_calls("editMessageText", count=len(cards), timeout=15)


def _call(reported: float, comparator: str, target: float, subject: str) -> str:
    """The achieved / missed call as LABELLING.md reads a target: 以上 and a bare figure are floors, 以内 a ceiling,
    左右 about (a ceiling for rates that should stay low, such as 失业率 or 价格)."""
    low_is_good = any(word in subject for word in ("失业率", "失業率", "价格", "價格", "涨幅", "漲幅"))
    if comparator in ("<=", "<") or (comparator == "~" and low_is_good):
        return "achieved" if reported <= target * (1.05 if comparator == "~" else 1) else "missed"
    if comparator == "~":
        return "achieved" if reported >= target * 0.95 else "missed"
    return "achieved" if reported >= target else "missed"


async def _send_report(client, mode: str, text: str, name: str) -> int:
    """The admin gives the report; the id of the last message before the bot's answer."""
    last = (await _latest(client))["message_id"]
    if mode == "paste":
        for part in split_like_telegram(text):
            await client.send_text(OWNER, part, first_name="Owner")
    elif mode == "txt":
        await client.send_document(OWNER, f"{name}.txt", text.encode("utf-8"), mime_type="text/plain")
    else:
        paragraphs = [line for line in text.splitlines() if line.strip()]
        await client.send_document(OWNER, f"{name}.pdf", pdf_of(paragraphs), mime_type="application/pdf")
    return last


@pytest.mark.parametrize("mode", ["paste", "txt", "pdf"])
@pytest.mark.parametrize("province", list(PROVINCES), ids=["zhejiang", "sichuan", "beijing"])
async def test_a_report_answers_last_years_targets_and_sets_this_years(start_bot, client, settings, province, mode):
    plan_name, passage_name, report_name = PROVINCES[province]
    plan, passage = _gold(plan_name), _gold(passage_name)
    report = (CORPUS / "reports" / f"{report_name}.txt").read_text(encoding="utf-8")
    # Telegram's one message a second per chat would make the follower wait; the sandbox does not enforce it here.
    async with start_bot(bot={"owner_ids": [OWNER]}, delivery={"private_per_second": 50, "sweep_seconds": 0.2}):
        # Last year's targets, confirmed.
        last = (await _latest(client))["message_id"] if await client.messages(OWNER) else 0
        await client.send_text(OWNER, (CORPUS / "dev" / f"{plan_name}.txt").read_text(encoding="utf-8"))
        answer = await _answer(client, last, published=plan["published"], place=plan["place"])
        await _confirm_everything_in(client, answer)
        tracked = await rows(settings, Commitment)
        for link in passage["progress_links"]:
            assert any(link["commitment_quote"] in (c.quote or "") for c in tracked), link["commitment_quote"]
        # A journalist follows each of last year's targets.
        for commitment in tracked:
            await client.send_text(FOLLOWER, f"/follow {commitment.id}", first_name="Reader")
        await client.wait_for_messages(FOLLOWER, count=len(tracked), timeout=15)

        # This year's report: one summary.
        last = await _send_report(client, mode, report, report_name)
        summary = await _answer(client, last, published=passage["published"], place=passage["place"], wait=30)
        assert summary["text"].startswith("📄") and "2026年主要预期目标" in summary["text"]
        assert len(summary["text"]) < 600  # one screen, however long the report
        [document] = await rows(settings, Article, Article.id == max(a.id for a in await rows(settings, Article)))

        # Its 2026 main targets in one press.
        main = next(b for b in _buttons(summary) if b["callback_data"] == f"dc:ok:{document.id}:m2026-2026")
        before = {c.id for c in await rows(settings, Commitment)}
        last = (await _latest(client))["message_id"]
        await client.press(OWNER, OWNER, summary["message_id"], main["callback_data"])
        [note] = await client.wait_for_messages(OWNER, count=1, after=last, timeout=15)
        new = [c for c in await rows(settings, Commitment) if c.id not in before]
        assert new and f"已确认 {len(new)} 项" in note["text"]
        assert all(c.deadline == date(2026, 12, 31) for c in new)

        # Suggested verdicts: every gold link among them, with the right call; every one keeps the link rules.
        suggestions = await rows(
            settings,
            ReviewItem,
            ReviewItem.article_id == document.id,
            ReviewItem.kind == "verdict",
            ReviewItem.state == ReviewState.PENDING,
        )
        by_id = {c.id: c for c in await rows(settings, Commitment)}
        for link in passage["progress_links"]:
            found = [
                s
                for s in suggestions
                if link["commitment_quote"] in (by_id[s.suggested_commitment_id].quote or "")
                and (link["fact_quote"] in s.data["quote"] or s.data["quote"] in link["fact_quote"])
            ]
            assert found, f"no suggestion for {link}"
        for suggestion in suggestions:
            commitment, data = by_id[suggestion.suggested_commitment_id], suggestion.data
            assert places.relation(places.parse_place(commitment.place), places.parse_place(data["place"])) == "same"
            as_of = date.fromisoformat(data["as_of"])
            assert commitment.period_start <= as_of <= commitment.deadline, (data["quote"], commitment.quote)
            assert (
                data.get("period_start") is None or date.fromisoformat(data["period_start"]) >= commitment.period_start
            )
            expected = _call(data["reported"], data["target_comparator"], data["target"], commitment.subject)
            assert data["status"] == expected, (data["quote"], commitment.quote)

        # Confirmed all at once: each follower hears of each verdict once.
        [now] = [m for m in await client.messages(OWNER) if m["message_id"] == summary["message_id"]]
        answers = next(b for b in _buttons(now) if b["callback_data"].startswith("dc:an:"))
        last = (await _latest(client))["message_id"]
        await client.press(OWNER, OWNER, summary["message_id"], answers["callback_data"])
        waiting = await rows(
            settings,
            ReviewItem,
            ReviewItem.article_id == document.id,
            ReviewItem.kind.in_(["verdict", "fact"]),
            ReviewItem.state == ReviewState.PENDING,
        )
        # A page of cards (five at most), then its head with "confirm all".
        page = await client.wait_for_messages(OWNER, count=min(len(waiting), 5) + 1, after=last, timeout=15)
        [head] = [m for m in page if any(b["callback_data"].startswith("dc:aa:") for b in _buttons(m))]
        confirm_all = next(b for b in _buttons(head) if b["callback_data"].startswith("dc:aa:"))
        await client.press(OWNER, OWNER, head["message_id"], confirm_all["callback_data"])
        verdicts = {s.suggested_commitment_id for s in suggestions}
        followed = len(tracked)
        messages = await client.wait_for_messages(FOLLOWER, count=followed + len(suggestions), timeout=30)
        heard = [m for m in messages if "评定为" in m["text"]]
        assert len(heard) == len(suggestions) and len(verdicts) == len(suggestions)
        statuses = {c.id: c.status for c in await rows(settings, Commitment)}
        assert all(str(statuses[s.suggested_commitment_id]) == s.data["status"] for s in suggestions)
