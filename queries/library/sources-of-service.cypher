// title: Sources behind the facts about a service
// answers: The source documents and lines behind a service's own description and behind every relation into or out of it.
// param service: service - a service id, e.g. dorset-pmmhs
MATCH (s:Service), (src:Source)
WHERE s.id = $service AND src.id = s.source
RETURN DISTINCT 'service' AS fact, src.id AS source, src.name AS title, s.line AS line
UNION
MATCH (s:Service)-[r:REFERS_TO|SIGNPOSTS_TO|ADVISES|TRAINS|COLLABORATES_WITH|HANDS_OVER_TO|STEPS_UP_TO|STEPS_DOWN_TO]-(), (src:Source)
WHERE s.id = $service AND src.id = r.source
RETURN DISTINCT 'relation' AS fact, src.id AS source, src.name AS title, r.line AS line
