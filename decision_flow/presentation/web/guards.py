"""What keeps the consultation pages honest without JavaScript or a network service: a captcha that
works offline (an arithmetic question signed with the server's secret, each answered once), a
CSRF token on every form (a random cookie the form must repeat), the officer's session cookie
(signed, expiring), a per-address rate limit kept in memory, and a cap on the request body
enforced as it arrives.

The secret is made when the server starts: a restart ends every session and every captcha asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CAPTCHA_TTL = 30 * 60  # seconds a question may be answered in
SESSION_TTL = 8 * 3600  # an officer's working day
CSRF_COOKIE = "dflow_csrf"
SESSION_COOKIE = "dflow_session"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Signer:
    """HMAC-SHA256 with the server's secret over a JSON body: ``body.mac``, both base64url."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def sign(self, body: dict[str, Any]) -> str:
        raw = json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return f"{_b64(raw)}.{_b64(hmac.new(self.secret, raw, hashlib.sha256).digest())}"

    def open(self, token: str) -> dict[str, Any] | None:
        """The body of a token this server signed, or None."""
        try:
            body, mac = token.split(".")
            raw = _unb64(body)
            if not hmac.compare_digest(_unb64(mac), hmac.new(self.secret, raw, hashlib.sha256).digest()):
                return None
            found = json.loads(raw)
        except (ValueError, TypeError):
            return None
        return found if isinstance(found, dict) else None


class Captcha:
    """An arithmetic question (3 + 4 = ?) whose answer travels signed with it; each token is taken
    once (a replayed one is refused), within CAPTCHA_TTL."""

    def __init__(self, signer: Signer, clock: Clock = time.time, remember: int = 100_000) -> None:
        self.signer, self.clock, self.remember = signer, clock, remember
        self._used: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def ask(self) -> tuple[str, str]:
        """(the question, its token)."""
        a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
        token = self.signer.sign({"a": a, "b": b, "t": int(self.clock()), "n": secrets.token_hex(8)})
        return f"{a} + {b} = ?", token

    def answered(self, token: str, answer: str) -> bool:
        """Whether `answer` is right for `token`, which is then used up."""
        body = self.signer.open(token)
        if body is None or not isinstance(body.get("n"), str) or self.clock() - int(body.get("t", 0)) > CAPTCHA_TTL:
            return False
        with self._lock:
            if body["n"] in self._used:
                return False
            self._used[body["n"]] = None
            while len(self._used) > self.remember:
                self._used.popitem(last=False)
        digits = answer.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        return digits.isascii() and digits.isdigit() and int(digits[:4]) == body.get("a", 0) + body.get("b", 0)


class Sessions:
    """The officer's session cookie: their name and when it ends, signed."""

    def __init__(self, signer: Signer, clock: Clock = time.time) -> None:
        self.signer, self.clock = signer, clock

    def make(self, name: str) -> str:
        return self.signer.sign({"u": name, "e": int(self.clock()) + SESSION_TTL, "s": secrets.token_hex(8)})

    def user(self, cookie: str | None) -> str | None:
        body = self.signer.open(cookie or "")
        if body is None or not isinstance(body.get("u"), str) or int(body.get("e", 0)) < self.clock():
            return None
        return str(body["u"])


def csrf_ok(cookie: str | None, given: str | None) -> bool:
    """The form repeats the CSRF cookie (a page of another site can neither read nor set it)."""
    return bool(cookie) and bool(given) and hmac.compare_digest(str(cookie), str(given))


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


class RateLimit:
    """At most `limit` attempts per `window` seconds from one address (a sliding window, in
    memory; the oldest addresses are forgotten past `remember`)."""

    def __init__(self, limit: int, window: float = 60.0, clock: Clock = time.monotonic, remember: int = 50_000) -> None:
        self.limit, self.window, self.clock, self.remember = limit, window, clock, remember
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count an attempt from `address`; whether it is within the limit."""
        now = self.clock()
        with self._lock:
            times = self._seen.pop(address, None) or deque()
            while times and now - times[0] >= self.window:
                times.popleft()
            allowed = len(times) < self.limit
            if allowed:
                times.append(now)
            self._seen[address] = times
            while len(self._seen) > self.remember:
                self._seen.popitem(last=False)
            return allowed


class BodyLimit:
    """ASGI middleware: a request whose body is over `most` bytes gets 413 before it is read
    whole (a declared Content-Length over it at once, a chunked one as soon as it passes it)."""

    def __init__(self, app: ASGIApp, most: int, page: Callable[[Scope], bytes]) -> None:
        self.app, self.most, self.page = app, most, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.most):
            await _too_large(send, self.page(scope))
            return
        seen = 0

        class TooLarge(Exception):
            pass

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.most:
                    raise TooLarge
            return message

        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except TooLarge:
            if not started:
                await _too_large(send, self.page(scope))


async def _too_large(send: Send, body: bytes) -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
