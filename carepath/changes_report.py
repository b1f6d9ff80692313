"""The "what changed" report for a board paper: Markdown and HTML from
:func:`carepath.queries.changes.changes`.

Families' routes first, then the other sections in :data:`~carepath.queries.changes.SECTIONS`
order; re-cited facts collapsed into one paragraph. Every data string is escaped: Markdown
special characters are backslash-escaped (a passage's ``<li>`` stays text), HTML goes through
Jinja2's autoescaping, in a page whose Content-Security-Policy loads nothing and runs no
script.

>>> import copy, dataclasses
>>> from carepath import load_reference
>>> from carepath.queries.changes import changes
>>> old = load_reference()
>>> new = copy.copy(old)
>>> new.services = dict(old.services)
>>> new.services["cm-iapt"] = dataclasses.replace(old.services["cm-iapt"], tier=None)
>>> text = to_markdown(changes(old, new), old="v3", new="v4")
>>> print(text.splitlines()[0])
# What changed: v3 -> v4
>>> "stated -> not stated" in text and "<" not in text.replace("\\\\<", "")
True
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from carepath.queries.changes import SECTION_TITLES, SECTIONS, word_ops

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<#|~])")
_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;
line-height:1.45;color:#1a1a1a}h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid
#ccc;margin-top:2rem}li{margin:.4rem 0}.ev{color:#444;font-size:.9em}q{font-style:italic}
del{background:#fde2e2;color:#7a0000}ins{background:#dff5e1;color:#004d12;text-decoration:none}
.change{font-weight:600}"""


def md_escape(text: Any) -> str:
    """Text with Markdown's special characters escaped, on one line.

    >>> print(md_escape("<li>GP</li> *now* (a)"))
    \\<li>GP\\</li> \\*now\\* (a)
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _ev(refs: Any) -> str:
    return ", ".join(refs) if isinstance(refs, list) and refs else ""


def _summary(row: dict[str, Any]) -> str:
    """The change in words (plain text, unescaped)."""
    who = row["subject_name"] or row["subject"] or ""
    area = f"{row['area']}: " if row["area"] else ""
    if row["section"] == "reachability":
        at = f" at {row['stages']}" if row["stages"] else ""
        verb = "can no longer reach" if row["change"] == "became unreachable" else "can now reach"
        return f"{area}{who} {verb} {row['target_name']} ({row['field']}){at}"
    if row["section"] == "relations":
        return f"{area}{row['change']}: {row['old'] or row['new']}"
    if row["section"] == "re-cited" and row["field"] and row["field"].startswith(who):
        return f"{area}{row['field']}"
    if row["section"] == "gaps":
        return f"{area}gap {row['change']}: {row['field']} ({who})"
    if row["section"] == "pathway":
        return f"{area}{who}: {row['field'] or 'cell'} {row['change']} ({row['subject']})"
    field = f" {row['field']}" if row["field"] else ""
    return f"{area}{who}{field}: {row['change']}"


def _details(row: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, text, evidence) lines under a change."""
    if row["section"] == "relations":
        return [("passage", row["why"] or "not quoted",
                 _ev(row["old_evidence"] or row["new_evidence"]))]
    out = []
    if row["why"] and row["section"] != "pathway":
        out.append(("why", row["why"], ""))
    if row["old"] is not None:
        out.append(("old", row["old"], _ev(row["old_evidence"])))
    if row["new"] is not None:
        out.append(("new", row["new"], _ev(row["new_evidence"])))
    return out


def _facts(n: int) -> str:
    return "1 fact is" if n == 1 else f"{n} facts are"


def to_markdown(found: pd.DataFrame, *, old: str, new: str) -> str:
    """The report as Markdown (see the module docstring)."""
    rows = found.to_dict("records")
    lines = [f"# What changed: {md_escape(old)} -> {md_escape(new)}", ""]
    if not rows:
        return "\n".join([*lines, "No changes.", ""])
    counts = ", ".join(f"{SECTION_TITLES[s].lower()} {n}" for s in SECTIONS
                       if (n := sum(r["section"] == s for r in rows)))
    lines += [f"{len(rows)} changes: {counts}.", ""]
    for section in SECTIONS:
        picked = [r for r in rows if r["section"] == section]
        if not picked:
            continue
        lines += [f"## {SECTION_TITLES[section]}", ""]
        if section == "re-cited":
            lines += [f"{_facts(len(picked))} unchanged but cited elsewhere: "
                      + "; ".join(f"{md_escape(_summary(r))} ({_ev(r['old_evidence'])} -> "
                                  f"{_ev(r['new_evidence'])})" for r in picked) + ".", ""]
            continue
        for row in picked:
            lines.append(f"- **{md_escape(_summary(row))}**")
            if section == "pathway" and row["old"] is not None and row["new"] is not None:
                diff = " ".join(md_escape(t) if op == "=" else
                                f"~~{md_escape(t)}~~" if op == "-" else f"**{md_escape(t)}**"
                                for op, t in word_ops(row["old"], row["new"]))
                lines.append(f"  - text: {diff} ({_ev(row['new_evidence'])})")
                continue
            for label, text, ev in _details(row):
                lines.append(f"  - {label}: {md_escape(text)}" + (f" ({ev})" if ev else ""))
        lines.append("")
    return "\n".join(lines)


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>What changed: {{ old }} -> {{ new }} · carepath</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<h1>What changed: {{ old }} &rarr; {{ new }}</h1>
{% if not sections %}<p>No changes.</p>{% endif %}
{% for title, section, rows in sections %}
<section>
<h2>{{ title }} ({{ rows|length }})</h2>
{% if section == "re-cited" %}
<p>{{ facts }} unchanged but cited elsewhere:</p>
<ul>{% for r in rows %}
<li>{{ r.summary }} <span class="ev">({{ r.old_ev }} &rarr; {{ r.new_ev }})</span></li>
{% endfor %}</ul>
{% else %}
<ul>
{% for r in rows %}
<li><span class="change">{{ r.summary }}</span>
{% if r.diff %}<br>
{% for op, text in r.diff %}
{% if op == "-" %}<del>{{ text }}</del>{% elif op == "+" %}<ins>{{ text }}</ins>
{% else %}{{ text }}{% endif %}
{% endfor %}
<span class="ev">({{ r.new_ev }})</span>
{% else %}<ul>
{% for label, text, ev in r.details %}
<li>{{ label }}: {% if label == "why" %}{{ text }}{% else %}<q>{{ text }}</q>{% endif %}
{% if ev %} <span class="ev">({{ ev }})</span>{% endif %}</li>
{% endfor %}
</ul>{% endif %}
</li>
{% endfor %}
</ul>
{% endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""


def report_sections(found: pd.DataFrame) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """The report's sections for a page: (title, section, rows), each row with its
    ``summary``, ``details`` (label, text, evidence), ``diff`` (word runs of a pathway text
    change, else None), ``old_ev`` and ``new_ev``; plain text, for an escaping template."""
    rows = found.to_dict("records")
    sections = []
    for section in SECTIONS:
        picked = [r for r in rows if r["section"] == section]
        if not picked:
            continue
        shown = []
        for r in picked:
            diff = (word_ops(r["old"], r["new"]) if section == "pathway"
                    and r["old"] is not None and r["new"] is not None else None)
            shown.append({"summary": _summary(r), "details": _details(r), "diff": diff,
                          "old_ev": _ev(r["old_evidence"]), "new_ev": _ev(r["new_evidence"])})
        sections.append((SECTION_TITLES[section], section, shown))
    return sections


def facts_phrase(n: int) -> str:
    """``1 fact is`` / ``N facts are``."""
    return _facts(n)


def to_html(found: pd.DataFrame, *, old: str, new: str) -> str:
    """The report as one self-contained HTML page (escaped; loads nothing, runs nothing).

    >>> import pandas as pd
    >>> from carepath.queries.changes import COLUMNS
    >>> row = dict.fromkeys(COLUMNS) | {"section": "services", "subject": "x-a",
    ...     "subject_name": "<script>alert(1)</script>", "change": "removed",
    ...     "old_evidence": ["doc-002:5"], "new_evidence": []}
    >>> page = to_html(pd.DataFrame([row]), old="v3", new="v4")
    >>> "<script>" in page, "&lt;script&gt;" in page
    (False, True)
    """
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    rows = found.to_dict("records")
    sections = report_sections(found)
    digest = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()
    csp = (f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
           "form-action 'none'")
    recited = sum(r["section"] == "re-cited" for r in rows)
    return env.from_string(_TEMPLATE).render(old=old, new=new, sections=sections,
                                             csp=Markup(csp),  # our own text, no data
                                             facts=_facts(recited),
                                             css=Markup(_CSS))


__all__ = ["facts_phrase", "md_escape", "report_sections", "to_html", "to_markdown"]
