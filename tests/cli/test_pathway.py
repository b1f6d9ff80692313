"""`carepath pathway`: compact by default (stage, service, level, heading, first action),
--heading for one kind of cell, --full for all of it."""

import json

from .invoke import cli


def test_the_default_is_one_short_entry_per_cell_and_full_has_everything(reference):
    compact = cli("pathway", "--limit", "0")
    full = cli("pathway", "--full", "--limit", "0")
    assert compact.exit_code == full.exit_code == 0, compact.stderr
    cells = reference.pathway
    lines = compact.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) < len(full.stdout.splitlines()) / 3
    for cell in cells:  # each cell by its service id and its line in the document
        assert f"[{cell.provenance.source}:{cell.provenance.line}]" in compact.stdout
        if cell.actions:
            assert " ".join(cell.actions[0].split())[:30] in " ".join(compact.stdout.split())
    later = [a for c in cells for a in c.actions[1:]]
    text = " ".join(full.stdout.split())
    assert any(" ".join(a.split())[:30] not in " ".join(compact.stdout.split()) for a in later)
    assert all(" ".join(a.split())[:12] in text for a in later)


def test_heading_picks_one_kind_of_cell_and_a_wrong_one_names_the_headings(reference):
    rows = json.loads(cli("pathway", "--heading", "death of baby", "--format", "json").stdout)
    want = [c for c in reference.pathway if c.heading and "death of baby" in c.heading.lower()]
    assert len(rows) == len(want) > 0
    assert {r["heading"] for r in rows} == {c.heading for c in want}
    wrong = cli("pathway", "--heading", "deth of baby")
    assert wrong.exit_code == 2
    assert "did you mean 'Death of baby'?" in wrong.stderr
