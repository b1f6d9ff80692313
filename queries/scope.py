"""What an area's source documents describe, and the one question every analysis asks before
it may call something absent: "is this within what the sources describe?"

Each source may record a :class:`~carepath.graph.model.Scope` in ``sources.yaml`` (the tiers,
canonical stages and concerns whose provision it sets out, and the kinds of fact it gives),
with the passage that says so. A source without one is taken to describe everything (the
behaviour of a planner's own data, which maps its whole area). Outside the scope of every
source of an area, a document's silence is not a "no": the answer is
:data:`OUTSIDE_SCOPE_TEXT`.

>>> from carepath import load_reference
>>> model = load_reference()
>>> within_scope(model, "cheshire-merseyside", tier="inpatient")
False
>>> within_scope(model, "cheshire-merseyside", tier="specialist-perinatal")
True
>>> within_scope(model, "pathway-0-5", stage="pregnancy")
False
"""

from __future__ import annotations

from carepath.graph.model import AreaId, Model, Source

OUTSIDE_SCOPE_TEXT = "not stated (outside the source's scope)"
def area_source_list(model: Model, area: AreaId) -> list[Source]:
    """The sources the area's data comes from (its own and its services' provenance), by id.

    >>> from carepath import load_reference
    >>> [s.id for s in area_source_list(load_reference(), "dorset")]
    ['doc-002']
    """
    provs = [model.areas[area].provenance, *(s.provenance for s in model.services_in(area))]
    return [model.sources[i] for i in sorted({p.source for p in provs}) if i in model.sources]


def within_scope(model: Model, area: AreaId, *, tier: str | None = None,
                 stage: str | None = None, concern: str | None = None,
                 fact: str | None = None, sources: list[Source] | None = None) -> bool:
    """Whether some source of ``area`` describes everything asked: the ``tier``, the canonical
    ``stage``, the ``concern`` and the kind of ``fact`` (see
    :data:`~carepath.graph.model.FACT_KINDS`); ``None`` is not asked. An area with no
    source recorded, or a source without a scope, describes everything.

    Parameters
    ----------
    model : the model.
    area : an area id of the model.
    tier, stage, concern, fact : what is asked about (ids).
    sources : :func:`area_source_list` of the area, if already made (an analysis asking of
        every cell of an area makes it once: at national, 2,500 times over 20,000 services).

    Returns
    -------
    True when within (an empty finding may then be "absent"), False when outside the scope of
    every source of the area (an empty finding is then only "not stated").

    Examples
    --------
    Document 001 is a postnatal extract of a pathway tool (line 11); Dorset's specification
    (doc 002) describes its perinatal service from preconception to two years:

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> within_scope(m, "pathway-0-5", stage="months-2-6"), within_scope(m, "dorset",
    ...                                                                  stage="years-3-5")
    (True, False)
    """
    sources = area_source_list(model, area) if sources is None else sources
    if not sources:
        return True
    return any(src.scope is None or src.scope.covers(tier=tier, stage=stage, concern=concern,
                                                     fact=fact)
               for src in sources)


def scope_evidence(model: Model, area: AreaId, *,
                   sources: list[Source] | None = None) -> list[str]:
    """``"source:line"`` of the passages that state the area's sources' scope (the source id
    alone where a scope has no line); ``sources``: the area's :func:`area_source_list`, if
    already made.

    >>> from carepath import load_reference
    >>> scope_evidence(load_reference(), "cheshire-merseyside")
    ['doc-000:10']
    """
    out = []
    for src in area_source_list(model, area) if sources is None else sources:
        if src.scope is not None:
            prov = src.scope.provenance
            ref = prov.ref if prov is not None else src.id
            if ref not in out:
                out.append(ref)
    return out


def outside_scope_reason(model: Model, area: AreaId, what: str, *,
                         sources: list[Source] | None = None, **asked: str | None) -> str:
    """The sentence a gap outside the scope gets: ``what`` (a "whether ..." question) is "not
    stated (outside the source's scope)", and which source leaves out which of the ``asked``
    dimensions (``tier``,
    ``stage``, ``concern``, ``fact``), citing where its scope is stated; ``sources``: the
    area's :func:`area_source_list`, if already made.

    >>> from carepath import load_reference
    >>> print(outside_scope_reason(load_reference(), "cheshire-merseyside",
    ...                            "whether any service is at the Inpatient tier",
    ...                            tier="inpatient"))  # doctest: +NORMALIZE_WHITESPACE
    In Cheshire & Merseyside, whether any service is at the Inpatient tier is not stated
    (outside the source's scope). doc-000 does not describe this tier (doc-000:10).
    """
    said = []
    for src in area_source_list(model, area) if sources is None else sources:
        scope = src.scope
        if scope is None:
            continue
        missing = [dim for dim, value in asked.items()
                   if value is not None and not scope.covers(**{dim: value})]
        if missing:
            where = scope.provenance.ref if scope.provenance is not None else src.id
            dims = " or ".join(_DIMENSION[d] for d in missing)
            said.append(f"{src.id} does not describe this {dims} ({where}).")
    text = f"In {model.areas[area].name}, {what} is {OUTSIDE_SCOPE_TEXT}."
    return text + (" " + " ".join(said) if said else "")


_DIMENSION = {"tier": "tier", "stage": "stage", "concern": "concern", "fact": "kind of fact"}
