"""Keeping secrets out of what the tool prints: passphrases, private keys and database
passwords never appear in output, messages or tracebacks (``DFLOW_DEBUG=1`` included).

Every secret the process learns is remembered here; `redact` replaces each one, any PEM private
key block and the password of any database URL before text leaves the process through an
error path.
"""

from __future__ import annotations

import os
import re

_SECRETS: set[str] = set()
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S)
# Linear on any text (a 1 MB argument included): a scheme starts only where a run of scheme
# characters starts, no part gives back what it matched (each class excludes what follows), and
# a password stops at "/" (a URL's password has none unencoded), so the "://" of a later URL
# ends the scan of an earlier one.
_URL_PASSWORD = re.compile(
    r"(?P<head>(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*+://[^:/@\s]*+:)(?P<pw>[^@\s/]++)(?P<at>@)"
)
_DSN_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'[^']*'|\S+)", re.I)
MASK = "***"
SECRET_ENV = ("DFLOW_PASSPHRASE", "DFLOW_NEW_PASSPHRASE")  # masked whether or not they were used yet


def remember(value: str | None) -> None:
    """Keep `value` out of every message from now on (too short a value would mask noise)."""
    if value and len(value) >= 3:
        _SECRETS.add(value)


def url_password(url: str) -> None:
    """Remember the password of a database URL, if it has one."""
    for match in _URL_PASSWORD.finditer(url):
        remember(match.group("pw"))
        try:
            from urllib.parse import unquote

            remember(unquote(match.group("pw")))
        except ValueError:
            pass


def redact(text: str) -> str:
    for name in SECRET_ENV:
        remember(os.environ.get(name))
    url_password(os.environ.get("DFLOW_DB") or "")
    text = _PEM.sub("[private key removed]", text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + m.group("at"), text)
    text = _DSN_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    for value in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
