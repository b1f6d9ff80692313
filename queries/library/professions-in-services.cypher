// title: Professions in each service
// answers: Which professions staff each service, by area.
MATCH (a:Area)<-[:IN_AREA]-(s:Service)-[:STAFFED_BY]->(p:Profession)
RETURN DISTINCT a.id AS area, s.id AS service, s.name AS service_name, p.id AS profession,
       p.name AS profession_name
ORDER BY area, service, profession
