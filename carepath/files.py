"""Writing output files atomically: a failed write leaves no half file behind.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> write_atomic(out, "hello").read_text()
'hello'
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from carepath.outputs import Previous, output_dir, output_file


def atomic_path(path: Path | str) -> AbstractContextManager[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success.

    See :func:`carepath.outputs.output_file` (an existing file is replaced).
    """
    return output_file(path, force=True)


def atomic_dir(path: Path | str, *, force: bool = False, later: Sequence[str] = (),
               previous: Previous | None = None) -> AbstractContextManager[Path]:
    """Yield a temporary folder beside ``path``; its files go into ``path`` only on success.

    Follows carepath's rule for output folders (:mod:`carepath.outputs`): a folder holding
    files carepath did not write is refused unless ``force``, and even then those are kept.
    ``later``: entries added after the commit (:func:`carepath.outputs.add_entries`).
    """
    return output_dir(path, force=force, later=later, previous=previous)


def write_atomic(path: Path | str, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path`` atomically; returns the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
    return path
