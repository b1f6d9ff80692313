// title: Services by stage and tier
// answers: The services whose age window covers a canonical stage at a tier of the stepped-care model, in every area.
// param stage: stage - a canonical stage id, e.g. years-3-5
// param tier: tier - a tier id, e.g. universal
MATCH (a:Area)<-[:IN_AREA]-(s:Service)-[:COVERS]->(st:AgeStage), (s)-[:AT_TIER]->(t:Tier)
WHERE st.id = $stage AND t.id = $tier
RETURN DISTINCT s.id AS service, s.name AS name, a.id AS area
ORDER BY area, service
