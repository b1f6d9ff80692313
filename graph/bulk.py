"""Building large structures in bulk: a million relations, edges or triples at a time.

>>> with paused_gc():
...     rows = [{"id": n} for n in range(3)]
>>> len(rows)
3
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large structure is built.

    Loading a model or building a view allocates millions of container objects, and each full
    pass of the collector scans all of them again: half the CPU time of loading and of the
    networkx view at 130,000 relations, and a growing share beyond. Nothing built in bulk is
    garbage, so the collector has nothing to find until the structure is done. Uses nest; the
    collector runs again when the outermost ends (if it was running before).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
