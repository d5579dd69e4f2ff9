"""A small demo set, so a newcomer meets a living bot at once (`luoshi shell`, or `luoshi demo load` on request).

The figures are the real ones reported for Jinan's 2023—2025 plan and its integrated-circuit target and for two
national targets of 2024; the wording is ours, and every row is marked `is_demo`. Two commitments are dated
relative to today (one due in a few days, one overdue) so the countdown features always have something to show.

Loading is idempotent: a demo commitment is found again by its subject, its relative dates are moved to match
today, and nothing is duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from trackers.models import OUTCOMES, Article, Commitment, Comparator, Evidence, EvidenceKind, Status, Tag
from trackers.runtime.clock import local_date

DEMO_SOURCE = "示例数据"
JINAN_PLAN = "三年行动计划（2023—2025年）第一批重点项目"


@dataclass(frozen=True)
class DemoEvidence:
    kind: EvidenceKind
    as_of: date | None  # None: relative, `days_ago` before today
    quote: str
    source: str
    value: float | None = None
    unit: str | None = None
    value_normalized: float | None = None
    growth_percent: float | None = None
    status: Status | None = None
    days_ago: int = 0


@dataclass(frozen=True)
class DemoCommitment:
    subject: str
    comparator: Comparator | None
    value: float | None
    unit: str | None
    place: str
    issuer: str
    quote: str
    tags: tuple[str, ...]
    deadline: date | None = None
    days_from_today: int | None = None  # a deadline relative to today, instead of `deadline`
    period_start: date | None = None
    value_normalized: float | None = None
    unit_normalized: str | None = None
    status: Status = Status.IN_PROGRESS
    parent: str | None = None  # the subject of the plan it belongs to
    evidence: tuple[DemoEvidence, ...] = field(default_factory=tuple)


YI = 100_000_000  # 亿
WAN = 10_000  # 万

DEMO: tuple[DemoCommitment, ...] = (
    DemoCommitment(
        subject=JINAN_PLAN,
        comparator=Comparator.EQ,
        value=1301,
        unit="个",
        value_normalized=1301,
        unit_normalized="count",
        period_start=date(2023, 1, 1),
        deadline=date(2025, 12, 31),
        place="济南",
        issuer="济南市人民政府",
        quote="济南的三年行动计划在十大领域列出首批1301个重点项目，总投资在2.4万亿元以上。",
        tags=("重点项目", "投资"),
        evidence=(
            DemoEvidence(
                EvidenceKind.OFFICIAL_CLAIM,
                date(2023, 3, 5),
                "据济南日报报道，全市动员大会印发三年行动计划，首批重点项目1301个。",
                "舜网-济南日报",
                value=1301,
                unit="个",
                value_normalized=1301,
            ),
        ),
    ),
    DemoCommitment(
        subject="三年行动计划重点项目总投资",
        comparator=Comparator.GT,
        value=2.4,
        unit="万亿元",
        value_normalized=2.4e12,
        unit_normalized="CNY",
        period_start=date(2023, 1, 1),
        deadline=date(2025, 12, 31),
        place="济南",
        issuer="济南市人民政府",
        quote="首批重点项目的总投资超过2.4万亿元。",
        tags=("重点项目", "投资"),
        parent=JINAN_PLAN,
    ),
    DemoCommitment(
        subject="集成电路产业链群规模",
        comparator=Comparator.GT,
        value=500,
        unit="亿元",
        value_normalized=500 * YI,
        unit_normalized="CNY",
        deadline=date(2025, 12, 31),
        place="济南",
        issuer="济南市工业和信息化局",
        quote="济南提出，到2025年让全市集成电路产业链群的规模越过500亿元。",
        tags=("集成电路", "产业链"),
        parent=JINAN_PLAN,
        evidence=(
            DemoEvidence(
                EvidenceKind.PROGRESS,
                date(2022, 12, 31),
                "报道称，2022年济南集成电路相关企业的收入为120.3亿元，比上一年增长36%。",
                "舜网-济南日报",
                value=120.3,
                unit="亿元",
                value_normalized=120.3 * YI,
                growth_percent=36,
            ),
        ),
    ),
    DemoCommitment(
        subject="集成电路领域重点项目",
        comparator=Comparator.EQ,
        value=26,
        unit="个",
        value_normalized=26,
        unit_normalized="count",
        place="济南",
        issuer="济南市工业和信息化局",
        quote="集成电路领域谋划了26个重点项目，预计总投资1138亿元。",
        tags=("集成电路", "重点项目"),
        parent=JINAN_PLAN,
        status=Status.NOT_RATED,
    ),
    DemoCommitment(
        subject="国内生产总值增长",
        comparator=Comparator.APPROX,
        value=5,
        unit="%",
        period_start=date(2024, 1, 1),
        deadline=date(2024, 12, 31),
        place="全国",
        issuer="国务院（2024年政府工作报告）",
        quote="2024年政府工作报告把经济增长的预期目标定在5%左右。",
        tags=("经济增长", "年度目标"),
        status=Status.ACHIEVED,
        evidence=(
            DemoEvidence(
                EvidenceKind.PROGRESS,
                date(2024, 12, 31),
                "国家统计局公布：2024年国内生产总值按不变价格计算比上年增长5.0%。",
                "国家统计局",
                value=5.0,
                unit="%",
            ),
            DemoEvidence(
                EvidenceKind.VERDICT,
                date(2025, 1, 17),
                "全年增速5.0%，达到“5%左右”的预期目标。",
                "落实",
                status=Status.ACHIEVED,
            ),
        ),
    ),
    DemoCommitment(
        subject="城镇新增就业",
        comparator=Comparator.GE,
        value=1200,
        unit="万人",
        value_normalized=1200 * WAN,
        unit_normalized="person",
        period_start=date(2024, 1, 1),
        deadline=date(2024, 12, 31),
        place="全国",
        issuer="国务院（2024年政府工作报告）",
        quote="2024年政府工作报告提出城镇新增就业1200万人以上。",
        tags=("就业", "年度目标"),
        status=Status.ACHIEVED,
        evidence=(
            DemoEvidence(
                EvidenceKind.PROGRESS,
                date(2024, 12, 31),
                "人力资源和社会保障部公布：2024年全年城镇新增就业1256万人。",
                "人力资源和社会保障部",
                value=1256,
                unit="万人",
                value_normalized=1256 * WAN,
            ),
            DemoEvidence(
                EvidenceKind.VERDICT,
                date(2025, 1, 24),
                "全年新增1256万人，超过1200万人的目标。",
                "落实",
                status=Status.ACHIEVED,
            ),
        ),
    ),
    DemoCommitment(
        subject="城区老旧小区改造开工（示例）",
        comparator=Comparator.GE,
        value=120,
        unit="个",
        value_normalized=120,
        unit_normalized="count",
        days_from_today=10,
        place="济南",
        issuer="济南市住房和城乡建设局（示例）",
        quote="示例：年内开工改造城区老旧小区不少于120个。",
        tags=("城市更新",),
        evidence=(
            DemoEvidence(
                EvidenceKind.PROGRESS,
                None,
                "示例：已开工改造的老旧小区达到96个。",
                DEMO_SOURCE,
                value=96,
                unit="个",
                value_normalized=96,
                days_ago=30,
            ),
        ),
    ),
    DemoCommitment(
        subject="新建口袋公园（示例）",
        comparator=Comparator.GE,
        value=50,
        unit="个",
        value_normalized=50,
        unit_normalized="count",
        days_from_today=-12,
        place="济南",
        issuer="济南市园林和林业绿化局（示例）",
        quote="示例：到期前建成口袋公园50个。",
        tags=("城市更新", "公园"),
        status=Status.OVERDUE,
        evidence=(
            DemoEvidence(
                EvidenceKind.PROGRESS,
                None,
                "示例：已建成口袋公园41个。",
                DEMO_SOURCE,
                value=41,
                unit="个",
                value_normalized=41,
                days_ago=60,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class DemoLoad:
    created: int
    updated: int


async def _tag(session: AsyncSession, name: str) -> Tag:
    tag = await session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        tag = Tag(name=name)
        session.add(tag)
        await session.flush()
    return tag


def _status(item: DemoCommitment, deadline: date | None, today: date) -> Status:
    # A deadline that has passed with no verdict is "overdue, verdict pending", as the sweep would set it.
    if deadline is not None and deadline < today and item.status not in OUTCOMES:
        return Status.OVERDUE
    return item.status


async def load_demo(session: AsyncSession, *, now: datetime, timezone: str) -> DemoLoad:
    """Add the demo commitments that are missing and move the relative deadlines to match today."""
    today = local_date(now, timezone)
    existing = {c.subject: c for c in await session.scalars(select(Commitment).where(Commitment.is_demo.is_(True)))}
    created = updated = 0
    for item in DEMO:
        deadline = item.deadline
        if item.days_from_today is not None:
            deadline = today + timedelta(days=item.days_from_today)
        commitment = existing.get(item.subject)
        if commitment is not None:
            if commitment.deadline != deadline:
                commitment.deadline, commitment.updated_at = deadline, now
                commitment.status = _status(item, deadline, today)
                updated += 1
            continue
        parent = existing.get(item.parent) if item.parent else None
        commitment = Commitment(
            subject=item.subject,
            comparator=item.comparator,
            value=item.value,
            unit=item.unit,
            value_normalized=item.value_normalized,
            unit_normalized=item.unit_normalized,
            deadline=deadline,
            period_start=item.period_start,
            timezone=timezone,
            place=item.place,
            issuer=item.issuer,
            parent_id=parent.id if parent else None,
            status=_status(item, deadline, today),
            quote=item.quote,
            is_demo=True,
            created_at=now,
            updated_at=now,
        )
        commitment.tags = [await _tag(session, name) for name in item.tags]
        session.add(commitment)
        await session.flush()
        for proof in item.evidence:
            as_of = proof.as_of or today - timedelta(days=proof.days_ago)
            article = Article(
                canonical_url=None,
                content_hash=f"demo-{commitment.id}-{as_of.isoformat()}-{proof.kind.value}",
                title=f"{DEMO_SOURCE}：{item.subject}",
                published=as_of,
                source=proof.source,
                text=proof.quote,
                fetched_at=now,
            )
            session.add(article)
            await session.flush()
            session.add(
                Evidence(
                    commitment_id=commitment.id,
                    kind=proof.kind,
                    value=proof.value,
                    unit=proof.unit,
                    value_normalized=proof.value_normalized,
                    growth_percent=proof.growth_percent,
                    as_of=as_of,
                    status=proof.status,
                    quote=proof.quote,
                    article_id=article.id,
                    recorded_at=now,
                    # Demo figures are not news: followers are not told about them as new coverage.
                    announced_at=now,
                )
            )
        existing[item.subject] = commitment
        created += 1
    await session.flush()
    return DemoLoad(created=created, updated=updated)


async def remove_demo(session: AsyncSession) -> int:
    """Delete every demo commitment (their evidence goes with them); returns how many."""
    ids = list(await session.scalars(select(Commitment.id).where(Commitment.is_demo.is_(True))))
    if ids:
        await session.execute(delete(Evidence).where(Evidence.commitment_id.in_(ids)))
        await session.execute(delete(Commitment).where(Commitment.id.in_(ids)))
    await session.execute(delete(Article).where(Article.content_hash.startswith("demo-")))
    return len(ids)
