"""No private key, passphrase or database password ever appears in output, messages, the
audit trail, exports or tracebacks (DFLOW_DEBUG=1 included).

Each test runs the real command line (typer's runner, in this process) and searches every
byte it produced — stdout, stderr, the database file, every export format — for the secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

import cli
from decision_flow.core.secret import redact
from tests.flow import ADMIN, OFFICER
from tests.pg import NO_PG, PG_URL

PASSWORD = "Pw-S3cret-4711"
PASSPHRASE = "沙河-very secret phrase"
runner = CliRunner()


def run(*args: Any, **env: str | None) -> Result:
    result = runner.invoke(cli.app, [str(a) for a in args], env={"DFLOW_LANG": "en", "COLUMNS": "200", **env})
    return result


def leaked(result: Result, *secrets: str) -> list[str]:
    return [s for s in secrets if s in result.stdout or s in result.stderr]


def private_key_lines(path: Path) -> list[str]:
    """The base64 body of a PEM key file: any of it in any output is a leak."""
    return [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]


@pytest.fixture
def office(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database with an admin and an officer whose key file is passphrase-protected."""
    env = {"DFLOW_DB": str(tmp_path / "dflow.db")}
    assert run("init", "--admin", ADMIN, **env).exit_code == 0
    added = run("user", "add", OFFICER, "--role", "officer", "--passphrase", "--as", ADMIN, **env,
                DFLOW_NEW_PASSPHRASE=PASSPHRASE)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert not leaked(added, PASSPHRASE)
    yield env


# ---------------------------------------------------------------------------- database passwords


@pytest.mark.parametrize("debug", ["0", "1"])
@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:1/test",  # nothing listens on port 1
        f"postgresql+nosuchdriver://postgres:{PASSWORD}@127.0.0.1/test",  # no such driver
        f"postgresql+psycopg2://postgres:{PASSWORD}@127.0.0.1/test",  # a driver that is not installed
        f"mysql+pymysql://root:{PASSWORD}@127.0.0.1/test",  # not a database decision-flow uses
    ],
)
def test_a_database_password_is_never_printed(url: str, debug: str) -> None:
    for args in (("list",), ("list", "--json"), ("init", "--admin", ADMIN), ("audit", "verify")):
        result = run(*args, DFLOW_DB=url, DFLOW_DEBUG=debug)
        assert result.exit_code == 2, (args, result.output)
        assert not leaked(result, PASSWORD), result.output
        assert "***" in result.stderr


@pytest.mark.skipif(not PG_URL, reason=NO_PG)
def test_a_password_in_a_working_server_url_stays_out_of_a_debug_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server trusts us, so the password is ignored; a bug whose exception quotes the URL
    (as some drivers' messages do) prints a traceback with the password masked."""
    assert PG_URL is not None
    user, rest = PG_URL.split("://", 1)[1].split("@", 1)
    url = f"{PG_URL.split('://')[0]}://{user}:{PASSWORD}@{rest}"
    import decision_flow.engine.queries

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"lost the connection to {url} (password={PASSWORD})")

    monkeypatch.setattr(decision_flow.engine.queries, "list_decisions", explode)
    result = run("list", DFLOW_DB=url, DFLOW_DEBUG="1")
    assert result.exit_code == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert not leaked(result, PASSWORD)
    plain = run("list", DFLOW_DB=url)
    assert plain.exit_code == 1 and not leaked(plain, PASSWORD)


# ---------------------------------------------------------------------------- passphrases and private keys


def test_passphrase_and_private_key_stay_out_of_everything(office: dict[str, str], tmp_path: Path) -> None:
    key_lines = private_key_lines(Path(tmp_path / "keys" / f"{OFFICER}.key"))
    admin_lines = private_key_lines(Path(tmp_path / "keys" / f"{ADMIN}.key"))
    secrets = (PASSPHRASE, *key_lines, *admin_lines)
    results = [
        run("new", "决策", "--workflow", "major-decision", "--as", OFFICER, **office),  # locked: refused
        run("new", "决策", "--workflow", "major-decision", "--as", OFFICER, **office, DFLOW_PASSPHRASE="wrong!"),
        run("new", "决策", "--workflow", "major-decision", "--as", OFFICER, **office, DFLOW_PASSPHRASE=PASSPHRASE),
        run(
            "new",
            "决策",
            "--workflow",
            "major-decision",
            "--json",
            "--as",
            OFFICER,
            **office,
            DFLOW_PASSPHRASE=PASSPHRASE,
        ),  # fmt: skip
        run("key", "show", OFFICER, **office, DFLOW_PASSPHRASE=PASSPHRASE),
        run(
            "key",
            "rotate",
            "--passphrase",
            "--as",
            OFFICER,
            **office,
            DFLOW_PASSPHRASE=PASSPHRASE,
            DFLOW_NEW_PASSPHRASE=PASSPHRASE + "2",
        ),  # fmt: skip
        run("user", "list", **office),
        run("audit", "1", **office),
        run("audit", "1", "--json", **office),
        run("audit", "verify", **office),
    ]
    assert [r.exit_code for r in results] == [5, 5, 0, 0, 0, 0, 0, 0, 0, 0]
    for result in results:
        assert not leaked(result, *secrets, PASSPHRASE + "2"), result.output
    exports = []
    for fmt in ("json", "csv", "html", "pdf"):
        out = tmp_path / f"trail.{fmt}"
        assert run("audit", "export", 1, "--format", fmt, "-o", out, **office).exit_code == 0
        exports.append(out.read_bytes())
    database = (
        Path(office["DFLOW_DB"]).read_bytes()
        + Path(office["DFLOW_DB"] + "-wal").read_bytes() * Path(office["DFLOW_DB"] + "-wal").exists()
    )
    for blob in (database, *exports):
        for secret in (*secrets, PASSPHRASE + "2"):
            assert secret.encode() not in blob


def test_a_debug_traceback_masks_a_passphrase_and_a_key(
    office: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug whose exception carries the passphrase or key material (the worst case): the
    DFLOW_DEBUG=1 traceback still shows neither."""
    pem = (tmp_path / "keys" / f"{ADMIN}.key").read_text()
    import decision_flow.engine

    def explode(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(f"cannot sign with passphrase {PASSPHRASE!s} and key\n{pem}")

    monkeypatch.setattr(decision_flow.engine.Engine, "new", explode)
    result = run("new", "决策", "--workflow", "major-decision", "--as", OFFICER, **office,
                 DFLOW_PASSPHRASE=PASSPHRASE, DFLOW_DEBUG="1")  # fmt: skip
    assert result.exit_code == 1 and result.stderr.startswith("Traceback (most recent call last):")
    assert "[private key removed]" in result.stderr and "passphrase ***" in result.stderr
    assert not leaked(result, PASSPHRASE, *private_key_lines(tmp_path / "keys" / f"{ADMIN}.key"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://u:pa55@h/db", "postgresql://u:***@h/db"),
        ("host=h user=u password=pa55 dbname=d", "host=h user=u password=*** dbname=d"),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGb\n-----END ENCRYPTED PRIVATE KEY-----", "[private key removed]"),
        ("-----BEGIN PRIVATE KEY-----\nMC4CAQAw (cut off", "[private key removed]"),
        ("sqlite:////var/lib/dflow.db", "sqlite:////var/lib/dflow.db"),  # nothing secret: unchanged
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000 + "://:" + "b" * 200_000,  # a scheme that could start anywhere, a password with no "@"
        ("a://:b" * 70_000),  # one URL after another, none complete
        ("x://u:" + "p" * 1000) * 400,
        ("password='" * 40_000),
        ("-----BEGIN " + "A" * 1000) * 400,
    ],
    ids=["long-runs", "many-urls", "long-passwords", "dsn-quotes", "pem-starts"],
)
def test_redact_takes_linear_time_on_hostile_text(text: str) -> None:
    """Every error message passes through redact, with whatever the user typed (a 1 MB
    argument included). Its patterns once took time quadratic in such text: the 400 KB case
    here ran for minutes (found by tests/test_hostile.py). Interrupted after 10 s, it fails."""
    import signal

    def too_slow(*_: Any) -> None:
        raise TimeoutError("redact did not finish in 10 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    try:
        assert len(redact(text)) <= len(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
