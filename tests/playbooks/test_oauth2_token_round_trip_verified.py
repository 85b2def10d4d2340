"""Office 365 OAuth2, the token round trip: a real token server (Authlib, signed JWTs, client credentials) and real
Dovecot (oauth2 passdb, local JWT validation) + Postfix (SASL through that Dovecot) on loopback
(tests/harness/oauth2_mail.py).

The verify module takes a token by the client-credentials grant, then logs in with SMTP AUTH XOAUTH2 after
STARTTLS and POP3S AUTH XOAUTH2 in Liferay's two-line form, sends a probe and fetches it back; each failure a
token setup can have is reported with its class: token endpoint unreachable, client rejected (wrong secret,
wrong tenant: with the OAuth error code), token rejected (expired), mailbox not allowed (a token granted for
another mailbox). Neither the secret nor the token ever shows. Then the role end to end through
ansible-playbook: 7.4 with the host's resolver pointing smtp.office365.com / outlook.office365.com at loopback
(a mount namespace with its own /etc/hosts around the module's Python), writing the mail.session.mail=true
layout and the connector's .config, and verifying against the real servers.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import sys

import pytest
from harness.ansible_run import playbook, write_inventory
from harness.oauth2_mail import SCOPE, OAuth2MailError, OAuth2MailServers, missing_requirements

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.oauth2 import CONNECTOR_PID
from ansible_collections.liferay_ops.mail.plugins.modules import verify

pytestmark = pytest.mark.skipif(bool(missing_requirements()), reason="; ".join(missing_requirements()))


@pytest.fixture(scope="module")
def servers():
    servers = OAuth2MailServers()
    try:
        servers.start()
    except OAuth2MailError as exc:
        pytest.fail(str(exc))
    yield servers
    servers.stop()


@pytest.fixture
def fresh(servers):
    """The servers issuing normal tokens again after a test changed what they issue."""
    yield servers
    servers.expires_in = 3600
    servers.roles = ("SMTP.SendAsApp", "POP.AccessAsApp")


def module_args(servers, **oauth2):
    return {
        "smtp": {
            "host": "127.0.0.1",
            "port": servers.ports["submission"],
            "security": "starttls",
            "user": servers.MAILBOX,
        },
        "store": {
            "protocol": "pop3",
            "host": "127.0.0.1",
            "port": servers.ports["pop3s"],
            "security": "ssl",
            "user": servers.MAILBOX,
        },
        "ca_file": str(servers.ca_file),
        "oauth2": dict(
            {
                "authority": servers.authority,
                "tenant_id": servers.TENANT,
                "client_id": servers.CLIENT_ID,
                "client_secret": servers.CLIENT_SECRET,
            },
            **oauth2,
        ),
        "fail_on_error": False,
    }


def no_secret(result, servers):
    printed = result["_printed"]
    assert servers.CLIENT_SECRET not in printed
    assert "eyJ" not in printed.replace("eyJzdGF0dXMiOiI0MDEi", "")  # no JWT (Dovecot's own error JSON aside)


def test_token_then_xoauth2_smtp_and_pop3s_and_the_probe_makes_the_round_trip(run_module, fresh):
    servers = fresh
    args = dict(module_args(servers), roundtrip=True, roundtrip_to=servers.MAILBOX, roundtrip_deadline=20)
    result = run_module(verify, **args)
    assert result["ok"], result
    assert result["smtp"]["authenticated"] and result["store"]["authenticated"]
    assert result["smtp"]["tls_version"] and result["store"]["tls_version"]
    assert "XOAUTH2" in result["smtp"]["auth_mechanisms"]
    assert result["roundtrip"]["ok"] and result["roundtrip"]["deleted"]
    assert any("with XOAUTH2" in line for line in result["summary"])
    # what reached the token server is Liferay's request: the client-credentials grant for Exchange's scope
    assert servers.token_server.requests[-1] == {
        "path": "/%s/oauth2/v2.0/token" % servers.TENANT,
        "grant_type": "client_credentials",
        "scope": SCOPE,
    }
    no_secret(result, servers)


def test_wrong_secret_is_the_client_rejected_with_the_oauth_error_code(run_module, fresh):
    result = run_module(verify, **module_args(fresh, client_secret="not-the-secret"))
    assert not result["ok"]
    for name in ("smtp", "store"):
        assert result[name]["error_class"] == "oauth2_client", result
        assert "invalid_client" in result[name]["error"] and "AADSTS7000215" in result[name]["error"]
    no_secret(result, fresh)


def test_wrong_tenant_is_the_client_rejected_naming_the_tenant(run_module, fresh):
    result = run_module(verify, **module_args(fresh, tenant_id="fabrikam.onmicrosoft.test"))
    assert result["smtp"]["error_class"] == "oauth2_client"
    assert "AADSTS90002" in result["smtp"]["error"] and "fabrikam.onmicrosoft.test" in result["smtp"]["error"]
    no_secret(result, fresh)


def test_expired_token_is_rejected_by_the_mail_servers_and_said_so(run_module, fresh):
    fresh.expires_in = -120
    result = run_module(verify, **module_args(fresh))
    for name in ("smtp", "store"):
        assert result[name]["error_class"] == "oauth2_token", result
        assert "expired" in result[name]["error"]
    # Dovecot itself refused it: the servers, not the client, decided
    assert "Token has expired" in fresh.logs()
    no_secret(result, fresh)


def test_a_token_for_another_mailbox_is_the_mailbox_not_allowing_the_application(run_module, fresh):
    args = module_args(fresh)
    args["smtp"]["user"] = args["store"]["user"] = fresh.OTHER_MAILBOX
    result = run_module(verify, **args)
    for name in ("smtp", "store"):
        assert result[name]["error_class"] == "oauth2_mailbox", result
        assert "mailbox permission" in result[name]["error"]
    no_secret(result, fresh)


def test_a_token_without_the_application_permission_names_it(run_module, fresh):
    fresh.roles = ("POP.AccessAsApp",)
    args = module_args(fresh)
    args["smtp"]["user"] = fresh.OTHER_MAILBOX  # refused, and the token lacks SMTP.SendAsApp
    result = run_module(verify, **args)
    assert result["smtp"]["error_class"] == "oauth2_mailbox"
    assert "SMTP.SendAsApp" in result["smtp"]["error"]


def test_token_endpoint_unreachable(run_module, fresh):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    result = run_module(verify, **module_args(fresh, authority="https://127.0.0.1:%d" % closed))
    assert result["smtp"]["error_class"] == result["store"]["error_class"] == "oauth2_unreachable"
    assert "connection refused" in result["smtp"]["error"].lower()


def test_fail_on_error_fails_the_task_without_the_secret(run_module, fresh):
    result = run_module(
        verify, **dict(module_args(fresh, client_secret="wrong" + fresh.CLIENT_SECRET), fail_on_error=True)
    )
    assert result["failed"] and "invalid_client" in result["msg"]
    assert fresh.CLIENT_SECRET not in result["_printed"]


# ---------------------------------------------------------------------------
# the role, end to end
# ---------------------------------------------------------------------------


@pytest.fixture
def office365_host(tmp_path, servers):
    """A local host whose module Python resolves the Office 365 names to loopback (its own /etc/hosts)."""
    if not shutil.which("unshare"):
        pytest.skip("unshare (util-linux) is missing")
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost smtp.office365.com outlook.office365.com\n")
    wrapper = tmp_path / "python-office365"
    wrapper.write_text(
        "#!/bin/sh\n"
        'exec unshare -m sh -c \'mount --bind "$0" /etc/hosts && exec "$@"\' %s %s "$@"\n'
        % (hosts, os.path.realpath(sys.executable))
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    home = tmp_path / "liferay"
    (home / "osgi" / "configs").mkdir(parents=True)
    (home / "portal-ext.properties").write_text("jdbc.default.username=liferay\n")
    return {"home": home, "python": str(wrapper)}


def role_vars(servers, home, **overrides):
    values = {
        "mail_session_liferay_home": str(home),
        "mail_session_liferay_version": "7.4.13-u92",
        "mail_session_smtp_host": "smtp.office365.com",
        "mail_session_smtp_port": servers.ports["submission"],
        "mail_session_smtp_security": "starttls",
        "mail_session_smtp_user": servers.MAILBOX,
        "mail_session_pop_host": "outlook.office365.com",
        "mail_session_pop_port": servers.ports["pop3s"],
        "mail_session_pop_security": "ssl",
        "mail_session_pop_user": servers.MAILBOX,
        "mail_session_allow_unusual_ports": True,
        "mail_session_oauth2_provider": "microsoft",
        "mail_session_oauth2_client_id": servers.CLIENT_ID,
        "mail_session_oauth2_client_secret": servers.CLIENT_SECRET,
        "mail_session_oauth2_tenant_id": servers.TENANT,
        "mail_session_oauth2_authority": servers.authority,
        "mail_session_verify_ca_file": str(servers.ca_file),
        "mail_session_verify_roundtrip": True,
        "mail_session_effective": "warn",
    }
    values.update(overrides)
    return values


def test_role_writes_the_74_layout_and_verifies_the_token_round_trip(tmp_path, office365_host, fresh):
    inventory = write_inventory(
        tmp_path / "inventory.yml",
        {"liferay-1": {"ansible_python_interpreter": office365_host["python"]}},
        role_vars(fresh, office365_host["home"]),
    )
    run = playbook(inventory)
    assert run.returncode == 0, run.output
    assert "round trip: the probe arrived" in run.output and "with XOAUTH2" in run.output
    assert fresh.CLIENT_SECRET not in run.output
    text = (office365_host["home"] / "portal-ext.properties").read_text()
    assert "mail.session.mail=true\n" in text and "jdbc.default.username=liferay\n" in text
    config = office365_host["home"] / "osgi" / "configs" / (CONNECTOR_PID + ".config")
    assert 'smtpConnectionEnabled=B"true"' in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


def test_role_reports_a_rejected_client_before_liferay_would_log_unable_to_acquire(tmp_path, office365_host, fresh):
    inventory = write_inventory(
        tmp_path / "inventory.yml",
        {"liferay-1": {"ansible_python_interpreter": office365_host["python"]}},
        role_vars(fresh, office365_host["home"], mail_session_oauth2_client_secret="stale-secret"),
    )
    run = playbook(inventory)
    assert run.returncode != 0
    assert "invalid_client" in run.output and "AADSTS7000215" in run.output
    assert "stale-secret" not in run.output
