"""The conformance view: each area of the selection scored against the national standards
(:func:`carepath.conformance.conform`), its levels, and every verdict with its facts and, for
the documents' silences, the question that would settle them. Static: no script needed.

>>> from carepath import load_reference
>>> from carepath.html._page import select
>>> html = render(select(load_reference(), area="dorset"))
>>> "QS115-6" in html and "doc-002:39" in html
True
"""

from __future__ import annotations

from collections.abc import Sequence

from carepath.html._page import NavLink, Selection, render_page

TITLE = "Conformance"
DESCRIPTION = ("Each area scored against national standards: met, not met, not stated or "
               "outside evidence, with the facts behind every verdict.")


def render(sel: Selection, *, nav: Sequence[NavLink] = ()) -> str:
    """The conformance of the selection's areas as one self-contained HTML page."""
    from carepath.conformance.assess import conform, levels
    from carepath.conformance.criteria import load_sets
    from carepath.printing import records

    model = sel.model
    sets = load_sets(model=model)
    areas = [a.id for a in sel.areas] if sel.filtered else sorted(model.areas)
    shown = []
    for area in areas:
        scored = conform(model, area=area, criteria=sets)
        shown.append({"area": model.areas[area], "rows": records(scored),
                      "levels": records(levels(model, scored=scored, criteria=sets))})
    return render_page("conformance.html.j2", model=model, title=TITLE, selection=sel,
                       nav=nav, areas=shown, sets=sets)
