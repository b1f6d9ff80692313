"""One card per thing: a service, a profession, a concern, an intervention or an area, with
every fact's source line and quoted passage. The page a planner prints.

A card is data (:class:`Card`: titled sections of lines, each line with its citations);
:func:`render` lays it out as plain text for a terminal or a printer, :meth:`Card.as_dict`
for JSON. What the sources do not state is said to be "not stated", never left to guess.

>>> from carepath import load_reference
>>> c = card(load_reference(), "service", "dorset-pmmhs")
>>> [line.text for line in c.section("Response times")]
['emergency: within 4 hours', 'routine: within 28 days']
>>> [line.text for line in card(load_reference(), "service", "dorset-mmhs")
...  .section("Response times")][0]
'those of Perinatal and Maternal Mental Health Service (dorset-pmmhs), which it is part of:'
>>> print(render(c, width=80).splitlines()[0])
Perinatal and Maternal Mental Health Service (dorset-pmmhs)
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from carepath.directory import describe_window, what_it_does
from carepath.graph.model import FAMILY, Model, Provenance, Relation, RelationKind, Service
from carepath.graph.verdict import terms_of

__all__ = ["Card", "Line", "card", "passage_text", "render"]

NOT_STATED = "not stated"
_ITEM = re.compile(r"\s*</li>\s*<li\b[^>]*>\s*|\s*</li>\s*|\s*<li\b[^>]*>\s*", re.IGNORECASE)
_TAG = re.compile(r"</?(?:b|i|u|em|strong|p|br|span|div|ul|ol|a|h[1-6]|sup|sub|small)\b[^>]*>",
                  re.IGNORECASE)


def passage_text(passage: str) -> str:
    """A quoted passage as text: the source's list markup read as the list it is (items
    joined by "; "), other formatting tags dropped, white space made single. The passage
    itself (what the tests check against the document) is never changed.

    >>> passage_text("<li>GP</li><li>Families</li>")
    'GP; Families'
    >>> passage_text("Mental Health Service</b> (previously called ...)")
    'Mental Health Service (previously called ...)'
    >>> passage_text("under 18 < 19 months")
    'under 18 < 19 months'
    """
    text = _ITEM.sub("\x00", passage)
    text = "; ".join(part.strip() for part in text.split("\x00") if part.strip())
    return " ".join(_TAG.sub("", text).split())


@dataclass(frozen=True, slots=True)
class Line:
    """One fact on a card and where it comes from."""

    text: str
    refs: tuple[Provenance, ...] = ()


@dataclass(slots=True)
class Card:
    kind: str
    id: str
    title: str
    subtitle: str
    sections: list[tuple[str, list[Line]]] = field(default_factory=list)

    def add(self, label: str, lines: list[Line] | Line | str | None) -> None:
        if lines is None or lines == []:
            return
        if isinstance(lines, str):
            lines = [Line(lines)]
        elif isinstance(lines, Line):
            lines = [lines]
        self.sections.append((label, lines))

    def section(self, label: str) -> list[Line]:
        return next((lines for name, lines in self.sections if name == label), [])

    def citations(self) -> list[Provenance]:
        """Every citation on the card, once each, in order of first appearance."""
        seen: dict[tuple, Provenance] = {}
        for _, lines in self.sections:
            for line in lines:
                for ref in line.refs:
                    key = (ref.source, ref.line, ref.passage)
                    seen.setdefault(key, ref)
        return list(seen.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "id": self.id, "title": self.title, "subtitle": self.subtitle,
            "sections": [{"label": label, "lines": [{"text": ln.text,
                                                       "evidence": [r.ref for r in ln.refs]}
                                                      for ln in lines]}
                         for label, lines in self.sections],
            "sources": [{"evidence": r.ref, "passage": r.passage} for r in self.citations()],
        }


def card(model: Model, kind: str, ident: str, *, most: int | None = 25,
         relations: Sequence[Relation] | None = None) -> Card:
    """The card of the ``kind`` (service, profession, concern, intervention, area, family)
    with id ``ident`` (resolve names first with :func:`carepath.lookup.resolve`); a section
    longer than ``most`` lines (None: no limit) ends with how many more there are.

    ``relations``: for a service, the relations to look through (default: all of the
    model's); a caller that has indexed them by service (``carepath serve``) gives the
    service's own, in the model's order, and gets the same card without a pass over them all.
    """
    makers = {"service": _service, "profession": _node, "family": _node, "concern": _concern,
              "intervention": _intervention, "area": _area}
    if kind not in makers:
        raise ValueError(f"no card for a {kind}; cards are for: {', '.join(makers)}")
    made = (_service(model, ident, relations, grouped=most is not None) if kind == "service"
            else makers[kind](model, ident))
    if most:
        made.sections = [(label, lines if len(lines) <= most else [
            *lines[:most], Line(f"... and {len(lines) - most} more (show --all lists them; "
                                "refers --to/--from as csv)")])
            for label, lines in made.sections]
    return made


# -- services ---------------------------------------------------------------------------------

def _conditions(model: Model, rel: Relation) -> str:
    bits = []
    if rel.stage_texts:
        bits.append("at " + "; ".join(rel.stage_texts))
    if rel.concerns:
        bits.append("for " + ", ".join(model.name_of(c).lower() for c in sorted(rel.concerns)))
    if rel.severities:
        bits.append("severity " + "/".join(sorted(rel.severities)))
    if rel.urgency:
        bits.append(rel.urgency)
    if rel.response_time:
        bits.append(f"within {rel.response_time}")
    if rel.level:
        bits.append(f"level {rel.level}")
    return ", ".join(bits)


def _relation_line(model: Model, rel: Relation, other: str, *, verb: str = "",
                   incoming: str = "") -> Line:
    cond = _conditions(model, rel)
    text = f"{verb}{model.name_of(other)} ({other}){incoming}"
    if cond:
        text += f": {cond}"
    if rel.note:
        text += f". {rel.note}"
    return Line(text, (rel.provenance,))


def _service(model: Model, ident: str, rels: Sequence[Relation] | None = None, *,
             grouped: bool = True) -> Card:
    """The answer first (what it is, tier, window, response times, who refers in and how,
    eligibility, where it refers out), then the rest; ``grouped``: the other relations one
    line per kind (the printed card), else each in full (``show --all``)."""
    s: Service = model.services[ident]
    area = model.areas.get(s.area)
    tier = model.tiers.get(s.tier) if s.tier else None
    c = Card("service", s.id, f"{s.name} ({s.id})",
             f"service in {area.name if area else s.area} ({s.area}); tier: "
             f"{tier.name if tier else NOT_STATED}")
    what = what_it_does(model, s)
    c.add("What it is", [Line(s.name, (s.provenance,)),
                         *([Line(f"addresses {what}")] if s.addresses else [])])
    c.add("Tier", Line(f"{tier.name} ({tier.id}, step {tier.rank})" if tier else NOT_STATED)
          if not s.tier_note else [Line(f"{tier.name} ({tier.id}, step {tier.rank})"
                                        if tier else NOT_STATED), Line(s.tier_note)])
    if s.level:
        c.add("Level", model.name_of(s.level))
    window = describe_window(s)
    if s.window_kind == "seen-at" and s.stage_texts:
        window = (f"{window} (as stated where its source mentions it, not a window it "
                  f"ends at: {'; '.join(s.stage_texts)})")
    elif s.stage_texts:
        window = f"{window} (as stated: {'; '.join(s.stage_texts)})"
    terms = terms_of(model, s)  # with what a part takes from the service it is part of
    margin = terms.by_discussion
    c.add("Window", [Line(window), *([Line(f"beyond it: by discussion: \"{margin.passage}\"",
                                           (margin,))] if margin else [])])
    c.add("Depends on", [Line(", ".join("the service" if g == "service" else
                                        model.name_of(g.partition(":")[2])
                                        for g in cd.governs) + f": {cd.text}",
                              (cd.provenance,)) for cd in s.conditions])
    parent = model.services.get(s.part_of) if s.part_of else None
    inherited = not s.response_times and bool(model.response_times_of(s))
    c.add("Response times", [
        *([Line(f"those of {parent.name} ({parent.id}), which it is part of:")]
          if inherited and parent is not None else []),
        *(Line(f"{rt.urgency}: within {rt.within}", (rt.provenance,))
          for rt in model.response_times_of(s))] or NOT_STATED)
    if s.hours:
        c.add("Hours", [Line(s.hours, (s.hours_provenance,))])
    rels = model.relations if rels is None else rels
    incoming = [r for r in rels if r.target == s.id and r.kind is RelationKind.REFERS_TO]
    through = ([r for r in rels if r.target == parent.id and r.kind is RelationKind.REFERS_TO]
               if parent is not None and not incoming else [])
    via_parent = [Line(f"through {parent.name} ({parent.id}), which it is part of:"),
                  *(_relation_line(model, r, r.source) for r in through)] if through else []
    c.add("Referred in by", [_relation_line(model, r, r.source) for r in incoming]
          or via_parent or NOT_STATED)
    own = set(s.eligibility)
    inc = [Line(f"{'+' if cr.type == 'inclusion' else '-'} {cr.type}"
                f"{'' if cr in own else ' (of the service it is part of)'}: \"{cr.text}\"",
                (cr.provenance,)) for cr in (*terms.inclusions, *terms.exclusions)]
    closed = terms.criteria_closed
    c.add("Eligibility", [*inc, Line(
        "the only criteria (a closed list)" if closed else
        "the criteria named are examples, not a complete list", (closed,) if closed else ())]
        if inc else NOT_STATED)
    outgoing = [r for r in rels if r.source == s.id and r.kind is RelationKind.REFERS_TO]
    c.add("Refers out to", [_relation_line(model, r, r.target) for r in outgoing]
          or NOT_STATED)
    # -- the rest ------------------------------------------------------------------------
    c.add("Also called", "; ".join(s.aliases) if s.aliases else None)
    if s.need_min is not None or s.need_max is not None:
        need = f"{_num(s.need_min)}-{_num(s.need_max)}% of families"
        c.add("Need", need + (f" ({s.need_note})" if s.need_note else ""))
    needs = []
    for need in s.addresses:
        sev = "/".join(sorted(need.severities)) if need.severities else "severity not stated"
        needs.append(Line(f"{model.name_of(need.concern)} ({sev})"))
    c.add("Concerns", needs or NOT_STATED)
    if s.not_addressed:
        c.add("Does not address", "; ".join(model.name_of(t) for t in s.not_addressed))
    others = [r for r in rels if s.id in (r.source, r.target)
              and r.kind is not RelationKind.REFERS_TO]
    c.add("Other relations", _grouped(model, s.id, others) if grouped else [
        _relation_line(model, r, r.target, verb=f"{r.kind.label} ") if r.source == s.id else
        _relation_line(model, r, r.source, incoming=f" {r.kind.label} it")
        for r in others])
    governed = {g.split(":", 1)[1]: cd for cd in s.conditions for g in cd.governs
                if g.startswith("profession:")}
    c.add("Team", "; ".join(model.name_of(p) + (f" (depends on board size: "
                                                 f"{governed[p].provenance.ref})"
                                                 if p in governed else "")
                            for p in s.professions) or NOT_STATED)
    c.add("Interventions", "; ".join(model.name_of(i) for i in s.interventions) or NOT_STATED)
    if s.part_of:
        c.add("Part of", f"{model.name_of(s.part_of)} ({s.part_of})")
    parts = model.parts_of(s.id)
    if parts:
        c.add("Parts", [Line(f"{p.name} ({p.id})") for p in parts])
    c.add("Deliberate overlaps", [
        Line(f"with {', '.join(o for o in ov.services if o != s.id)}: \"{ov.note}\"",
             (ov.provenance,)) for ov in model.overlaps if s.id in ov.services])
    cells = [cell for cell in model.pathway if cell.service == s.id]
    if cells:
        c.add("Pathway cells", f"{len(cells)} (stage x level rationale and actions; "
              "see `carepath pathway --service " + s.id + "`)")
    c.add("Stated about it", [Line(f'"{passage_text(ev.passage)}"', (ev,))
                              for ev in s.evidence if ev.passage])
    c.add("Commitments", [Line(f'"{cm.text}"', (cm.provenance,)) for cm in s.commitments])
    c.add("Notes", s.notes)
    src = model.sources.get(s.provenance.source)  # shown where a date is stated
    c.add("Last assured", s.assured_date or (f"{NOT_STATED} (its document is dated {src.dated})"
                                             if src and src.dated else None))
    return c


def _grouped(model: Model, ident: str, rels: Sequence[Relation]) -> list[Line]:
    """Relations one line per kind and direction ("collaborates with: A (a), B (b) x2"),
    each line citing every statement it stands for; the conditions and notes are on
    ``show --all`` and ``refers --from/--to ID --kind KIND``.

    >>> from carepath import load_reference
    >>> m = load_reference()
    >>> others = [r for r in m.relations if "dorset-pmmhs" in (r.source, r.target)
    ...           and r.kind.value != "refers_to"]
    >>> [line.text.split(":")[0] for line in _grouped(m, "dorset-pmmhs", others)][:2]
    ['advises', 'collaborates with']
    """
    groups: dict[str, dict[str, list[Relation]]] = {}
    for r in rels:
        out = r.source == ident
        head = r.kind.label if out else f"{r.kind.label} it, from"
        groups.setdefault(head, {}).setdefault(r.target if out else r.source, []).append(r)
    lines = []
    for head, by_other in groups.items():
        names = [f"{model.name_of(o)} ({o})" + (f" x{len(rs)}" if len(rs) > 1 else "")
                 for o, rs in by_other.items()]
        refs = tuple(dict.fromkeys(r.provenance for rs in by_other.values() for r in rs))
        lines.append(Line(f"{head}: {'; '.join(names)}", refs))
    if lines:
        lines.append(Line("(each with its conditions and notes: show --all, or refers "
                          f"--from/--to {ident} --kind KIND)"))
    return lines


def _num(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# -- professions, the family, concerns, interventions, areas ---------------------------------

def _node(model: Model, ident: str) -> Card:
    if ident == FAMILY:
        c = Card("family", FAMILY, f"{model.name_of(FAMILY)} ({FAMILY})",
                 "the family referring itself")
    else:
        term = model.professions[ident]
        c = Card("profession", ident, f"{term.name} ({ident})", "profession")
        c.add("Also called", "; ".join(term.aliases) if term.aliases else None)
        c.add("Works in", [Line(f"{s.name} ({s.id}, {s.area})") for s in
                           model.services.values() if ident in s.professions] or NOT_STATED)
        from carepath.lookup import services_named_like

        like = services_named_like(model, ident)
        c.add("Services named after it", [Line(f"{model.services[i].name} ({i}, "
                                               f"{model.services[i].area})") for i in like])
    rels = model.relations
    c.add("Refers to", [_relation_line(model, r, r.target) for r in rels
                        if r.source == ident and r.kind is RelationKind.REFERS_TO] or NOT_STATED)
    c.add("Other relations", [
        _relation_line(model, r, r.target, verb=f"{r.kind.label} ") if r.source == ident else
        _relation_line(model, r, r.source, incoming=f" {r.kind.label} it")
        for r in rels if ident in (r.source, r.target)
        and not (r.source == ident and r.kind is RelationKind.REFERS_TO)])
    return c


def _term_card(model: Model, kind: str, ident: str, table: dict) -> Card:
    term = table[ident]
    c = Card(kind, ident, f"{term.name} ({ident})", kind)
    c.add("Also called", "; ".join(term.aliases) if term.aliases else None)
    c.add("Description", getattr(term, "description", None))
    return c


def _concern(model: Model, ident: str) -> Card:
    c = _term_card(model, "concern", ident, model.concerns)
    lines = []
    for s in model.services.values():
        for need in s.addresses:
            if need.concern == ident:
                sev = "/".join(sorted(need.severities)) if need.severities else \
                    "severity not stated"
                lines.append(Line(f"{s.name} ({s.id}, {s.area}): {sev}"))
    c.add("Addressed by", lines or NOT_STATED)
    c.add("Stated as not addressed by", [Line(f"{s.name} ({s.id}, {s.area})")
                                         for s in model.services.values()
                                         if ident in s.not_addressed])
    n = sum(1 for r in model.relations if ident in r.concerns)
    c.add("Relations for it", f"{n} (see `carepath refers --concern {ident}`)")
    return c


def _intervention(model: Model, ident: str) -> Card:
    c = _term_card(model, "intervention", ident, model.interventions)
    c.add("Delivered by", [Line(f"{s.name} ({s.id}, {s.area})") for s in model.services.values()
                           if ident in s.interventions] or NOT_STATED)
    return c


def _area(model: Model, ident: str) -> Card:
    a = model.areas[ident]
    c = Card("area", ident, f"{a.name} ({ident})", f"area{', ' + a.country if a.country else ''}")
    c.add("Defined by", Line(a.name, (a.provenance,)))
    c.add("Births a year", _num(a.births_per_year) if a.births_per_year else NOT_STATED)
    services = model.services_in(ident)
    ranks = {t.id: t.rank for t in model.tiers.values()}
    for tier in [*model.tiers_in_order(), None]:
        members = [s for s in services if (s.tier or None) == (tier.id if tier else None)]
        if members:
            label = f"{tier.name}" if tier else "Tier not stated"
            c.add(label, [Line(f"{s.name} ({s.id}): window {describe_window(s)}") for s in
                          sorted(members, key=lambda s: (ranks.get(s.tier, 99), s.name))])
    srcs = sorted({s.provenance.source for s in services})
    c.add("Sources", [Line(f"{model.name_of(src)} ({src})") for src in srcs])
    return c


# -- layout -----------------------------------------------------------------------------------

def render(c: Card, *, width: int = 80, sources: bool = True,
           model_sources: dict | None = None) -> str:
    """The card as plain text ``width`` characters wide: a label column, the facts with their
    citations in brackets, then every cited passage in full and (given ``model_sources``,
    ``model.sources``) the documents they come from."""
    width = max(width, 40)
    label_w = min(max((len(label) for label, _ in c.sections), default=10) + 2, 22)
    text_w = width - label_w
    lines = [*textwrap.wrap(c.title, width), *textwrap.wrap(c.subtitle, width), ""]
    for label, facts in c.sections:
        first = True
        if len(label) >= label_w - 1:  # a long label (a tier's name) gets a line of its own
            lines.extend(textwrap.wrap(label, width))
            first = False
        for fact in facts:
            refs = dict.fromkeys(r.ref for r in fact.refs)  # a line cited twice: once
            text = fact.text + (f" [{', '.join(refs)}]" if refs else "")
            wrapped = textwrap.wrap(text, text_w - 2 if len(facts) > 1 else text_w,
                                    break_long_words=True, break_on_hyphens=False) or [""]
            bullet = "- " if len(facts) > 1 else ""
            pad = "  " if len(facts) > 1 else ""
            for i, part in enumerate(wrapped):
                head = label.ljust(label_w) if first else " " * label_w
                lines.append(head + (bullet if i == 0 else pad) + part)
                first = False
    shown = {(r.source, r.line, r.passage) for _, facts in c.sections for f in facts
             for r in f.refs if r.passage and f.text in (r.passage, f'"{r.passage}"',
                                                         f'"{passage_text(r.passage)}"')}
    by_passage: dict[tuple[str, str], list[str]] = {}
    for r in c.citations():  # one entry per passage, with every line that cites it
        if r.passage and (r.source, r.line, r.passage) not in shown:
            lines_of = by_passage.setdefault((r.source, passage_text(r.passage)), [])
            if r.line is not None and str(r.line) not in lines_of:
                lines_of.append(str(r.line))
    if sources and by_passage:
        lines += ["", "Passages cited above"]
        for (source, passage), at in by_passage.items():
            where = f"{source}:{', '.join(at)}" if at else source
            lines += ["  " + part for part in textwrap.wrap(
                f'{where}  "{passage}"', width - 2, subsequent_indent="    ",
                break_on_hyphens=False)]
    documents = sorted({r.source for r in c.citations()})
    if sources and documents and model_sources:
        lines += ["", "Documents"]
        for doc in documents:
            src = model_sources.get(doc)
            about = (f"{src.title}" + (f", {src.publisher}" if src.publisher else "")
                     + (f" ({src.file})" if src.file else "")) if src else NOT_STATED
            lines += ["  " + part for part in textwrap.wrap(f"{doc}  {about}", width - 2,
                                                            subsequent_indent="    ") or [doc]]
    return "\n".join(line.rstrip() for line in lines) + "\n"
