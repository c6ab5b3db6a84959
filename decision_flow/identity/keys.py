"""Signing keys (签名密钥): one Ed25519 key pair per user.

The private key lives only in the user's own key file, ``<key dir>/<name>.key`` (PKCS#8 PEM,
mode 0600, optionally encrypted with a passphrase through scrypt, :mod:`decision_flow.identity.pkcs8`); the
key directory is ``$DFLOW_KEYS``, else
``$XDG_CONFIG_HOME/dflow/keys``, else ``~/.config/dflow/keys``. The public key is registered in
the audit trail (``ed25519:`` + base64 of its 32 bytes) and every event an actor causes carries
their signature over the event hash::

    signature = Ed25519-sign( b"decision-flow/sign/v1\\n" + hash as 64 ASCII hex digits )

A key file that others can read, or that another account owns, is refused, as is acting
without the private key: that is impersonation. No message ever carries key material or a
passphrase (`secret` is where they are kept out of tracebacks too).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import field
from pathlib import Path

from decision_flow.core import secret
from decision_flow.core.articles import IDENTITY_ARTICLE
from decision_flow.core.errors import Forbidden, InvalidInput, Reason
from decision_flow.core.i18n import Msg, t
from decision_flow.core.value import Value

PUBLIC_PREFIX = "ed25519:"
SIGN_DOMAIN = b"decision-flow/sign/v1\n"
PASSPHRASE_ENV = "DFLOW_PASSPHRASE"  # the acting user's passphrase, for scripts
NEW_PASSPHRASE_ENV = "DFLOW_NEW_PASSPHRASE"  # the passphrase a new key file gets, for scripts
MAX_KEY_FILE = 64 * 1024

Passphrase = Callable[[str, Path], "bytes | None"]


def key_dir() -> Path:
    if os.environ.get("DFLOW_KEYS"):
        return Path(os.environ["DFLOW_KEYS"])
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "dflow" / "keys"


def key_path(name: str, directory: Path | None = None) -> Path:
    """The key file of `name` (a user name: no separators, never starts with a dot)."""
    if not name or "/" in name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise InvalidInput(Msg("user.bad_name", {"name": name[:64]}))
    return (directory or key_dir()) / f"{name}.key"


def _forbidden(key: str, **params: object) -> Forbidden:
    msg = Msg(key, dict(params))
    return Forbidden(msg, [Reason("signature", IDENTITY_ARTICLE, msg)])


# ---------------------------------------------------------------------------- public keys


def public_text(raw: bytes) -> str:
    return PUBLIC_PREFIX + base64.b64encode(raw).decode("ascii")


def public_raw(text: str) -> bytes | None:
    """The 32 bytes of a public key in its text form, or None if it is not one."""
    if not isinstance(text, str) or not text.startswith(PUBLIC_PREFIX) or len(text) != len(PUBLIC_PREFIX) + 44:
        return None
    try:
        raw = base64.b64decode(text[len(PUBLIC_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def parse_public(text: str) -> str:
    """A public key given on the command line, checked; InvalidInput if it is not one."""
    text = text.strip()
    raw = public_raw(text)
    if raw is None:
        raise InvalidInput(Msg("key.bad_public", {}))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise InvalidInput(Msg("key.bad_public", {})) from None
    return text


def fingerprint(public: str | None) -> str | None:
    """A short name for a public key, for people to compare: SHA256 of its bytes, 16 hex digits."""
    raw = public_raw(public) if public else None
    return None if raw is None else "SHA256:" + hashlib.sha256(raw).hexdigest()[:16]


def message(event_hash: str) -> bytes:
    return SIGN_DOMAIN + event_hash.encode("ascii")


def verifier(public: str) -> Callable[[str, str], bool] | None:
    """A function (event hash, signature) -> valid, for one registered public key."""
    raw = public_raw(public)
    if raw is None:
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = Ed25519PublicKey.from_public_bytes(raw)

    def check(event_hash: str, signature: str) -> bool:
        try:
            sig = base64.b64decode(signature, validate=True)
            key.verify(sig, message(event_hash))
        except (InvalidSignature, binascii.Error, ValueError, TypeError, UnicodeEncodeError):
            return False
        return True

    return check


# ---------------------------------------------------------------------------- private keys


class Signer(Value):
    """A user's private key, loaded from their key file; it signs event hashes."""

    name: str
    public: str
    _key: object = field(repr=False, compare=False)

    def sign(self, event_hash: str) -> str:
        return base64.b64encode(self._key.sign(message(event_hash))).decode("ascii")  # type: ignore[attr-defined]


def _signer(name: str, key: object) -> Signer:
    return Signer(name, public_text(key.public_key().public_bytes_raw()), key)  # type: ignore[attr-defined]


# An unencrypted Ed25519 key in PKCS#8 (RFC 8410): this DER prefix, then the 32 key bytes.
_PLAIN_ED25519 = bytes.fromhex("302e020100300506032b657004220420")


def _plain_ed25519(pem: bytes) -> bytes | None:
    """The 32 private bytes of an unencrypted PKCS#8 Ed25519 PEM, read without the cryptography
    package's serialization module (importing it costs 15 ms of every command); None for
    anything else, which that module then reads."""
    lines = pem.strip().splitlines()
    if len(lines) < 3 or lines[0] != b"-----BEGIN PRIVATE KEY-----" or lines[-1] != b"-----END PRIVATE KEY-----":
        return None
    try:
        der = base64.b64decode(b"".join(lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None
    return der[len(_PLAIN_ED25519) :] if len(der) == 48 and der.startswith(_PLAIN_ED25519) else None


def ask_passphrase(name: str, path: Path) -> bytes | None:
    """The passphrase of an encrypted key file: $DFLOW_PASSPHRASE, else asked on the terminal."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        secret.remember(given)
        return given.encode("utf-8", "surrogateescape")
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        typed = getpass.getpass(t(Msg("key.prompt", {"name": name, "path": str(path)})))
        secret.remember(typed)
        return typed.encode("utf-8", "surrogateescape")
    return None


def _check_exposure(path: Path, info: os.stat_result) -> None:
    """Refuse a key file that other accounts can read or that is not the user's own."""
    if not stat.S_ISREG(info.st_mode):
        raise _forbidden("key.unreadable", path=str(path))
    if info.st_mode & 0o077:
        raise _forbidden("key.exposed", path=str(path), mode=f"{stat.S_IMODE(info.st_mode):04o}")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise _forbidden("key.not_owned", path=str(path))


def load(name: str, passphrase: Passphrase = ask_passphrase, path: Path | None = None) -> Signer:
    """The private key of `name` from their key file; Forbidden (exit 5) if it is missing,
    exposed, unreadable or locked with a passphrase not given."""
    path = path or key_path(name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise _forbidden("key.missing", name=name, path=str(path)) from None
    except OSError:
        raise _forbidden("key.unreadable", path=str(path)) from None
    with os.fdopen(fd, "rb") as fh:
        _check_exposure(path, os.fstat(fh.fileno()))
        pem = fh.read(MAX_KEY_FILE + 1)
    if len(pem) > MAX_KEY_FILE:
        raise _forbidden("key.unreadable", path=str(path))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    plain = _plain_ed25519(pem)
    if plain is not None:
        return _signer(name, Ed25519PrivateKey.from_private_bytes(plain))
    from cryptography.hazmat.primitives import serialization

    password = None
    if b"ENCRYPTED PRIVATE KEY" in pem:
        password = passphrase(name, path)
        if not password:
            raise _forbidden("key.locked", name=name, path=str(path))
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except (ValueError, TypeError):
        reason = "key.wrong_passphrase" if password else "key.unreadable"
        raise _forbidden(reason, path=str(path), name=name) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _forbidden("key.unreadable", path=str(path))
    return _signer(name, key)


def generate(name: str) -> Signer:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return _signer(name, Ed25519PrivateKey.generate())


def pem_of(signer: Signer, passphrase: bytes | None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    if passphrase:  # scrypt, not the 2,048 PBKDF2 rounds of BestAvailableEncryption (see pkcs8)
        from decision_flow.identity import pkcs8

        der: bytes = signer._key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return pkcs8.encrypt(der, passphrase)
    pem: bytes = signer._key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem


def write_pending(signer: Signer, passphrase: bytes | None, path: Path) -> Path:
    """Write the key file beside `path` under a temporary name (0600, in a 0700 directory), for
    `commit_file` once the key is registered; the caller removes it if registration fails."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise InvalidInput(Msg("key.cannot_write", {"path": str(path), "error": why})) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem_of(signer, passphrase))
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def commit_file(tmp: Path, path: Path, replace: bool = False) -> None:
    """Move a pending key file into place; without `replace`, never over an existing file (one
    that appeared meanwhile is kept, and the new key stays in `tmp`, named in the error)."""
    try:
        if replace:
            os.replace(tmp, path)
            return
        os.link(tmp, path)
    except OSError as exc:
        why = f"{exc.strerror}; the new key is in {tmp}"
        raise InvalidInput(Msg("key.cannot_write", {"path": str(path), "error": why})) from None
    tmp.unlink(missing_ok=True)


def new_passphrase(prompt: Callable[[], str | None] | None = None) -> bytes | None:
    """The passphrase for a new key file: $DFLOW_NEW_PASSPHRASE, else what `prompt` returns."""
    given = os.environ.get(NEW_PASSPHRASE_ENV) or (prompt() if prompt else None)
    if not given:
        return None
    secret.remember(given)
    return given.encode("utf-8", "surrogateescape")


class KeyRing(Value, frozen=False):
    """Where the engine finds the acting user's private key: their key file, unlocked with
    `passphrase` when it is encrypted. Keys loaded once are kept for the ring's life."""

    directory: Path | None = None  # None: `key_dir()`
    passphrase: Passphrase = ask_passphrase
    _loaded: dict[str, Signer] = field(default_factory=dict, repr=False)

    def path(self, name: str) -> Path:
        return key_path(name, self.directory)

    def signer(self, name: str) -> Signer:
        if name not in self._loaded:
            self._loaded[name] = load(name, self.passphrase, self.path(name))
        return self._loaded[name]

    def forget(self, name: str) -> None:
        self._loaded.pop(name, None)
