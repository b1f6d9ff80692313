// title: Referrals into each service
// answers: How many referral statements lead into each service, and from how many distinct sources (a GROUP BY over all referrals).
MATCH (s)-[r:REFERS_TO]->(t)
RETURN t.id AS service, count(r) AS referrals, count(DISTINCT s.id) AS sources
ORDER BY referrals DESC, service
