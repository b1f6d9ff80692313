"""Cypher on LadybugDB: a build's database opened read-only, or one built in memory.

>>> from carepath import load_reference
>>> engine = CypherEngine(load_reference())
>>> engine.query("MATCH (s:Service {id: $id}) RETURN s.tier AS tier",
...              {"id": "dorset-pmmhs"})["tier"][0]
'specialist-perinatal'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from carepath.engines.base import DEFAULT_TIMEOUT, Capabilities, EngineBase
from carepath.engines.binding import cypher_values
from carepath.engines.sandbox import _CYPHER_TOKEN, check_ladybug, check_unused
from carepath.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

    from carepath.engines.rows import Rows
    from carepath.graph.model import Model

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def check_bound(text: str, params: dict[str, Any], *, unused_ok: bool = True
                ) -> dict[str, Any]:
    """The parameters ``text`` uses; an unbound one is an error (it would silently be NULL),
    and so is one it does not use unless ``unused_ok`` (a library query's variant may leave
    one out).

    >>> check_bound("RETURN $name", {"nmae": "x", "name": "y"}, unused_ok=False)
    Traceback (most recent call last):
    ...
    carepath.errors.QueryError: parameter 'nmae' is not used by the Cypher query (did you mean ...
    """
    used = set(_PARAM.findall(_without_strings(text)))
    if not unused_ok:  # first: a misspelt name is why the right one is missing
        check_unused(params, used, "Cypher")
    missing = sorted(used - set(params))
    if missing:
        raise QueryError(f"Cypher query needs parameter {missing[0]!r}")
    return {k: v for k, v in params.items() if k in used}


def _without_strings(text: str) -> str:
    """``text`` with its strings and comments left out (a ``$`` in them is no parameter)."""
    return "".join(" " if m.lastgroup in ("string", "comment", "quoted") else m.group()
                   for m in _CYPHER_TOKEN.finditer(text))


class CypherEngine(EngineBase):
    """Cypher over the model in LadybugDB.

    ``connection``: an open connection (e.g. to a build's database, read-only); else the
    model is bulk-loaded into an in-memory database.
    """

    def __init__(self, model: Model | None = None, connection: Any = None, *,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        from carepath.graph.cypher import to_ladybug

        if connection is None and model is None:
            raise ValueError("CypherEngine needs a model or a connection")
        self.model = model
        self.conn = connection if connection is not None else to_ladybug(model)
        self.capabilities = Capabilities("cypher", "ladybug", True, timeout)
        if timeout:
            self.conn.set_query_timeout(int(timeout * 1000))

    def close(self) -> None:
        self.conn.close()

    def rows(self, text: str, values: dict[str, Any] | None = None, *, limit: int,
             timeout: float | None = None) -> Rows:
        """A user's query's rows, at most ``limit`` (see :meth:`EngineBase.rows`); the
        query is checked by the engine's sandbox, its ``$parameters`` bound to ``values``
        as they are, and LadybugDB interrupts it at ``timeout``.

        Raises:
            QueryRefused: a query that does more than read, or too deep or too long.
            QueryError: a syntax error, a missing or unused parameter.
            TimedOut: past ``timeout``.
        """
        from carepath.engines.rows import Rows
        from carepath.errors import TimedOut

        if not isinstance(values, dict | None):
            raise QueryError('params must be a JSON object, e.g. {"service": "dorset-pmmhs"}')
        bound = check_bound(text, dict(values or {}), unused_ok=False)
        check_ladybug(self.conn, text)
        seconds = self.capabilities.timeout if timeout is None else timeout
        self.conn.set_query_timeout(max(1, int(seconds * 1000)) if seconds else 0)
        try:
            result = self.conn.execute(text, bound)
        except RuntimeError as exc:
            message = str(exc).splitlines()[0]
            if "nterrupt" in message or "timeout" in message.lower():
                raise TimedOut(f"the query ran past the time limit ({seconds:g} s)") from None
            raise QueryError(f"Cypher error: {message}") from None
        finally:
            if seconds != self.capabilities.timeout:
                self.conn.set_query_timeout(int((self.capabilities.timeout or 0) * 1000))
        result = result[-1] if isinstance(result, list) else result
        try:
            out = Rows("solutions", list(result.get_column_names()))
            while result.has_next():
                if len(out.rows) >= limit:
                    out.truncated = True
                    break
                out.rows.append(result.get_next())
        finally:
            result.close()
        return out

    def _run(self, text: str, params: dict[str, Any], types: dict[str, str], *,
             trusted: bool) -> pd.DataFrame:
        import pandas as pd

        values = check_bound(text, cypher_values(params, types), unused_ok=trusted)
        if not trusted:
            check_ladybug(self.conn, text)
        try:
            result = self.conn.execute(text, values)
        except RuntimeError as exc:
            message = str(exc).splitlines()[0]
            if "nterrupt" in message or "timeout" in message.lower():
                raise QueryError(f"the query ran longer than {self.capabilities.timeout:g} s "
                                 "and was given up") from None
            raise QueryError(f"Cypher error: {message}") from None
        results = result if isinstance(result, list) else [result]
        frames = [r.get_as_df() for r in results]
        return frames[-1] if frames else pd.DataFrame()
