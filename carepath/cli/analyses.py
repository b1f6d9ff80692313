"""The analysis commands: refers, routes, need, gaps, overlaps, stepped-care, eligible,
pathway, structure, compare, diff, whatif."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import (
    AreaOpt,
    AtOpt,
    ConcernOpt,
    DataOpt,
    FormatOpt,
    SeverityOpt,
    app,
    load,
    out,
    week,
)
from carepath.output import Format, emit


class GapBasis(StrEnum):
    """The two bases of a gap (see :data:`carepath.queries.gaps.BASES`)."""

    absent = "absent"
    not_stated = "not-stated"


@app.command()
def refers(
    source: Annotated[str | None, typer.Option("--from", help="Who refers: a service, a "
                                               "profession (gp, midwife...) or family.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="The service referred to.")] = None,
    at: AtOpt = None,
    stage: Annotated[str | None, typer.Option(help="A canonical stage id.")] = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    urgency: Annotated[str | None, typer.Option(help="emergency, urgent or routine.")] = None,
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Relation kinds (default refers_to); "
                                                   "repeatable.")] = None,
    self_referral: Annotated[bool, typer.Option("--self", help="Only self-referrals.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Who refers to whom, incoming and outgoing, filtered by stage, concern and urgency."""
    from carepath.queries.referrals import (
        referrals,
        self_referral_statements,
        self_referrals,
    )

    model = load(data)
    if self_referral:
        df = self_referrals(model, area=area)
        stated = self_referral_statements(model, area=area)
        stated = stated[stated["self_referral"] != "yes"]
        if fmt is Format.table and not stated.empty:  # a stated no is an answer too
            emit(stated, fmt, title="self-referral stated as not possible (yet)", console=out)
    else:
        df = referrals(model, source=source, target=target, week=week(at), stage=stage,
                       concern=concern, severity=severity, urgency=urgency, area=area,
                       kinds=tuple(kind or ("refers_to",)))
    emit(df, fmt, title="referrals", console=out,
         brief=["source_name", "target_name", "kind", "open", "stage_text", "target_window",
                "evidence"])


@app.command()
def routes(
    source: Annotated[str, typer.Argument(help="Entry point: a profession (midwife, gp...), "
                                          "a service or family.")],
    target: Annotated[str, typer.Argument(help="A service id, a tier id (e.g. inpatient) or "
                                          "words of a service name.")],
    at: AtOpt = None,
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8)] = 4,
    shortest: Annotated[bool, typer.Option(help="Only the shortest route.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Referral routes from an entry point to a target, respecting stage and concern."""
    from carepath.queries.routes import referral_routes, shortest_route

    find = shortest_route if shortest else referral_routes
    df = find(load(data), source, target, week=week(at), concern=concern, severity=severity,
              max_hops=max_hops)
    emit(df, fmt, title=f"routes {source} -> {target}", console=out,
         brief=["route", "open", "names", "conditions", "evidence"])


@app.command()
def need(
    concern: Annotated[str, typer.Option(help="A concern id, e.g. maternal-mental-health.")],
    at: Annotated[str, typer.Option("--at", help="The child's age, e.g. '4 months'.")],
    severity: SeverityOpt = None,
    entry: Annotated[list[str] | None, typer.Option(help="Entry points; repeatable.")] = None,
    area: AreaOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """What route exists for a need, e.g. --concern maternal-mental-health --severity moderate
    --at '4 months'."""
    from carepath.queries.routes import routes_for_need

    df = routes_for_need(load(data), concern=concern, severity=severity, week=week(at),
                         entry=entry or None, area=area)
    emit(df, fmt, title="routes for the need", console=out,
         brief=["route", "open", "names", "conditions", "evidence"])


@app.command()
def gaps(
    area: AreaOpt = None,
    kind: Annotated[list[str] | None, typer.Option(help="Gap kinds; repeatable.")] = None,
    basis: Annotated[GapBasis | None, typer.Option(
        help="Only gaps whose basis is 'absent' (the documents name nothing there) or "
             "'not-stated' (a service might fill it but its documents do not say).")] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Gaps, each with its basis, reason and evidence: stage x tier, stage x concern, no
    inbound referral, no route to specialist help, transitions with no hand-over. A table
    starts with a summary per area: counts by kind and basis."""
    from carepath.queries.gaps import gap_summary
    from carepath.queries.gaps import gaps as find_gaps

    found = find_gaps(load(data), area=area, kinds=kind or None,
                      basis=basis.value if basis else None)
    if fmt is Format.table and not found.empty:
        emit(gap_summary(found), fmt, title="gaps by area, kind and basis", console=out)
    shown = ["kind", "basis", "stage", "tier", "concern", "reason", "evidence"]
    emit(found, fmt, title="gaps", console=out, brief=shown if area else ["area", *shown])


@app.command()
def overlaps(area: AreaOpt = None, data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Services covering the same stage x tier x concern, duplicated routes, deliberate overlaps."""
    from carepath.queries.overlaps import overlaps as find_overlaps

    emit(find_overlaps(load(data), area=area), fmt, title="overlaps", console=out,
         brief=["area", "kind", "names", "similarity", "deliberate", "note"])


@app.command("stepped-care")
def stepped_care_cmd(
    area: AreaOpt = None,
    births: Annotated[int | None, typer.Option(min=0, help="Births a year, for expected "
                                               "families in need per tier.")] = None,
    flows: Annotated[bool, typer.Option(help="Show flows between tiers instead.")] = False,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The stepped-care model: tiers in order, services, population need, flows."""
    from carepath.queries.stepped_care import stepped_care, tier_flows

    model = load(data)
    if flows:
        emit(tier_flows(model, area=area), fmt, title="flows between tiers", console=out,
             brief=["area", "source_tier", "target_tier", "flow", "count", "evidence"])
        return
    emit(stepped_care(model, area=area, births=births), fmt, title="stepped care", console=out,
         brief=["area", "rank", "tier_name", "names", "need_min", "need_max", "families_min",
                "families_max"])


@app.command()
def eligible(
    at: Annotated[str, typer.Option("--at", help="The child's age, e.g. '4 months'.")],
    concern: ConcernOpt = None,
    severity: SeverityOpt = None,
    parent_age: Annotated[float | None, typer.Option(min=0, help="Parent's age in years.")] = None,
    area: AreaOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Which services accept a family profile, which exclude it and why, and the route."""
    from carepath.queries.eligibility import eligible as check

    df = check(load(data), week=week(at), concern=concern, severity=severity,
               parent_age=parent_age, area=area)
    emit(df, fmt, title="eligibility", console=out,
         brief=["name", "accepts", "reasons", "route", "evidence"])


@app.command()
def pathway(
    service: Annotated[str | None, typer.Option(
        help="A service id, name or alias, e.g. 'health visiting'.")] = None,
    at: AtOpt = None,
    stage: Annotated[str | None, typer.Option(
        help="A stage id (weeks-6-8) or a range as written ('Birth - 8 weeks').")] = None,
    level: Annotated[str | None, typer.Option(
        help="A service level, e.g. universal-partnership-plus.")] = None,
    area: AreaOpt = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The pathway tool's cells (stage x service x level): rationale, actions and whom they
    refer to. --at keeps every cell whose stage range holds that age; --stage every cell
    whose range overlaps it."""
    from carepath.queries.pathway import pathway_cells

    df = pathway_cells(load(data), service=service, week=week(at), stage=stage, level=level,
                       area=area)
    emit(df, fmt, title="pathway cells", console=out,
         brief=["stage_text", "service_name", "level", "actions", "target_names", "evidence"])


@app.command()
def structure(area: AreaOpt = None, data: DataOpt = None, fmt: FormatOpt = Format.table) -> None:
    """Hubs and single points of failure (centrality, cut vertices)."""
    from carepath.queries.structure import structure as find

    emit(find(load(data), area=area), fmt, title="structure", console=out)


@app.command()
def compare(
    area_a: Annotated[str, typer.Argument(help="First area id.")],
    area_b: Annotated[str, typer.Argument(help="Second area id.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Two areas side by side: stage x tier coverage and the differences."""
    from carepath.queries.compare import compare_areas

    emit(compare_areas(load(data), area_a, area_b), fmt, title=f"{area_a} (a) and {area_b} (b)",
         console=out, brief=["stage", "tier", "services_a", "services_b", "difference"])


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version's data (folder or file).")],
    new: Annotated[Path, typer.Argument(help="The new version's data (folder or file).")],
    fmt: FormatOpt = Format.table,
) -> None:
    """What changed between two versions of an area's data."""
    from carepath.queries.compare import diff as find_diff

    emit(find_diff(load([old]), load([new])), fmt, title="diff", console=out)


@app.command()
def whatif(
    remove: Annotated[list[str], typer.Argument(help="Service ids to remove.")],
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The gaps and broken routes that appear if services are decommissioned."""
    from carepath.queries.compare import whatif_remove

    emit(whatif_remove(load(data), remove), fmt, title=f"without {', '.join(remove)}",
         console=out, brief=["area", "kind", "subject_name", "target_name", "stage", "tier",
                             "reason"])
