"""A property of the gap analysis on generated changes to the reference data: saying less (a
service with nothing stated added, a stated window, tier or concern removed) can turn a gap into
"not stated" but never into "absent" (issue 22, "Done when")."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carepath
from carepath.graph.model import Provenance, Service
from carepath.queries.gaps import gaps

KEY = ["area", "kind", "subject", "stage", "tier", "concern"]
REFERENCE = carepath.load_reference()
AREAS = sorted(REFERENCE.areas)
SERVICES = sorted(REFERENCE.services)


def _absent(model) -> set[tuple]:
    """The absent gaps, each by what it is about (a row's tier is part of what it is about
    only where the tier is its subject: a service's own tier is a description of it)."""
    found = gaps(model)
    found = found[found.basis == "absent"]
    keep_tier = found.kind.isin(["stage-tier", "missing-tier", "profession-no-route"])
    found = found.assign(tier=found.tier.where(keep_tier, None))
    return {tuple(None if v != v else v for v in row) for row in found[KEY].itertuples(
        index=False)}


BEFORE = _absent(REFERENCE)


def _with_services(model, services: dict[str, Service]):
    return dataclasses.replace(model, services={**model.services, **services})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(area=st.sampled_from(AREAS), n=st.integers(1, 2))
def test_adding_services_with_nothing_stated_adds_no_absent_gap(area, n):
    source = REFERENCE.areas[area].provenance.source
    bare = {f"{area}-bare-{i}": Service(f"{area}-bare-{i}", f"Bare {i}", area,
                                        Provenance(source)) for i in range(n)}
    after = _absent(_with_services(REFERENCE, bare))
    assert after <= BEFORE


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(service=st.sampled_from(SERVICES),
       drop=st.sampled_from(["windows", "tier", "addresses"]))
def test_removing_a_stated_fact_turns_no_gap_into_absent(service, drop):
    svc = REFERENCE.services[service]
    changed = {"windows": {"windows": (), "stage_texts": ()}, "tier": {"tier": None},
               "addresses": {"addresses": ()}}[drop]
    after = _absent(_with_services(REFERENCE, {service: dataclasses.replace(svc, **changed)}))
    assert after <= BEFORE, sorted(after - BEFORE)[:3]


@pytest.mark.parametrize("area", AREAS)
def test_dropping_every_scope_only_adds_absent_gaps(area):
    # the scope weakens answers: without it an area's silence may read "absent" again
    sources = {k: dataclasses.replace(v, scope=None) for k, v in REFERENCE.sources.items()}
    unscoped = _absent(dataclasses.replace(REFERENCE, sources=sources))
    assert {r for r in BEFORE if r[0] == area} <= {r for r in unscoped if r[0] == area}
