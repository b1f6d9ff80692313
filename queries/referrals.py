"""Who refers to whom: incoming and outgoing referrals, with their conditions and evidence.

A referral can come from a service, a profession (``gp``, ``midwife``...), the family itself
(``family``, a self-referral) or its relatives or carers on its behalf (``relatives``: not a
self-referral). Conditions a relation does not state do not restrict it: a referral with no
stage applies at every stage (see :meth:`Relation.applies`) - but asked about an age, the
answer says whether that age is stated (``open``: ``yes``) or not (``unknown``).

>>> from carepath import load_reference
>>> model = load_reference()
>>> referrals(model, target="dorset-pmmhs")["source"].tolist()
['dorset-cmht', 'dorset-social-care', 'gp', 'health-visitor', 'midwife', 'relatives']
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from carepath.errors import QueryError
from carepath.graph.model import FAMILY, NO, Model, Provenance, Relation, RelationKind

if TYPE_CHECKING:  # imported where a table is made: the checks here serve pandas-free answers
    import pandas as pd

    from carepath.rows import Rows

__all__ = ["COLUMNS", "referral_rows", "referrals", "self_referral_statements",
           "self_referrals"]

COLUMNS = ["source", "source_name", "source_kind", "target", "target_name", "kind", "open",
           "stages", "stage_text", "target_window", "concerns", "severity", "urgency",
           "response_time", "level", "note", "evidence"]


def referrals(model: Model, *, source: str | None = None, target: str | None = None,
              week: float | None = None, stage: str | None = None, concern: str | None = None,
              severity: str | None = None, urgency: str | None = None, area: str | None = None,
              kinds: Iterable[str] = ("refers_to",)) -> pd.DataFrame:
    """Referrals (or other relations of ``kinds``) into ``target`` and out of ``source``.

    Parameters
    ----------
    model : the carepath model.
    source : a service id, a profession id (``"gp"``, ``"midwife"``) or ``"family"``.
    target : a service or profession id.
    week : a point on the timeline, in weeks relative to birth; keeps relations that apply then.
    stage : a canonical stage id (``model.stages``, e.g. ``"months-2-6"``); keeps relations whose
        windows overlap that stage.
    concern, severity, urgency : ids (or names/aliases) of vocabulary terms; keep relations that
        state that term or state none.
    area : an area id; keeps relations with a service of that area at either end.
    kinds : relation kinds (``"refers_to"``, ``"signposts_to"``, ``"hands_over_to"``...).

    Returns
    -------
    DataFrame with columns source, source_name, source_kind, target, target_name, kind, stages
    (canonical stage ids), stage_text, concerns, severity (lists), urgency, response_time, level,
    note and evidence (``"doc-002:31"``), sorted by target, source, kind and evidence.
    ``target_window`` is the target service's stated window (``"not stated"``). With a
    ``week``, a relation goes if its own stages or the target's window exclude that week, and
    ``open`` says ``"yes"`` (one of them states the week) or ``"unknown"`` (neither states a
    window); without a week ``open`` is ``""``.

    Raises:
        QueryError: for an unknown node, term, stage, area or kind; the message names the valid
            choices.

    Examples
    --------
    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> out = referrals(model, source="p05-health-visiting", week=4,
    ...                 concern="perinatal-loss-bereavement")
    >>> sorted(set(out["target"]))[:3]
    ['mental-health-link-worker', 'p05-adult-mental-health-services', 'p05-caf-tac']
    >>> referrals(model, target="dorset-pmmhs").loc[0, "evidence"]
    'doc-002:32'
    >>> sorted(set(referrals(model, target="dorset-pmmhs", week=156)["open"]))  # past 2 years
    ['by discussion']
    """
    return _frame(_referral_records(
        model, source=source, target=target, week=week, stage=stage, concern=concern,
        severity=severity, urgency=urgency, area=area, kinds=kinds))


def _referral_records(model: Model, *, source: str | None = None, target: str | None = None,
                      week: float | None = None, stage: str | None = None,
                      concern: str | None = None, severity: str | None = None,
                      urgency: str | None = None, area: str | None = None,
                      kinds: Iterable[str] = ("refers_to",)) -> list[dict[str, Any]]:
    """The rows of :func:`referrals`, unsorted, each with its evidence line (``_line``)."""
    kinds = check_kinds(kinds)
    if source is not None:
        source = check_node(model, source, "source")
    if target is not None:
        target = check_node(model, target, "target")
    week = check_week(week)
    interval = None
    if stage is not None:
        interval = model.stages[check_term(model.stages, stage, "stage")].interval
    concern = check_term(model.concerns, concern, "concern")
    severity = check_term(model.severities, severity, "severity")
    urgency = check_term(model.urgencies, urgency, "urgency")
    area = check_area(model, area)

    rows = []
    for rel in model.relations:
        if rel.kind not in kinds:
            continue
        if source is not None and rel.source != source:
            continue
        if target is not None and rel.target != target:
            continue
        if not rel.applies(week=week, concern=concern, severity=severity):
            continue
        if interval is not None and rel.windows and not any(w.overlaps(interval)
                                                            for w in rel.windows):
            continue
        if urgency is not None and rel.urgency is not None and rel.urgency != urgency:
            continue
        if area is not None and area not in relation_areas(model, rel):
            continue
        verdict = "" if week is None else model.hop_at(rel, week)  # after the cheap tests
        if verdict == NO:
            continue
        rows.append({**relation_row(model, rel), "open": verdict})
    return rows


def referral_rows(model: Model, **asked: Any) -> Rows:
    """:func:`referrals` as plain rows, in the same order, without pandas (a question the
    command line answers in a fraction of a second: importing pandas alone costs 0.4 s).

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> rows = referral_rows(model, target="dorset-pmmhs")
    >>> rows.records() == referrals(model, target="dorset-pmmhs").to_dict("records")
    True
    """
    from carepath.rows import Rows

    rows = sorted(_referral_records(model, **asked), key=lambda r: (
        r["target"], r["source"], r["kind"], r["evidence"].split(":")[0], r["_line"]))
    return Rows.from_records(rows, COLUMNS)


def self_referrals(model: Model, *, area: str | None = None) -> pd.DataFrame:
    """Services a family can refer itself to (referrals whose source is ``family``).

    Same columns as :func:`referrals`. Referrals by relatives or carers (``relatives``) are
    not self-referrals; a service whose document says self-referral is not (yet) possible
    is never listed (see :attr:`Service.self_referral`).

    >>> from carepath import load_reference
    >>> self_referrals(load_reference())[["target", "evidence"]].values.tolist()[:2]
    [['cm-universal', 'doc-000:42'], ['dorset-access-mental-health', 'doc-002:27']]
    """
    found = referrals(model, source=FAMILY, area=area)
    closed = {s.id for s in model.services.values() if s.self_referral in ("no", "not-yet")}
    return found[~found["target"].isin(closed)].reset_index(drop=True)


def self_referral_statements(model: Model, *, area: str | None = None) -> pd.DataFrame:
    """What the documents state about self-referral into each service, where they state it:
    ``yes``, ``no`` or ``not-yet`` (a service not listed: not stated).

    >>> from carepath import load_reference
    >>> self_referral_statements(load_reference()).values.tolist()
    [['dorset-pmmhs', 'Perinatal and Maternal Mental Health Service', 'not-yet', 'doc-002:35']]
    """
    area = check_area(model, area)
    rows = [{"service": s.id, "name": s.name, "self_referral": s.self_referral,
             "evidence": evidence(s.self_referral_provenance or s.provenance)}
            for s in sorted(model.services.values(), key=lambda s: s.id)
            if s.self_referral and (area is None or s.area == area)]
    import pandas as pd

    return pd.DataFrame(rows, columns=["service", "name", "self_referral", "evidence"])


# -- shared by the other analyses -----------------------------------------------------------

def evidence(prov: Provenance) -> str:
    """A fact's evidence as ``source:line`` (just the source when the line is unknown).

    >>> evidence(Provenance("doc-002", 31))
    'doc-002:31'
    """
    return prov.ref


def relation_areas(model: Model, rel: Relation) -> set[str]:
    """Areas of the services at either end of a relation (empty if neither is a service)."""
    return {model.services[n].area for n in (rel.source, rel.target) if n in model.services}


def relation_row(model: Model, rel: Relation) -> dict[str, Any]:
    """One relation as a row with :data:`COLUMNS`."""
    return {
        "source": rel.source,
        "source_name": model.name_of(rel.source),
        "source_kind": model.node_kind(rel.source).value,
        "target": rel.target,
        "target_name": model.name_of(rel.target),
        "kind": rel.kind.value,
        "open": "",
        "stages": [s.id for s in model.stages_in_order()
                   if any(w.overlaps(s.interval) for w in rel.windows)],
        "stage_text": "; ".join(rel.stage_texts),
        "target_window": _window(model, rel.target),
        "concerns": sorted(rel.concerns),
        "severity": _by_rank(model, rel.severities),
        "urgency": rel.urgency or "",
        "response_time": rel.response_time or "",
        "level": rel.level or "",
        "note": rel.note or "",
        "evidence": evidence(rel.provenance),
        "_line": rel.provenance.line if rel.provenance.line is not None else -1,
    }


def _window(model: Model, node: str) -> str:
    svc = model.services.get(node)
    if svc is None:
        return ""
    return "; ".join(svc.stage_texts) or "not stated"


def _by_rank(model: Model, severities: Iterable[str]) -> list[str]:
    def rank(s: str) -> tuple[int, str]:
        term = model.severities.get(s)
        return (term.rank if term is not None and term.rank is not None else 99, s)
    return sorted(severities, key=rank)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=[*COLUMNS, "_line"])
    df["_doc"] = df["evidence"].str.split(":").str[0]
    df = df.sort_values(["target", "source", "kind", "_doc", "_line"], kind="stable")
    return df.drop(columns=["_doc", "_line"]).reset_index(drop=True)


def choices(values: Iterable[str], limit: int = 15) -> str:
    """Valid values for an error message, sorted and shortened."""
    values = sorted(values)
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def did_you_mean(value: str, values: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(values), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def check_node(model: Model, node: str, role: str) -> str:
    """``node`` if it is a service, a profession or the family; else a :class:`QueryError`."""
    if model.node_kind(node) is not None:
        return node
    known = [*model.services, *model.professions, FAMILY]
    raise QueryError(
        f"unknown {role} {node!r}{did_you_mean(node, known)}; expected a service id, "
        f"'{FAMILY}', or a profession: {choices(model.professions, limit=30)}")


def check_term(table: Mapping[str, Any], value: str | None, what: str) -> str | None:
    """The id of a vocabulary term given by id, name or alias (case-insensitive).

    >>> from carepath import load_reference
    >>> check_term(load_reference().severities, "Moderate/Complex", "severity")
    'moderate'
    >>> check_term(load_reference().severities, "awful", "severity")
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: unknown severity 'awful'; expected one of: mild, moderate, severe
    """
    if value is None or value in table:
        return value
    wanted = str(value).strip().lower()
    for ident, term in table.items():
        names = [ident, getattr(term, "name", ""), *getattr(term, "aliases", ())]
        if wanted in (n.lower() for n in names if n):
            return ident
    raise QueryError(f"unknown {what} {value!r}{did_you_mean(str(value), table)}; "
                     f"expected one of: {choices(table)}")


def check_area(model: Model, area: str | None) -> str | None:
    if area is None or area in model.areas:
        return area
    raise QueryError(f"unknown area {area!r}{did_you_mean(area, model.areas)}; "
                     f"expected one of: {choices(model.areas)}")


def check_week(week: float | None) -> float | None:
    if week is None:
        return None
    if isinstance(week, bool) or not isinstance(week, int | float):
        raise QueryError(f"week must be a number of weeks relative to birth, not {week!r}")
    return week


def check_kinds(kinds: Iterable[str] | str) -> tuple[RelationKind, ...]:
    """Relation kinds by value; a :class:`QueryError` naming the valid ones otherwise."""
    if isinstance(kinds, str):
        kinds = (kinds,)
    out = []
    for kind in kinds:
        try:
            out.append(RelationKind(kind))
        except ValueError:
            raise QueryError(f"unknown relation kind {kind!r}; expected one of: "
                             f"{choices(k.value for k in RelationKind)}") from None
    if not out:
        raise QueryError("no relation kinds given; expected one or more of: "
                         f"{choices(k.value for k in RelationKind)}")
    return tuple(out)
