"""What every engine shares: the protocol, capabilities, named queries and timeouts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

from carepath.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

    from carepath.engines.library import Library, NamedQuery
    from carepath.engines.rows import Rows

DEFAULT_TIMEOUT = 300.0  # seconds a query may run before it is given up
QueryLanguage = Literal["sparql", "cypher"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What an engine is and can do.

    ``language``: ``sparql`` or ``cypher``; ``dialect``: whose (``oxigraph``, ``ladybug``,
    ``neo4j``, ``sparql-endpoint``), which picks a named query's variant; ``read_only``:
    user queries cannot change anything; ``timeout``: seconds a query may run.
    """

    language: QueryLanguage
    dialect: str
    read_only: bool = True
    timeout: float = DEFAULT_TIMEOUT


@runtime_checkable
class QueryEngine(Protocol):
    """Query text + typed parameters -> rows; the same for every engine.

    ``query(text, params, types)`` runs a user's query read-only (``types`` maps a
    parameter to its type, see :mod:`carepath.engines.binding`; untyped ones are strings);
    ``run_named(name, params)`` runs a library query with its declared parameter types;
    ``close()`` lets the engine go (engines are also context managers).
    """

    capabilities: Capabilities

    def query(self, text: str, params: Mapping[str, Any] | None = None,
              types: Mapping[str, str] | None = None) -> pd.DataFrame: ...

    def run_named(self, name: str, params: Mapping[str, Any] | None = None, *,
                  library: Library | None = None) -> pd.DataFrame: ...

    def close(self) -> None: ...


class EngineBase:
    """Named queries, context management and the timeout, over an engine's ``_run``.

    ``names``: where a named query's id parameters are looked up (a model, or a build whose
    names are read on demand); None looks them up in the engine's own ``model`` if it has
    one, else takes them as given.
    """

    capabilities: Capabilities
    names: Any = None

    @property
    def language(self) -> str:
        return self.capabilities.language

    def __enter__(self):  # noqa: ANN204 - the engine itself
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def library(self, library: Library | None = None) -> Library:
        from carepath.engines.library import load_library

        return library or load_library()

    def named(self, name: str, library: Library | None = None) -> NamedQuery:
        return self.library(library).get(name, self.language)

    def run_named(self, name: str, params: Mapping[str, Any] | None = None, *,
                  library: Library | None = None) -> pd.DataFrame:
        """Run a library query; its parameters bound by their declared types, ids resolved
        (:func:`carepath.engines.library.resolve_params`).

        Raises:
            QueryError: an unknown query, or a missing or unknown parameter.
            NameLookupError: an id parameter that names nothing of its kind (with the ids it
                may mean).
        """
        from carepath.engines.library import check_params, resolve_params

        query = self.named(name, library)
        params = dict(params or {})
        check_params(query, params)
        names = self.names if self.names is not None else getattr(self, "model", None)
        params = resolve_params(query, params, names)
        return self._run(query.text, params, {p.name: p.type for p in query.params},
                         trusted=True)

    def query(self, text: str, params: Mapping[str, Any] | None = None,
              types: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Run a user's query, read-only (checked first), parameters bound by ``types``."""
        return self._run(text, dict(params or {}), dict(types or {}), trusted=False)

    def _run(self, text: str, params: dict[str, Any], types: dict[str, str], *,
             trusted: bool) -> pd.DataFrame:
        raise NotImplementedError

    def rows(self, text: str, values: Mapping[str, Any] | None = None, *, limit: int,
             timeout: float | None = None) -> Rows:
        """A user's query's rows, at most ``limit`` of them (``truncated`` says more were
        left out), stopped at ``timeout`` seconds (None: the engine's own limit): the
        primitive ``carepath serve``'s ``/sparql`` and ``/cypher`` answer from.
        ``values`` are bound as they are (native values, as JSON gives them), checked like
        a query's parameters (each one used, none missing). This generic version runs
        :meth:`query` and keeps the first ``limit`` rows; the embedded engines stop reading
        at the limit.
        """
        from carepath.engines.rows import Rows

        df = self.query(text, {k: str(v) for k, v in (values or {}).items()})
        kept = df.head(limit)
        return Rows("solutions", [str(c) for c in df.columns],
                    kept.astype(object).where(kept.notna(), None).values.tolist(),
                    truncated=len(df) > limit)


def with_timeout(seconds: float | None, work: Callable[[], T], *,
                 cancel: Callable[[], None] | None = None) -> T:
    """``work()`` in a daemon thread, given up after ``seconds`` (None: no limit).

    The engines' native code releases the GIL while it runs, so the wait can end on time; a
    given-up query is interrupted with ``cancel`` where the engine can (otherwise it runs on
    in the background until it ends or the process does).

    >>> with_timeout(1, lambda: 42)
    42
    """
    if not seconds:
        return work()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="carepath-query")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if cancel is not None:
            cancel()
        raise QueryError(f"the query ran longer than {seconds:g} s and was given up")
    if "error" in box:
        raise box["error"]
    return box["value"]
