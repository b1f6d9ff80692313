"""Running the explorer: checking the address, binding it, serving until Ctrl-C.

The server binds 127.0.0.1 by default; any address that is not the machine's own loopback
needs a token (:class:`UnsafeBind` otherwise), because the pages and endpoints then reach
whoever can reach the machine. uvicorn serves; its own access log is off (it would log a
``?token=``), :class:`carepath.serve.app.Guard` logs instead.

>>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
(True, True, False)
>>> check_bind("0.0.0.0", None)
Traceback (most recent call last):
...
carepath.errors.UnsafeBind: serving on 0.0.0.0 reaches beyond this machine: give a token ...
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

from carepath.errors import UnsafeBind, naming

__all__ = ["bind", "check_bind", "is_loopback", "make_server"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine's loopback (127.0.0.0/8, ::1 or localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve beyond the loopback without a token."""
    if not is_loopback(host) and not token:
        raise naming(UnsafeBind(f"serving on {host} reaches beyond this machine: give a token "
                                "(`token` or CAREPATH_TOKEN)"), "token")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free port the system picks).

    Raises:
        OSError: address in use, or no such address (the message names the address).
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def make_server(app: Any, *, log_level: str = "warning") -> Any:
    """A uvicorn server for ``app``: no access log of its own, five seconds to finish the
    requests under way when stopped, a limit on open connections."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="off",
                            timeout_graceful_shutdown=5, limit_concurrency=200,
                            timeout_keep_alive=5, server_header=False)
    return uvicorn.Server(config)


def address(sock: socket.socket) -> str:
    """``http://host:port/`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


def serve(app: Any, sock: socket.socket, *, on_ready: Callable[[], None] | None = None,
          log_level: str = "warning") -> None:
    """Serve ``app`` on ``sock`` until Ctrl-C (or SIGTERM); ``on_ready`` runs once it
    answers."""
    server = make_server(app, log_level=log_level)
    if on_ready is not None:
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets=sockets)
            on_ready()

        server.startup = startup
    server.run(sockets=[sock])
