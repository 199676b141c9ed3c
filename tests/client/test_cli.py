"""The ``optt`` command against the sandbox: token, get, sandbox, --help and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jwt
import pytest

from optt import cli
from optt.settings import ENV_VARS

from .conftest import CLIENT_SECRET, CLINIC_TOKEN, CLINIC_USER, PASSWORD, Sandbox


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> pytest.MonkeyPatch:
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPTT_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("OPTT_CLIENT_SECRET", CLIENT_SECRET)
    return monkeypatch


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["token", "--help"], ["get", "--help"]):
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        assert out.startswith("usage: optt")
    assert "Exit codes" in (cli.main(["--help"]), capsys.readouterr().out)[1]


def test_sandbox_help_is_delegated(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = cli.main(["sandbox", "--help"])
    except SystemExit as exc:  # the sandbox's own argparse may exit by itself
        code = int(exc.code or 0)
    assert code == 0
    assert "--port" in capsys.readouterr().out


def test_token_prints_the_token_json(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_USERNAME", CLINIC_USER)
    env.setenv("OPTT_PASSWORD", PASSWORD)
    assert cli.main(["token"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["token_type"] == "bearer"
    assert set(body) >= {"access_token", "refresh_token", "expires_in", "scope", "jti"}


def test_token_access_token_only_with_flags(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["token", "--access-token-only", "--username", "lalehdehnavi.ld@gmail.com", "--password", PASSWORD]
    assert cli.main(argv) == 0
    token = capsys.readouterr().out.strip()
    assert jwt.decode(token, options={"verify_signature": False})["authorities"] == ["CAREGIVER"]


def test_token_with_bad_credentials_exits_1(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_USERNAME", CLINIC_USER)
    env.setenv("OPTT_PASSWORD", "wrong-password")
    assert cli.main(["token"]) == 1
    err = capsys.readouterr().err
    assert "invalid_grant" in err and "wrong-password" not in err


def test_token_without_a_login_is_a_usage_error(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["token"]) == 2
    assert "username and password" in capsys.readouterr().err


def test_get_prints_the_json(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    assert cli.main(["get", "listClientsUsingGET", "--param", "size=2", "--compact"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["size"] == 2 and "content" in page


def test_get_by_module_name_with_a_path_parameter(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_USERNAME", CLINIC_USER)
    env.setenv("OPTT_PASSWORD", PASSWORD)
    assert cli.main(["get", "list_clients_using_get", "-p", "size=1"]) == 0
    first = json.loads(capsys.readouterr().out)["content"][0]
    assert cli.main(["get", "getClientUsingGET", "-p", f"clientId={first['id']}"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == first["id"]


def test_get_a_public_operation_without_credentials(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["get", "getJwks"]) == 0
    assert json.loads(capsys.readouterr().out)["keys"][0]["kty"] == "RSA"


def test_get_an_enum_parameter(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    assert cli.main(["get", "listClientsUsingGET", "-p", "status=ACTIVE", "-p", "size=5"]) == 0
    assert all(c["status"] == "ACTIVE" for c in json.loads(capsys.readouterr().out)["content"])


def test_get_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["get", "--list"]) == 0
    out = capsys.readouterr().out
    assert "list_clients_using_get" in out and "get_jwks" in out
    assert "create_client_using_post" not in out  # only reads


def test_get_api_error_exits_1(env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    assert cli.main(["get", "getClientUsingGET", "-p", "clientId=987654321"]) == 1
    err = capsys.readouterr().err
    assert "NotFound" in err and "request id" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["get"],
        ["get", "createClientUsingPOST"],
        ["get", "getClientUsingGET"],
        ["get", "getClientUsingGET", "-p", "clientId=abc"],
        ["get", "getClientUsingGET", "-p", "nope=1"],
        ["get", "getClientUsingGET", "-p", "clientId"],
        ["frobnicate"],
        [],
        ["token", "--no-such-flag"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    assert cli.main(argv) == 2
    assert capsys.readouterr().err


def test_connection_error_exits_1(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    monkeypatch.setenv("OPTT_BASE_URL", "http://127.0.0.1:9/gateway")
    assert cli.main(["get", "listBooksUsingGET", "--timeout", "2"]) == 1
    assert "ConnectError" in capsys.readouterr().err


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "read_operations", interrupted)
    assert cli.main(["get", "getJwks"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_verbose_logs_hide_secrets(sandbox: Sandbox) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPTT_")}
    environ.update(
        OPTT_BASE_URL=sandbox.base_url,
        OPTT_CLIENT_SECRET=CLIENT_SECRET,
        OPTT_USERNAME=CLINIC_USER,
        OPTT_PASSWORD=PASSWORD,
    )
    completed = subprocess.run(
        [sys.executable, "-m", "optt.cli", "token", "-v"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    token = json.loads(completed.stdout)
    assert "HTTP Request" in completed.stderr
    for secret in (PASSWORD, CLIENT_SECRET, token["access_token"], token["refresh_token"]):
        assert secret not in completed.stderr


def test_the_client_needs_no_sandbox_dependencies() -> None:
    blocked = ["starlette", "uvicorn", "jwt", "yaml", "jsonschema", "optt.sandbox"]
    script = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "import optt, optt.cli\n"
        "from optt_client.api.clinic import list_clients_using_get\n"
        "client = optt.connect(token='t', env={})\n"
        "sys.exit(optt.cli.main(['sandbox', '--help']))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 1, completed.stderr
    assert "optt[sandbox]" in completed.stderr
