"""tools/demo_mail_server.py: a real SMTP -> POP3 round trip with the stdlib clients, and its process control."""

from __future__ import annotations

import base64
import json
import os
import poplib
import signal
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from harness import ROOT

SCRIPT = ROOT / "tools" / "demo_mail_server.py"
ADDRESS = "demo@localhost.localdomain"
PASSWORD = "demo p@ss,1ü"
TIMEOUT = 5


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "DEMO_MAIL_PASSWORD"}
    env.update(extra)
    return env


def _control(command, state_dir, *options, env=None):
    return subprocess.run(
        [sys.executable, str(SCRIPT), command, "--state-dir", str(state_dir), *options],
        capture_output=True,
        text=True,
        timeout=30,
        env=env or _env(),
        check=False,
    )


def _is_listening(port):
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _login_utf8(smtp, user, password):
    """AUTH PLAIN with UTF-8 credentials (RFC 4616): smtplib.login() can only send ASCII ones."""
    smtp.ehlo_or_helo_if_needed()
    blob = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + blob)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server started in the background by `start` on free ports with the default account."""
    state = tmp_path_factory.mktemp("mail")
    result = _control("start", state, "--smtp-port", "0", "--pop3-port", "0")
    assert result.returncode == 0, result.stderr
    info = json.loads((state / "ready.json").read_text(encoding="utf-8"))
    assert "SMTP 127.0.0.1:%d" % info["smtp_port"] in result.stdout
    assert "POP3 127.0.0.1:%d" % info["pop3_port"] in result.stdout
    info["state_dir"] = state
    yield info
    _control("stop", state)


def test_start_is_idempotent_and_never_shows_the_password(server):
    again = _control("start", server["state_dir"], "--smtp-port", "0", "--pop3-port", "0")
    assert again.returncode == 0, again.stderr
    assert "already" in again.stdout
    status = _control("status", server["state_dir"])
    assert status.returncode == 0
    assert "pid %d" % server["pid"] in status.stdout
    for text in (again.stdout, again.stderr, status.stdout, (server["state_dir"] / "ready.json").read_text()):
        assert PASSWORD not in text


def test_smtp_offers_plain_and_login_and_requires_auth(server):
    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        code, _ = smtp.ehlo()
        assert code == 250
        assert set(smtp.esmtp_features["auth"].split()) == {"PLAIN", "LOGIN"}
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.sendmail("liferay@localhost.localdomain", [ADDRESS], b"Subject: no auth\r\n\r\nx\r\n")
        assert refused.value.smtp_code == 530


def test_smtp_rejects_a_wrong_password(server):
    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as denied:
            smtp.login(ADDRESS, "wrong password")  # smtplib tries PLAIN, then LOGIN
        assert denied.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPAuthenticationError):
            _login_utf8(smtp, ADDRESS, PASSWORD[:-1] + "u")


def test_smtp_auth_login_mechanism(server):
    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        code, challenge = smtp.docmd("AUTH", "LOGIN")
        assert code == 334
        assert base64.b64decode(challenge).lower().startswith(b"user")
        code, challenge = smtp.docmd(base64.b64encode(ADDRESS.encode()).decode())
        assert code == 334
        assert base64.b64decode(challenge).lower().startswith(b"password")
        code, _ = smtp.docmd(base64.b64encode(PASSWORD.encode("utf-8")).decode())
        assert code == 235


def test_round_trip_smtp_to_pop3(server):
    message = EmailMessage()
    message["From"] = "liferay@localhost.localdomain"
    message["To"] = ADDRESS
    message["Subject"] = "demo round trip"
    message.set_content("first line\n.a line starting with a dot\nlast line\n")

    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        _login_utf8(smtp, ADDRESS, PASSWORD)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.send_message(message, to_addrs=["someone@example.com"])
        assert refused.value.recipients["someone@example.com"][0] == 550
        assert smtp.send_message(message) == {}

    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    try:
        pop.user(ADDRESS)
        with pytest.raises(poplib.error_proto, match="-ERR"):
            pop.pass_("wrong password")
    finally:
        pop.quit()

    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    pop.user(ADDRESS)
    assert pop.pass_(PASSWORD).startswith(b"+OK")
    count, size = pop.stat()
    assert count == 1
    _, listing, _ = pop.list()
    assert listing == [b"1 %d" % size]
    _, lines, _ = pop.retr(1)
    assert b"Subject: demo round trip" in lines
    assert lines[-3:] == [b"first line", b".a line starting with a dot", b"last line"]
    assert sum(len(line) + 2 for line in lines) == size
    assert pop.dele(1).startswith(b"+OK")
    with pytest.raises(poplib.error_proto):
        pop.dele(1)
    with pytest.raises(poplib.error_proto):
        pop.retr(1)
    assert pop.stat() == (0, 0)
    pop.quit()  # deletions are applied here

    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    pop.user(ADDRESS)
    pop.pass_(PASSWORD)
    assert pop.stat() == (0, 0)
    pop.quit()


def test_rset_undeletes_and_quitless_disconnect_keeps_messages(server):
    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        _login_utf8(smtp, ADDRESS, PASSWORD)
        smtp.sendmail("liferay@localhost.localdomain", [ADDRESS], b"Subject: keep\r\n\r\nkeep me\r\n")

    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    pop.user(ADDRESS)
    pop.pass_(PASSWORD)
    pop.dele(1)
    pop.rset()
    assert pop.stat()[0] == 1
    pop.dele(1)
    pop.close()  # no QUIT: nothing is deleted

    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    pop.user(ADDRESS)
    pop.pass_(PASSWORD)
    assert pop.stat()[0] == 1
    pop.dele(1)
    pop.quit()


def test_the_log_never_holds_the_password(server):
    # Clients that get it wrong: the password out of turn, a malformed AUTH PLAIN.
    pop = poplib.POP3("127.0.0.1", server["pop3_port"], timeout=TIMEOUT)
    for line in (PASSWORD, "PASS " + PASSWORD):
        with pytest.raises(poplib.error_proto) as refused:
            pop._shortcmd(line)
        assert PASSWORD.split()[0] not in str(refused.value).lower()
    pop.quit()
    with smtplib.SMTP("127.0.0.1", server["smtp_port"], timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        blob = base64.b64encode(b"no-user\0" + PASSWORD.encode("utf-8")).decode()
        assert smtp.docmd("AUTH", "PLAIN " + blob)[0] == 501
        assert smtp.noop()[0] == 250  # the connection survives it

    log = (server["state_dir"] / "server.log").read_text(encoding="utf-8")
    assert "demo mail server ready" in log
    assert PASSWORD not in log
    assert "demo p" not in log.lower()
    assert "Traceback" not in log
    assert base64.b64encode(PASSWORD.encode("utf-8")).decode() not in log


def test_start_stop_closes_the_ports(tmp_path):
    secret = "plain ascii secret"
    env = _env(DEMO_MAIL_PASSWORD=secret)
    started = _control("start", tmp_path, "--smtp-port", "0", "--pop3-port", "0", env=env)
    assert started.returncode == 0, started.stderr
    info = json.loads((tmp_path / "ready.json").read_text(encoding="utf-8"))
    cmdline = Path("/proc/%d/cmdline" % info["pid"])
    if cmdline.exists():
        assert secret.encode() not in cmdline.read_bytes()

    with smtplib.SMTP("127.0.0.1", info["smtp_port"], timeout=TIMEOUT) as smtp:
        smtp.login(ADDRESS, secret)
        smtp.sendmail("liferay@localhost.localdomain", [ADDRESS], b"Subject: ascii\r\n\r\nok\r\n")
    pop = poplib.POP3("127.0.0.1", info["pop3_port"], timeout=TIMEOUT)
    pop.user(ADDRESS)
    pop.pass_(secret)
    assert pop.stat()[0] == 1
    pop.quit()

    stopped = _control("stop", tmp_path)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert not _is_listening(info["smtp_port"])
    assert not _is_listening(info["pop3_port"])
    assert not (tmp_path / "server.pid").exists()
    assert not (tmp_path / "ready.json").exists()
    assert "not running" in _control("stop", tmp_path).stdout
    assert _control("status", tmp_path).returncode == 3


def test_foreground_run_exits_cleanly_on_sigterm(tmp_path):
    pidfile, ready, log = tmp_path / "pid", tmp_path / "ready.json", tmp_path / "log"
    command = [sys.executable, str(SCRIPT), "run", "--foreground", "--smtp-port", "0", "--pop3-port", "0"]
    command += ["--pidfile", str(pidfile), "--ready-file", str(ready), "--log-file", str(log)]
    process = subprocess.Popen(command, env=_env())
    try:
        deadline = time.monotonic() + 10
        while not ready.exists():
            assert process.poll() is None, "the server exited early"
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.05)
        info = json.loads(ready.read_text(encoding="utf-8"))
        assert info["pid"] == process.pid == int(pidfile.read_text())
        assert _is_listening(info["smtp_port"]) and _is_listening(info["pop3_port"])
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not pidfile.exists()
    assert not ready.exists()
    assert not _is_listening(info["smtp_port"])
    assert "demo mail server stopping" in log.read_text(encoding="utf-8")


def test_a_busy_port_fails_start_with_the_reason(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _control("start", tmp_path, "--smtp-port", str(port), "--pop3-port", "0", "--timeout", "10")
    assert result.returncode == 1
    assert "cannot listen" in result.stderr.lower() or "address already in use" in result.stderr.lower()
    assert not (tmp_path / "server.pid").exists()
