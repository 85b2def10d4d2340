"""The role's verification through the real ansible-playbook, against real Postfix and Dovecot
on loopback: the post-check with a round trip, preflight stopping a broken configuration before
anything is written, warn mode, the verify-only playbook, and no password in the output."""

from __future__ import annotations

import pytest
from harness.ansible_run import local_hosts, playbook, real_servers
from harness.mailserver import free_ports

PASSWORD_MARK = "p@ss,w0rd"  # the ASCII part of MailServer.PASSWORD, recognisable in escaped output


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "liferay"
    path.mkdir()
    return path


def inventory(tmp_path, home, server, **overrides):
    """The inventory of liferay-1 on *home* with the real servers of *server*, updated with *overrides*."""
    group_vars = {
        **real_servers(server),
        "mail_session_liferay_version": "7.4.3.132",  # no detection round trip
        "mail_session_verify_timeout": 3,
    }
    return local_hosts(tmp_path / "hosts.yml", {"liferay-1": home}, group_vars)(**overrides)


def test_converge_verifies_smtp_and_pop_with_a_round_trip(tmp_path, home, mail_server):
    inv = inventory(tmp_path, home, mail_server, mail_session_verify_roundtrip=True)
    run = playbook(inv, "--diff", "-vvvv")
    assert run.returncode == 0, run.output
    assert "SMTP localhost:%d" % mail_server.ports["submission"] in run.output
    assert "round trip: the probe arrived" in run.output
    assert PASSWORD_MARK not in run.output
    assert (home / "portal-ext.properties").exists()
    rerun = playbook(inv)
    assert rerun.returncode == 0, rerun.output
    assert rerun.total("changed") == 0


def test_preflight_stops_a_broken_configuration_before_anything_is_written(tmp_path, home, mail_server):
    (closed,) = free_ports(1)
    inv = inventory(tmp_path, home, mail_server, mail_session_smtp_port=closed, mail_session_verify_preflight=True)
    run = playbook(inv, "-vvv")
    assert run.returncode != 0
    assert "localhost:%d" % closed in run.output
    assert "refused" in run.output
    assert not (home / "portal-ext.properties").exists()
    assert PASSWORD_MARK not in run.output


def test_wrong_password_fails_after_applying_with_a_clear_error(tmp_path, home, mail_server):
    inv = inventory(tmp_path, home, mail_server, mail_session_pop_password="not-the-password")
    run = playbook(inv)
    assert run.returncode != 0
    assert "rejected" in run.output
    assert "not-the-password" not in run.output


def test_warn_mode_reports_the_failure_and_goes_on(tmp_path, home, mail_server):
    inv = inventory(
        tmp_path, home, mail_server, mail_session_smtp_password="not-the-password", mail_session_verify="warn"
    )
    run = playbook(inv)
    assert run.returncode == 0, run.output
    assert "[WARNING]" in run.output and "rejected" in run.output
    assert "not-the-password" not in run.output


def test_verify_playbook_checks_without_writing(tmp_path, home, mail_server):
    run = playbook(inventory(tmp_path, home, mail_server), playbook="playbooks/verify.yml")
    assert run.returncode == 0, run.output
    assert "POP3 localhost:%d" % mail_server.ports["pop3s"] in run.output
    assert not (home / "portal-ext.properties").exists()
