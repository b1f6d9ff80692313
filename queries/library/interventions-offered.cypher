// title: Interventions and where they are offered
// answers: Each intervention (therapy, programme, assessment) and the services that deliver it.
MATCH (a:Area)<-[:IN_AREA]-(s:Service)-[:DELIVERS]->(i:Intervention)
RETURN DISTINCT i.id AS intervention, i.name AS intervention_name, s.id AS service,
       s.name AS service_name, a.id AS area
ORDER BY intervention, service
