// title: Referral routes from an entry point to a service
// answers: Every referral route of 1 to 4 hops (no service visited twice) from an entry point (a profession such as midwife or gp, a service, or family) to a target service, with the stages and concerns stated on each hop.
// param source: node - the entry point, e.g. health-visitor or p05-health-visiting
// param target: service - the service to reach, e.g. p05-mother-and-baby-unit
// dialect: neo4j (LadybugDB's `* ACYCLIC 1..4` and `properties(nodes(p), 'id')` in Neo4j's words)
MATCH p = (s)-[:REFERS_TO*1..4]->(t:Service)
WHERE s.id = $source AND t.id = $target
  AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
RETURN DISTINCT [n IN nodes(p) | n.id] AS path, length(p) AS hops,
       [r IN relationships(p) | r.stage_text] AS stages_per_hop,
       [r IN relationships(p) | r.source] AS evidence_per_hop
ORDER BY hops
