// title: Services addressing a concern at a severity
// answers: The services that address a concern at a given severity; stated says whether the service states that severity (yes) or states none (not stated: it may or may not take that severity).
// param concern: concern - a concern id, e.g. maternal-mental-health
// param severity: severity - mild, moderate or severe
MATCH (a:Area)<-[:IN_AREA]-(s:Service)-[n:ADDRESSES]->(c:Concern)
WHERE c.id = $concern AND (coalesce(size(n.severity), 0) = 0 OR $severity IN n.severity)
RETURN DISTINCT s.id AS service, s.name AS name, a.id AS area,
       CASE WHEN coalesce(size(n.severity), 0) = 0 THEN 'not stated' ELSE 'yes' END
         AS stated
ORDER BY area, service
