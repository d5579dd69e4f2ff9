"""Extraction: the commitments and facts in a piece of Chinese coverage (format: eval/SCHEMA.md).

    from trackers.extract import extract
    result = extract(text, "2023-03-05")
    result.to_schema_dict()

Pure functions only: no I/O, no clock; the publication date is passed in.
"""

from trackers.extract.dates import Published, parse_admin_date, parse_published
from trackers.extract.engine import extract
from trackers.extract.errors import ExtractionError
from trackers.extract.models import ExtractedCommitment, ExtractedFact, Extraction

__all__ = [
    "ExtractedCommitment",
    "ExtractedFact",
    "Extraction",
    "ExtractionError",
    "Published",
    "extract",
    "parse_admin_date",
    "parse_published",
]
