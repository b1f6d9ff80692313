"""The FHIR conformance resources of carepath's exports: its extensions and code systems.

carepath's HealthcareService resources use standard elements where FHIR has one (``type``
for the tier, ``program`` for the level, ``characteristic`` for stages, concerns, professions
and interventions, ``eligibility``, ``referralMethod``) and extensions for the rest, each
defined by a StructureDefinition under ``https://w3id.org/carepath/fhir/StructureDefinition/``:

- ``alias`` and ``stage-text`` (strings), ``tier-note`` (string), ``does-not-address``
  (Coding of a concern);
- ``addresses``: a concern (Coding) with the severities it is addressed at;
- ``population-need``: min and max (decimal, % of the population) and a note;
- ``response-time``: an urgency (Coding) and how soon, as written;
- ``route``: an access route into the service (a referral, signposting, hand-over or step)
  with who it comes from and every condition: kind, from, stage-text, concern, severity,
  urgency, response-time, level, note;
- ``relation``: any other relation of the service (advice, training, collaboration, a
  referral to a profession), as ``route`` with both ends (``from``, ``to``);
- ``part-of``: the HealthcareService this one is part of (a Reference);
- ``pathway-cell`` (on a ``PlanDefinition.action``): the service acting in a pathway cell and
  the stage as written. carepath's pathway is a PlanDefinition per area in the shape of HL7
  CPG-on-FHIR's pathway (type ``clinical-protocol``): one action per cell, its title the
  heading, its description the rationale, its code the level, its sub-actions what is done.

The StructureDefinitions ship with the package (``fhir-definitions/``, the same as
:func:`extension_definitions` makes); :func:`code_systems` makes the code systems of a model
(tiers, stages, concerns... and referral sources: its services and professions), so that a
validator can check every coding. ``carepath export fhir FILE --definitions DEFS.json`` writes
both as one Bundle.

>>> sorted(EXTENSIONS)[:3]
['addresses', 'alias', 'does-not-address']
>>> extension_definitions()[0]["url"]
'https://w3id.org/carepath/fhir/StructureDefinition/addresses'
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

from carepath import __version__
from carepath.graph.model import RESERVED_NODES, UNNAMED_NODES, Model, RelationKind
from carepath.graph.rdf import ID

BASE = "https://w3id.org/carepath/fhir/"
EXT_BASE = BASE + "StructureDefinition/"
SYSTEM = {kind: f"{ID}{kind}" for kind in (
    "service", "area", "tier", "level", "stage", "concern", "severity", "urgency",
    "profession", "intervention", "criterion-type", "referral-source", "relation-kind",
    "pathway")}
XHTML = "http://www.w3.org/1999/xhtml"
DEFINITIONS_FOLDER = "fhir-definitions"

# name -> (title, definition, value type of a simple extension | {part: (type, min, max)})
EXTENSIONS: dict[str, tuple[str, str, str | dict[str, tuple[str, int, str]]]] = {
    "alias": ("Alias", "Another name of the service, as a source document writes it.",
              "string"),
    "stage-text": ("Age range as written", "An age range of the service as its source writes "
                   "it, e.g. 'Birth - 6 weeks' (the canonical stages it covers are "
                   "characteristics).", "string"),
    "tier-note": ("Tier note", "Why the service sits at its stepped-care tier when the source "
                  "does not say so in so many words.", "string"),
    "does-not-address": ("Does not address", "A concern a source says the service does not "
                         "address.", "Coding"),
    "addresses": ("Addresses", "A concern the service addresses, with the severities it "
                  "addresses it at (none: any).",
                  {"concern": ("Coding", 1, "1"), "severity": ("Coding", 0, "*")}),
    "population-need": ("Population need", "The share of the population that needs the "
                        "service, in percent, as a source states it.",
                        {"min": ("decimal", 0, "1"), "max": ("decimal", 0, "1"),
                         "note": ("string", 0, "1")}),
    "response-time": ("Response time", "How soon the service responds at an urgency, as "
                      "written (e.g. '4 hours').",
                      {"urgency": ("Coding", 1, "1"), "within": ("string", 1, "1")}),
    "route": ("Access route", "An access route into the service: who refers, signposts, hands "
              "over or steps families up or down to it, and under which conditions (all "
              "stated ones must hold).",
              {"kind": ("Coding", 1, "1"), "from": ("Coding", 1, "1"),
               "stage-text": ("string", 0, "*"), "concern": ("Coding", 0, "*"),
               "severity": ("Coding", 0, "*"), "urgency": ("Coding", 0, "1"),
               "response-time": ("string", 0, "1"), "level": ("Coding", 0, "1"),
               "note": ("string", 0, "1")}),
    "relation": ("Relation", "A relation of the service that is not an access route into it "
                 "(it advises, trains or collaborates with someone, or refers or signposts to "
                 "a profession), with both its ends and every condition (all stated ones "
                 "must hold).",
                 {"kind": ("Coding", 1, "1"), "from": ("Coding", 1, "1"),
                  "to": ("Coding", 1, "1"), "stage-text": ("string", 0, "*"),
                  "concern": ("Coding", 0, "*"), "severity": ("Coding", 0, "*"),
                  "urgency": ("Coding", 0, "1"), "response-time": ("string", 0, "1"),
                  "level": ("Coding", 0, "1"), "note": ("string", 0, "1")}),
    "part-of": ("Part of", "The service this service is a part or component of, as a source "
                "states it.", "Reference(HealthcareService)"),
    "pathway-cell": ("Pathway cell", "Which service acts in this action of a pathway, and at "
                     "which age stage as the pathway writes it (e.g. 'Birth - 6 weeks'); the "
                     "action's title is the cell's heading, its description the rationale, "
                     "its code the health-visiting level and its sub-actions what is done.",
                     {"service": ("Reference(HealthcareService)", 1, "1"),
                      "stage-text": ("string", 1, "1")}),
    "self-referral": ("Self-referral", "Whether families can refer themselves to the "
                      "service: yes, no, or not-yet (being explored), as a source states it.",
                      "code"),
    "hours": ("Hours", "When the service runs, as its source states it.", "string"),
    "window-kind": ("Window kind", "How to read the service's age ranges: 'seen-at' when they "
                    "are the stages at which a pathway mentions the service (where it is seen, "
                    "not where it ends); absent, they are the windows a source states.",
                    "code"),
    "valid-from": ("Valid from", "The date a time-limited service starts.", "date"),
    "valid-to": ("Valid to", "The date a time-limited service ends.", "date"),
}
# where an extension may be used, when not on a HealthcareService
CONTEXTS = {"pathway-cell": "PlanDefinition.action"}


def ext_url(name: str) -> str:
    """The canonical URL of one of carepath's extensions."""
    return EXT_BASE + name


def narrative(*paragraphs: str, items: list[str] = ()) -> dict[str, str]:
    """A generated FHIR narrative: paragraphs and a list, every text escaped.

    >>> narrative("A & B")["div"]
    '<div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp; B</p></div>'
    """
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)
    if items:
        body += "<ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) \
            + "</ul>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _type(kind: str) -> dict[str, Any]:
    """An element's type: ``Coding``, or ``Reference(HealthcareService)`` with its target."""
    if kind.startswith("Reference("):
        return {"code": "Reference", "targetProfile": [
            "http://hl7.org/fhir/StructureDefinition/" + kind[len("Reference("):-1]]}
    return {"code": kind}


def value_key(kind: str) -> str:
    """The ``value[x]`` property of a value type: ``valueReference`` for a Reference(...).

    >>> value_key("Reference(HealthcareService)"), value_key("string")
    ('valueReference', 'valueString')
    """
    name = kind.split("(")[0]
    return "value" + name[0].upper() + name[1:]


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _definition(name: str) -> dict[str, Any]:
    title, text, value = EXTENSIONS[name]
    url = ext_url(name)
    root = [{"id": "Extension", "path": "Extension", "short": title, "definition": text}]
    if isinstance(value, str):
        elements = [*root,
                    {"id": "Extension.extension", "path": "Extension.extension", "max": "0"},
                    {"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
                    {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1,
                     "type": [_type(value)]}]
    else:
        elements = [*root, {"id": "Extension.extension", "path": "Extension.extension",
                            "slicing": {"discriminator": [{"type": "value", "path": "url"}],
                                        "rules": "open"}}]
        for part, (kind, low, high) in value.items():
            slice_id = f"Extension.extension:{part}"
            elements += [
                {"id": slice_id, "path": "Extension.extension", "sliceName": part,
                 "short": part, "definition": f"{title}: {part}.", "min": low, "max": high},
                {"id": f"{slice_id}.extension", "path": "Extension.extension.extension",
                 "max": "0"},
                {"id": f"{slice_id}.url", "path": "Extension.extension.url", "fixedUri": part},
                {"id": f"{slice_id}.value[x]", "path": "Extension.extension.value[x]",
                 "min": 1, "type": [_type(kind)]}]
        elements += [{"id": "Extension.url", "path": "Extension.url", "fixedUri": url},
                     {"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"}]
    return {
        "resourceType": "StructureDefinition", "id": f"carepath-{name}",
        "text": narrative(f"carepath extension {title}: {text}"),
        "url": url, "version": __version__, "name": f"Carepath{_pascal(name)}",
        "title": f"carepath: {title}", "status": "active", "publisher": "carepath",
        "description": text, "fhirVersion": "4.0.1", "kind": "complex-type",
        "abstract": False, "context": [{"type": "element",
                                      "expression": CONTEXTS.get(name, "HealthcareService")}],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint", "differential": {"element": elements}}


def extension_definitions() -> list[dict[str, Any]]:
    """The StructureDefinitions of carepath's extensions, in name order."""
    return [_definition(name) for name in sorted(EXTENSIONS)]


def shipped_definitions() -> list[dict[str, Any]]:
    """The StructureDefinitions as shipped with the package (one JSON file each)."""
    folder = files("carepath.standards").joinpath(DEFINITIONS_FOLDER)
    return [json.loads(folder.joinpath(f"carepath-{name}.json").read_text(encoding="utf-8"))
            for name in sorted(EXTENSIONS)]


def _code_system(kind: str, title: str, concepts: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem", "id": f"carepath-{kind}",
        "text": narrative(f"carepath code system: {title}",
                          items=[f"{code}: {display}" for code, display in concepts]),
        "url": SYSTEM[kind], "version": __version__, "name": f"Carepath{_pascal(kind)}",
        "title": f"carepath: {title}", "status": "active", "publisher": "carepath",
        "caseSensitive": True, "content": "complete", "count": len(concepts),
        "concept": [{"code": code, "display": display} for code, display in concepts]}


def code_systems(model: Model) -> list[dict[str, Any]]:
    """The code systems of the model's codings: its vocabularies, the criterion types,
    relation kinds, and the referral sources (its services, professions, the family and its
    relatives)."""
    def terms(table: dict) -> list[tuple[str, str]]:
        return [(t.id, t.name) for t in table.values()]

    sources = [(s.id, s.name) for s in model.services.values()]
    sources += terms(model.professions) + list(RESERVED_NODES.items())  # family, relatives
    sources += list(UNNAMED_NODES.items())  # referrers a document does not name
    return [
        _code_system("tier", "stepped-care tiers", terms(model.tiers)),
        _code_system("level", "health-visiting levels", terms(model.levels)),
        _code_system("stage", "age stages", terms(model.stages)),
        _code_system("concern", "concerns", terms(model.concerns)),
        _code_system("severity", "severities", terms(model.severities)),
        _code_system("urgency", "urgencies", terms(model.urgencies)),
        _code_system("profession", "professions", terms(model.professions)),
        _code_system("intervention", "interventions", terms(model.interventions)),
        _code_system("criterion-type", "eligibility criterion types",
                     [("inclusion", "inclusion"), ("exclusion", "exclusion")]),
        _code_system("relation-kind", "access route kinds",
                     [(k.value, k.label) for k in RelationKind]),
        _code_system("referral-source", "the ends of routes and relations: services, "
                     "professions, the family", sources),
    ]


def definitions_bundle(model: Model) -> dict[str, Any]:
    """The extensions' StructureDefinitions and the model's code systems as a Bundle."""
    from carepath.standards.common import cleaned, stable_uuid

    resources = [*shipped_definitions(), *code_systems(model)]
    return cleaned({"resourceType": "Bundle", "id": stable_uuid("fhir", "definitions"),
                    "type": "collection",
                    "entry": [{"fullUrl": f"urn:uuid:{stable_uuid('fhir', r['url'])}",
                               "resource": r} for r in resources]})
