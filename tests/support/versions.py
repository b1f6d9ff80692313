"""Hand-made versions of the reference data: each edit a change a commissioner might make.

Each function edits a copy of the bundled data folder in place (text edits on the YAML, so
the rest of the file stays exactly as curated).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from carepath.build import source_files

BUNDLED = source_files()[0].parent


def copy_reference(to: Path) -> Path:
    """The bundled areas and sources (not the vocabularies, which always load) in ``to``."""
    to.mkdir(parents=True, exist_ok=True)
    shutil.copytree(BUNDLED / "areas", to / "areas")
    shutil.copy(BUNDLED / "sources.yaml", to / "sources.yaml")
    return to


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def remove_midwife_route(data: Path) -> None:
    """Midwives no longer refer to Dorset's perinatal service (doc-002:34)."""
    _edit(data / "areas" / "dorset.yaml", '''  - kind: refers_to
    from: midwife
    to: dorset-pmmhs
    note: "Open referral process (line 30)."
    line: 34
    passage: "<li>Midwives</li>"
''', "")


def shorten_window(data: Path) -> None:
    """Dorset's perinatal service takes families up to one year postnatally, not two."""
    _edit(data / "areas" / "dorset.yaml",
          'stages: ["Preconception", "Pregnancy", "up to two years postnatally"]\n'
          '    addresses:\n      - {concern: maternal-mental-health, severity: [moderate, severe]}',
          'stages: ["Preconception", "Pregnancy", "up to one year postnatally"]\n'
          '    addresses:\n      - {concern: maternal-mental-health, severity: [moderate, severe]}')


def rename_cmht(data: Path) -> None:
    """Dorset's CMHTs get a new name; the old one is kept as an alias."""
    _edit(data / "areas" / "dorset.yaml",
          "    name: Community Mental Health Teams (secondary care mental health)\n"
          "    aliases:\n",
          "    name: Community Mental Health Services\n"
          "    aliases:\n      - Community Mental Health Teams (secondary care mental health)\n")


def recite_cmht_route(data: Path) -> None:
    """The CMHTs' referral is cited on another line (same fact, other citation)."""
    _edit(data / "areas" / "dorset.yaml", '''    line: 32
    passage: "Community MH Teams"''', '''    line: 30
    passage: "open referral process"''')


def drop_response_times(data: Path) -> None:
    """The new version states no response times for Dorset's perinatal service."""
    _edit(data / "areas" / "dorset.yaml", '''    response_times:
      - {urgency: emergency, within: "4 hours", line: 39}
      - {urgency: routine, within: "28 days", line: 39}
''', "")
