"""One signing key per ledger: a label printed before a restart, by the command line, or read by
another worker is still genuine; a PostgreSQL ledger does not start without its key."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pypdfium2 as pdfium
from fastapi.testclient import TestClient

import labels
from ledger.api import create_app
from ledger.settings import Settings
from ledger.storage.keys import KEY_FILE, settle_secret_key
from tests.conftest import POSTGRES_URL
from tests.labels.helpers import decode
from tests.web.live import free_port

ADMIN = "admin-secret-for-key-tests"


def printed_urls(pdf: bytes) -> list[str]:
    """The addresses in the QR codes of a printed sheet, as a phone's camera reads them."""
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=300 / 72).to_pil()
    document.close()
    return decode(image)


def signed_url(client: TestClient) -> tuple[str, str]:
    """A label allocated and the address its printed QR code holds."""
    headers = {"Authorization": f"Bearer {ADMIN}"}
    code = client.post("/api/v1/labels", json={"count": 1}, headers=headers).json()["codes"][0]
    sheet = client.post("/api/v1/labels/sheet.pdf", json={"codes": [code]}, headers=headers)
    assert sheet.status_code == 200, sheet.text
    return code, printed_urls(sheet.content)[0]


def verdict(client: TestClient, url: str) -> str:
    parts = urlsplit(url)
    code = parts.path.rsplit("/", 1)[-1]
    signature = parse_qs(parts.query)["s"][0]
    headers = {"Authorization": f"Bearer {ADMIN}"}
    card = client.get(f"/web/api/card/{code}", params={"s": signature}, headers=headers).json()
    return str(card["signature"])


def test_a_label_printed_before_a_restart_is_still_genuine(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'ledger.db'}", bootstrap_admin_token=ADMIN
    )
    assert settings.secret_key == ""
    first = create_app(settings)
    with TestClient(first) as client:
        code, url = signed_url(client)
        assert verdict(client, url) == "valid"
    first.state.ledger.close()
    key_path = tmp_path / KEY_FILE
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    again = create_app(settings)  # the server restarted
    with TestClient(again) as client:
        assert verdict(client, url) == "valid"
        forged = url.replace(url[-3:], "000" if not url.endswith("000") else "111")
        assert verdict(client, forged) == "invalid"
    again.state.ledger.close()
    assert code.replace("-", "") in url


def test_the_command_line_signs_with_the_ledgers_key(tmp_path: Path) -> None:
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    env.pop("LEDGER_SECRET_KEY", None)
    printed = tmp_path / "sheet.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "ledger.cli.main", "labels", "allocate", "3", "--pdf", str(printed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    settings = settle_secret_key(Settings(database_url=env["LEDGER_DATABASE_URL"]))
    assert settings.secret_key == (tmp_path / KEY_FILE).read_text().strip()
    codes = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert len(codes) == 3
    urls = printed_urls(printed.read_bytes())
    assert len(urls) == 3
    app = create_app(Settings(database_url=env["LEDGER_DATABASE_URL"], bootstrap_admin_token=ADMIN))
    with TestClient(app) as client:  # the server, started after the sheet was printed
        assert [verdict(client, url) for url in urls] == ["valid"] * 3
    app.state.ledger.close()


def test_processes_starting_together_make_one_key(tmp_path: Path) -> None:
    script = (
        "import sys; from ledger.settings import Settings; from ledger.storage.keys import "
        "settle_secret_key; print(settle_secret_key(Settings(database_url=sys.argv[1])).secret_key)"
    )
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    runs = [
        subprocess.Popen([sys.executable, "-c", script, url], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(keys) == 1
    assert len(keys.pop()) >= 40


def serve(env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ledger.cli.main", "serve", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_postgresql_does_not_start_without_its_key() -> None:
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": POSTGRES_URL,
        "LEDGER_DATABASE_SCHEMA": "test_no_key",
    }
    env.pop("LEDGER_SECRET_KEY", None)
    process = serve(env, "--port", str(free_port()))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert "LEDGER_SECRET_KEY" in err
    assert "secrets.token_urlsafe" in err
    from ledger.storage.database import drop_schema

    drop_schema(Settings(database_url=POSTGRES_URL, database_schema="test_no_key"))


def test_two_workers_agree_on_sessions_and_labels() -> None:
    from ledger.storage.database import drop_schema

    schema = f"test_workers_{os.getpid()}"
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": POSTGRES_URL,
        "LEDGER_DATABASE_SCHEMA": schema,
        "LEDGER_SECRET_KEY": "two-workers-share-this-key",
        "LEDGER_BOOTSTRAP_ADMIN_TOKEN": ADMIN,
        "LEDGER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    process = serve(env, "--port", str(port), "--workers", "2")
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.5)
        admin = {"Authorization": f"Bearer {ADMIN}"}
        code = httpx.post(f"{base}/api/v1/labels", json={"count": 1}, headers=admin).json()[
            "codes"
        ][0]
        url = labels.label_url(code, base, env["LEDGER_SECRET_KEY"].encode())
        signature = parse_qs(urlsplit(url).query)["s"][0]
        with httpx.Client(base_url=base) as browser:  # keeps its connection: one worker or both
            browser.post("/web/api/session", json={"token": ADMIN}).raise_for_status()
            answers = []
            for _ in range(20):
                with httpx.Client(
                    base_url=base, cookies=browser.cookies
                ) as fresh:  # new connection each
                    answers.append(fresh.get("/web/api/context").status_code)
                    card = fresh.get(f"/web/api/card/{code}", params={"s": signature}).json()
                    answers.append(200 if card["signature"] == "valid" else 0)
        assert answers == [200] * 40
    finally:
        process.terminate()
        process.communicate(timeout=30)
        drop_schema(Settings(database_url=POSTGRES_URL, database_schema=schema))
