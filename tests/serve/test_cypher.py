"""``/cypher``: the rows `carepath query cypher --format json` prints, parameters bound, and
nothing that writes, reads files, installs or attaches."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from carepath.printing import to_json
from carepath.queries.named import CypherEngine, load_library

WHO = ("MATCH (a)-[r:REFERS_TO]->(s:Service {id: $service}) "
       "RETURN a.id AS source, a.name AS name, r.line AS line ORDER BY source, line")


def _get(server, query: str, params: dict | None = None):
    path = "/cypher?query=" + quote(query)
    if params is not None:
        path += "&params=" + quote(json.dumps(params))
    return server.request(path)


def test_rows_are_what_query_cypher_json_prints(server, graph, reference):
    library = load_library()
    text = library.get("who-refers-to", "cypher").text
    cli = json.loads(to_json(CypherEngine(reference, graph.cypher()).query(
        text, {"service": "dorset-pmmhs"})))
    answer = _get(server, text, {"service": "dorset-pmmhs"})
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
    assert answer.json() == cli and len(cli) > 0


def test_get_form_and_json_post_agree(server):
    params = {"service": "dorset-pmmhs"}
    get = _get(server, WHO, params)
    form = server.request("/cypher", data=urlencode({"query": WHO,
                                                     "params": json.dumps(params)}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    body = server.request("/cypher", data=json.dumps({"query": WHO, "params": params}).encode(),
                          headers={"Content-Type": "application/json"})
    assert get.status == form.status == body.status == 200
    assert get.json() == form.json() == body.json()
    assert {r["source"] for r in get.json()} >= {"gp", "midwife", "health-visitor"}


def test_parameters_are_bound_never_pasted(server):
    answer = _get(server, WHO, {"service": "x'}) RETURN 1 AS pwned //"})
    assert answer.status == 200 and answer.json() == []


def test_the_row_limit_cuts_and_says_so(server, reference):
    from .conftest import ROW_LIMIT

    assert reference.relation_count > ROW_LIMIT or len(reference.services) < ROW_LIMIT
    answer = _get(server, "MATCH (a)-[r]->(b) RETURN a.id, b.id")
    assert answer.status == 200
    rows = answer.json()
    total = _get(server, "MATCH (a)-[r]->(b) RETURN count(*) AS n").json()[0]["n"]
    assert len(rows) == min(total, ROW_LIMIT)
    assert (answer.headers.get("X-Carepath-Truncated") == "true") == (total > ROW_LIMIT)


REFUSED = {
    "create": "CREATE (s:Service {id: 'x', name: 'x'})",
    "merge": "MERGE (s:Service {id: 'dorset-pmmhs'}) SET s.name = 'x'",
    "delete": "MATCH (s:Service) DETACH DELETE s",
    "copy-to-file": "COPY (MATCH (s:Service) RETURN s.id) TO '{out}'",
    "load-from-file": "LOAD FROM '/etc/passwd' RETURN *",
    "install": "INSTALL httpfs",
    "attach": "ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)",
    "call-setting": "CALL threads=1",
    "two-statements": "MATCH (n) RETURN n LIMIT 1; CREATE (s:Service {id: 'y'})",
    "lower-case": "match (s:Service) set s.name = 'x' return s",
}


@pytest.mark.parametrize("query", list(REFUSED.values()), ids=list(REFUSED))
def test_writes_files_and_network_are_refused(server, tmp_path, query):
    out = tmp_path / "stolen.csv"
    answer = _get(server, query.replace("{out}", str(out)))
    assert answer.status == 403, answer.text
    assert "refused" in answer.json()["error"] or "one statement" in answer.json()["error"]
    assert not out.exists()
    names = _get(server, "MATCH (s:Service {id: 'dorset-pmmhs'}) RETURN s.name AS n").json()
    assert names == [{"n": "Perinatal and Maternal Mental Health Service"}]


def test_the_database_itself_refuses_writes(graph):
    with pytest.raises(RuntimeError, match="read-only"):
        graph.cypher().execute("CREATE (s:Service {id: 'x', name: 'x'})")


@pytest.mark.parametrize("query", [
    "MATCH (s:Service) WHERE s.name = 'COPY LOAD CREATE' RETURN count(s) AS n",
    "MATCH (s:Service) RETURN s.id AS `set`, s.name AS `load` LIMIT 1",
    "CALL show_tables() RETURN *",
    "MATCH (s:Service) // DELETE s\nRETURN count(s) AS n",
], ids=["words-in-a-string", "back-quoted-names", "schema-listing", "in-a-comment"])
def test_words_that_only_look_like_clauses_pass(server, query):
    answer = _get(server, query)
    assert answer.status == 200, answer.text


@pytest.mark.parametrize("path,body,ctype", [
    ("/cypher", None, None),
    ("/cypher?query=" + quote(WHO), None, None),
    ("/cypher?query=" + quote(WHO) + "&params=" + quote("{not json"), None, None),
    ("/cypher?query=" + quote("MATCH (n RETURN n"), None, None),
    ("/cypher", b"[1, 2]", "application/json"),
    ("/cypher", b"query=x", "text/plain"),
], ids=["no-query", "missing-parameter", "params-not-json", "syntax-error", "body-not-object",
        "unknown-content-type"])
def test_bad_requests_get_a_clear_400(server, path, body, ctype):
    answer = server.request(path, data=body, headers={"Content-Type": ctype} if ctype else {})
    assert answer.status == 400
    message = answer.json()["error"]
    assert message and "Traceback" not in message


def test_nothing_was_written_anywhere(graph):
    folder = Path(graph._folder.name)
    assert sorted(p.name for p in folder.iterdir()) == ["graph.lbdb", "rdf.oxigraph"]
