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
    GraphDirOpt,
    LimitOpt,
    app,
    note,
    open_data,
    out,
    print_problems,
    resolve_term,
    week,
)
from carepath.printing import DEFAULT_LIMIT, Format, emit


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
    graph: GraphDirOpt = None,
    fmt: FormatOpt = Format.table,
    columns: ColumnsOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
) -> None:
    """The service directory: id, name, area, tier, age window and what each service does.

    Read one service whole with `carepath show ID-OR-NAME`."""
    from carepath.directory import directory

    if stage is not None and at is not None:
        raise typer.BadParameter("give --stage or --at, not both", param_hint="--stage/--at")
    from carepath.reading import model_for_area

    built = open_data(data, graph)
    # one area: its part of the build; every area: the services without their relations
    # (the directory reads none), 1.0 s less at national
    model, area = model_for_area(built, area) if area is not None else (built.names, None)
    print_problems(built.warnings)
    df = directory(model, area=area, tier=resolve_term(model, tier, "tier"),
                   stage=resolve_term(model, stage, "stage"), week=week(at, model),
                   concern=resolve_term(model, concern, "concern"), search=search)
    if unstated := df.attrs.get("unstated"):
        note(f"{unstated} service(s) state no age window and are not listed "
             "(`carepath services` without --stage/--at lists them as 'not stated')")
    if search and df.empty:  # a search that finds nothing is an answer (exit 0), with a hint
        # every service's words, whatever the area
        better = _respelt(model if area is None else built.names, search)
        note(f"nothing matches {search!r}"
             + (f"; did you mean {better!r}?" if better else "")
             + "; try fewer words, or `carepath info` for the concerns, interventions and "
             "professions")
    brief = ["id", "name", "window", "tier", "what"] if area else \
        ["id", "name", "window", "tier", "area"]
    if search:
        brief = ["id", "name", "matched", "window", "area"]
    emit(df, fmt, title=f"services ({len(df)})", console=out, brief=brief, columns=columns,
         limit=limit, summary=["tier", "area"])


def _respelt(model, search: str) -> str | None:
    """``search`` with each word the data never uses replaced by the closest word it does
    (names, aliases, notes and the vocabularies), or None when no word changes.

    >>> from carepath import load_reference
    >>> _respelt(load_reference(), "perinatl")
    'perinatal'
    """
    import difflib
    import re

    texts = [text for s in model.services.values() for text in (s.name, *s.aliases,
                                                                  s.notes or "")]
    for table in (model.concerns, model.interventions, model.professions, model.tiers):
        texts += [text for term in table.values() for text in (term.name, *term.aliases)]
    known = {w for text in texts for w in re.findall(r"[a-z0-9]+", text.lower())
             if len(w) > 2}
    words = search.lower().split()
    fixed = [w if w in known or len(w) < 4 else
             next(iter(difflib.get_close_matches(w, known, n=1, cutoff=0.75)), w)
             for w in words]
    return " ".join(fixed) if fixed != words else None
