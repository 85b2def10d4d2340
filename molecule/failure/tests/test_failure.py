"""failure scenario: converge applied a working configuration with preflight on. Now the role is
run again with a wrong password, then with the mail server stopped: each run fails with the
documented error, names no password, and leaves portal-ext.properties exactly as it was."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from conftest import MAIL_WORKDIR, PODMAN

MAILSERVER = "/usr/local/lib/mailserver.py"  # where molecule/shared/prepare.yml put it
WRITE_TASK = "TASK [mail_session : Write the mail session into portal-ext.properties]"


@pytest.fixture(scope="module")
def snapshot(liferay, properties_path):
    """Callable: what the file is now (content, owner, mode, modification time)."""

    def take():
        written = liferay.file(properties_path)
        return written.sha256sum, written.user, written.group, written.mode, written.mtime

    return take


@pytest.fixture(scope="module")
def the_previous_configuration(snapshot):
    return snapshot()


@pytest.fixture
def stopped_mail_server(mail, mail_name, liferay_vars):
    """Postfix and Dovecot stopped for one test, started again (same CA, same account) afterwards."""
    assert mail.check_output("python3 %s stop --workdir %s", MAILSERVER, MAIL_WORKDIR).startswith("stopped")
    yield
    start = [
        *(PODMAN, "exec", "--env", "MAILSERVER_PASSWORD", mail_name, "python3", MAILSERVER, "start"),
        *("--workdir=" + MAIL_WORKDIR, "--listen=0.0.0.0", "--standard-ports", "--name=" + mail_name),
        "--user=" + liferay_vars["mail_session_pop_user"],
    ]
    # the password reaches the container through the environment, not a command line
    env = dict(os.environ, MAILSERVER_PASSWORD=liferay_vars["mail_session_pop_password"])
    proc = subprocess.run(start, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("started"), proc.stdout + proc.stderr


def assert_failed_before_writing(run, liferay_name):
    assert run.returncode == 2, run.output
    assert run.recap[liferay_name]["failed"] == 1 and run.recap[liferay_name]["changed"] == 0, run.output
    assert "Check SMTP and POP3 from the Liferay host (preflight)" in run.output
    assert WRITE_TASK not in run.output, run.output


def test_a_wrong_password_fails_and_keeps_the_previous_configuration(
    playbook, liferay_name, liferay_vars, snapshot, the_previous_configuration
):
    wrong = "wrong-%s" % uuid.uuid4().hex
    run = playbook("playbooks/site.yml", mail_session_smtp_password=wrong, mail_session_pop_password=wrong)
    assert_failed_before_writing(run, liferay_name)
    user = liferay_vars["mail_session_smtp_user"]
    assert "SMTP mail:587: credentials for user '%s' rejected: 535" % user in run.output
    assert "POP3 mail:995: credentials for user '%s' rejected" % user in run.output
    assert wrong not in run.output
    assert snapshot() == the_previous_configuration


def test_a_stopped_mail_server_fails_and_keeps_the_previous_configuration(
    playbook, liferay_name, snapshot, the_previous_configuration, stopped_mail_server
):
    # a change that would be written (implicit TLS on 465) if the check let it through
    run = playbook("playbooks/site.yml", mail_session_smtp_security="ssl", mail_session_smtp_port=465)
    assert_failed_before_writing(run, liferay_name)
    assert "SMTP mail:465: connection refused (nothing listens on port 465" in run.output
    assert "POP3 mail:995: connection refused (nothing listens on port 995" in run.output
    assert snapshot() == the_previous_configuration


def test_the_previous_configuration_still_works(playbook, liferay_name, snapshot, the_previous_configuration):
    run = playbook("playbooks/site.yml")
    assert run.returncode == 0, run.output
    assert run.recap[liferay_name]["changed"] == 0, run.output
    assert "round trip: the probe arrived" in run.output
    assert snapshot() == the_previous_configuration
