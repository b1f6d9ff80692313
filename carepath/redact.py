"""Credentials never appear in carepath's messages: ``scheme://user:password@host`` is shown
as ``scheme://user:***@host``.

>>> redact("cannot reach bolt://neo4j:s3cr3t@db.example:7687 (bolt://neo4j:s3cr3t@db.example)")
'cannot reach bolt://neo4j:***@db.example:7687 (bolt://neo4j:***@db.example)'
>>> split_credentials("http://ann:pa%40ss@localhost:3030/ds/query")
('http://localhost:3030/ds/query', 'ann', 'pa@ss')
"""

from __future__ import annotations

import re
import urllib.parse

# the userinfo of any URI in a text: scheme://user:password@ (user and password without / @)
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@:\s'\"]*):"
                       r"(?P<password>[^/@\s'\"]*)@")


def redact(text: str) -> str:
    """``text`` with the password of every URI in it replaced by ``***``."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its user and password, and those two (None where absent), decoded."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=host))
    return (clean, urllib.parse.unquote(user) or None,
            urllib.parse.unquote(password) if sep else None)
