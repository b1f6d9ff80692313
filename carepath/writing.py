"""Writing carepath's outputs without ever losing a user's files.

One rule for every command that writes a folder (build, template, synth, the exports and
imports):

- the target must be new, empty, or a folder carepath wrote before: carepath recognises its
  own output by the ownership manifest :data:`MANIFEST` it writes into every output folder,
  listing each file it wrote with its size and modification time;
- otherwise the command refuses, naming what is in the way; with ``force`` it writes its files
  beside the others, and even then replaces only carepath's own files: a file carepath did not
  write (or that was edited since) is never replaced or deleted;
- the output is written into a temporary sibling (``.NAME.carepath-tmp.PID.RANDOM``) and moved
  into place only when complete; temporary siblings left by runs that were killed are removed
  by the next run (their process is gone);
- new files and folders get the permissions the umask allows (not the 0600/0700 of
  :mod:`tempfile`);
- a full disk is one line, ``no space left on PATH``, not a traceback.

A single-file target (``template my-area.xlsx``) is replaced only with ``force``.

The exporters write through :func:`write_atomic`, :func:`atomic_path` (a file, replaced) and
:func:`atomic_dir` (a folder, by the rule above).

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
>>> with output_dir(target) as tmp:
...     _ = (tmp / "a.txt").write_text("carepath's")
>>> sorted(p.name for p in target.iterdir())
['.carepath-output.json', 'a.txt']
>>> _ = (target / "notes.txt").write_text("the user's")
>>> with output_dir(target) as tmp:
...     _ = (tmp / "b.txt").write_text("carepath's")
>>> sorted(p.name for p in target.iterdir())
['.carepath-output.json', 'b.txt', 'notes.txt']
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from carepath.errors import ExportError, OutputExistsError, naming

# -- spreadsheet cells ---------------------------------------------------------------------
# A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel,
# LibreOffice and Google Sheets: "=HYPERLINK(...)" in a service name would run when a planner
# opens the file (CSV formula injection). OWASP's rule: prefix such a cell with a single quote,
# which spreadsheets show as text. Numbers and telephone numbers ("-5", "+44 20 7946 0000")
# are left as they are: they cannot call anything.
#
# Person-facing files (opened in a spreadsheet program), neutralised:
#   `--format csv` output of every command, `export hsds` (its CSV tables), `template`
#   (CSV folder and workbook).
# Machine-facing files, written exactly (a quote would change the data they load):
#   `export neo4j-csv` (neo4j-admin import and LOAD CSV read them), the build folder, the
#   RDF, JSON, GraphML and GEXF exports, and the data folders of `synth` and `import`.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[+-]?[\d\s().,]*\d[\d\s().,]*")


def spreadsheet_safe(value: object) -> object:
    """``value`` as a spreadsheet shows it as text: a formula-like string gets a leading ``'``.

    >>> print(spreadsheet_safe('=HYPERLINK("http://evil.example","click")'))
    '=HYPERLINK("http://evil.example","click")
    >>> spreadsheet_safe("@SUM(A1)"), spreadsheet_safe("-5"), spreadsheet_safe("+44 20 7946 0000")
    ("'@SUM(A1)", '-5', '+44 20 7946 0000')
    >>> spreadsheet_safe("Health visiting"), spreadsheet_safe(3)
    ('Health visiting', 3)
    """
    if (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _HARMLESS.fullmatch(value)):
        return "'" + value
    return value


def spreadsheet_safe_text(value: str) -> str:
    """:func:`spreadsheet_safe` for text (typed for CSV writers)."""
    return str(spreadsheet_safe(value))


# -- bidirectional controls ------------------------------------------------------------------
# An RIGHT-TO-LEFT OVERRIDE in a name makes it display reversed ("Health visiting" can be made
# to read as something else). The data keeps them; terminal and HTML output show each as a
# visible, inert marker such as [U+202E].
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def inert_bidi(text: str) -> str:
    """``text`` with every bidirectional control shown as ``[U+XXXX]`` instead of obeyed.

    >>> inert_bidi("Baby clinic \u202egnitisiv")
    'Baby clinic [U+202E]gnitisiv'
    """
    if not _BIDI.search(text):
        return text
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


MANIFEST = ".carepath-output.json"
_TMP_TAG = ".carepath-tmp."
_SHOWN = 5  # foreign entries named in a refusal


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: Path | str) -> Path:
    """The absolute target (``.`` becomes the current folder's own path)."""
    target = Path(path).expanduser().absolute()
    target = Path(os.path.normpath(target))
    if not target.name:
        raise ExportError(f"cannot write into {path}: give a folder below it")
    return target


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(target: Path) -> list[Path]:
    """Remove temporary siblings of ``target`` left by carepath runs that no longer run.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / ".out.carepath-tmp.999999999.ab12").mkdir()
    >>> [p.name for p in clean_stale(d / "out")]
    ['.out.carepath-tmp.999999999.ab12']
    """
    removed = []
    prefix = f".{target.name}{_TMP_TAG}"
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return removed
    for sibling in siblings:
        if not sibling.name.startswith(prefix):
            continue
        pid = sibling.name[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or _pid_alive(int(pid)):
            continue
        if sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            sibling.unlink(missing_ok=True)
        removed.append(sibling)
    return removed


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{_TMP_TAG}{os.getpid()}.{secrets.token_hex(4)}")


def _stamp(path: Path) -> list[int]:
    st = path.lstat()
    return [st.st_size, st.st_mtime_ns]


def _files(folder: Path) -> dict[str, list[int]]:
    """Every file under ``folder`` (not following symlinks) with its size and mtime."""
    out = {}
    for root, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if Path(root, d).is_symlink()]:
            p = Path(root, name)
            out[p.relative_to(folder).as_posix()] = _stamp(p)
    return out


def read_manifest(folder: Path) -> dict[str, list[int]] | None:
    """The files carepath wrote into ``folder`` (None if it has no valid manifest)."""
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if data.get("written_by") != "carepath" or not isinstance(files, dict):
        return None
    return files


def _owned(entry: Path, rel: str, manifest: dict[str, list[int]]) -> bool:
    """Whether ``entry`` (a top-level name in the target) holds only unchanged carepath files."""
    if entry.is_dir() and not entry.is_symlink():
        for root, dirs, names in os.walk(entry):
            for name in names + [d for d in dirs if Path(root, d).is_symlink()]:
                sub = Path(root, name)
                key = f"{rel}/{sub.relative_to(entry).as_posix()}"
                if manifest.get(key) != _stamp(sub):
                    return False
        return True
    try:
        return manifest.get(rel) == _stamp(entry)
    except OSError:
        return False


def _foreign(target: Path) -> list[str]:
    """Top-level entries of ``target`` (a folder without a manifest)."""
    if not target.exists():
        return []
    return sorted(e.name for e in target.iterdir())


def check_target(path: Path | str, *, force: bool = False, later: Sequence[str] = ()) -> Path:
    """Raise unless ``path`` may receive a carepath output folder (and, later, the entries
    named ``later``: see :func:`output_dir`); return it made absolute.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "thesis.docx").write_text("mine")
    >>> check_target(d)
    Traceback (most recent call last):
    ...
    carepath.errors.OutputExistsError: ... was not written by carepath ...
    """
    target = _target(path)
    if target.exists() and not target.is_dir():
        raise OutputExistsError(f"{path} is a file, not a folder; carepath writes a folder "
                                "there: give a new folder name")
    if target.is_symlink():
        raise OutputExistsError(f"{path} is a symbolic link; give a real folder")
    # a folder carepath wrote (it has the manifest) may be written again: the files the user
    # added to it since are kept; a folder carepath did not write needs --force
    foreign = [] if read_manifest(target) is not None else _foreign(target)
    if foreign and not force:
        shown = ", ".join(foreign[:_SHOWN]) + (f", ... ({len(foreign)} in all)"
                                               if len(foreign) > _SHOWN else "")
        raise naming(OutputExistsError(
            f"{path} is not empty and was not written by carepath (it holds {shown}); give a "
            "new or empty folder, or `force=True` to write beside those files (they are kept)"),
            "force=True")
    if target.is_dir() and later:
        _refuse_foreign(path, target, later, read_manifest(target) or {})
    return target


def _refuse_foreign(path: Path | str, target: Path, names: Sequence[str],
                    old: dict) -> None:
    """Refuse to replace an entry of ``names`` in ``target`` that carepath did not write (or
    that was edited since), as its last record ``old`` says.

    Raises:
        OutputExistsError: naming the entries, for the user to move away first.
    """
    blocked = sorted(name for name in names if (target / name).exists()
                     and not _owned(target / name, name, old))
    if blocked:
        raise OutputExistsError(
            f"{path} holds {', '.join(blocked[:_SHOWN])}, which carepath did not write "
            "(or which was edited since); move it away first: carepath never replaces a "
            "file it did not write")


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (concurrent runs commit one after the other)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


_NEARLY_FULL = 4 << 20  # bytes free below which a failed write is put down to a full disk


def _read_only(exc: BaseException, where: Path) -> bool:
    """Whether ``exc`` comes from a read-only file system (checked before the free-space
    guess of :func:`_no_space`: a small read-only file system has little space free)."""
    if not isinstance(exc, (OSError, RuntimeError)):
        return False
    if getattr(exc, "errno", None) == errno.EROFS or "read-only file system" in str(exc).lower():
        return True
    try:
        return bool(os.statvfs(where).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows), or no such folder
        return False


def _write_error(exc: BaseException, where: Path) -> ExportError | None:
    """The one-line error for a write that failed for want of space or a writable file
    system, or None (another failure: raised as it is)."""
    if _read_only(exc, where):
        return ExportError(f"cannot write to {where}: it is on a read-only file system; "
                           "choose a folder you can write to (nothing was written)")
    if _no_space(exc, where):
        return ExportError(f"no space left on {where}; free some space and run again "
                           "(nothing was written)")
    return None


def _no_space(exc: BaseException, where: Path) -> bool:
    """Whether ``exc`` comes from a full disk (LadybugDB says only "Cannot read from file")."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if not isinstance(exc, (OSError, RuntimeError)):
        return False
    if isinstance(exc, OSError) and exc.errno is not None:
        return False  # another cause the system named (a read-only file system, no access)
    if "no space left" in str(exc).lower():
        return True
    try:  # measured while the temporary output still takes its space
        return shutil.disk_usage(where).free < _NEARLY_FULL
    except OSError:
        return False


class Previous:
    """What a commit in two steps replaced (:func:`output_dir` with ``previous=``): kept
    beside the folder until the second step ends, then dropped, or put back if it fails, so
    that a failed run leaves the previous output as it was."""

    def __init__(self) -> None:
        self.target: Path | None = None
        self.folder: Path | None = None  # the old entries and their record, beside target
        self.created = False  # the first step made the target folder

    def drop(self) -> None:
        """The second step is done: the previous output goes."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def restore(self, *, still: Callable[[Path], bool] | None = None) -> bool:
        """The second step failed: carepath's entries of this run leave the folder and the
        previous ones come back (a folder this run made is removed, if nothing else is in
        it). Nothing changes, and False is returned, if ``still(folder)`` says another run
        has written the folder since."""
        target = self.target
        if target is None or not (self.created or self.folder is not None):
            return False
        try:
            with _locked(target.parent):
                if not target.is_dir() or (still is not None and not still(target)):
                    return False
                now = read_manifest(target) or {}
                trash = _tmp_name(target)
                trash.mkdir()
                try:
                    for name in sorted({rel.split("/", 1)[0] for rel in now}):
                        entry = target / name
                        if (entry.exists() or entry.is_symlink()) and _owned(entry, name, now):
                            entry.rename(trash / name)
                    (target / MANIFEST).unlink(missing_ok=True)
                    if self.folder is not None:
                        for entry in self.folder.iterdir():
                            if entry.name != MANIFEST:
                                entry.rename(target / entry.name)
                        if (self.folder / MANIFEST).exists():
                            (self.folder / MANIFEST).rename(target / MANIFEST)
                    elif not any(target.iterdir()):
                        target.rmdir()
                finally:
                    shutil.rmtree(trash, ignore_errors=True)
            return True
        finally:
            self.drop()


def _commit(tmp: Path, target: Path, *, force: bool, later: Sequence[str] = (),
            previous: Previous | None = None) -> None:
    """Move the finished ``tmp`` folder's entries into ``target`` (under the parent's lock);
    ``later`` names entries :func:`add_entries` will bring after: checked to be carepath's
    (or absent) now, and last run's removed with the rest (into ``previous``, if given,
    instead of deleted)."""
    with _locked(target.parent):
        if previous is not None:
            previous.target = target
        if not target.exists():
            (tmp / MANIFEST).write_text(_manifest_text(tmp), encoding="utf-8")
            tmp.rename(target)
            if previous is not None:
                previous.created = True
            return
        check_target(target, force=force)  # again: another run may have written meanwhile
        old = read_manifest(target) or {}
        new_entries = [e.name for e in tmp.iterdir()]
        blocked = sorted(name for name in {*new_entries, *later} if (target / name).exists()
                         and not _owned(target / name, name, old))
        if blocked:
            raise OutputExistsError(
                f"{target} holds {', '.join(blocked[:_SHOWN])}, which carepath did not write "
                "(or which was edited since); move it away first (or remove the folder, if it "
                "is the output of a carepath older than its .carepath-output.json): carepath "
                "never replaces a file it did not write")
        trash = _tmp_name(target)
        trash.mkdir()
        try:
            # carepath's own entries from the last run go (those it writes again, and those it
            # no longer writes); everything else stays
            stale = {rel.split("/", 1)[0] for rel in old} | set(new_entries) | set(later)
            for name in sorted(stale):
                entry = target / name
                if (entry.exists() or entry.is_symlink()) and _owned(entry, name, old):
                    entry.rename(trash / name)
            for name in new_entries:
                (tmp / name).rename(target / name)
            kept = {rel: stamp for rel, stamp in old.items()
                    if rel.split("/", 1)[0] not in stale}
            text = _manifest_text(target, only=[*new_entries], extra=kept)
            (tmp / MANIFEST).write_text(text, encoding="utf-8")
            if previous is not None and (target / MANIFEST).is_file():
                (target / MANIFEST).rename(trash / MANIFEST)  # the record of what it keeps
            (tmp / MANIFEST).rename(target / MANIFEST)
            if previous is not None:
                previous.folder, trash = trash, None
        finally:
            if trash is not None:
                shutil.rmtree(trash, ignore_errors=True)


def _manifest_text(folder: Path, *, only: list[str] | None = None,
                   extra: dict[str, list[int]] | None = None) -> str:
    files = dict(extra or {})
    for rel, stamp in _files(folder).items():
        top = rel.split("/", 1)[0]
        if top != MANIFEST and (only is None or top in only):
            files[rel] = stamp
    return json.dumps({"written_by": "carepath", "note": "carepath replaces only the files "
                       "listed here, and only while unchanged", "files": files}, indent=1) + "\n"


@contextmanager
def output_dir(path: Path | str, *, force: bool = False, later: Sequence[str] = (),
               previous: Previous | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; its files go into ``path`` only on success.

    ``later``: names of entries that :func:`add_entries` will add to the folder after this
    commit (a build's stores): a file of the user's by that name is refused now, before any
    work, and carepath's own from the last run is removed with the rest of it (or, given a
    :class:`Previous`, kept in it until the second step drops or restores it).

    Raises:
        OutputExistsError: ``path`` holds files carepath did not write (unless ``force``; even
            then those files are kept and never replaced).
        ExportError: ``no space left on ...`` on a full disk.
    """
    target = check_target(path, force=force, later=later)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {parent}: {exc.strerror or exc}") from None
    clean_stale(target)
    tmp = _tmp_name(target)
    try:
        tmp.mkdir()  # honours the umask (tempfile.mkdtemp would make it 0700)
        yield tmp
        _commit(tmp, target, force=force, later=later, previous=previous)
    except BaseException as exc:
        error = _write_error(exc, parent)
        if error is not None:
            raise error from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def later_dir(path: Path | str) -> Iterator[Path]:
    """Yield a temporary folder beside the output folder ``path`` in which to make entries
    that :func:`add_entries` then adds to it (removed afterwards; one left by a run that was
    killed is removed by the next run, as :func:`output_dir`'s are)."""
    target = _target(path)
    tmp = _tmp_name(target)
    try:
        tmp.mkdir()
        yield tmp
    except BaseException as exc:
        error = _write_error(exc, target.parent)
        if error is not None:
            raise error from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def add_entries(path: Path | str, entries: Sequence[Path], *,
                still: Callable[[Path], bool] | None = None) -> bool:
    """Move the finished ``entries`` (files or folders made in a :func:`later_dir`) into the
    carepath output folder ``path``, replacing carepath's own entries of those names, and
    record them as carepath's. Returns False, moving nothing, if the folder is gone or no
    longer carepath's, or if ``still(folder)`` says it is no longer the output these entries
    belong to (another run wrote it meanwhile).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with output_dir(target, later=["store"]) as tmp:
    ...     _ = (tmp / "a.txt").write_text("first")
    >>> with later_dir(target) as tmp:
    ...     (tmp / "store").mkdir()
    ...     _ = (tmp / "store" / "data").write_text("later")
    ...     add_entries(target, [tmp / "store"])
    True
    >>> sorted(read_manifest(target))
    ['a.txt', 'store/data']

    Raises:
        OutputExistsError: ``path`` holds an entry of one of those names that carepath did
            not write.
    """
    target = _target(path)
    with _locked(target.parent):
        old = read_manifest(target)
        if old is None or (still is not None and not still(target)):
            return False
        names = [entry.name for entry in entries]
        _refuse_foreign(target, target, names, old)
        files = {rel: stamp for rel, stamp in old.items() if rel.split("/", 1)[0] not in names}
        for entry in entries:  # a rename keeps each file's size and time: stamped before
            if entry.is_dir() and not entry.is_symlink():
                files.update({f"{entry.name}/{rel}": stamp
                              for rel, stamp in _files(entry).items()})
            else:
                files[entry.name] = _stamp(entry)
        trash = _tmp_name(target)
        trash.mkdir()
        try:
            for name in names:
                if (target / name).exists() or (target / name).is_symlink():
                    (target / name).rename(trash / name)
            record = trash / MANIFEST
            record.write_text(json.dumps(
                {"written_by": "carepath", "note": "carepath replaces only the files listed "
                 "here, and only while unchanged", "files": files}, indent=1) + "\n",
                encoding="utf-8")
            for entry in entries:
                entry.rename(target / entry.name)
            record.rename(target / MANIFEST)
        finally:
            shutil.rmtree(trash, ignore_errors=True)
    return True


def check_new_file(path: Path | str, *, force: bool = False) -> Path:
    """Refuse, before any work, to replace an existing file unless ``force``: a file at the
    path a user gives may be theirs (a report, a slide, a filled-in workbook), and nothing
    tells carepath's own exports from it.

    >>> import tempfile, pathlib
    >>> mine = pathlib.Path(tempfile.mkdtemp()) / "thesis.graphml"
    >>> _ = mine.write_text("my work")
    >>> check_new_file(mine)
    Traceback (most recent call last):
    ...
    carepath.errors.OutputExistsError: ...thesis.graphml already exists; give a new file name, ...
    >>> check_new_file(mine, force=True) == mine.resolve()
    True
    """
    target = _target(path)
    if target.is_dir():
        raise OutputExistsError(f"{path} is a folder; give a file name")
    if target.exists() and not force:
        raise naming(OutputExistsError(f"{path} already exists; give a new file name, or "
                                       "`force=True` to replace it"), "force=True")
    return target


@contextmanager
def output_file(path: Path | str, *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only on success.

    An existing file is replaced only with ``force``; a folder never is.
    """
    target = check_new_file(path, force=force)
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {target.parent} does not exist")
    clean_stale(target)
    tmp = _tmp_name(target)
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # umask applies
        yield tmp
        if tmp.exists():
            tmp.chmod(0o666 & ~_umask())  # a writer that recreated it may have used 0600
        tmp.replace(target)
    except BaseException as exc:
        error = _write_error(exc, target.parent)
        if error is not None:
            raise error from None
        raise
    finally:
        with contextlib.suppress(OSError):  # a read-only file system refuses even this
            tmp.unlink(missing_ok=True)


# -- one file or folder, replaced atomically (what the exporters call) ------------------------
def atomic_path(path: Path | str) -> contextlib.AbstractContextManager[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success.

    :func:`output_file` with an existing file replaced.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("hello", encoding="utf-8")
    >>> out.read_text(encoding="utf-8")
    'hello'
    """
    return output_file(path, force=True)


def atomic_dir(path: Path | str, *, force: bool = False, later: Sequence[str] = (),
               previous: Previous | None = None) -> contextlib.AbstractContextManager[Path]:
    """Yield a temporary folder beside ``path``; its files go into ``path`` only on success.

    :func:`output_dir` under another name: a folder holding files carepath did not write is
    refused unless ``force``, and even then those are kept. ``later``: entries added after
    the commit (:func:`add_entries`).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "site"
    >>> with atomic_dir(out) as tmp:
    ...     _ = (tmp / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    >>> sorted(p.name for p in out.iterdir())
    ['.carepath-output.json', 'index.html']
    """
    return output_dir(path, force=force, later=later, previous=previous)


def write_atomic(path: Path | str, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path`` atomically; returns the path.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> write_atomic(out, "hello").read_text(encoding="utf-8")
    'hello'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
    return path
