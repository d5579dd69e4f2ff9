"""Text keys made from a value (status_achieved, cmp_>=, weekday_3). Each family names every value it takes, so
every key the code can build is known in advance and can be checked against both catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.texts import LANGUAGES
from trackers.commitments.editing import EDITABLE_FIELDS
from trackers.coverage.review import EDITABLE
from trackers.models import Comparator, DigestMode, EvidenceKind, ReviewState, Status


@dataclass(frozen=True)
class Family:
    prefix: str
    values: tuple[str, ...]

    def key(self, value: object) -> str:
        """The key for `value` (an enum member or its value); KeyError for a value the family does not have."""
        text = str(getattr(value, "value", value))
        if text not in self.values:
            raise KeyError(self.prefix + text)
        return self.prefix + text

    def keys(self) -> list[str]:
        return [self.prefix + value for value in self.values]


COMPARATOR = Family("cmp_", tuple(c.value for c in Comparator))
STATUS = Family("status_", tuple(s.value for s in Status))
EVIDENCE = Family("evidence_", tuple(k.value for k in EvidenceKind))
DIGEST = Family("digest_", tuple(m.value for m in DigestMode))
# A scheduled digest's heading (bot/delivery/alert_texts.py): instant alerts come one by one, without one.
ALERT_DIGEST = Family("alert_digest_", tuple(m.value for m in DigestMode if m is not DigestMode.INSTANT))
WEEKDAY = Family("weekday_", tuple(str(day) for day in range(7)))  # 0 is Monday
LANGUAGE_NAME = Family("lang_name_", tuple(LANGUAGES))
REVIEW_KIND = Family("adm_review_kind_", tuple(EDITABLE))
REVIEW_STATE = Family("adm_state_", tuple(s.value for s in ReviewState))
# A commitment's fields as /edit and /history name them.
FIELD = Family("adm_field_", (*EDITABLE_FIELDS, "status"))
# trackers.coverage.fetch.FetchRefused.reason
FETCH_REFUSAL = Family(
    "adm_fetch_",
    (
        "scheme",
        "address",
        "numeric_host",
        "redirects",
        "too_large",
        "content_type",
        "status",
        "network",
        "timeout",
        "bad_url",
    ),
)

FAMILIES = (
    COMPARATOR,
    STATUS,
    EVIDENCE,
    DIGEST,
    ALERT_DIGEST,
    WEEKDAY,
    LANGUAGE_NAME,
    REVIEW_KIND,
    REVIEW_STATE,
    FIELD,
    FETCH_REFUSAL,
)
