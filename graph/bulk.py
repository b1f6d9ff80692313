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


def give_back_memory() -> None:
    """Return the memory freed by a finished bulk step to the operating system.

    A store's bulk load frees what it allocated, but the C allocator keeps the freed pages
    for the threads that used them, and Arrow's pool keeps its own: after LadybugDB's COPY
    at national the build held 1.1 GB it no longer used, and the Oxigraph store built next
    came on top of it (3.3 GB peak). Arrow's pool releases its unused pages and glibc's
    ``malloc_trim`` every arena's free pages (elsewhere, where there is no glibc, only
    Arrow's, if it was imported).

    >>> give_back_memory()
    """
    import ctypes
    import ctypes.util
    import sys

    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl): nothing to trim
            pass

