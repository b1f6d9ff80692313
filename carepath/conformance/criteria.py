"""National standards as data: criteria sets read from YAML, checked before any scoring.

A criteria file holds one set (the NHS Long Term Plan's perinatal commitments, NICE CG192 and
QS115, ...): where it comes from, and its criteria, each with a paraphrase in carepath's own
words, the source's section, must/should, and one test over the model (see
:mod:`carepath.conformance.checks`). An unknown field, a test of no known kind, or a tier,
concern, profession, intervention, relation kind, urgency or stage the vocabulary does not
hold is an error naming the file, line and field.

>>> sets = load_sets()
>>> [s.id for s in sets]
['ltp', 'mmha', 'nice', 'pif', 'scotland']
>>> sets[0].criteria[0].id, sets[0].criteria[0].must
('LTP-1', 'must')
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carepath.errors import DataValidationError, Problem

__all__ = ["TEST_KINDS", "Criterion", "CriteriaSet", "Test", "bundled_files", "load_sets",
           "parse_set"]

TEST_KINDS = ("service", "staffed_by", "delivers", "addresses", "route", "responds",
              "relation", "all_of", "function", "outside", "not_modelled")
"""The kinds of test a criterion may hold (exactly one per test)."""


class _Rec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class ServiceTest(_Rec):
    """A service of ``tier`` whose stated windows cover every range of ``covers`` (with no
    ``covers``: any service of ``tier``)."""

    tier: str
    covers: list[str] = []


class TeamTest(_Rec):
    """A service of ``tier`` staffed by (or delivering) ``all`` of, ``any`` of, or at least
    ``at_least`` different professions (interventions)."""

    tier: str
    all: list[str] = []
    any: list[str] = []
    at_least: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _something(self) -> TeamTest:
        if not (self.all or self.any or self.at_least):
            raise ValueError("give all, any or at_least")
        return self


class AddressesTest(_Rec):
    """A service (of ``tier``, if given) addressing every concern of ``all``."""

    tier: str | None = None
    all: list[str] = Field(min_length=1)


class RouteTest(_Rec):
    """A chain of referrals (at most ``max_hops``) from ``source`` (professions or services)
    or any service of ``from_tier`` to a service of ``to_tier``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True,
                              populate_by_name=True)
    source: list[str] = Field(default=[], alias="from")
    from_tier: str | None = None
    to_tier: str
    max_hops: int = Field(default=3, ge=1, le=6)

    @model_validator(mode="after")
    def _start(self) -> RouteTest:
        if not (self.source or self.from_tier):
            raise ValueError("give from (professions or services) or from_tier")
        return self


class RespondsTest(_Rec):
    """A stated response time for ``urgency`` at a service of one of ``tiers`` within
    ``within_days``."""

    tiers: list[str] = Field(min_length=1)
    urgency: str
    within_days: float = Field(gt=0)


class RelationTest(_Rec):
    """A relation of one of ``kinds`` from a service of ``from_tier`` to a service of
    ``to_tier`` (or to any other service or profession), with ``concern`` if given."""

    kinds: list[str] = Field(min_length=1)
    from_tier: str
    to_tier: str | None = None
    concern: str | None = None


class NotModelledTest(_Rec):
    """What carepath's model has no field for yet (``what``), asked of the services of
    ``tier``: always ``not stated``, with the criterion's question."""

    what: str
    tier: str


class Test(_Rec):
    """One test: exactly one of its fields is given."""

    service: ServiceTest | None = None
    staffed_by: TeamTest | None = None
    delivers: TeamTest | None = None
    addresses: AddressesTest | None = None
    route: RouteTest | None = None
    responds: RespondsTest | None = None
    relation: RelationTest | None = None
    all_of: list[Test] | None = None
    function: str | None = None
    outside: str | None = None
    not_modelled: NotModelledTest | None = None

    @model_validator(mode="after")
    def _one(self) -> Test:
        given = [k for k in TEST_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a test has exactly one of: {', '.join(TEST_KINDS)} "
                             f"(given: {', '.join(given) or 'none'})")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in TEST_KINDS if getattr(self, k) is not None)


class When(_Rec):
    """A condition on the area's births a year under which a criterion applies."""

    births_over: int | None = Field(default=None, ge=0)
    births_at_most: int | None = Field(default=None, ge=0)


class Criterion(_Rec):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9.]+)+$")
    theme: str
    paraphrase: str = Field(min_length=10, max_length=400)
    section: str
    url: str = Field(pattern=r"^https://")
    must: Literal["must", "should"]
    applies_to: str
    test: Test
    question: str | None = None
    level: int | None = Field(default=None, ge=1, le=5)
    when: When | None = None
    note: str | None = None
    file: str = ""
    line: int | None = None


class Source(_Rec):
    title: str
    edition: str
    publisher: str
    url: str = Field(pattern=r"^https://")
    checked: str


class Terms(_Rec):
    professions: dict[str, str] = {}


class CriteriaSet(_Rec):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    source: Source
    country: str | None = None
    levels: bool = False
    terms: Terms = Terms()
    criteria: list[Criterion] = Field(min_length=1)
    file: str = ""

    def criterion(self, ident: str) -> Criterion:
        return next(c for c in self.criteria if c.id == ident)


def bundled_files() -> list[Path]:
    """The criteria files shipped with carepath, by name."""
    folder = Path(str(files("carepath.conformance") / "criteria"))
    return sorted(folder.glob("*.yaml"))


def _line_at(doc: Any, loc: tuple) -> int | None:
    """The line of the deepest mapping (or key) on ``loc`` in the parsed YAML."""
    line, node = getattr(doc, "line", None), doc
    for key in loc:
        lines = getattr(node, "lines", {})
        if isinstance(key, str) and key in lines:
            line = lines[key]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", None) or line
    return line


def parse_set(text: str, file: str) -> CriteriaSet:
    """One criteria set from YAML text; :class:`DataValidationError` names the file, line and
    field of every problem.

    >>> parse_set("id: x\\ntitle: X\\nbogus: 1\\n", "x.yaml")
    Traceback (most recent call last):
    ...
    carepath.errors.DataValidationError: x.yaml:1: source: Field required (and 2 more)
    """
    from carepath.loaders.yamlfile import parse_yaml

    doc = parse_yaml(text, file)
    if not isinstance(doc, dict):
        raise DataValidationError([Problem("error", "criteria-file", file, None, None,
                                           "a criteria file is a mapping with id, title, "
                                           "source and criteria")])
    try:
        found = CriteriaSet.model_validate(doc)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.endswith("Test")))
            where = ".".join(str(p) for p in loc)
            message = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden" and len(loc) >= 2 and loc[-2] == "test":
                message = (f"unknown test kind {loc[-1]!r}; expected one of: "
                           f"{', '.join(TEST_KINDS)}")
            elif e["type"] == "extra_forbidden":
                message = "unknown field; see carepath/conformance/criteria/README.md"
            problems.append(Problem("error", "criteria", file, _line_at(doc, loc), where,
                                    message))
        raise DataValidationError(problems) from None
    criteria = [c.model_copy(update={"file": file, "line": _line_at(doc, ("criteria", i))})
                for i, c in enumerate(found.criteria)]
    return found.model_copy(update={"criteria": criteria, "file": file})


def _check_terms(sets: list[CriteriaSet], vocab: dict[str, set[str]]) -> list[Problem]:
    """Problems for ids a test names that the vocabulary (or the set's own terms) lacks, for
    stage ranges that cannot be read, for functions not registered, for repeated ids."""
    from carepath.conformance.checks import FUNCTIONS
    from carepath.errors import RangeParseError
    from carepath.graph.stages import parse_range

    problems: list[Problem] = []
    seen: dict[str, str] = {}

    def bad(crit: Criterion, field: str, kind: str, value: str) -> None:
        known = sorted(vocab[kind])
        problems.append(Problem("error", "criteria", crit.file, crit.line, f"{crit.id}: {field}",
                                f"unknown {kind[:-1]} {value!r}; expected one of: "
                                f"{', '.join(known[:12])}{', ...' if len(known) > 12 else ''}"))

    def walk(crit: Criterion, test: Test, professions: set[str]) -> None:
        tiers = vocab["tiers"]
        kind = test.kind
        body = getattr(test, kind)
        for name in ("tier", "from_tier", "to_tier"):
            value = getattr(body, name, None)
            if value is not None and value not in tiers:
                bad(crit, f"test.{kind}.{name}", "tiers", value)
        for value in getattr(body, "tiers", None) or []:
            if value not in tiers:
                bad(crit, f"test.{kind}.tiers", "tiers", value)
        if kind == "staffed_by":
            for value in [*body.all, *body.any]:
                if value not in vocab["professions"] | professions:
                    bad(crit, f"test.{kind}", "professions", value)
        if kind == "delivers":
            for value in [*body.all, *body.any]:
                if value not in vocab["interventions"]:
                    bad(crit, f"test.{kind}", "interventions", value)
        if kind == "addresses":
            for value in body.all:
                if value not in vocab["concerns"]:
                    bad(crit, "test.addresses.all", "concerns", value)
        if kind == "relation":
            for value in body.kinds:
                if value not in vocab["kinds"]:
                    bad(crit, "test.relation.kinds", "kinds", value)
            if body.concern is not None and body.concern not in vocab["concerns"]:
                bad(crit, "test.relation.concern", "concerns", body.concern)
        if kind == "responds" and body.urgency not in vocab["urgencies"]:
            bad(crit, "test.responds.urgency", "urgencies", body.urgency)
        if kind == "route":
            for value in body.source:
                if value not in vocab["nodes"]:
                    bad(crit, "test.route.from", "nodes", value)
        if kind == "service":
            for text in body.covers:
                try:
                    parse_range(text)
                except RangeParseError as exc:
                    problems.append(Problem("error", "criteria", crit.file, crit.line,
                                            f"{crit.id}: test.service.covers", str(exc)))
        if kind == "function" and body not in FUNCTIONS:
            problems.append(Problem("error", "criteria", crit.file, crit.line,
                                    f"{crit.id}: test.function",
                                    f"unknown function {body!r}; expected one of: "
                                    f"{', '.join(sorted(FUNCTIONS))}"))
        for inner in test.all_of or []:
            walk(crit, inner, professions)

    for cset in sets:
        if cset.id in seen:
            problems.append(Problem("error", "criteria", cset.file, None, "id",
                                    f"set {cset.id!r} is also defined in {seen[cset.id]}"))
        seen[cset.id] = cset.file
        for crit in cset.criteria:
            if crit.id in seen:
                problems.append(Problem("error", "criteria", crit.file, crit.line, "id",
                                        f"criterion {crit.id!r} is also defined in "
                                        f"{seen[crit.id]}"))
            seen[crit.id] = crit.file
            walk(crit, crit.test, set(cset.terms.professions))
    return problems


def vocabulary(model: Any) -> dict[str, set[str]]:
    """The ids a test may name, from ``model``'s vocabulary."""
    from carepath.graph.model import RESERVED_NODES, RelationKind

    return {"tiers": set(model.tiers), "professions": set(model.professions),
            "interventions": set(model.interventions), "concerns": set(model.concerns),
            "urgencies": set(model.urgencies), "kinds": {k.value for k in RelationKind},
            "nodes": set(model.professions) | set(model.services) | set(RESERVED_NODES)}


def load_sets(paths: list[Path] | None = None, *, model: Any = None) -> list[CriteriaSet]:
    """The criteria sets in ``paths`` (default: the bundled ones), checked against the
    vocabulary of ``model`` (default: the bundled reference data's).

    Raises:
        DataValidationError: naming every problem: file, line, field.
        OSError: for a file that cannot be read.
    """
    if model is None:
        from carepath import load_reference

        model = load_reference()
    sets = []
    problems: list[Problem] = []
    for path in paths or bundled_files():
        try:
            sets.append(parse_set(Path(path).read_text(encoding="utf-8"), str(path)))
        except DataValidationError as exc:
            problems += exc.problems
    problems += _check_terms(sets, vocabulary(model))
    if problems:
        raise DataValidationError(problems)
    return sets
