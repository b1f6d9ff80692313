"""The analysis commands: refers, routes, need, gaps, overlaps, stepped-care, eligible,
pathway, structure, compare, diff, whatif; generated from :data:`QUESTIONS` (see
:mod:`carepath.cli.spec`: the shared options, the build read once, ``--area`` resolved and
the answer printed). Each answer function's docstring is its command's help."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    AreaOpt,
    AtOpt,
    ConcernOpt,
    SeverityOpt,
    load,
    note,
    out,
    resolve,
    resolve_term,
    week,
)
from carepath.cli.spec import Asked, Question, register
from carepath.printing import emit

NODE = ("service", "profession", "family")
STEP_WORDS = {"absent": "(none stated)",
              "outside-scope": "(not stated: outside the source's scope)"}


class GapBasis(StrEnum):
    """The bases of a gap (see :data:`carepath.queries.gaps.BASES`)."""

    absent = "absent"
    not_stated = "not-stated"
    outside_scope = "outside-scope"
    not_mentioned = "not-mentioned"


def _conditions(table):
    """One readable ``conditions`` column from a relation table's condition columns (plain
    :class:`~carepath.rows.Rows` or a DataFrame, given back as it came)."""
    from carepath.rows import Rows

    records = table.records() if isinstance(table, Rows) else table.to_dict("records")
    parts = []
    for row in records:
        bits = [row.get("stage_text") or "", ", ".join(row.get("concerns") or []),
                "/".join(row.get("severity") or []), row.get("urgency") or "",
                f"within {row['response_time']}" if row.get("response_time") else ""]
        parts.append("; ".join(b for b in bits if b))
    if isinstance(table, Rows):
        return Rows(list(table.columns) + ["conditions"], [*table.values, parts])
    return table.assign(conditions=parts)


BirthsOpt = Annotated[int | None, typer.Option(
    min=0, metavar="N", help="The health board's births a year, for services a document "
    "provides only in boards of some size (default: the area's, else 'depends on board "
    "size').")]

def _refers(
    ask: Asked,
    source: Annotated[str | None, typer.Option("--from", help="Who refers: a service, a "
                                               "profession (gp, midwife...) or family; id or "
                                               "name.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Who is referred to: a service or "
                                             "profession; id or name, e.g. CRUISE.")] = None,
    at: AtOpt = None,
    stage: Annotated[str | None, typer.Option(help="A canonical stage: id or name, e.g. "
                                              "pregnancy, months-2-6.")] = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    urgency: Annotated[str | None, typer.Option(help="emergency, urgent or routine.")] = None,
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Relation kinds (default refers_to); "
                                                   "repeatable.")] = None,
    self_referral: Annotated[bool, typer.Option("--self", help="Only self-referrals.")] = False,
) -> None:
    """Who refers to whom, incoming and outgoing, filtered by stage, concern and urgency."""
    from carepath.queries.referrals import (
        referral_rows,
        self_referral_statements,
        self_referrals,
    )

    model = ask.model
    if self_referral:
        df = self_referrals(model, area=area)
        stated = self_referral_statements(model, area=area)
        stated = stated[stated["self_referral"] != "yes"]
        if ask.table and not stated.empty:  # a stated no is an answer too
            emit(stated, ask.fmt, title="self-referral stated as not possible (yet)", console=out)
    else:
        source = resolve(model, source, NODE, role="service, profession or family",
                         area=area)
        target = resolve(model, target, NODE, role="service, profession or family",
                         area=area)
        df = referral_rows(model, source=source, target=target, week=week(at, model),
                       stage=resolve_term(model, stage, "stage"),
                       concern=resolve_term(model, concern, "concern"),
                       severity=resolve_term(model, severity, "severity"),
                       urgency=resolve_term(model, urgency, "urgency"), area=area,
                       kinds=_kinds(kind))
        if df.empty:
            _hint_profession(model, source, target, area)
    if ask.table:
        df = _conditions(df)
    ask.emit(df, brief=["source", "target", *(["open"] if at else []), "conditions",
                        "evidence"])


def _kinds(kinds: list[str] | None) -> tuple[str, ...]:
    """Relation kinds checked here, so a misspelt one is a usage error (exit 2)."""
    import difflib

    from carepath.cli._common import UsageError
    from carepath.graph.model import RelationKind

    valid = [k.value for k in RelationKind]
    for kind in kinds or ():
        if kind not in valid:
            close = difflib.get_close_matches(kind, valid, n=1)
            raise UsageError(f"unknown relation kind {kind!r}"
                             + (f" (did you mean {close[0]}?)" if close else "")
                             + f"; expected one of: {', '.join(valid)}")
    return tuple(kinds or ("refers_to",))


def _hint_profession(model, source: str | None, target: str | None, area: str | None, *,
                     flags: tuple[str, str] = ("--from", "--to")) -> None:
    """When a profession finds nothing, the services named after it (where they exist);
    ``flags``: how the command takes the two ends (``--entry``, or where they go)."""
    from carepath.lookup import services_named_like

    for node, flag in ((source, flags[0]), (target, flags[1])):
        if node is None or node not in model.professions:
            continue
        like = services_named_like(model, node, area=area)
        if like:
            where = f"in {area}, " if area else ""
            say = " or ".join(f"the service {s} ({model.services[s].name})" for s in like[:3])
            note(f"{where}{model.name_of(node).lower()} is also {say}: try "
                 f"{flag.replace('{}', like[0]) if '{}' in flag else f'{flag} {like[0]}'}")


def _routes(
    ask: Asked,
    source: Annotated[str, typer.Argument(help="Entry point: a profession (midwife, gp...), "
                                          "a service or family.")],
    target: Annotated[str, typer.Argument(help="A service id, a tier id (e.g. inpatient) or "
                                          "words of a service name.")],
    at: AtOpt = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8)] = 4,
    shortest: Annotated[bool, typer.Option(help="Only the shortest route.")] = False,
    _from: Annotated[str | None, typer.Option(
        "--from", hidden=True, is_eager=True, callback=lambda v: _positional("--from", v),
        help="Not an option here: SOURCE is positional.")] = None,
    _to: Annotated[str | None, typer.Option(
        "--to", hidden=True, is_eager=True, callback=lambda v: _positional("--to", v),
        help="Not an option here: TARGET is positional.")] = None,
    births: BirthsOpt = None,
) -> None:
    """Referral routes from an entry point to a target, respecting stage and concern."""
    from carepath.errors import NameLookupError, QueryError
    from carepath.lookup import resolve as lookup
    from carepath.queries.routes import referral_routes, resolve_targets, shortest_route

    find = shortest_route if shortest else referral_routes
    model = ask.model
    source = resolve(model, source, NODE, role="entry point (service, profession or family)")
    try:  # a node or tier by id, name or alias; else words of service names, as the query reads
        target = lookup(model, target, (*NODE, "tier"), role="target", words=False)
    except NameLookupError as exc:
        try:
            resolve_targets(model, target)
        except QueryError:
            raise exc from None
    df = find(model, source, target, week=week(at, model),
              concern=resolve_term(model, concern, "concern"),
              severity=resolve_term(model, severity, "severity"), max_hops=max_hops,
              births=births)
    if df.empty:
        _hint_profession(model, source, target, None,
                         flags=(f"carepath routes {{}} {target}",
                                f"carepath routes {source} {{}}"))
    ask.emit(df, title=f"routes {source} -> {target}")


def _positional(flag: str, value: str | None) -> None:
    """``routes --from X`` (the ``refers`` habit): say that SOURCE and TARGET are
    positional, before the missing arguments are complained of."""
    if value is None:
        return
    where = "carepath routes {} TARGET" if flag == "--from" else "carepath routes SOURCE {}"
    raise typer.BadParameter(f"SOURCE and TARGET are positional, not options: "
                             f"{where.format(value)} (e.g. carepath routes gp dorset-pmmhs)",
                             param_hint=flag)


def _need(
    ask: Asked,
    concern: Annotated[str, typer.Option(metavar="CONCERN", help="A concern: id, name or "
                                         "everyday word, e.g. anxiety.")],
    at: Annotated[str, typer.Option("--at", metavar="AGE", help="The child's age, e.g. "
                                    "'4 months', 4m, 6/52, pregnancy.")],
    severity: SeverityOpt = None,
    entry: Annotated[list[str] | None, typer.Option(metavar="WHO", help="Entry points (a "
                                                    "profession, service or family); "
                                                    "repeatable.")] = None,
    area: AreaOpt = None,
    births: BirthsOpt = None,
) -> None:
    """Routes to the services that meet a need: a concern, at a severity, at an age (for
    example --concern anxiety --severity moderate --at 4m).

    A table starts with the routes counted by area, target and tier when there are more than
    --limit of them."""
    from carepath.queries.routes import routes_for_need

    model = ask.model
    entries = [resolve(model, e, NODE, role="entry point", area=area) for e in entry or []]
    df = routes_for_need(model, concern=resolve_term(model, concern, "concern"),
                         severity=resolve_term(model, severity, "severity"),
                         week=week(at, model), entry=entries or None,
                         area=area, births=births)
    if df.empty:
        for entry_point in entries:
            _hint_profession(model, entry_point, None, area, flags=("--entry", "--to"))
    if ask.table:
        df = df.assign(tier=df["target"].map(lambda t: getattr(model.services.get(t), "tier",
                                                               None) or ""))
    return df


def _gaps(
    ask: Asked,
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Gap kinds; repeatable.")] = None,
    basis: Annotated[list[GapBasis] | None, typer.Option(
        help="Only gaps of this basis (repeatable): 'absent' (within what the documents "
             "describe, they name nothing there), 'not-stated' (a service might fill it but "
             "its documents do not say), 'outside-scope' (the documents do not describe it), "
             "'not-mentioned' (a concern the documents never mention).")] = None,
    concern: ConcernOpt = None,
    stage: Annotated[str | None, typer.Option(
        metavar="STAGE", help="Only gaps at this stage (and those that hold at every stage): "
        "id or name, e.g. years-1-2, '1-2 years', pregnancy.")] = None,
    tier: Annotated[str | None, typer.Option(
        metavar="TIER", help="Only gaps at this tier: id, name or alias, e.g. inpatient, "
        "MBU, PIMHS.")] = None,
) -> None:
    """Gaps, each with its basis, reason and evidence: stage x tier, stage x concern, no
    inbound referral, no route to specialist help, transitions with no hand-over. A table
    starts with a summary per area: counts by kind and basis."""
    from carepath.queries.gaps import gap_counts, gap_rows

    model = ask.model
    found = gap_rows(model, area=area, kinds=kind or None,
                      basis=[b.value for b in basis] if basis else None,
                      concern=resolve_term(model, concern, "concern"),
                      stage=resolve_term(model, stage, "stage"),
                      tier=resolve_term(model, tier, "tier"))
    if ask.table and not found.empty:
        emit(gap_counts(found), ask.fmt, title="gaps by area, kind and basis", console=out,
             limit=0)
    # no generic kind x area matrix here: the summary above already counts them, by basis
    # one area asked: its name is in every reason and in the summary, so the reason gets
    # the width
    ask.emit(found, brief=[*([] if area else ["area"]), "kind", "basis", "reason", "evidence"])


def _overlaps(ask: Asked, area: AreaOpt = None):
    """Services covering the same stage x tier x concern, duplicated routes, deliberate overlaps."""
    from carepath.queries.overlaps import overlap_rows

    return overlap_rows(ask.model, area=area)


def _stepped_care_cmd(
    ask: Asked,
    area: AreaOpt = None,
    births: Annotated[int | None, typer.Option(min=0, help="Births a year, for expected "
                                               "families in need per tier.")] = None,
    flows: Annotated[bool, typer.Option(help="Show flows between tiers instead.")] = False,
):
    """The stepped-care model: tiers in order, services, population need, flows."""
    from carepath.queries.stepped_care import stepped_care, tier_flows

    model = ask.model
    if flows:
        ask.emit(tier_flows(model, area=area), title="flows between tiers",
                 brief=["area", "source_tier", "target_tier", "flow", "count", "evidence"])
        return None
    steps = stepped_care(model, area=area, births=births)
    if ask.table:  # an empty step says why: never a bare blank
        steps = steps.assign(names=[
            names or [STEP_WORDS[basis]] for names, basis in zip(steps["names"], steps["basis"],
                                                               strict=True)])
    return steps


def _eligible(
    ask: Asked,
    at: Annotated[str, typer.Option("--at", metavar="AGE", help="The child's age, e.g. "
                                    "'4 months', 4m, 6/52, pregnancy.")],
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    parent_age: Annotated[float | None, typer.Option(min=0, help="Parent's age in years.")] = None,
    area: AreaOpt = None,
    births: BirthsOpt = None,
) -> None:
    """Which services accept a family profile, which exclude it and why, and the route."""
    from carepath.queries.eligibility import eligible as check

    model, limit = ask.model, ask.limit
    df = check(model, week=week(at, model), concern=resolve_term(model, concern, "concern"),
               severity=resolve_term(model, severity, "severity"), parent_age=parent_age,
               area=area, births=births)
    if not ask.table or ask.columns or df.empty:  # json/csv: every row, as it is
        ask.emit(df)
        return
    decided = df[df["accepts"] != "unknown"]
    order = decided["accepts"].map({"yes": 0, "no": 1}).fillna(2)  # then any other verdict
    decided = decided.iloc[order.to_numpy().argsort(kind="stable")]
    unknown = df[df["accepts"] == "unknown"]
    says = {a: int((decided["accepts"] == a).sum()) for a in ("yes", "no")}
    write = out.real.file.write
    width = max(out.width, 40)
    verb = {a: "says" if n == 1 else "say" for a, n in says.items()}
    others = decided[~decided["accepts"].isin(["yes", "no"])]["accepts"].value_counts()
    other = "".join(f"{n} {verdict}, " for verdict, n in others.items())  # by discussion...
    write("\n".join(_wrap_text(
        f"eligibility: {says['yes']} {verb['yes']} yes, {says['no']} {verb['no']} no, "
        f"{other}{len(unknown)} cannot be told from the documents (unknown)", width)) + "\n")
    shown = decided.head(limit) if limit else decided
    for row in shown.itertuples(index=False):
        write("\n" + "\n".join(_eligible_block(row, width)) + "\n")
    if len(shown) < len(decided):
        left = decided["accepts"].iloc[len(shown):].value_counts()
        write("\n" + "\n".join(_wrap_text(
            f"... and {len(decided) - len(shown)} more ({left.get('yes', 0)} yes, "
            f"{left.get('no', 0)} no; --limit 0 for all, --area for one area)", width)) + "\n")
    if not unknown.empty:
        write("\n" + "\n".join(_wrap_text(_unknown_summary(unknown), width)) + "\n")


def _wrap_text(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped at spaces (never inside an id) to ``width``."""
    import textwrap

    from carepath.printing import literal

    return textwrap.wrap(literal(text), width, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [""]


def _eligible_block(row, width: int) -> list[str]:
    """One service's eligibility answer as a few wrapped lines: the verdict, why, the route
    (or, where it says no, where the family can go instead) and the evidence."""
    lines = _wrap_text(f"{row.service} ({row.name}, {row.area}): {row.accepts}", width)
    route = _instead(row.accepts, row.route)
    fields = [("why", "; ".join(_short_reasons(row.reasons))),
              ("instead", route.removeprefix("instead: ")) if row.accepts == "no" else
              ("route", route or "not stated (no referral into it from the area's entry "
                         "points)"),
              ("evidence", ", ".join(row.evidence) if isinstance(row.evidence, list)
               else str(row.evidence))]
    for label, text in fields:
        wrapped = _wrap_text(f"{label:<9}{text}", width - 2, " " * 9)
        lines += ["  " + line for line in wrapped]
    return lines


def _short_reasons(reasons) -> list[str]:
    """An eligibility answer's reasons for a table: the inclusion criteria met counted, not
    quoted ("meets 8 stated criteria"); --format csv/json quote each."""
    out = []
    for reason in reasons if isinstance(reasons, list) else [reasons]:
        met = str(reason).count("meets: ")
        out.append(f"meets {met} stated criteria" if met > 1 and str(reason).startswith(
            "meets: ") else str(reason))
    return out


def _instead(accepts: str, route: str) -> str:
    """The route column of a table: for a service that says no, where the family can go
    instead (as the document says, else that it does not say)."""
    if accepts != "no":
        return route or ""
    return route if str(route).startswith("instead") else "instead: not stated"


_UNKNOWN_IDS = 8  # ids the summary of unknown rows lists per reason


def _unknown_summary(unknown) -> str:
    """One line for the services whose documents cannot say (their many rows): how many,
    why, and which, the first few ids of each reason.

    >>> import pandas as pd
    >>> print(_unknown_summary(pd.DataFrame({"service": ["a", "b"], "reasons": [
    ...     ["no age window stated"], ["no age window stated"]]}))[:79])
    and 2 services the documents cannot say for (unknown): no age window stated (2:
    """
    groups: dict[str, list[str]] = {}
    for service, reasons in zip(unknown["service"], unknown["reasons"], strict=True):
        items = reasons if isinstance(reasons, list) else [reasons]
        open_ = [str(r).split(":")[0] for r in items  # what leaves it open, not what holds
                 if not str(r).startswith(("covers ", "meets"))]
        key = " + ".join(open_ or [str(r).split(":")[0] for r in items]) or "not stated"
        groups.setdefault(key, []).append(service)
    parts = []
    for why, ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(ids[:_UNKNOWN_IDS]) + (f" and {len(ids) - _UNKNOWN_IDS} more"
                                                 if len(ids) > _UNKNOWN_IDS else "")
        parts.append(f"{why} ({len(ids)}: {shown})")
    n = len(unknown)
    return (f"and {n} service{'s' if n > 1 else ''} the documents cannot say for (unknown): "
            + "; ".join(parts) + "; --format csv or json lists each with its reasons")


def _pathway(
    ask: Asked,
    service: Annotated[str | None, typer.Option(
        help="A service id, name or alias, e.g. 'health visiting'.")] = None,
    at: AtOpt = None,
    stage: Annotated[str | None, typer.Option(
        help="A stage id (weeks-6-8) or a range as written ('Birth - 8 weeks').")] = None,
    level: Annotated[str | None, typer.Option(
        help="A service level, e.g. universal-partnership-plus.")] = None,
    heading: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Only cells whose heading has these words, e.g. 'Death of "
        "baby'.")] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Each cell's rationale, every action and whom it refers to (default: "
        "stage, service, level, heading and the first action).")] = False,
    area: AreaOpt = None,
) -> None:
    """The pathway tool's cells (stage x service x level): rationale, actions and whom they
    refer to. --at keeps every cell whose stage range holds that age; --stage every cell
    whose range overlaps it. The terminal shows each cell in brief, by stage (--full: all of
    it); csv and json give every column."""
    from carepath.queries.pathway import pathway_rows

    model, limit = ask.model, ask.limit
    df = pathway_rows(model, service=service, week=week(at, model), stage=stage, level=level,
                      area=area)
    if heading is not None:
        words = heading.strip().upper()
        df = df.filter(words in h.upper() for h in df.column("heading"))
        if df.empty:
            _check_heading(model, heading)
    if not ask.table or ask.columns or full or df.empty:
        ask.emit(df)
        return
    width = max(out.width, 40)
    write = out.real.file.write
    shown = df.head(limit) if limit else df
    write("\n".join(_wrap_text(
        f"pathway cells: {len(df)} (--full: each cell's rationale, every action and whom it "
        "refers to; --heading TEXT: one kind of cell)", width)) + "\n")
    last = None
    for row in shown.records():
        if row["stage_text"] != last:
            write("\n" + "\n".join(_wrap_text(row["stage_text"], width)) + "\n")
            last = row["stage_text"]
        head = f"{row['service']} ({row['service_name']})" + (f", {row['level']}"
                                                              if row["level"] else "")
        head += f": {row['heading'] or 'no heading'} [{row['evidence']}]"
        write("\n".join("  " + line for line in _wrap_text(head, width - 2, "  ")) + "\n")
        actions = list(row["actions"])
        more = len(actions) - 1
        first = (actions[0] + (f" (+{more} more action{'s' if more > 1 else ''})"
                               if more else "") if actions else
                 "no action stated" + (" (--full: its rationale)" if row["rationale"] else ""))
        write("\n".join("    " + line for line in _wrap_text(first, width - 4)) + "\n")
    if len(shown) < len(df):
        write(f"\n... and {len(df) - len(shown)} more cells (--limit 0 for all)\n")


def _check_heading(model, heading: str) -> None:
    """A --heading no cell has is a usage error naming the headings there are (a heading
    some cell has, but none of those asked for, is just no rows)."""
    import difflib

    from carepath.cli._common import UsageError

    headings = sorted({c.heading for c in model.pathway if c.heading})
    if any(heading.strip().lower() in h.lower() for h in headings):
        return
    close = difflib.get_close_matches(heading, headings, n=1, cutoff=0.5)
    raise UsageError(f"no pathway cell has a heading with {heading!r}"
                     + (f" (did you mean {close[0]!r}?)" if close else "")
                     + f"; the headings: {'; '.join(headings) or 'none'}")


def _structure(ask: Asked, area: AreaOpt = None):
    """Hubs and single points of failure (centrality, cut vertices)."""
    from carepath.queries.structure import structure as find

    model = ask.model
    df = find(model, area=area)
    df = df.assign(separates=_separated(model, df))
    if ask.table:
        df = df.assign(cuts=[_cuts(sep, lost) for sep, lost in zip(df["separates"],
                                                                   df["disconnects"],
                                                                   strict=True)])
        df = df.assign(_first=df["cuts"] != "").sort_values("_first", ascending=False,
                                                           kind="stable").drop(columns="_first")
    return df


def _separated(model, df) -> list[list[str]]:
    """For each service of a ``structure`` answer that is a cut vertex, what its removal
    separates from the rest of its part of the area's network: the ids outside the largest
    piece left, or every id when no piece is left with more than one (a hub)."""
    import networkx as nx

    from carepath.graph.networkx import relation_graph
    from carepath.queries.routes import area_view
    from carepath.queries.structure import KINDS

    graph = relation_graph(model, tuple(KINDS))
    views = {}
    out = []
    for service, area, cut in zip(df["service"], df["area"], df["cut_vertex"], strict=True):
        if not cut:
            out.append([])
            continue
        if area not in views:
            view = area_view(model, graph, area).to_undirected()
            view.add_nodes_from(s.id for s in model.services_in(area))
            views[area] = view
        joined = nx.node_connected_component(views[area], service)
        rest = views[area].subgraph(joined - {service})
        parts = sorted(nx.connected_components(rest), key=len, reverse=True)
        cut_off = parts[1:] if len(parts[0]) > 1 else parts  # a hub: every piece alone
        out.append(sorted(n for part in cut_off for n in part))
    return out


def _cuts(separated: list[str], disconnects: list[str]) -> str:
    """One readable line: what removing the service cuts off."""
    bits = []
    if separated:
        shown = ", ".join(separated[:6]) + (f" and {len(separated) - 6} more"
                                            if len(separated) > 6 else "")
        bits.append(f"separates {shown}")
    if disconnects:
        bits.append(f"ends every route {'; '.join(disconnects[:4])}"
                    + (f" and {len(disconnects) - 4} more" if len(disconnects) > 4 else ""))
    return "; ".join(bits)


def _compare(
    ask: Asked,
    area_a: Annotated[str, typer.Argument(help="First area: id or name.")],
    area_b: Annotated[str, typer.Argument(help="Second area: id or name.")],
    conformance: Annotated[bool, typer.Option(
        "--conformance", help="The areas' conformance side by side instead (carepath "
        "conform: one row per criterion, each area's verdict).")] = False,
) -> None:
    """Two areas side by side: stage x tier coverage and the differences (a table: a tier x
    stage matrix of service counts, then the cells where the areas differ)."""
    from carepath.queries.compare import compare_areas

    model = ask.model
    area_a, area_b = ask.area(area_a), ask.area(area_b)
    if conformance:
        import pandas as pd

        from carepath.conformance.assess import conform, side_by_side

        both = side_by_side(pd.concat([conform(model, area=a) for a in (area_a, area_b)],
                                      ignore_index=True))
        ask.emit(both, title=f"conformance: {area_a} and {area_b}", brief=None)
        return
    df = compare_areas(model, area_a, area_b)
    title = f"{area_a} (a) and {area_b} (b)"
    if ask.table and not ask.columns:
        emit(_matrix(model, df), ask.fmt, title=f"{title}: services a/b at each tier and stage "
             "('none': no window stated)", console=out, limit=0, compact=True)
        df = df[df["difference"].str.startswith("only")] if "difference" in df else df
        title = f"{title}: where only one has a service"
    ask.emit(df, title=title)


def _matrix(model, df):
    """A compare answer as tiers (down) by stages (across), each cell "a/b" service counts."""
    import pandas as pd

    stages = [s.id for s in model.stages_in_order() if s.id in set(df["stage"])]
    stages += [s for s in dict.fromkeys(df["stage"]) if s not in stages]
    tiers = list(dict.fromkeys(df["tier"]))
    cells = {(r.stage, r.tier): f"{r.count_a}/{r.count_b}" for r in df.itertuples()}
    rows = [[tier, *(cells.get((stage, tier), "") for stage in stages)] for tier in tiers]
    return pd.DataFrame(rows, columns=["tier", *(_short_stage(model, s) for s in stages)])


def _short_stage(model, stage: str) -> str:
    """A matrix header: '0-6w', '2-6m', '1-2y', 'preg'; other names as they are."""
    import re

    name = model.stages[stage].name if stage in model.stages else stage
    m = re.fullmatch(r"(\d+)-(\d+) (w|m|y)\w*", name)
    if m:
        return f"{m.group(1)}-{m.group(2)}{m.group(3)}"
    return {"Preconception": "precon", "Pregnancy": "preg", "unstated": "none"}.get(name, name)


def _diff(
    ask: Asked,
    old: Annotated[Path, typer.Argument(help="The old version's data (folder or file).")],
    new: Annotated[Path, typer.Argument(help="The new version's data (folder or file).")],
    *,
    report: Annotated[bool, typer.Option("--report", help="What changed for families first "
                                         "(routes, eligibility, gaps, stated -> not stated): "
                                         "Markdown, or rows with --format csv/json.")] = False,
    html: Annotated[Path | None, typer.Option("--html", metavar="FILE", help="With --report: "
                                              "also write it as an HTML page.")] = None,
) -> None:
    """What changed between two versions of an area's data."""
    from carepath.queries.compare import diff as find_diff

    if report or html is not None:
        from carepath.cli.history import emit_report
        from carepath.queries.changes import changes

        emit_report(changes(load([old]), load([new])), ask.fmt, old=str(old), new=str(new),
                    html=html)
        return None
    return find_diff(load([old]), load([new]))


def _whatif(
    ask: Asked,
    remove: Annotated[list[str], typer.Argument(help="Services to remove: ids or names.")],
) -> None:
    """The gaps and broken routes that appear if services are decommissioned."""
    from carepath.queries.compare import whatif_remove

    model = ask.model
    remove = [resolve(model, r, ("service",), role="service") for r in remove]
    ask.emit(whatif_remove(model, remove), title=f"without {', '.join(remove)}")


#: the analysis commands, in the order ``carepath --help`` lists them
QUESTIONS = (
    Question("refers", _refers, title="referrals", reads="nodes",
             nodes=lambda o: [] if o.get("self_referral") else [o.get("source"), o.get("target")]),
    Question("routes", _routes, brief=["open", "names", "conditions", "evidence"],
             reads="names"),
    Question("need", _need, title="routes for the need", reads="names",
             brief=["area", "open", "names", "conditions", "evidence"],
             summary=[["tier", "area"], ["target_name", "tier", "area"]]),
    Question("gaps", _gaps, title="gaps", reads="area"),
    Question("overlaps", _overlaps, title="overlaps", reads="area",
             brief=["area", "kind", "names", "similarity", "deliberate"],
             summary=["kind", "area"]),
    Question("stepped-care", _stepped_care_cmd, title="stepped care",
             brief=["area", "rank", "tier_name", "names", "need_min", "need_max",
                    "families_min", "families_max"]),
    Question("eligible", _eligible, title="eligibility", reads="area",
             brief=["service", "accepts", "reasons", "route", "evidence"],
             summary=["accepts", "area"]),
    Question("pathway", _pathway, title="pathway cells",
             brief=["stage_text", "service_name", "level", "actions", "target_names",
                    "evidence"]),
    Question("structure", _structure, title="structure",
             brief=["service", "cuts", "betweenness"]),
    Question("compare", _compare,
             brief=["stage", "tier", "services_a", "services_b", "difference"]),
    Question("diff", _diff, title="diff", shared=("fmt", "columns", "limit")),
    Question("whatif", _whatif, brief=["area", "kind", "subject_name", "target_name", "stage",
                                       "tier", "reason"], summary=["kind", "area"]),
)
for _question in QUESTIONS:
    register(_question)
