"""``carepath conform``: areas scored against national standards, every verdict cited
(a question generated from its spec, :data:`QUESTION`; see :mod:`carepath.cli.spec`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carepath.cli._common import AreaOpt, ForceOpt, note, out
from carepath.cli.spec import Asked, Question, register
from carepath.printing import emit


def _conform(
    asked: Asked,
    area: AreaOpt = None,
    against: Annotated[list[str] | None, typer.Option(
        "--against", metavar="SET", help="Criteria sets to score against (ids from --list: "
        "ltp, nice, mmha, scotland, pif); repeatable. Default: all.")] = None,
    births: Annotated[int | None, typer.Option(
        min=0, metavar="N", help="Births a year, for criteria that depend on board size "
        "(Scotland's model). Default: the area's own, if its documents state it.")] = None,
    list_sets: Annotated[bool, typer.Option(
        "--list", help="List the criteria sets and their criteria, and stop.")] = False,
    show_levels: Annotated[bool, typer.Option(
        "--levels", help="Only the level each area reaches on sets that define levels "
        "(the Alliance's 0-5), and the criterion that stopped it.")] = False,
    ask: Annotated[bool, typer.Option(
        "--questions", help="The not-stated verdicts as questions to each service: a "
        "Markdown letter (table format) or rows (csv, json).")] = False,
    workbook: Annotated[Path | None, typer.Option(
        metavar="FILE.xlsx", help="Also write a workbook shaped like the Pathway Assessment "
        "Tool: a sheet per theme, suggested 0-5 scores, the evidence, a column for the "
        "workshop's own score.")] = None,
    earl: Annotated[Path | None, typer.Option(
        metavar="FILE.ttl", help="Also write the verdicts as W3C EARL assertions (Turtle).")
    ] = None,
    criteria: Annotated[list[Path] | None, typer.Option(
        metavar="FILE", help="Criteria files of your own (YAML, see "
        "carepath/conformance/criteria/README.md) instead of the bundled sets; repeatable.")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Score areas against national standards: one row per area x criterion, verdict met /
    not met / not stated / outside evidence, with the facts used (doc:line) and, for not
    stated, the question that would settle it. "not met" only where a document states the
    opposite; silence is "not stated"."""
    from carepath.conformance.assess import conform as score
    from carepath.conformance.assess import letter, levels, questions, select_sets
    from carepath.conformance.criteria import load_sets
    from carepath.writing import check_new_file

    for target in (workbook, earl):
        if target is not None:
            check_new_file(target, force=force)
    model = asked.model
    sets = select_sets(load_sets(criteria, model=model), against)
    if list_sets:
        asked.emit(_listing(sets), title="criteria sets", summary=None,
                 brief=["set", "criterion", "must", "level", "test", "paraphrase"])
        return
    area = asked.area(area)
    scored = score(model, area=area, births=births, criteria=sets)
    ranked = levels(model, area=area, births=births, scored=scored, criteria=sets)
    if workbook is not None:
        from carepath.conformance.workbook import write_workbook

        note(f"wrote {write_workbook(model, scored, ranked, sets, workbook, force=force)}")
    if earl is not None:
        from carepath.conformance.earl import write_earl

        note(f"wrote {write_earl(model, scored, sets, earl, force=force)}")
    if ask:
        to_ask = questions(model, scored)
        if asked.table and not asked.columns:
            print(letter(model, to_ask) if not to_ask.empty else "No questions: every "
                  "criterion is met, not met or outside carepath's evidence.")
            return
        asked.emit(to_ask, title="questions", brief=None, summary=None)
        return
    if show_levels:
        asked.emit(ranked, title="levels", brief=["area", "set", "rating", "stopped_by"],
                 summary=None)
        return
    if asked.table and not asked.columns and not ranked.empty:
        emit(ranked, asked.fmt, title="levels (the highest level whose criteria are all met)",
             console=out, limit=0,
             brief=["area", "set", "rating", "stopped_by", *(["reason"] if area else [])])
    asked.emit(scored, brief=[*([] if area else ["area"]), "criterion", "verdict", "reason",
                            "evidence"])


QUESTION = register(Question("conform", _conform, title="conformance",
                             summary=["verdict", "set"], area=False))


def _listing(sets):
    import pandas as pd

    rows = [{"set": s.id, "criterion": c.id, "must": c.must, "level": c.level,
             "theme": c.theme, "test": c.test.kind, "paraphrase": c.paraphrase,
             "applies_to": c.applies_to, "source": s.source.title,
             "edition": s.source.edition, "section": c.section, "url": c.url,
             "note": c.note or ""}
            for s in sets for c in s.criteria]
    df = pd.DataFrame(rows)
    df["level"] = pd.Series([r["level"] for r in rows], dtype=object)  # a level or None
    return df
