"""``carepath show``: one card per service, profession, concern, intervention or area."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from carepath.cli._common import (
    AreaOpt,
    DataOpt,
    FormatOpt,
    GraphDirOpt,
    app,
    load_nodes,
    out,
    resolve,
)
from carepath.printing import Format, literal

CARD_KINDS = ("service", "profession", "family", "area", "concern", "intervention")


@app.command()
def show(
    name: Annotated[str, typer.Argument(metavar="ID-OR-NAME", help=(
        "A service, profession, concern, intervention or area: its id, name or an alias, "
        "in any case, e.g. dorset-pmmhs, CRUISE, 'health visiting', Dorset, anxiety."))],
    kind: Annotated[str | None, typer.Option(metavar="KIND", help=(
        "Only this kind: " + ", ".join(CARD_KINDS) + "."))] = None,
    area: AreaOpt = None,
    every: Annotated[bool, typer.Option("--all", help=(
        "Every line of every section (default: the first 25 of each) and the other "
        "relations each in full."))] = False,
    data: DataOpt = None,
    graph: GraphDirOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One card, the answer first: what it is, tier, window, response times, who refers in
    and how, eligibility, where it refers out; then the rest (other relations one line per
    kind; --all: each in full), team, interventions, parts, and the source line and quoted
    passage of every fact. The page a planner prints (table: plain text; json: the card)."""
    from carepath.card import card, render
    from carepath.lookup import find

    if kind is not None and kind not in CARD_KINDS:
        raise typer.BadParameter(f"expected one of: {', '.join(CARD_KINDS)}",
                                 param_hint="--kind")
    kinds = (kind,) if kind else CARD_KINDS
    # a service's id: the part of the build its area is in (the same card, 0.1 s at any scale)
    model, area = load_nodes(data, graph, [name] if kind in (None, "service") else [None],
                             area)
    ident = resolve(model, name, kinds, role=kind or "service, profession, concern, "
                    "intervention or area", area=area)
    found = [t for t in find(model, ident, kinds, words=False) if t.id == ident]
    the_kind = found[0].kind if found else kinds[0]
    the_card = card(model, the_kind, ident, most=None if every else 25)
    if fmt is Format.json:
        print(json.dumps(the_card.as_dict(), ensure_ascii=False))
    elif fmt is Format.csv:
        import csv
        import sys

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["section", "text", "evidence"])
        for label, lines in the_card.sections:
            for line in lines:
                writer.writerow([label, line.text, "; ".join(r.ref for r in line.refs)])
    else:
        text = render(the_card, width=min(out.width, 100), model_sources=model.sources)
        out.real.file.write(literal(text))
