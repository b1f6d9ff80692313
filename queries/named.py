"""The named query library: now :mod:`carepath.engines.library` (this name is kept).

>>> load_library().get("who-refers-to", "sparql").title
'Who refers to a service'
"""

from carepath.engines.library import *  # noqa: F403
from carepath.engines.library import (  # noqa: F401 - this module's API before the move
    ENGINE_NAMES,
    LANGUAGES,
    PARAM_KINDS,
    Library,
    NamedQuery,
    Param,
    __getattr__,
    check_params,
    load_library,
    parse_header,
)
