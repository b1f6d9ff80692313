// title: Whom a service, profession or the family refers to
// answers: The targets of every referral made by a service, a profession (e.g. gp, midwife) or the family, with the stages as written and the source.
// param source: node - who refers: a service id, a profession id, or family
MATCH (s)-[r:REFERS_TO]->(t)
WHERE s.id = $source
RETURN DISTINCT t.id AS target, t.name AS target_name,
       CASE WHEN r.stage_text = '' THEN NULL ELSE r.stage_text END AS stage_text,
       r.source AS evidence_source, r.line AS evidence_line
ORDER BY target, stage_text, evidence_line
