"""The exported HTML pages at region scale, measured in a real headless Chromium.

    python benchmarks/pages.py                         # region preset, print the table
    python benchmarks/pages.py --markdown benchmarks/RESULTS.md

For each page (network, table, and the focus view of the busiest service), the export time and
file size, then in Chromium (Debian's, driven by Playwright, every request outside the file
refused): the time until the page is drawn and usable, its number of elements, the JS heap
(Chrome's own metric), and for the table the time of a find (one keystroke's worth: the
input event, the filter and the redraw, layout included) and of sorts (the first sort of a
column, and a second one). Targets from issue 18. ``--markdown`` replaces the section between
``<!-- html:start -->`` and ``<!-- html:end -->`` of that file (or appends it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CAREPATH_CHROMIUM", "/usr/bin/chromium")
TARGETS = {  # issue 18, region preset
    ("network", "size"): (15.0, "MB"), ("table", "size"): (15.0, "MB"),
    ("table", "load"): (5.0, "s"), ("table", "elements"): (60_000, ""),
    ("table", "heap"): (400.0, "MB"), ("table", "find"): (200.0, "ms"),
    ("table", "sort"): (200.0, "ms"),
}
START, END = "<!-- html:start -->", "<!-- html:end -->"
OTHERS = ("stepped-care", "timeline", "gaps")
FOCUS = "synth-01-pmh-001"  # the busiest service of the region preset: its perinatal team


def export(data: Path, view: str, out: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(["carepath", "export", "html", "--view", view, "--data", str(data), *extra,
                    "-o", str(out)], check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def metrics(page: Any) -> dict[str, float]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    found = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap_mb": found["JSHeapUsedSize"] / 1e6,
            "elements": page.evaluate("() => document.getElementsByTagName('*').length")}


def open_page(browser: Any, path: Path, ready: str) -> tuple[Any, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
               else r.abort())
    start = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=300_000)
    page.wait_for_function(ready, timeout=300_000)
    return page, time.perf_counter() - start


TIME_FIND = """q => { const t0 = performance.now(); const box = document.getElementById('cp-find');
  box.value = q; box.dispatchEvent(new Event('input')); document.body.offsetHeight;
  return performance.now() - t0; }"""
TIME_SORT = """label => { const t0 = performance.now();
  [...document.querySelectorAll('#relations thead button')].find(b => b.textContent === label)
    .click(); document.body.offsetHeight; return performance.now() - t0; }"""


def measure(data: Path, work: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    pages = {"network": work / "network.html", "table": work / "table.html",
             "focus": work / "focus.html"}
    for view, path in pages.items():
        extra = ("--focus", FOCUS, "--hops", "2") if view == "focus" else ()
        results[view] = {"export_s": export(data, "network" if view == "focus" else view,
                                            path, *extra),
                         "size_mb": path.stat().st_size / 1e6}
    results["others"] = {}
    for view in OTHERS:
        path = work / f"{view}.html"
        export(data, view, path)
        results["others"][view] = {"size_mb": path.stat().st_size / 1e6}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for view in OTHERS:
            page, load = open_page(browser, work / f"{view}.html",
                                   "() => document.readyState === 'complete'")
            results["others"][view].update(load_s=load, **metrics(page))
            page.context.close()
        page, load = open_page(browser, pages["table"],
                               "() => window.cp && cp.tables && "
                               "document.querySelector('#relations tbody tr')")
        results["table"].update(load_s=load, **metrics(page))
        results["table"]["find_ms"] = max(page.evaluate(TIME_FIND, q) for q in
                                          ("p", "pm", "pmh", "pmh 00", "synth-02"))
        results["table"]["find_clear_ms"] = page.evaluate(TIME_FIND, "")
        results["table"]["sort_first_ms"] = page.evaluate(TIME_SORT, "To")
        results["table"]["sort_again_ms"] = page.evaluate(TIME_SORT, "To")
        results["table"]["sort_other_ms"] = page.evaluate(TIME_SORT, "Passage")
        results["table"]["after"] = metrics(page)
        page.context.close()
        page, load = open_page(browser, pages["network"], "() => window.cp && cp.net && "
                                                          "cp.net.ready")
        results["network"].update(load_s=load, **metrics(page))
        start = time.perf_counter()
        busiest = page.evaluate("() => cp.net.busiest()")
        page.evaluate("id => cp.net.show(id)", busiest)
        results["network"]["details_ms"] = (time.perf_counter() - start) * 1000
        results["network"]["details_of"] = busiest
        page.context.close()
        page, load = open_page(browser, pages["focus"], "() => window.cp && cp.net && "
                                                        "cp.net.ready")
        results["focus"].update(load_s=load, **metrics(page))
        page.context.close()
        browser.close()
    return results


def markdown(results: dict[str, Any], preset: str) -> str:
    t, n, f = results["table"], results["network"], results["focus"]
    before = {  # measured the same way before issue 18 (the table)
        "network: file size": "108.5 MB", "table: file size": "38.8 MB",
        "table: open until the rows are drawn": "101-121 s",
        "table: elements": "4.2 M", "table: JS heap (after find and sort)": "8.8 GB (tab)",
        "table: find, slowest keystroke": "12.5 s",
        "table: sort (first of a column / again / another column)": "14.5 s"}
    rows = [
        ("network: file size", f"{n['size_mb']:.1f} MB", "<= 15 MB", n["size_mb"] <= 15),
        ("network: export", f"{n['export_s']:.1f} s", "", None),
        ("network: open until drawn", f"{n['load_s']:.1f} s", "", None),
        ("network: elements / JS heap", f"{n['elements']:,} / {n['heap_mb']:.0f} MB", "", None),
        ("network: details of the busiest node", f"{n['details_ms']:.0f} ms", "", None),
        (f"focus view of {FOCUS}, 2 hops: size / export / open",
         f"{f['size_mb']:.1f} MB / {f['export_s']:.1f} s / {f['load_s']:.1f} s", "", None),
        ("table: file size", f"{t['size_mb']:.1f} MB", "<= 15 MB", t["size_mb"] <= 15),
        ("table: export", f"{t['export_s']:.1f} s", "", None),
        ("table: open until the rows are drawn", f"{t['load_s']:.1f} s", "<= 5 s",
         t["load_s"] <= 5),
        ("table: elements", f"{t['elements']:,}", "<= 60,000", t["elements"] <= 60_000),
        ("table: JS heap (after find and sort)", f"{t['heap_mb']:.0f} MB "
         f"({t['after']['heap_mb']:.0f} MB)", "<= 400 MB", t["after"]["heap_mb"] <= 400),
        ("table: find, slowest keystroke", f"{t['find_ms']:.0f} ms", "<= 200 ms",
         t["find_ms"] <= 200),
        ("table: sort (first of a column / again / another column)",
         f"{t['sort_first_ms']:.0f} / {t['sort_again_ms']:.0f} / {t['sort_other_ms']:.0f} ms",
         "<= 200 ms", max(t["sort_first_ms"], t["sort_again_ms"], t["sort_other_ms"]) <= 200),
    ]
    for view, o in results["others"].items():
        rows.append((f"{view}: size / open / elements", f"{o['size_mb']:.1f} MB / "
                     f"{o['load_s']:.1f} s / {o['elements']:,}", "", None))
    lines = [START, f"## Exported HTML pages ({preset} preset)", "",
             f"Measured by `python benchmarks/pages.py --preset {preset}` in headless Chromium "
             f"at 1400x900 on {platform.machine()} ({os.cpu_count()} cores, shared), "
             f"{time.strftime('%Y-%m-%d %H:%M')}, load average "
             f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after the run.", "",
             "| page | measured | before | target |", "|---|---:|---:|---|"]
    for name, value, target, met in rows:
        lines.append(f"| {name} | {value} | {before.get(name, '')} | {target}"
                     + ("" if met is None else " (met)" if met else " (missed)") + " |")
    return "\n".join([*lines, "", END]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="region")
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "carepath-html-bench")
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args(argv)
    data = args.work / args.preset
    if not data.exists():
        subprocess.run(["carepath", "synth", "--preset", args.preset, "-o", str(data)],
                       check=True, capture_output=True)
    results = measure(data, args.work)
    print(json.dumps(results, indent=1))
    text = markdown(results, args.preset)
    print(text)
    if args.markdown:
        old = args.markdown.read_text(encoding="utf-8") if args.markdown.exists() else ""
        if START in old and END in old:
            new = re.sub(re.escape(START) + ".*?" + re.escape(END) + "\n?", lambda _: text,
                         old, flags=re.DOTALL)
        else:
            new = old.rstrip("\n") + "\n\n" + text
        args.markdown.write_text(new, encoding="utf-8")
        print(f"wrote {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    main()
