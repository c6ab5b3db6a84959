"""Test helpers for the consultation pages: the application over a real database, driven through
httpx's ASGI transport from any client address (no socket), and what a form page holds."""

from __future__ import annotations

import asyncio
import re
from html import unescape
from typing import Any

import httpx

from decision_flow.engine import Engine
from decision_flow.presentation.web.app import Settings, build


class Web:
    """A browser-less client of one application instance; `address` is the client's IP."""

    def __init__(self, engine: Engine, receiver: str, per_minute: int = 10, app: Any = None) -> None:
        self.app = app or build(engine, Settings(receiver, per_minute))
        self.loop = asyncio.new_event_loop()
        self.clients: dict[str, httpx.AsyncClient] = {}

    def client(self, address: str) -> httpx.AsyncClient:
        if address not in self.clients:
            transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
            self.clients[address] = httpx.AsyncClient(transport=transport, base_url="http://dflow.test")
        return self.clients[address]

    def get(self, path: str, address: str = "10.0.0.1") -> httpx.Response:
        return self.loop.run_until_complete(self.client(address).get(path))

    def post(self, path: str, data: dict[str, str], address: str = "10.0.0.1", **extra: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client(address).post(path, data=data, **extra))

    def close(self) -> None:
        for c in self.clients.values():
            self.loop.run_until_complete(c.aclose())
        self.loop.close()


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return unescape(found.group(1))


def answer(html: str) -> str:
    """The answer to the page's check question (a + b = ?)."""
    found = re.search(r"(\d+) \+ (\d+) = \?", html)
    assert found, "no check question"
    return str(int(found.group(1)) + int(found.group(2)))


def opinion_form(web: Web, case: int, text: str, address: str = "10.0.0.1", **who: str) -> dict[str, str]:
    """The form of the case's page filled in with `text` (and name, unit, phone)."""
    html = web.get(f"/d/{case}", address).text
    form = {"csrf": hidden(html, "csrf"), "token": hidden(html, "token"), "answer": answer(html), "content": text}
    return {**form, **who}


def give(web: Web, case: int, text: str, address: str = "10.0.0.1", **who: str) -> httpx.Response:
    return web.post(f"/d/{case}", opinion_form(web, case, text, address, **who), address)
