"""Reading YAML safely, keeping line numbers and refusing duplicate keys.

>>> doc = parse_yaml("services:\\n  - id: a\\n    name: A\\n", "x.yaml")
>>> doc["services"][0].line, doc["services"][0].lines["name"]
(2, 3)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from carepath.errors import DataValidationError, Problem
from carepath.loaders.records import MAX_TEXT

if TYPE_CHECKING:
    from carepath.graph.model import Model
    from carepath.standards.common import Exported

# YAML aliases may repeat a value; past this many extra values a document is refused (a
# "billion laughs" file expands a few lines into 10^9 values)
MAX_ALIAS_EXPANSION = 100_000
# control characters (all but tab, newline and carriage return), DEL, the C1 controls and the
# Unicode line and paragraph separators: invisible, and they split or corrupt lines
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SHOWN_PROBLEMS = 20


def control_problems(text: str, file: str, *, line: int | None = None,
                     field: str | None = None) -> list[Problem]:
    """Problems for control characters in ``text`` (each with its line, at most 20).

    ``line`` is the line ``text`` starts on; without it, lines are counted in ``text``.

    >>> [(p.line, p.message[:24]) for p in control_problems("ok\\nbad\\x01", "x.csv")]
    [(2, 'control character U+0001')]
    """
    problems = []
    for m in CONTROL.finditer(text):
        at = line if line is not None else text.count("\n", 0, m.start()) + 1
        problems.append(Problem(
            "error", "control-character", file, at, field,
            f"control character U+{ord(m.group()):04X} (invisible, and it can corrupt lines "
            "and terminals); remove it"))
        if len(problems) >= _SHOWN_PROBLEMS:
            break
    return problems


def _expanded_size(node: yaml.Node) -> tuple[int, int]:
    """(values as written, values once every alias is expanded) of a composed document."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        key = id(current)
        if key in sizes and not done:
            continue
        children = ([] if isinstance(current, yaml.ScalarNode) else
                    [c for pair in current.value for c in pair]
                    if isinstance(current, yaml.MappingNode) else list(current.value))
        if done:
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            continue
        sizes[key] = 0  # a cycle (an alias inside its own anchor) counts once
        stack.append((current, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return len(sizes), sizes[id(node)]


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    __slots__ = ("line", "lines")

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.lines: dict[str, int] = {}


# libyaml's parser when PyYAML has it: five times faster than the pure-Python one on large
# files (0.6 s against 3.0 s for a 720 kB area file), with the same marks, so the same lines
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """SafeLoader whose mappings are LineDicts; a duplicate key is an error, not a silent win."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.problems: list[Problem] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        self.flatten_mapping(node)
        mapping = LineDict(line=node.start_mark.line + 1)
        for key_node, value_node in node.value:
            self._put(mapping, self.construct_object(key_node, deep=deep), key_node,
                      lambda v=value_node: self.construct_object(v, deep=deep))
        return mapping

    def _put(self, mapping: LineDict, key: Any, key_node: yaml.Node,
             value: Callable[[], Any]) -> None:
        """``mapping[key] = value()`` with the key's line; a key that is not a name, or is
        there already, is a problem (YAML would silently keep the last of a duplicate)."""
        line = key_node.start_mark.line + 1
        if not isinstance(key, Hashable):  # a list or mapping as a key ("[1]: x")
            self.problems.append(Problem(
                "error", "bad-key", self.file, line, None,
                f"a key must be a name, not {type(key).__name__} {repr(key)[:60]}"))
            return
        if key in mapping:
            self.problems.append(Problem(
                "error", "duplicate-key", self.file, line, str(key)[:80],
                f"duplicate key {repr(key)[:80]} (first at line "
                f"{mapping.lines.get(str(key))}); YAML would silently keep only the last one"))
        mapping[key] = value()
        mapping.lines[str(key)] = line

    def construct_text(self, node: yaml.ScalarNode) -> str:
        """A string scalar, refused if it holds control characters or is too long."""
        value = self.construct_scalar(node)
        line = node.start_mark.line + 1
        if len(value) > MAX_TEXT:
            self.problems.append(Problem(
                "error", "too-long", self.file, line, None,
                f"text of {len(value):,} characters (at most {MAX_TEXT:,}): {value[:40]!r}..."))
            return value[:MAX_TEXT]
        if CONTROL.search(value):
            self.problems.extend(control_problems(value, self.file, line=line))
        return value


    def construct_tree(self, node: yaml.Node) -> Any:
        """The document under ``node``, as :meth:`construct_document` makes it, quicker.

        Strings, lists and mappings of the default tags (nearly every node of a data file)
        are made here directly; every other node goes through PyYAML's constructors. An
        alias is the same object as its anchor, as PyYAML makes it. Measured on the national
        preset's YAML (2.4 million nodes): construction takes half the time it took through
        PyYAML's generic constructors, and the whole load 12-13 s instead of 17.7 s (the rest
        is libyaml's parse and PyYAML's node and tag resolution, both per node).
        """
        made: dict[int, Any] = {}
        scalar, sequence, mapping = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
        text_tag, seq_tag, map_tag = (yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
                                      yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                                      yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG)
        too_long, control = MAX_TEXT, CONTROL.search

        def build(node: yaml.Node) -> Any:
            kind = type(node)
            if kind is scalar and node.tag == text_tag:
                value = node.value
                if len(value) > too_long or control(value):
                    return self.construct_text(node)  # the problem, with its line
                return value
            found = made.get(id(node))
            if found is not None:
                return found
            if kind is sequence and node.tag == seq_tag:
                items: list[Any] = []
                made[id(node)] = items
                items.extend(build(child) for child in node.value)
                return items
            if kind is mapping and node.tag == map_tag:
                self.flatten_mapping(node)
                out = LineDict(line=node.start_mark.line + 1)
                made[id(node)] = out
                lines = out.lines
                for key_node, value_node in node.value:
                    key = build(key_node)
                    if type(key) is str and key not in out:  # nearly every key: inline
                        out[key] = build(value_node)
                        lines[key] = key_node.start_mark.line + 1
                    else:
                        self._put(out, key, key_node, lambda v=value_node: build(v))
                return out
            value = self.construct_object(node, deep=True)  # numbers, booleans, null, ...
            if kind is not scalar:
                made[id(node)] = value
            return value

        return build(node)


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)
_LineLoader.add_constructor("tag:yaml.org,2002:str",
                            lambda loader, node: loader.construct_text(node))


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text; raise :class:`DataValidationError` naming the file and line."""
    loader = _LineLoader(text, file)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # an alias needs an anchor: without '&' and '*' there is nothing to expand (measured:
        # counting costs 1.5 s of a region's 6 s load, so it runs only when it can matter)
        written, expanded = _expanded_size(node) if "&" in text and "*" in text else (0, 0)
        if expanded - written > MAX_ALIAS_EXPANSION:
            raise DataValidationError([Problem(
                "error", "alias-bomb", file, None, None,
                f"YAML aliases (*name) expand {written:,} values into {expanded:,}; at most "
                f"{MAX_ALIAS_EXPANSION:,} repeated values are allowed: write the values out")])
        data = loader.construct_tree(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataValidationError([Problem(
            "error", "malformed-yaml", file, line, None,
            f"malformed YAML: {exc.problem or exc.context}")]) from None
    except yaml.YAMLError as exc:
        raise DataValidationError([Problem(
            "error", "malformed-yaml", file, None, None, f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.problems:
        raise DataValidationError(loader.problems)
    return data


def read_text(path: Path, display: str) -> str:
    """Read a file as UTF-8 (a BOM is allowed); a clear error for any other encoding."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataValidationError([Problem(
            "error", "wrong-encoding", display, line, None,
            f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8")]) from None


def load_yaml_file(path: Path, display: str | None = None) -> Any:
    """Read and parse one YAML file."""
    display = display or str(path)
    return parse_yaml(read_text(path, display), display)


# -- writing ----------------------------------------------------------------------------------

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _BlockDumper(_Dumper):  # type: ignore[misc, valid-type]
    """Safe YAML, text of several lines as a ``|`` block."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None  # the emitter quotes what a block cannot hold
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """YAML as carepath's data files are written: keys in order, text of several lines as
    blocks, every string read back exactly by :func:`parse_yaml`.

    >>> print(dump_yaml({"id": "x-a", "notes": "Two\\nlines"}), end="")
    id: x-a
    notes: |-
      Two
      lines
    """
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True,
                     width=100)


_BARE = re.compile(r"^[a-z][a-z0-9_-]*$")  # ids and kinds: plain scalars that stay text
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# lists written one item a line, in flow style: a region's 130,000 relation statements are
# written in a second, not the half a minute block style takes
FLOW_LISTS = ("relations", "overlaps", "pathway")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if _BARE.match(text) and text not in _YAML_WORDS:
        return text
    # a JSON string is a YAML double-quoted scalar (non-ASCII as it is: YAML 1.1 readers do
    # not join JSON's surrogate pairs)
    return json.dumps(text, ensure_ascii=False)


def flow(value: Any) -> str:
    """``value`` as one line of YAML flow style, read back exactly by :func:`parse_yaml`.

    >>> flow({"id": "x-a", "stages": ["Birth - 6 weeks"], "line": 3})
    '{id: x-a, stages: ["Birth - 6 weeks"], line: 3}'
    """
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return _scalar(value)


def dump_data_file(body: dict[str, Any]) -> str:
    """A data file's mapping as YAML: block style, the lists of :data:`FLOW_LISTS` one item a
    line in flow style."""
    head = {k: v for k, v in body.items() if k not in FLOW_LISTS}
    parts = [dump_yaml(head) if head else ""]
    for key in FLOW_LISTS:
        if key in body:
            parts.append(f"{key}:\n" + "".join(f"  - {flow(item)}\n" for item in body[key]))
    return "".join(parts)


def to_yaml(model: Model) -> Exported[dict[str, str]]:
    """The model as carepath's YAML data folder: each file's path in the folder and its text
    (``sources.yaml``, ``areas/AREA.yaml``, and ``vocabularies.yaml`` for vocabulary entries
    of its own), and a report (the folder holds every fact).

    >>> from carepath import load_reference
    >>> done = to_yaml(load_reference())
    >>> done.artifact["areas/dorset.yaml"].splitlines()[1]
    'source: doc-002'
    >>> done.report.lost
    0
    """
    from carepath.loaders.model_records import data_files, report_scrubbed, scrubbed
    from carepath.standards.common import Exported, ExportReport

    header = "# Written by carepath from its model: carepath validate THIS-FOLDER checks it.\n"
    removed = [0]
    files = scrubbed(data_files(model), removed)
    report = ExportReport("carepath YAML")
    report_scrubbed(report, removed[0])
    return Exported({name: header + dump_data_file(body) for name, body in files.items()},
                    report)


def write_yaml(model: Model, folder: Path | str, *, force: bool = False) -> Exported[Path]:
    """Write the model as a YAML data folder (see :func:`to_yaml`), atomically; ``carepath
    load`` reads it back as the same model. A folder holding files carepath did not write is
    refused unless ``force`` (see :mod:`carepath.writing`).

    >>> import tempfile, pathlib, carepath
    >>> model = carepath.load_reference()
    >>> out = write_yaml(model, pathlib.Path(tempfile.mkdtemp()) / "data").artifact
    >>> carepath.load(out) == model
    True
    """
    return write_files(to_yaml(model), folder, force=force)


def write_files(done: Exported[dict[str, str]], folder: Path | str, *,
                force: bool = False) -> Exported[Path]:
    """Write the texts of ``done`` (path in the folder: text) as a new folder, atomically."""
    from carepath.standards.common import Exported
    from carepath.writing import atomic_dir, check_target

    folder = Path(folder)
    check_target(folder, force=force)
    with atomic_dir(folder, force=force) as tmp:
        for name, text in done.artifact.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return Exported(folder, done.report)
