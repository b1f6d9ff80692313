"""``carepath services``: the service directory, by filters and everyday words."""

from __future__ import annotations

from typing import Annotated

import typer

from carepath.cli._common import (
    AreaOpt,
    AtOpt,
    ColumnsOpt,
    ConcernOpt,
    DataOpt,
    FormatOpt,
    LimitOpt,
    app,
    load,
    note,
    out,
    resolve,
    resolve_term,
    week,
)
from carepath.output import DEFAULT_LIMIT, Format, emit


@app.command()
def services(
    area: AreaOpt = None,
    tier: Annotated[str | None, typer.Option(metavar="TIER", help="A tier: id or name, e.g. "
                                             "universal, IAPT, MBU.")] = None,
    stage: Annotated[str | None, typer.Option(metavar="STAGE", help="A stage: id or name, "
                                              "e.g. pregnancy, months-2-6.")] = None,
    at: AtOpt = None,
    concern: ConcernOpt = None,
    search: Annotated[str | None, typer.Option("--search", "-s", metavar="WORDS", help=(
        "Everyday words over names, aliases, notes, criteria, concerns, interventions and "
        "teams, e.g. 'postnatal depression', 'fear of birth', CBT."))] = None,
    data: DataOpt = None,
    fmt: FormatOpt = Format.table,
    columns: ColumnsOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """The service directory: id, name, area, tier, age window and what each service does.

    Read one service whole with `carepath show ID-OR-NAME`."""
    from carepath.directory import directory

    model = load(data)
    if stage is not None and at is not None:
        raise typer.BadParameter("give --stage or --at, not both", param_hint="--stage/--at")
    area = resolve(model, area, ("area",), role="area")
    df = directory(model, area=area, tier=resolve_term(model, tier, "tier"),
                   stage=resolve_term(model, stage, "stage"), week=week(at, model),
                   concern=resolve_term(model, concern, "concern"), search=search)
    if unstated := df.attrs.get("unstated"):
        note(f"{unstated} service(s) state no age window and are not listed "
             "(`carepath services` without --stage/--at lists them as 'not stated')")
    if search and df.empty:
        note(f"nothing matches {search!r}; try fewer words, or `carepath info` for the "
             "concerns, interventions and professions")
    brief = ["id", "name", "window", "tier", "what"] if area else \
        ["id", "name", "window", "tier", "area"]
    if search:
        brief = ["id", "name", "matched", "window", "area"]
    emit(df, fmt, title=f"services ({len(df)})", console=out, brief=brief, columns=columns,
         limit=limit, summary=["tier", "area"])
