"""What a model holds, counted: things by kind, then each area, tier, stage, concern,
profession, intervention and source with the services (or facts) that go with it.

This is ``carepath info``: the command prints one table per section.

>>> from carepath import load_reference
>>> table = inventory(load_reference())
>>> table[table.section == "tier"].head(2)[["id", "count"]].values.tolist()
[['universal', 9], ['targeted', 0]]
>>> list(SECTIONS)[:3]
['count', 'area', 'tier']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from carepath.graph.model import Model

if TYPE_CHECKING:
    import pandas as pd

Section = Literal["count", "area", "tier", "stage", "concern", "profession", "intervention",
                  "source"]

SECTIONS: dict[Section, str] = {
    "count": "counts by kind",
    "area": "areas (services)",
    "tier": "tiers (services)",
    "stage": "stages (services covering)",
    "concern": "concerns (services addressing)",
    "profession": "professions (services staffed)",
    "intervention": "interventions (services offering)",
    "source": "sources (services + relations cited)",
}
"""Each section of :func:`inventory` and what its ``count`` counts."""


def inventory(model: Model) -> pd.DataFrame:
    """One row per thing counted: ``section`` (a key of :data:`SECTIONS`), ``id``, ``name``
    and ``count``.

    ``count`` rows: the model's counts by kind (``name`` is the kind). ``area``: its services.
    ``tier``: services at that tier (tiers in rank order, ``name`` with the rank). ``stage``:
    services whose stated windows cover the stage. ``concern``, ``profession``,
    ``intervention``: services addressing, staffed by or offering it. ``source``: the services
    and relations that cite it.

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> table = inventory(model)
    >>> counts = table[table.section == "count"].set_index("id")["count"]
    >>> int(counts["services"]) == len(model.services)
    True
    >>> table[table.section == "area"].set_index("id").loc["dorset", "name"]
    'Dorset'
    """
    import pandas as pd

    services = list(model.services.values())
    rows: list[tuple[Section, str, str, int]] = [
        ("count", kind, kind, n) for kind, n in model.counts().items()]
    rows += [("area", area.id, area.name, len(model.services_in(area.id)))
             for area in model.areas.values()]
    rows += [("tier", tier.id, f"{tier.rank}. {tier.name}",
              sum(1 for s in services if s.tier == tier.id))
             for tier in model.tiers_in_order()]
    rows += [("stage", stage.id, f"{stage.name} {stage.interval}",
              sum(1 for s in services if s.covers(stage.interval)))
             for stage in model.stages_in_order()]
    terms: tuple[tuple[Section, dict, str], ...] = (
        ("concern", model.concerns, "concerns"),
        ("profession", model.professions, "professions"),
        ("intervention", model.interventions, "interventions"))
    for section, table, field in terms:
        rows += [(section, term.id, term.name,
                  sum(1 for s in services if term.id in getattr(s, field)))
                 for term in table.values()]
    cited: dict[str, int] = {}
    for fact in (*services, *model.relations):
        cited[fact.provenance.source] = cited.get(fact.provenance.source, 0) + 1
    rows += [("source", src.id, src.title, cited.get(src.id, 0))
             for src in model.sources.values()]
    return pd.DataFrame(rows, columns=["section", "id", "name", "count"])
