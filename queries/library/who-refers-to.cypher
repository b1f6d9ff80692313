// title: Who refers to a service
// answers: Every service, profession or family (self-referral) that refers into a service, with the source document and line behind each referral.
// param service: service - the service referred to, e.g. dorset-pmmhs
MATCH (s)-[r:REFERS_TO]->(t:Service)
WHERE t.id = $service
RETURN DISTINCT s.id AS source, s.name AS source_name, r.source AS evidence_source,
       r.line AS evidence_line
ORDER BY source, evidence_source, evidence_line
