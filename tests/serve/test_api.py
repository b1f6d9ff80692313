"""``/api/...``: the JSON the pages are made from, checked against the model and the analyses
it comes from."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from carepath.graph.model import RelationKind
from carepath.graph.stages import parse_age
from carepath.queries import gaps, referral_routes


def _services(server, **params):
    answer = server.request("/api/services?" + urlencode(params))
    assert answer.status == 200, answer.text
    return answer.json()


@pytest.mark.parametrize("params", [
    {"area": "dorset", "tier": "inpatient"},
    {"concern": "perinatal-loss-bereavement", "age": "4 months"},
    {"tier": "universal", "area": "scotland"},
], ids=["area-and-tier", "concern-and-age", "universal-in-scotland"])
def test_directory_filters_keep_what_the_model_states(server, reference, params):
    week = parse_age(params["age"]) if "age" in params else None
    want = {s.id for s in reference.services.values()
            if s.area == params.get("area", s.area) and s.tier == params.get("tier", s.tier)
            and ("concern" not in params or params["concern"] in s.concerns)
            and (week is None or any(w.contains_week(week) for w in s.windows))}
    got = _services(server, **params)
    assert want
    assert {s["id"] for s in got["services"]} == want and got["total"] == len(want)


def test_search_by_everyday_words_finds_aliases_and_interventions(server, reference):
    cruse = next(s for s in reference.services.values() if "CRUISE" in s.aliases)
    assert cruse.id in {s["id"] for s in _services(server, q="cruise")["services"]}
    iapt = {s.id for s in reference.services.values()  # the tier's name says "Therapies"
            if s.tier and "Talking Therapies" in reference.tiers[s.tier].name}
    assert iapt and iapt <= {s["id"] for s in _services(server, q="talking therapy")["services"]}
    cbt = {s.id for s in reference.services.values() if "cbt" in s.interventions}
    found = {s["id"] for s in _services(server, q="cognitive behavioural")["services"]}
    assert cbt and cbt <= found


@pytest.mark.parametrize("q", ["fear of birth", "health visitor", "baby unit", "anxiety",
                               "talking therapy", "cruise"])
def test_the_browser_finds_what_the_terminal_finds(server, reference, q):
    from carepath.directory import directory

    terminal = directory(reference, search=q)["id"].tolist()  # as `carepath services --search`
    assert terminal
    assert [s["id"] for s in _services(server, q=q)["services"]] == terminal


def test_directory_pages_cover_every_service_once(server, reference):
    first = _services(server)
    ids = [s["id"] for s in first["services"]]
    page = 2
    while len(ids) < first["total"]:
        ids += [s["id"] for s in _services(server, page=page)["services"]]
        page += 1
    assert sorted(ids) == sorted(reference.services) and len(ids) == len(set(ids))


def test_the_card_has_every_relation_of_the_service(server, reference):
    card = server.request("/api/service/dorset-pmmhs").json()
    into = [r for r in reference.relations if r.target == "dorset-pmmhs"]
    out = [r for r in reference.relations if r.source == "dorset-pmmhs"]
    refers_in = [r for r in into if r.kind is RelationKind.REFERS_TO]
    assert sorted(x["other"]["id"] for x in card["referred_in"]) == sorted(
        r.source for r in refers_in)
    assert len(card["referred_in"]) + len(card["other_in"]) == len(into)
    assert len(card["refers_out"]) + len(card["other_out"]) == len(out)
    assert {x["evidence"] for x in card["referred_in"]} == {r.provenance.ref for r in refers_in}
    svc = reference.services["dorset-pmmhs"]
    assert [c["text"] for c in card["eligibility"]] == [c.text for c in svc.eligibility]
    assert card["tier"]["id"] == svc.tier and card["window"] != "not stated"


def test_routes_are_the_route_analysis(server, reference):
    params = {"from": "p05-health-visiting", "to": "p05-adult-mental-health-services",
              "at": "4 weeks"}
    got = server.request("/api/routes?" + urlencode(params)).json()["routes"]
    want = referral_routes(reference, params["from"], params["to"], week=4)
    assert [r["path"] for r in got] == [list(p) for p in want["path"]] and got
    assert [[s["conditions"] for s in r["steps"]] for r in got] == [
        list(c) for c in want["conditions"]]
    later = dict(params, at="30 weeks")
    assert server.request("/api/routes?" + urlencode(later)).json()["routes"] == []


def test_gaps_are_the_gap_analysis(server, reference):
    got = server.request("/api/gaps?area=dorset&kind=transition").json()
    want = gaps(reference, area="dorset", kinds=["transition"])
    assert got["total"] == len(want) > 0
    assert [r["reason"] for r in got["rows"]] == list(want["reason"])


def test_the_neighbourhood_is_bounded_and_local(server, reference):
    one = server.request("/api/network?focus=dorset-pmmhs&hops=1").json()
    neighbours = {r.target for r in reference.relations if r.source == "dorset-pmmhs"} | {
        r.source for r in reference.relations if r.target == "dorset-pmmhs"}
    assert {n["id"] for n in one["nodes"]} == neighbours | {"dorset-pmmhs"}
    two = server.request("/api/network?focus=dorset-pmmhs&hops=3").json()
    areas = {reference.services[n["id"]].area for n in two["nodes"]
             if n["id"] in reference.services}
    assert areas == {"dorset"}  # professions and the family are not walked through


def test_the_table_sorts_and_filters_on_the_server(server, reference):
    answer = server.request("/api/table?" + urlencode(
        {"view": "relations", "kind": "hands_over_to", "sort": "from", "dir": "desc"})).json()
    handovers = [r for r in reference.relations if r.kind is RelationKind.HANDS_OVER_TO]
    assert answer["total"] == len(handovers) > 0
    froms = [r["from"] for r in answer["rows"]]
    assert froms == sorted(froms, reverse=True)


def test_export_views_draw_the_selection_in_the_address(server, reference):
    page = server.request("/timeline?tier=inpatient").text
    inpatient = [s for s in reference.services.values() if s.tier == "inpatient"]
    assert all(s.name in page for s in inpatient) and "Health Visiting" not in page
    bad = server.request("/stepped-care?area=atlantis", headers={"Accept": "text/html"})
    assert bad.status == 400 and "atlantis" in bad.text


def test_the_card_says_what_carepath_show_says(server, graph, reference):
    from carepath.card import card
    from carepath.serve.index import LIBRARY_SECTIONS, Index

    index = Index(reference)
    shown = 0
    for sid in reference.services:
        terminal = card(reference, "service", sid, most=None)
        # the server's card is the library's, made from the service's own relations only
        assert index.library_card(sid).as_dict() == terminal.as_dict(), sid
        words = {label: lines for label, lines in terminal.sections}
        if not any(label in words for label in LIBRARY_SECTIONS) and sid != "dorset-mbu":
            continue
        api = server.request(f"/api/service/{sid}").json()
        assert api["window"] == terminal.section("Window")[0].text.split(" (as stated")[0]
        assert [(s["label"], [ln["text"] for ln in s["lines"]]) for s in api["more"]] == [
            (label, [ln.text for ln in lines]) for label, lines in terminal.sections
            if label in LIBRARY_SECTIONS]
        page = server.request(f"/service/{sid}", headers={"Accept": "text/html"}).text
        assert all(f">{label}</h2>" in page for label, _ in words.items()
                   if label in LIBRARY_SECTIONS)
        shown += 1
    assert shown >= 3  # parts and deliberate overlaps are in the reference data
