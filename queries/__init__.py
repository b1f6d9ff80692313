"""The analyses over the graph, each returning a pandas DataFrame, and the named query library
(``library/*.rq``, ``*.cypher``, run by :mod:`carepath.queries.named`).

>>> import carepath
>>> from carepath.queries import gaps
>>> gaps(carepath.load_reference(), area="dorset", kinds=["transition"]).subject.tolist()
['dorset-pmmhs']
"""

from carepath.queries.compare import compare_areas, diff, whatif_remove
from carepath.queries.eligibility import eligible
from carepath.queries.gaps import coverage_matrix, gaps
from carepath.queries.inventory import inventory
from carepath.queries.overlaps import overlaps, similarity
from carepath.queries.pathway import pathway_cells
from carepath.queries.referrals import referrals, self_referrals
from carepath.queries.routes import entry_points, referral_routes, routes_for_need, shortest_route
from carepath.queries.stepped_care import stepped_care, tier_flows
from carepath.queries.structure import structure

__all__ = [
    "compare_areas", "coverage_matrix", "diff", "eligible", "entry_points", "gaps", "inventory",
    "overlaps",
    "pathway_cells", "referral_routes", "referrals", "routes_for_need", "self_referrals",
    "shortest_route", "similarity", "stepped_care", "structure", "tier_flows", "whatif_remove",
]
