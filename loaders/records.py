"""Typed records of the input formats (pydantic v2), before references are resolved.

YAML and the spreadsheet format both produce these records; :mod:`carepath.loaders.resolve`
turns them into the :class:`~carepath.graph.model.Model`. Unknown fields are errors, so a typo
such as ``teir:`` is reported instead of silently ignored.

>>> ServiceRec.model_validate({"id": "x-a", "name": "A", "stages": "Birth - 6 weeks"}).stages
['Birth - 6 weeks']
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from carepath.graph.model import CriterionType, SelfReferral, WindowKind
from carepath.graph.stages import MAX_WEEKS

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120)]


def _listify(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


StrList = Annotated[list[str], BeforeValidator(_listify)]
IdList = Annotated[list[Id], BeforeValidator(_listify)]


def _iso_date(value: Any) -> Any:
    """A date as ``YYYY-MM-DD`` text, from YAML's date or from text in that form."""
    import datetime

    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None
    return value


IsoDate = Annotated[str, BeforeValidator(_iso_date)]


# bounds that keep every value storable: LadybugDB and Neo4j hold 64-bit integers and
# strings under 16 MiB (one too large crashed the build after validation passed)
MAX_TEXT = 100_000
MAX_INT = 10_000_000


class Rec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True,
                              str_max_length=MAX_TEXT)


class Cited(Rec):
    source: Id | None = None
    line: int | None = Field(default=None, ge=1, le=MAX_INT)
    passage: str | None = None


class VersionRec(Rec):
    """A source document's own version, as it states it (``line``/``passage`` in it)."""

    text: str
    dated: IsoDate | None = None
    line: int | None = Field(default=None, ge=1, le=MAX_INT)
    passage: str | None = None
class ScopeRec(Cited):
    """What a source describes (see :class:`carepath.graph.model.Scope`); a key left out is
    not restricted."""

    tiers: IdList | None = None
    stages: IdList | None = None
    concerns: IdList | None = None
    facts: IdList | None = None
    note: str | None = None


class SourceRec(Rec):
    id: Id
    title: str
    publisher: str | None = None
    file: str | None = None
    version: VersionRec | None = None
    scope: ScopeRec | None = None


class TermRec(Rec):
    id: Id
    name: str
    aliases: StrList = Field(default_factory=list)
    description: str | None = None
    rank: int | None = Field(default=None, ge=-1000, le=1000)


class TierRec(TermRec):
    rank: int = Field(ge=-1000, le=1000)


class StageRec(Rec):
    id: Id
    name: str
    aliases: StrList = Field(default_factory=list)
    start_week: int = Field(ge=-MAX_WEEKS, le=MAX_WEEKS)
    end_week: int = Field(ge=-MAX_WEEKS, le=MAX_WEEKS)


class AreaRec(Cited):
    id: Id
    name: str
    country: str | None = None
    births_per_year: int | None = Field(default=None, ge=0, le=MAX_INT)


class NeedRec(Rec):
    min: float | None = Field(default=None, ge=0, le=100)
    max: float | None = Field(default=None, ge=0, le=100)
    note: str | None = None


class ConcernNeedRec(Rec):
    concern: Id
    severity: IdList = Field(default_factory=list)


class CriterionRec(Cited):
    type: CriterionType
    text: str
    discuss_with: IdList = Field(default_factory=list)  # services the document sends them to
    stages: StrList = Field(default_factory=list)
    concerns: IdList = Field(default_factory=list)
    severity: IdList = Field(default_factory=list)
    parent_age_below: int | None = Field(default=None, ge=0, le=120)
    parent_age_from: int | None = Field(default=None, ge=0, le=120)


class ResponseTimeRec(Cited):
    urgency: Id
    within: str


class EvidenceRec(Cited):
    pass


class PartOfRec(Cited):
    service: Id


class SelfReferralRec(Cited):
    status: SelfReferral


class HoursRec(Cited):
    text: str


class ConditionRec(Cited):
    text: str
    births_over: int | None = Field(default=None, ge=0, le=MAX_INT)
    births_at_most: int | None = Field(default=None, ge=0, le=MAX_INT)
    governs: StrList = Field(default_factory=lambda: ["service"])


class CommitmentRec(Cited):
    text: str


class ServiceRec(Cited):
    id: Id
    name: str
    area: Id | None = None
    aliases: StrList = Field(default_factory=list)
    tier: Id | None = None
    tier_note: str | None = None
    level: Id | None = None
    need: NeedRec | None = None
    stages: StrList = Field(default_factory=list)
    addresses: list[ConcernNeedRec] = Field(default_factory=list)
    not_addressed: IdList = Field(default_factory=list)
    professions: IdList = Field(default_factory=list)
    interventions: IdList = Field(default_factory=list)
    eligibility: list[CriterionRec] = Field(default_factory=list)
    response_times: list[ResponseTimeRec] = Field(default_factory=list)
    notes: str | None = None
    evidence: list[EvidenceRec] = Field(default_factory=list)
    part_of: PartOfRec | None = None
    self_referral: SelfReferralRec | None = None
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    assured_date: IsoDate | None = None
    hours: HoursRec | None = None
    addresses_closed: EvidenceRec | None = None
    criteria_closed: EvidenceRec | None = None
    window_kind: WindowKind = "stated"
    by_discussion: EvidenceRec | None = None
    conditions: list[ConditionRec] = Field(default_factory=list)
    commitments: list[CommitmentRec] = Field(default_factory=list)


RELATION_KINDS = (
    "refers_to", "signposts_to", "advises", "trains", "collaborates_with", "hands_over_to",
    "steps_up_to", "steps_down_to",
)


class RelationRec(Cited):
    kind: str
    from_: Id = Field(alias="from")
    to: IdList = Field(min_length=1)
    stages: StrList = Field(default_factory=list)
    concerns: IdList = Field(default_factory=list)
    severity: IdList = Field(default_factory=list)
    urgency: Id | None = None
    response_time: str | None = None
    level: Id | None = None
    note: str | None = None


class OverlapRec(Cited):
    services: IdList = Field(min_length=2)
    note: str


class PathwayRec(Cited):
    stage: str
    service: Id
    heading: str | None = None
    level: Id | None = None
    rationale: str | None = None
    actions: StrList = Field(default_factory=list)


# top-level keys of a data file, and the record type of each list item
VOCABULARY_KEYS: dict[str, type[Rec]] = {
    "tiers": TierRec, "stages": StageRec, "levels": TermRec, "severities": TermRec,
    "urgencies": TermRec, "concerns": TermRec, "professions": TermRec, "interventions": TermRec,
}
LIST_KEYS: dict[str, type[Rec]] = {
    "sources": SourceRec, "areas": AreaRec, "services": ServiceRec, "relations": RelationRec,
    "overlaps": OverlapRec, "pathway": PathwayRec, **VOCABULARY_KEYS,
}
SCALAR_KEYS = ("source", "area")
