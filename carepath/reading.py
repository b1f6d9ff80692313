"""What a question reads from a build: the model of the area or the services it is about, not
the nation (:meth:`carepath.build.Build.model_of`), with the names it gives looked up as the
whole model would look them up.

The command line asks these, then gives the model to the analysis as before: ``gaps --area
A`` reads A's part, ``refers --to S`` and ``show S`` the part of S's area. A name that is not
an id the build lists (``show CRUISE``, ``--from gp``) is looked up in the whole model, as
before; an error names what the whole model would name.

>>> import tempfile, pathlib
>>> from carepath.build import build, open_build
>>> opened = open_build(build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out)
>>> model, area = model_for_area(opened, "Dorset")
>>> area, "dorset-pmmhs" in model.services, "p05-cruse" in model.services
('dorset', True, False)
>>> model = model_for_nodes(opened, ["p05-cruse"])
>>> "p05-cruse" in model.services, "dorset-pmmhs" in model.services
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from carepath.build import Build
from carepath.errors import NameLookupError
from carepath.graph.model import Model


def resolve_area(built: Build, text: str | None) -> str | None:
    """The id of the area ``text`` names (None stays None), looked up in the build's areas
    alone; a text that names no area is looked up again in the whole model's names, for the
    error the whole model gives ("'X' is not an area; it is the service ...").

    >>> import tempfile, pathlib
    >>> from carepath.build import build, open_build
    >>> opened = open_build(build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out)
    >>> resolve_area(opened, "dorset"), resolve_area(opened, None)
    ('dorset', None)
    """
    from carepath.lookup import resolve

    if text is None:
        return None
    try:
        return resolve(built.model_of(areas=[]), text, ("area",), role="area")
    except NameLookupError:
        return resolve(built.names, text, ("area",), role="area")


def model_for_area(built: Build, text: str | None) -> tuple[Model, str | None]:
    """The model a question about the area ``text`` names needs (its part of the build),
    and the area's id; without an area (``None``), the whole model.

    Raises:
        NameLookupError: ``text`` names no area (the message the whole model gives).
    """
    area = resolve_area(built, text)
    if area is None:
        return built.model, None
    return built.model_of(areas=[area]), area


def model_for_nodes(built: Build, texts: Iterable[str | None], *,
                    area: str | None = None) -> Model:
    """The model a question about the services ``texts`` (and the area id ``area``, if
    given) needs: their areas' parts, when every text given is a service id the build lists
    (none: the area's part); else (a name, a profession, the family) the whole model, where
    names are looked up; neither nodes nor an area: the whole model.

    >>> import tempfile, pathlib
    >>> from carepath.build import build, open_build
    >>> opened = open_build(build(out=pathlib.Path(tempfile.mkdtemp()) / "out").out)
    >>> len(model_for_nodes(opened, ["gp"]).services) == len(opened.model.services)
    True
    """
    given: Sequence[str] = [t for t in texts if t is not None]
    if not given and area is None or not all(built.is_service(t) for t in given):
        return built.model
    return built.model_of(areas=[area] if area is not None else [], services=given)
