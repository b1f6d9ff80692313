"""A bounded load test on the reference data: 20 clients, 240 requests of every kind a session
makes, every one answered; the percentiles are printed (benchmarks/serve.py measures them on a
synthetic preset too)."""

from __future__ import annotations

from carepath.serve.loadtest import request_mix, run_load


def test_twenty_clients_are_all_answered(server, reference, capsys):
    mix = request_mix(reference)
    for _, path in mix:  # each kind answers on its own first
        assert server.request(path).status == 200, path
    result = run_load(server.url, mix, clients=20, total=240, timeout=60, deadline=240)
    assert result.failures == []
    assert result.answered == 240
    summary = result.summary()
    with capsys.disabled():
        print(f"\nload on the reference data: 20 clients, 240 requests in {result.wall:.1f} s; "
              f"p50 {summary['all']['p50_ms']:.0f} ms, p95 {summary['all']['p95_ms']:.0f} ms")
    assert set(summary) == {kind for kind, _ in mix} | {"all"}
