"""The consultation pages (``dflow serve``) as a Starlette application over one :class:`Engine`.

Public: ``/`` lists the drafts with a page; ``/d/{id}`` is a draft's page (its files, period,
channels and, while the period runs, the form), ``/d/{id}/files/{sha256}`` a file made public,
``/d/{id}/feedback`` the feedback table once the period has closed. Officers: ``/login``,
``/officer`` and ``/officer/d/{id}`` (the opinions with their mark forms, the counts and the
step's evidence as the record holds them), whose forms post to ``/officer/o/{id}/mark`` and
``/officer/d/{id}/handling``. Every page is plain HTML in Chinese, or English with ``?lang=en``;
no script anywhere (the Content-Security-Policy forbids one); every form carries the CSRF token.

Every engine call runs in a worker thread (they block on the database). An opinion is received by
the account the server runs as (`receiver`); a mark is made, and signed, as the officer signed in.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from decision_flow.core.errors import Blocked, Conflict, DflowError, Forbidden, InvalidInput, NotFound
from decision_flow.core.i18n import Msg, t
from decision_flow.engine import Engine, opinions, passwords, queries
from decision_flow.presentation import labels
from decision_flow.presentation.web.guards import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    BodyLimit,
    Captcha,
    RateLimit,
    Scope,
    Sessions,
    Signer,
    csrf_ok,
    new_csrf,
)
from decision_flow.procedures import of as procedure_of

LANGS = ("zh", "en")
MAX_BODY = 32 * 1024  # bytes of a form: 2,000 characters of Chinese are 18,000 URL-encoded
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STATUS = {InvalidInput: 400, Blocked: 403, Forbidden: 403, NotFound: 404, Conflict: 409}


@dataclass
class Settings:
    """How the server runs: the account receiving opinions, and the abuse limits."""

    receiver: str | None
    per_minute: int = 10  # submissions (and sign-in attempts) per address per minute
    signer: Signer = field(default_factory=Signer)


class Problem(Exception):
    """An error page to show: its status and message."""

    def __init__(self, status: int, msg: Msg) -> None:
        super().__init__(msg.key)
        self.status, self.msg = status, msg


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("decision_flow.presentation.web", "templates"),
        autoescape=True,  # every value escaped; no template marks anything safe
        undefined=jinja2.StrictUndefined,
    )
    return env


def build(engine: Engine, settings: Settings) -> Starlette:
    """The application, with its guards, over `engine`."""
    env = _env()
    captcha, sessions = Captcha(settings.signer), Sessions(settings.signer)
    limit = RateLimit(settings.per_minute)

    def lang_of(request: Request) -> str:
        wanted = request.query_params.get("lang")
        return wanted if wanted in LANGS else "zh"

    def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        token = request.cookies.get(CSRF_COOKIE) or new_csrf()

        def say(key: str, **params: Any) -> str:
            return labels.message(Msg(key, params), lang=lang)  # a field or step named in the reader's words

        def link(path: str) -> str:
            return path if lang == "zh" else f"{path}{'&' if '?' in path else '?'}lang=en"

        other = "en" if lang == "zh" else "zh"
        html = env.get_template(name).render(
            _=say,
            link=link,
            lang=lang,
            html_lang="zh-CN" if lang == "zh" else "en",
            switch=f"{request.url.path}?lang={other}",
            csrf=token,
            day=lambda iso: labels.day(iso, lang) if iso else "",
            mark=lambda m: labels.opinion_mark(m, lang),
            user=sessions.user(request.cookies.get(SESSION_COOKIE)),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        _headers(response)
        return response

    def problem(request: Request, status: int, msg: Msg) -> HTMLResponse:
        return render(request, "error.html", status, status_code=status, title=f"web.error.{status}", msg=msg)

    def call(request: Request, action: Callable[[], Any]) -> Any:
        """Run an engine call in a worker thread (it blocks on the database); an error it raises
        becomes its page in `guarded`."""
        return run_in_threadpool(action)

    async def guarded(request: Request, handler: Callable[[], Any]) -> Response:
        try:
            result: Response = await handler()
            return result
        except Problem as p:
            return problem(request, p.status, p.msg)
        except DflowError as exc:
            status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
            return problem(request, status, exc.msg if isinstance(exc.msg, Msg) else Msg(f"web.error.{status}"))

    async def form_of(request: Request) -> dict[str, str]:
        """The posted form, its CSRF token checked."""
        async with request.form(max_files=0, max_fields=20, max_part_size=MAX_BODY) as form:
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if not csrf_ok(request.cookies.get(CSRF_COOKIE), fields.get("csrf")):
            raise Problem(403, Msg("web.csrf"))
        return fields

    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    def decision_id(request: Request) -> int:
        text = request.path_params["id"]
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise Problem(404, Msg("web.error.404"))
        return int(text)

    # ---------------------------------------------------------------- public

    async def index(request: Request) -> Response:
        async def show() -> Response:
            shown = await call(request, lambda: opinions.pages(engine))
            return render(request, "index.html", pages=shown)

        return await guarded(request, show)

    async def draft(request: Request) -> Response:
        async def show() -> Response:
            case = decision_id(request)
            shown = await call(request, lambda: opinions.page(engine, case))
            if request.method == "POST":
                return await submit(request, case, shown)
            question, token = captcha.ask()
            sent = request.query_params.get("sent", "")
            sent = sent if sent.isdigit() else ""
            return render(request, "draft.html", page=shown, question=question, token=token, sent=sent,
                          most=opinions.MAX_TEXT, given={}, error=None)  # fmt: skip

        return await guarded(request, show)

    async def submit(request: Request, case: int, shown: dict[str, Any]) -> Response:
        if not limit.allow(address(request)):
            raise Problem(429, Msg("web.error.429"))
        fields = await form_of(request)
        given = {k: fields.get(k, "") for k in ("content", "name", "unit", "phone")}
        error: Msg | None = None
        if not captcha.answered(fields.get("token", ""), fields.get("answer", "")):
            error = Msg("web.captcha")
        else:
            try:
                got = await call(
                    request,
                    lambda: opinions.submit(engine, case, given["content"], given["name"], given["unit"],
                                            given["phone"], settings.receiver),
                )  # fmt: skip
                target = f"/d/{case}?sent={got['id']}" + ("&lang=en" if lang_of(request) == "en" else "")
                return RedirectResponse(target, status_code=303)
            except InvalidInput as exc:
                error = exc.msg if isinstance(exc.msg, Msg) else Msg("web.error.400")
        question, token = captcha.ask()
        return render(request, "draft.html", 400, page=shown, question=question, token=token, sent="",
                      most=opinions.MAX_TEXT, given=given, error=error)  # fmt: skip

    async def public_file(request: Request) -> Response:
        async def send() -> Response:
            case, sha = decision_id(request), request.path_params["sha"]
            shown = await call(request, lambda: opinions.page(engine, case))
            found = next((f for f in shown["files"] if f["sha256"] == sha), None)
            content = await call(request, lambda: engine.store.read(sha)) if found else None
            if found is None or content is None:
                raise Problem(404, Msg("web.error.404"))
            kind = mimetypes.guess_type(found["name"])[0] or "application/octet-stream"
            disposition = f"attachment; filename*=UTF-8''{quote(found['name'])}"
            response = Response(content, media_type=kind, headers={"content-disposition": disposition})
            _headers(response)
            return response

        return await guarded(request, send)

    async def feedback(request: Request) -> Response:
        async def show() -> Response:
            case = decision_id(request)
            shown = await call(request, lambda: opinions.page(engine, case))
            if shown["today"] <= shown["closes_on"]:
                return render(request, "feedback.html", 403, page=shown, rows=None)
            table = await call(request, lambda: opinions.feedback(engine, case))
            return render(request, "feedback.html", page=shown, rows=table["rows"])

        return await guarded(request, show)

    # ---------------------------------------------------------------- officers

    async def login(request: Request) -> Response:
        async def act() -> Response:
            if request.method == "GET":
                return render(request, "login.html", failed=False)
            if not limit.allow(address(request)):
                raise Problem(429, Msg("web.error.429"))
            fields = await form_of(request)
            name, secret = fields.get("user", "")[:100], fields.get("password", "")[:1024]
            user = await call(request, lambda: passwords.login(engine, name, secret))
            if user is None:
                return render(request, "login.html", 403, failed=True)
            response = RedirectResponse("/officer" + ("?lang=en" if lang_of(request) == "en" else ""), 303)
            response.set_cookie(SESSION_COOKIE, sessions.make(user.name), httponly=True, samesite="strict", path="/")
            return response

        return await guarded(request, act)

    async def logout(request: Request) -> Response:
        async def act() -> Response:
            await form_of(request)
            response = RedirectResponse("/", 303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response

        return await guarded(request, act)

    def officer_of(request: Request) -> str:
        name = sessions.user(request.cookies.get(SESSION_COOKIE))
        if name is None:
            raise Problem(403, Msg("web.login"))
        return name

    async def officer(request: Request) -> Response:
        async def show() -> Response:
            name = officer_of(request)
            shown = await call(request, lambda: opinions.pages(engine, name))  # the organs they act in
            return render(request, "officer.html", pages=shown)

        return await guarded(request, show)

    async def officer_case(request: Request) -> Response:
        async def show() -> Response:
            name, case = officer_of(request), decision_id(request)
            shown = await call(request, lambda: opinions.page(engine, case))
            listed = await call(request, lambda: opinions.listed(engine, case, name))
            step = await call(request, lambda: _step_of(engine, case, name, lang_of(request)))
            return render(request, "officer_case.html", page=shown, listed=listed, step=step,
                          marks=opinions.MARKS, saved=request.query_params.get("saved") == "1")  # fmt: skip

        return await guarded(request, show)

    async def mark(request: Request) -> Response:
        async def act() -> Response:
            name = officer_of(request)
            fields = await form_of(request)
            opinion = decision_id(request)
            done = await call(
                request,
                lambda: opinions.mark(engine, opinion, fields.get("mark", ""), fields.get("reason"), name),
            )
            target = f"/officer/d/{done['decision']}?saved=1" + ("&lang=en" if lang_of(request) == "en" else "")
            return RedirectResponse(target, 303)

        return await guarded(request, act)

    async def handling(request: Request) -> Response:
        async def act() -> Response:
            from decision_flow.presentation.exports import handling as document

            name, case = officer_of(request), decision_id(request)
            await form_of(request)
            await call(request, lambda: document.attach(engine, case, name))
            target = f"/officer/d/{case}?saved=1" + ("&lang=en" if lang_of(request) == "en" else "")
            return RedirectResponse(target, 303)

        return await guarded(request, act)

    async def stylesheet(request: Request) -> Response:
        css = (resources.files("decision_flow.presentation.web") / "templates" / "site.css").read_text("utf-8")
        response = Response(css, media_type="text/css")
        _headers(response)
        return response

    async def not_found(request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status_code", 404))
        return problem(request, status if status in (400, 403, 404, 405) else 404, Msg("web.error.404"))

    routes = [
        Route("/", index),
        Route("/site.css", stylesheet),
        Route("/d/{id}", draft, methods=["GET", "POST"]),
        Route("/d/{id}/files/{sha}", public_file),
        Route("/d/{id}/feedback", feedback),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/officer", officer),
        Route("/officer/d/{id}", officer_case),
        Route("/officer/o/{id}/mark", mark, methods=["POST"]),
        Route("/officer/d/{id}/handling", handling, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.captcha, app.state.limit = captcha, limit

    def too_large(scope: Scope) -> bytes:
        lang = "en" if b"lang=en" in scope.get("query_string", b"") else "zh"
        msg = Msg("web.error.413")
        return env.get_template("error.html").render(
            _=lambda key, **params: t(Msg(key, params), lang), link=lambda path: path, lang=lang,
            html_lang="zh-CN" if lang == "zh" else "en", switch="/", csrf="", day=str, mark=str, user=None,
            status_code=413, title="web.error.413", msg=msg,
        ).encode("utf-8")  # fmt: skip

    app.add_middleware(BodyLimit, most=MAX_BODY, page=too_large)
    return app


def _headers(response: Response) -> None:
    response.headers["content-security-policy"] = CSP
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "same-origin"
    response.headers["cache-control"] = "no-store"


def _step_of(engine: Engine, case: int, reader: str, lang: str) -> dict[str, Any]:
    """The consultation step of the case as the record holds it, in the reader's words: its fields
    (title, value) and its evidence (kind's title, file name, SHA-256)."""
    wf = queries.workflow_of(engine, case)
    cons = procedure_of(wf).consultation
    shown = queries.show(engine, case, reader)
    found = next((st for st in shown["steps"] if cons is not None and st["step"] == cons.step), None)
    if found is None:
        return {"fields": [], "evidence": []}
    at = found["step"]
    return {
        "fields": [
            (labels.field(wf, at, k, lang), labels.value(wf, at, k, v, lang))
            for k, v in labels.fields(wf.step(at), found["fields"])  # in the workflow's order
        ],
        "evidence": [(labels.evidence(wf, at, e["kind"], lang), e["name"], e["sha256"]) for e in found["evidence"]],
    }
