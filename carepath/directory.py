"""The service directory: every service with its area, tier, window and what it does, found
by filters and by everyday words.

A search reads the words a planner would type. A phrase that names a concern, an intervention
or a profession (by its name or an alias in the vocabulary: "postnatal depression",
"fear of birth", "CBT", "health visitor") finds the services that address, deliver or employ
it; a phrase in a service's name, aliases or notes finds that service; otherwise every word
must occur somewhere in what is known of the service. Each row says why it matched.

>>> from carepath import load_reference
>>> model = load_reference()
>>> found = directory(model, search="fear of birth")
>>> found[["id", "matched"]].values.tolist()
[['dorset-mmhs', 'concern: Birth trauma and tokophobia']]
>>> directory(model, search="CRUISE")["id"].tolist()
['p05-cruse']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from carepath.graph.model import Model, Service, Term
from carepath.graph.stages import PRECONCEPTION_START, TIMELINE_END, format_week

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "directory", "describe_window", "what_it_does"]

COLUMNS = ["id", "name", "area", "tier", "window", "what", "matched"]
_STOP = {"a", "an", "and", "the", "of", "for", "with", "in", "to", "on", "or", "at", "by"}


def _norm(text: str) -> str:
    text = str(text).replace("\u2019", "'").replace("\u2013", "-")
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _has_phrase(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def describe_window(service: Service) -> str:
    """A service's span in words, or "not stated".

    >>> from carepath import load_reference
    >>> describe_window(load_reference().services["dorset-pmmhs"])
    'preconception to 2 years'
    >>> describe_window(load_reference().services["cm-iapt"])
    'not stated'

    Stages where the service is only seen (a pathway tool's cells) are not a window:

    >>> describe_window(load_reference().services["p05-midwifery"])
    'seen birth to 8 weeks'
    """
    span = service.span
    if span is None:
        return "not stated"
    start = ("preconception" if span.start <= PRECONCEPTION_START else
             "1 week" if span.start == 1 else format_week(span.start))
    end = "5 years" if span.end >= TIMELINE_END else format_week(span.end)
    seen = "seen " if service.window_kind == "seen-at" else ""
    return f"{seen}{start} to {end}"


def what_it_does(model: Model, service: Service) -> str:
    """One line: the concerns a service addresses (with severities), else the first sentence
    of its notes, else its tier's name."""
    if service.addresses:
        parts = []
        for need in service.addresses:
            name = model.name_of(need.concern)
            if need.severities:
                name += f" ({'/'.join(sorted(need.severities, key=_rank(model)))})"
            parts.append(name)
        return "; ".join(parts)
    if service.notes:
        notes = re.sub(r"\s*\((?:lines?|see) [^)]*\)", "", service.notes.strip())
        first = re.split(r"(?<=[.;])\s", notes, maxsplit=1)[0].rstrip(";")
        return first if len(first) <= 120 else first[:117] + "..."
    return model.name_of(service.tier) if service.tier else ""


def _rank(model: Model):
    def key(severity: str) -> tuple[int, str]:
        term = model.severities.get(severity)
        return (term.rank or 99 if term else 99, severity)
    return key


def _names(term: Term) -> list[str]:
    return [_norm(n) for n in (term.id.replace("-", " "), term.name, *term.aliases) if n]


def _term_hits(table: dict[str, Term], phrase: str) -> list[str]:
    """Terms a phrase names: the phrase is one of their names, or holds one as whole words."""
    hits = []
    for ident, term in table.items():
        names = _names(term)
        if phrase in names or any(len(n) > 3 and _has_phrase(phrase, n) for n in names) or (
                len(phrase) > 3 and any(_has_phrase(n, phrase) for n in names)):
            hits.append(ident)
    return hits


ServiceText = tuple[tuple[str, ...], tuple[str, ...], str, str]
"""A service's searchable text, normalised: names (id, name, aliases), eligibility criteria,
notes, and every word known of it."""


def service_text(model: Model, s: Service) -> ServiceText:
    """What a search reads of ``s``, normalised (see :func:`search_texts`)."""
    return (tuple(_norm(n) for n in (s.id.replace("-", " "), s.name, *s.aliases)),
            tuple(_norm(c.text) for c in s.eligibility),
            _norm(" ".join(filter(None, (s.notes, s.tier_note, s.need_note)))),
            _norm(" ".join(_service_words(model, s))))


def search_texts(model: Model) -> dict[str, ServiceText]:
    """Every service's searchable text, normalised once: give it to :func:`directory` as
    ``texts`` when searching the same, unchanging model many times (``carepath serve``); a
    search then reads it instead of normalising every service again (region preset: about
    7-10 ms a search instead of 30-70 ms; the results are the same).

    >>> from carepath import load_reference
    >>> model = load_reference()
    >>> texts = search_texts(model)
    >>> directory(model, search="fear of birth", texts=texts)["id"].tolist()
    ['dorset-mmhs']
    """
    return {s.id: service_text(model, s) for s in model.services.values()}


def _search(model: Model, services: Iterable[Service], words: str,
            texts: dict[str, ServiceText] | None = None) -> dict[str, str]:
    """Service id -> why it matched ``words``: the best of name, eligibility (the phrase in a
    criterion), concern, intervention, team, notes; failing all, every word somewhere."""
    phrase = _norm(words)
    if not phrase:
        return {}
    services = list(services)
    concerns = _term_hits(model.concerns, phrase)
    interventions = _term_hits(model.interventions, phrase)
    professions = _term_hits(model.professions, phrase)
    texts = texts or {}
    read = {s.id: texts.get(s.id) or service_text(model, s) for s in services}
    why: dict[str, str] = {}
    for s in services:
        names, eligibility, notes, _ = read[s.id]
        if any(_has_phrase(n, phrase) for n in names):
            why[s.id] = "name"
        elif any(_has_phrase(c, phrase) for c in eligibility):
            why[s.id] = "eligibility"
        elif hit := next((c for c in concerns if c in s.concerns), None):
            why[s.id] = f"concern: {model.name_of(hit)}"
        elif hit := next((i for i in interventions if i in s.interventions), None):
            why[s.id] = f"intervention: {model.name_of(hit)}"
        elif hit := next((p for p in professions if p in s.professions), None):
            why[s.id] = f"team: {model.name_of(hit)}"
        elif _has_phrase(notes, phrase):
            why[s.id] = "notes"
    if why:
        return why
    wanted = [w for w in phrase.split() if w not in _STOP] or phrase.split()
    for s in services:  # every word somewhere
        if all(w in read[s.id][3] for w in wanted):
            why[s.id] = "words"
    return why


def _service_words(model: Model, s: Service) -> Iterable[str]:
    yield from (s.id, s.name, *s.aliases, s.notes or "", s.tier_note or "", s.need_note or "")
    tier = model.tiers.get(s.tier) if s.tier else None
    if tier is not None:  # "talking therapy" finds the Talking Therapies tier's services
        yield from (tier.name, *tier.aliases)
    for table, ids in ((model.concerns, s.concerns), (model.interventions, s.interventions),
                       (model.professions, s.professions)):
        for ident in ids:
            if ident in table:
                yield from (table[ident].name, *table[ident].aliases)
    yield from (c.text for c in s.eligibility)


def directory(model: Model, *, area: str | None = None, tier: str | None = None,
              stage: str | None = None, week: float | None = None,
              concern: str | None = None, search: str | None = None,
              texts: dict[str, ServiceText] | None = None) -> pd.DataFrame:
    """The services that pass every filter given, one row each, sorted by area and tier.

    Parameters
    ----------
    model : the carepath model.
    area, tier, stage, concern : ids (check names first with :func:`carepath.lookup.resolve`).
    week : a point on the timeline (weeks relative to birth); services whose window holds it.
    search : everyday words (see the module's docstring).
    texts : the model's :func:`search_texts`, made once, for many searches of one model.

    Returns
    -------
    DataFrame with :data:`COLUMNS`: id, name, area, tier, window ("not stated" where the
    sources give none), what (one line), matched (why the search found it; empty without a
    search). ``df.attrs["unstated"]`` counts the services left out by ``stage`` or ``week``
    because no window is stated for them: not known to be outside, not known to be inside.

    >>> from carepath import load_reference
    >>> df = directory(load_reference(), area="dorset", concern="maternal-mental-health")
    >>> df["id"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['dorset-pmmhs', 'dorset-psychiatric-liaison', 'dorset-crht', 'dorset-connection-service',
     'dorset-access-mental-health']
    """
    import pandas as pd

    services = list(model.services.values())
    if area is not None:
        services = [s for s in services if s.area == area]
    if tier is not None:
        services = [s for s in services if s.tier == tier]
    if concern is not None:
        services = [s for s in services if concern in s.concerns]
    unstated = 0
    if stage is not None or week is not None:
        unstated = sum(1 for s in services if not s.windows)
        interval = model.stages[stage].interval if stage is not None else None
        services = [s for s in services if s.windows
                    and (interval is None or s.covers(interval))
                    and (week is None or any(w.contains_week(week) for w in s.windows))]
    why = _search(model, services, search, texts) if search else None
    if why is not None:
        services = [s for s in services if s.id in why]
    ranks = {t.id: t.rank for t in model.tiers.values()}
    order = {r: i for i, r in enumerate(("name", "eligibility", "concern", "intervention", "team",
                                          "notes", "words"))}
    services.sort(key=lambda s: (order.get((why or {}).get(s.id, "").split(":")[0], 9),
                                 s.area, ranks.get(s.tier, 99)))
    rows = [(s.id, s.name, s.area, s.tier or "not stated", describe_window(s),
             what_it_does(model, s), (why or {}).get(s.id, "")) for s in services]
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.attrs["unstated"] = unstated if stage is not None or week is not None else 0
    return df
