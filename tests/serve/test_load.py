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


def test_twenty_clients_on_a_synthetic_system(tmp_path_factory, capsys):
    import carepath
    from carepath.serve.app import create_app
    from carepath.serve.backend import open_graph
    from carepath.synth import preset, synthesize, write_system

    from .conftest import start

    size = preset("small")
    folder = write_system(synthesize(areas=size.areas, services_per_area=size.services_per_area),
                          tmp_path_factory.mktemp("synth") / "small", fmt="csv")
    model = carepath.load(folder)
    graph = open_graph(model=model)
    running = start(create_app(graph, timeout=60))
    try:
        mix = request_mix(model)
        result = run_load(running.url, mix, clients=20, total=160, timeout=60, deadline=240)
    finally:
        running.stop()
        graph.close()
    assert result.failures == [] and result.answered == 160
    summary = result.summary()["all"]
    with capsys.disabled():
        print(f"\nload on the small preset ({len(model.services)} services, "
              f"{model.relation_count:,} relations): 20 clients, 160 requests in "
              f"{result.wall:.1f} s; p50 {summary['p50_ms']:.0f} ms, "
              f"p95 {summary['p95_ms']:.0f} ms")
