"""mail_session_verify against a real Postfix + Dovecot on 127.0.0.1 (tests/harness/mailserver.py).

The module runs in-process (the way Ansible's own unit tests run modules), as a process the way
Ansible runs it (for the tests that need a network or mount namespace of their own), and once
through the real ``ansible`` CLI at -vvv.

What is proven against what:

- the real Postfix + Dovecot: every good path, round trips, wrong passwords, TLS/plain-text
  mix-ups, STARTTLS not offered, an untrusted CA, and a host-name mismatch (the real servers'
  certificate reached by a name it does not carry, mapped to 127.0.0.1 by an /etc/hosts of a
  private mount namespace);
- the kernel, no server at all: a closed port (refused), packets dropped by an nftables rule in a
  network namespace reached over a veth pair (timeout), the retry schedule read from the SYNs'
  kernel timestamps on loopback (tests/harness/packet_trace.py), and name lookups answered by a DNS
  responder the test runs in a namespace of its own (tests/harness/dns_server.py, tests/harness/netns.py);
- tiny Python listeners on 127.0.0.1 started by the tests, for what real servers cannot be made
  to do on demand: accept and never answer, stall after EHLO, after AUTH or in the TLS handshake,
  echo the password back, start late, offer AUTH without STARTTLS.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import itertools
import json
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from harness import TESTS
from harness.ansible_run import ansible_module
from harness.fake_servers import FakeServer, silent, smtp_fake
from harness.mailserver import MailServer, free_ports
from harness.netns import NetNS, missing_requirements, module_process
from harness.packet_trace import TCPTrace

from ansible_collections.liferay_ops.mail.plugins.module_utils.probes import redact as verify_redact
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes import smtp as verify_smtp
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes import store as verify_store
from ansible_collections.liferay_ops.mail.plugins.modules import verify as mail_session_verify

HOST = "127.0.0.1"
USER = MailServer.USER
PASSWORD = MailServer.PASSWORD
# ASCII part of the password: still recognisable where output escapes the rest
PASSWORD_MARK = "p@ss,w0rd"
WRONG = 'wr0ng-p@ss,wörd "x'  # a rejected password, just as distinctive
WRONG_MARK = "wr0ng-p@ss"


# --------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------


@pytest.fixture
def verify(run_module):
    """liferay_ops.mail.verify, run in-process: conftest's run_module for this module."""
    return functools.partial(run_module, mail_session_verify)


def smtp(server, port_name, security, user=USER, password=PASSWORD):
    return {"host": HOST, "port": server.ports[port_name], "security": security, "user": user, "password": password}


def store(server, port_name, security, protocol=None, user=USER, password=PASSWORD):
    protocol = protocol or ("imap" if port_name.startswith("imap") else "pop3")
    return {
        "protocol": protocol,
        "host": HOST,
        "port": server.ports[port_name],
        "security": security,
        "user": user,
        "password": password,
    }


def assert_hidden(text, *secrets):
    """None of the secrets, in any form a library or server may print them, is in text."""
    for secret in secrets or (PASSWORD, WRONG):
        raw = secret.encode("utf-8")
        forms = {
            secret,
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
            repr(raw)[2:-1],
            base64.b64encode(raw).decode(),
            base64.b64encode(("\0%s\0%s" % (USER, secret)).encode()).decode(),
        }
        for form in forms:
            assert form not in text, "secret shown as %r" % form
    for mark in (PASSWORD_MARK, WRONG_MARK):
        assert mark not in text


def cert_not_after(path):
    out = subprocess.run(
        ["openssl", "x509", "-enddate", "-noout", "-in", str(path)], capture_output=True, text=True, check=True
    ).stdout
    seconds = ssl.cert_time_to_seconds(out.strip().split("=", 1)[1])
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


# SMTP fakes (tests/harness/fake_servers.py): each answers EHLO with its extensions, QUIT with 221 and
# anything else with its default answer
def echo_auth(server, conn, line):
    """Refuse the credentials and echo them back, raw and decoded."""
    blob = line.split()[-1]
    decoded = base64.b64decode(blob).decode("utf-8").replace("\0", " | ")
    server.send(conn, "535 5.7.8 rejected %s (that is: %s)" % (blob, decoded))


# offers AUTH and echoes the credentials back in its refusal
echoing_smtp = smtp_fake("echo.example.test", ["AUTH PLAIN LOGIN"], answers={"AUTH": echo_auth})
# offers AUTH but no STARTTLS: a client with security starttls must stop before sending anything
smtp_without_starttls = smtp_fake("plain.example.test", ["AUTH PLAIN LOGIN", "8BITMIME"], other="250 ok")
minimal_smtp = smtp_fake("late.example.test", ["8BITMIME"])


def echoing_pop3(server, conn):
    server.send(conn, "+OK echo POP3 ready")
    for line in server.lines(conn):
        verb, _, arg = line.partition(" ")
        if verb.upper() == "PASS":
            server.send(conn, "-ERR [AUTH] wrong password %s, expected something else" % arg)
        elif verb.upper() == "QUIT":
            server.send(conn, "+OK bye")
            return
        else:
            server.send(conn, "+OK")


# --------------------------------------------------------------------------
# good paths against the real servers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("port_name", "security", "with_auth", "tls"),
    [
        ("smtp", "none", False, False),
        ("smtp", "starttls", False, True),
        ("submission", "starttls", True, True),
        ("smtps", "ssl", True, True),
    ],
)
def test_smtp_good_paths(verify, mail_server, port_name, security, with_auth, tls):
    cfg = smtp(mail_server, port_name, security) if with_auth else smtp(mail_server, port_name, security, user="")

    result = verify(smtp=cfg, ca_file=str(mail_server.ca_file))

    assert not result.get("failed"), result.get("msg")
    check = result["smtp"]
    assert result["ok"] is check["ok"] is True
    assert check["error_class"] is None and check["error"] is None
    assert check["banner"].startswith("mail.example.test ESMTP Postfix")
    assert check["authenticated"] is with_auth
    assert check["latency_ms"] >= 0 and check["attempts"] == 1
    assert "store" not in result
    if tls:
        assert check["tls_version"] in ("TLSv1.2", "TLSv1.3")
        expected = cert_not_after(mail_server.cert_file)
        assert check["cert_not_after"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert 360 <= check["cert_days_left"] <= 365
    else:
        assert check["tls_version"] is None and check["cert_not_after"] is None
    if with_auth:
        assert {"PLAIN", "LOGIN"} <= set(check["auth_mechanisms"])
    if port_name == "smtp":
        assert check["starttls_offered"] is True
    if security == "none":
        assert any("offers STARTTLS but security is none" in w for w in result["warnings"])
    else:
        assert result["warnings"] == []
    assert_hidden(result["_printed"])


@pytest.mark.parametrize(
    ("port_name", "security", "tls"),
    [
        ("pop3", "none", False),
        ("pop3", "starttls", True),
        ("pop3s", "ssl", True),
        ("imap", "none", False),
        ("imap", "starttls", True),
        ("imaps", "ssl", True),
    ],
)
def test_store_good_paths(verify, mail_server, port_name, security, tls):
    result = verify(store=store(mail_server, port_name, security), ca_file=str(mail_server.ca_file))

    assert not result.get("failed"), result.get("msg")
    check = result["store"]
    assert check["ok"] is True and check["authenticated"] is True
    assert check["protocol"] == ("imap" if port_name.startswith("imap") else "pop3")
    assert isinstance(check["message_count"], int)
    assert "Dovecot" in check["banner"]
    assert (check["tls_version"] is not None) is tls
    assert (check["cert_days_left"] is not None) is tls
    assert_hidden(result["_printed"])


def test_smtp_and_store_together_in_check_mode(verify, mail_server):
    result = verify(
        check_mode=True,
        smtp=smtp(mail_server, "submission", "starttls"),
        store=store(mail_server, "imaps", "ssl"),
        ca_file=str(mail_server.ca_file),
    )

    assert result["ok"] is True and result["changed"] is False
    assert result["smtp"]["authenticated"] and result["store"]["authenticated"]
    smtp_line, store_line = result["summary"]
    assert smtp_line.startswith("SMTP %s:%d (starttls): ok in " % (HOST, mail_server.ports["submission"]))
    assert "authenticated as '%s'" % USER in smtp_line and "AUTH PLAIN LOGIN" in smtp_line
    assert store_line.startswith("IMAP %s:%d (ssl): ok in " % (HOST, mail_server.ports["imaps"]))
    assert "TLSv1." in store_line and "certificate valid until 20" in store_line and "message" in store_line
    # the module's own arguments come back masked by Ansible's no_log
    assert result["invocation"]["module_args"]["smtp"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert_hidden(result["_printed"])


def test_non_ascii_password_also_with_smtp_auth_login_and_imap_login_literal(verify, mail_server, monkeypatch):
    # Force the fallbacks the real servers would not choose: SMTP AUTH LOGIN instead of PLAIN,
    # and IMAP LOGIN (password sent as a literal) instead of AUTHENTICATE PLAIN.
    authenticate = verify_smtp.SMTPProbe.authenticate
    monkeypatch.setattr(
        verify_smtp.SMTPProbe,
        "authenticate",
        lambda self, client, mechanisms: authenticate(self, client, [m for m in mechanisms if m != "PLAIN"]),
    )
    get_capabilities = verify_store._IMAP._get_capabilities

    def without_auth_plain(self):
        get_capabilities(self)
        self.capabilities = tuple(c for c in self.capabilities if c != "AUTH=PLAIN")

    monkeypatch.setattr(verify_store._IMAP, "_get_capabilities", without_auth_plain)
    sent = []  # the commands the two clients sent
    docmd = verify_smtp._SMTP.docmd
    simple_command = verify_store._IMAP._simple_command
    monkeypatch.setattr(
        verify_smtp._SMTP, "docmd", lambda self, cmd, args="": sent.append(cmd) or docmd(self, cmd, args)
    )
    monkeypatch.setattr(
        verify_store._IMAP,
        "_simple_command",
        lambda self, name, *args: sent.append(name) or simple_command(self, name, *args),
    )

    result = verify(
        smtp=smtp(mail_server, "smtps", "ssl"),
        store=store(mail_server, "imaps", "ssl"),
        ca_file=str(mail_server.ca_file),
    )

    assert result["ok"] is True, result.get("msg")
    assert result["smtp"]["authenticated"] and result["store"]["authenticated"]
    assert "AUTH" in sent and "LOGIN" in sent and "AUTHENTICATE" not in sent
    assert_hidden(result["_printed"])


# --------------------------------------------------------------------------
# round trip through Postfix -> LMTP -> Dovecot
# --------------------------------------------------------------------------


@pytest.mark.parametrize("store_port", ["pop3s", "imaps"])
def test_roundtrip_delivers_finds_and_deletes_the_probe(verify, mail_server, store_port):
    ca = str(mail_server.ca_file)
    before = verify(store=store(mail_server, store_port, "ssl"), ca_file=ca)["store"]["message_count"]

    result = verify(
        smtp=smtp(mail_server, "submission", "starttls"),
        store=store(mail_server, store_port, "ssl"),
        ca_file=ca,
        roundtrip=True,
        roundtrip_to=USER,
        roundtrip_deadline=20,
    )

    assert result["ok"] is True, result.get("msg")
    trip = result["roundtrip"]
    assert trip["ok"] is True and trip["deleted"] is True
    assert trip["error"] is None and trip["polls"] >= 1
    assert 0 < trip["latency_ms"] < 20000
    token = trip["subject"].rsplit(" ", 1)[1]
    assert len(token) == 32 and token in trip["message_id"]
    assert trip["message_id"] in mail_server.logs()  # Dovecot's LMTP really saved it
    after = verify(store=store(mail_server, store_port, "ssl"), ca_file=ca)["store"]["message_count"]
    assert after == before
    assert_hidden(result["_printed"])


def test_roundtrip_to_an_address_the_account_does_not_receive_times_out(verify, mail_server):
    result = verify(
        smtp=smtp(mail_server, "submission", "starttls"),
        store=store(mail_server, "imaps", "ssl"),
        ca_file=str(mail_server.ca_file),
        roundtrip=True,
        roundtrip_to="nobody-here@example.test",
        # the bounce goes nowhere (not into the test account's mailbox, whose count other tests compare)
        roundtrip_from="probe@nowhere.invalid",
        roundtrip_deadline=1.5,
    )

    assert result["failed"] is True
    trip = result["roundtrip"]
    assert trip["ok"] is False
    # Dovecot's LMTP refuses the unknown user, and Postfix accepts first and bounces later,
    # so the probe never arrives: reported as a timeout naming both ends
    assert trip["error_class"] == "timeout"
    assert "was not in the mailbox" in trip["error"] and "nobody-here@example.test" in trip["error"]
    assert result["msg"].splitlines()[-1] == trip["error"]
    assert result["_elapsed"] < 6


# --------------------------------------------------------------------------
# failures against the real servers
# --------------------------------------------------------------------------


def test_wrong_smtp_password_is_auth_and_never_shown(verify, mail_server):
    result = verify(
        smtp=smtp(mail_server, "submission", "starttls", password=WRONG),
        ca_file=str(mail_server.ca_file),
        retries=3,
    )

    assert result["failed"] is True
    check = result["smtp"]
    assert check["error_class"] == "auth" and check["authenticated"] is False
    assert check["attempts"] == 1  # credentials are never retried
    assert check["error"].startswith("SMTP %s:%d: " % (HOST, mail_server.ports["submission"]))
    assert "'%s' rejected: 535" % USER in check["error"]
    assert result["msg"] == "mail server check failed:\n" + check["error"]
    assert_hidden(result["_printed"])


def test_wrong_pop3_password_is_auth_and_never_shown(verify, mail_server):
    result = verify(
        smtp=smtp(mail_server, "smtps", "ssl"),
        store=store(mail_server, "pop3s", "ssl", password=WRONG),
        ca_file=str(mail_server.ca_file),
    )

    assert result["failed"] is True
    assert result["smtp"]["ok"] is True  # the other check is unaffected
    check = result["store"]
    assert check["error_class"] == "auth"
    assert check["error"].startswith("POP3 %s:%d: " % (HOST, mail_server.ports["pop3s"]))
    assert "rejected" in check["error"] and "Authentication failed" in check["error"]
    assert result["msg"] == "mail server check failed:\n" + check["error"]
    assert_hidden(result["_printed"])


def test_tls_spoken_to_a_plain_text_port_is_tls_handshake_with_hint(verify, mail_server):
    result = verify(smtp=smtp(mail_server, "smtp", "ssl", user=""), ca_file=str(mail_server.ca_file))

    check = result["smtp"]
    assert check["error_class"] == "tls_handshake"
    assert "is this a plain-text port? for port 465 use security ssl, for 587 starttls" in check["error"]
    assert result["_elapsed"] < 5


@pytest.mark.parametrize(("port_name", "hint"), [("smtps", "465 use security ssl"), ("pop3s", "995 use security ssl")])
def test_plain_text_spoken_to_a_tls_port_is_reported_within_the_timeout(verify, mail_server, port_name, hint):
    cfg = (
        smtp(mail_server, port_name, "none")
        if port_name == "smtps"
        else store(mail_server, port_name, "none", protocol="pop3")
    )

    result = verify(**{"smtp" if port_name == "smtps" else "store": cfg}, timeout=1.5)

    check = result["smtp" if port_name == "smtps" else "store"]
    assert check["error_class"] in ("timeout", "protocol")
    assert "implicit-TLS port? for port " + hint in check["error"]
    assert result["_elapsed"] < 1.5 + 1
    assert_hidden(result["_printed"])


def test_starttls_required_but_not_offered_by_postfix(verify, mail_server):
    result = verify(smtp=smtp(mail_server, "smtp_notls", "starttls"), ca_file=str(mail_server.ca_file))

    check = result["smtp"]
    assert check["error_class"] == "starttls_unavailable"
    assert "does not offer STARTTLS" in check["error"] and "nothing was sent in plain text" in check["error"]
    assert check["authenticated"] is False


def test_starttls_unavailable_sends_no_credentials(verify):
    with FakeServer(smtp_without_starttls) as server:
        result = verify(
            smtp={"host": HOST, "port": server.port, "security": "starttls", "user": USER, "password": PASSWORD},
        )

    assert result["smtp"]["error_class"] == "starttls_unavailable"
    assert [line.split(" ")[0].upper() for line in server.received] == ["EHLO"]  # no AUTH, no MAIL


def test_untrusted_certificate_without_ca_file(verify, mail_server):
    result = verify(smtp=smtp(mail_server, "smtps", "ssl"))

    check = result["smtp"]
    assert check["error_class"] == "certificate"
    assert "certificate verification failed" in check["error"]
    assert "set ca_file to the CA certificate that signed it" in check["error"]
    assert check["authenticated"] is False
    assert_hidden(result["_printed"])


def private_hosts(tmp_path, names):
    """A wrapper command: a private mount namespace (same network) in which /etc/hosts maps each of
    names to 127.0.0.1 and host names are looked up in that file only (nsswitch "hosts: files"), so
    no DNS server is asked."""
    hosts = tmp_path / "hosts"
    hosts.write_text("".join("127.0.0.1 %s\n" % name for name in names), encoding="utf-8")
    nsswitch = tmp_path / "nsswitch.conf"
    nsswitch.write_text("passwd: files\ngroup: files\nshadow: files\nhosts: files\n", encoding="utf-8")
    script = 'mount --bind "$0" /etc/hosts && mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(hosts), str(nsswitch)]


@pytest.mark.parametrize(
    ("smtp_port", "smtp_security", "store_port", "store_security"),
    [("smtps", "ssl", "imaps", "ssl"), ("submission", "starttls", "pop3", "starttls")],
)
def test_certificate_for_another_host_name_on_the_real_servers(
    mail_server, tmp_path, smtp_port, smtp_security, store_port, store_security
):
    need_root()
    other = "mail.liferay.test"
    # the premise: the real servers' certificate names localhost and 127.0.0.1, not the other name
    san = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(mail_server.cert_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "DNS:localhost" in san and "IP Address:127.0.0.1" in san and other not in san
    wrapper = private_hosts(tmp_path, ["localhost", other])

    def args(host):
        return {
            "smtp": dict(smtp(mail_server, smtp_port, smtp_security), host=host),
            "store": dict(store(mail_server, store_port, store_security), host=host),
            "ca_file": str(mail_server.ca_file),
            "fail_on_error": False,
        }

    # the control: the same servers, CA and lookup by a name the certificate lists
    named, _ = module_process(args("localhost"), wrapper)
    mismatch, _ = module_process(args(other), wrapper)

    assert named["smtp"]["ok"] and named["store"]["ok"], named["summary"]
    assert named["smtp"]["authenticated"] and named["store"]["authenticated"]
    for name, port_name in (("smtp", smtp_port), ("store", store_port)):
        check = mismatch[name]
        label = {"smtp": "SMTP", "store": "IMAP" if store_port.startswith("imap") else "POP3"}[name]
        assert check["error_class"] == "certificate", check["error"]
        assert check["error"] == (
            "%s %s:%d: certificate verification failed (Hostname mismatch, certificate is not valid for '%s'.): "
            "the certificate was not issued for %s; connect with a name it lists"
            % (label, other, mail_server.ports[port_name], other, other)
        )
        assert check["authenticated"] is False
    assert_hidden(json.dumps(mismatch))


def test_tls_verify_false_accepts_the_certificate_with_a_warning(verify, mail_server):
    result = verify(store=store(mail_server, "imaps", "ssl"), tls_verify=False, cert_expiry_warn_days=400)

    check = result["store"]
    assert check["ok"] is True and check["tls_version"]
    assert 360 <= check["cert_days_left"] <= 365
    assert any("certificates are not verified" in w for w in result["warnings"])
    assert any("server certificate expires on" in w and "IMAP" in w for w in result["warnings"])


def test_bad_ca_file_fails_clearly(verify, tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")

    result = verify(smtp={"host": HOST, "port": 1, "security": "ssl"}, ca_file=str(bad))

    assert result["failed"] is True and "cannot be loaded" in result["msg"]


# --------------------------------------------------------------------------
# timing and classification: each fault's class and the time it takes to be reported
# --------------------------------------------------------------------------
#
# Margins, chosen for a loaded 2-core machine: a check that has to wait for its deadline takes
# at least 0.9 * timeout (it never ends early) and at most timeout + 2 s (measured at a load
# average of 6-13: the attempt 1.99-2.01 s, the whole module 2.00-2.48 s for a 2 s timeout); a
# refused connection, which must not wait, under 1 s for the attempt and 2 s for the module with
# a 10 s timeout (measured: 1-3 ms and 0.10-0.39 s). A retry's wait on the wire is at least its
# delay and at most delay + max(0.3 s, 25 %) (measured: +1 to +24 ms).

FAULT_TIMEOUT = 2.0
SLACK = 2.0


def need_root():
    """The tests of real network paths must not be skipped: make test runs them as root."""
    problems = missing_requirements()
    if problems:
        pytest.fail(
            "this test proves the behaviour on a real network path (network namespace, nftables, packet "
            "timestamps) and is never skipped: " + "; ".join(problems)
        )


def assert_waited_for_the_timeout(result, check, timeout=FAULT_TIMEOUT):
    latency = check["latency_ms"] / 1000
    assert timeout * 0.9 <= latency <= timeout + SLACK, "attempt took %.3f s, timeout %g s" % (latency, timeout)
    elapsed = result["_elapsed"]
    assert timeout * 0.9 <= elapsed <= timeout + SLACK, "module took %.3f s, timeout %g s" % (elapsed, timeout)


def silent_recording(server, conn):
    """Accept, read what the client sends (kept in server.raw), never answer."""
    server.raw = b""
    conn.settimeout(0.1)
    while not server.stopped.is_set():
        try:
            data = conn.recv(4096)
        except TimeoutError:
            continue
        if not data:
            return
        server.raw += data


def stalls_on(verb):
    """An SMTP server that answers (EHLO offers STARTTLS and AUTH) until the client sends verb, then
    says nothing more; for STARTTLS it still says 220 and then stalls in the TLS handshake."""

    def stall(server, conn, _line):
        if verb == "STARTTLS":
            server.send(conn, "220 2.0.0 Ready to start TLS")
        server.stopped.wait(30)
        return True

    return smtp_fake("stall.example.test", ["STARTTLS", "AUTH PLAIN LOGIN"], answers={verb: stall}, bye=False)


AUTH = {"user": USER, "password": PASSWORD}
# case: (handler, which check, its settings, error after "PROTO host:port: ", verbs the server got)
STALLS = {
    "smtp-silent-after-accept": (silent_recording, "smtp", {"security": "none"}, "no greeting within 2 s", []),
    "pop3-silent-after-accept": (silent_recording, "pop3", {"security": "none"}, "no greeting within 2 s", []),
    "smtp-stall-after-ehlo": (
        stalls_on("EHLO"),
        "smtp",
        {"security": "none"},
        "no answer to EHLO within 2 s",
        ["EHLO"],
    ),
    "smtp-stall-after-auth": (
        stalls_on("AUTH"),
        "smtp",
        {"security": "none", **AUTH},
        "no answer to AUTH within 2 s",
        ["EHLO", "AUTH"],
    ),
    "smtp-stall-in-implicit-tls-handshake": (
        silent_recording,
        "smtp",
        {"security": "ssl"},
        "the TLS handshake did not complete within 2 s",
        [],
    ),
    "smtp-stall-in-tls-handshake-after-starttls": (
        stalls_on("STARTTLS"),
        "smtp",
        {"security": "starttls"},
        "the TLS handshake did not complete within 2 s",
        ["EHLO", "STARTTLS"],
    ),
}


@pytest.mark.parametrize("case", list(STALLS))
def test_stalled_server_is_timeout_after_the_timeout(verify, case):
    handler, family, settings, error, verbs = STALLS[case]
    with FakeServer(handler) as server:
        cfg = {"host": HOST, "port": server.port, **settings}
        key = "smtp" if family == "smtp" else "store"
        if key == "store":
            cfg["protocol"] = family
        result = verify(**{key: cfg}, timeout=FAULT_TIMEOUT, fail_on_error=False)

    check = result[key]
    assert check["error_class"] == "timeout", check["error"]
    assert check["error"].startswith("%s %s:%d: %s" % (family.upper(), HOST, server.port, error))
    assert check["attempts"] == 1
    assert_waited_for_the_timeout(result, check)
    # where it stalled: what the server got before it fell silent
    assert [line.split(" ", 1)[0].upper() for line in server.received] == verbs
    if case == "smtp-stall-in-implicit-tls-handshake":
        assert server.raw[:1] == b"\x16"  # a TLS handshake record: the ClientHello arrived, unanswered
    assert_hidden(result["_printed"])


def test_closed_port_is_refused_at_once(verify):
    port = free_ports(1)[0]

    result = verify(smtp={"host": HOST, "port": port, "security": "starttls"}, timeout=10)

    check = result["smtp"]
    assert check["error_class"] == "refused"
    assert check["error"] == "SMTP %s:%d: connection refused (nothing listens on port %d, or a firewall rejects it)" % (
        HOST,
        port,
        port,
    )
    # the attempt itself takes milliseconds; the module's 2 s include loading the CA store (STARTTLS)
    assert check["latency_ms"] < 1000, check["latency_ms"]
    assert result["_elapsed"] < 2.0, result["_elapsed"]


DROPPED_PORT, OPEN_PATH_PORT = 2525, 2526


def test_dropped_packets_are_timeout_after_the_timeout(verify):
    """SYNs to the port are dropped by an nftables rule inside a network namespace this test makes,
    reached from here over a veth pair; the same path to another port of the namespace is refused."""
    need_root()
    with NetNS() as ns:
        _, address = ns.veth()
        ns.nft(
            "table inet verify {\n"
            "  chain input {\n"
            "    type filter hook input priority 0; policy accept;\n"
            '    tcp dport %d counter drop comment "dropped"\n'
            "  }\n"
            "}\n" % DROPPED_PORT
        )
        # the control: the path works, and a port without the rule is refused at once
        control = verify(smtp={"host": address, "port": OPEN_PATH_PORT, "security": "none"}, timeout=10)
        result = verify(smtp={"host": address, "port": DROPPED_PORT, "security": "none"}, timeout=FAULT_TIMEOUT)
        dropped = ns.counters()["dropped"]

    assert control["smtp"]["error_class"] == "refused" and control["_elapsed"] < 1.0, control["smtp"]["error"]
    check = result["smtp"]
    assert check["error_class"] == "timeout", check["error"]
    assert check["error"] == (
        "SMTP %s:%d: no TCP connection within 2 s (host down, or a firewall dropping packets?)"
        % (address, DROPPED_PORT)
    )
    assert_waited_for_the_timeout(result, check)
    assert dropped >= 1  # the rule dropped the SYN (and its retransmission)


def test_address_without_a_route_is_network_at_once():
    """In a network namespace with nothing but its loopback, an outside address has no route."""
    need_root()
    with NetNS() as ns:
        result, _ = module_process(
            {"smtp": {"host": "198.51.100.25", "port": 25, "security": "none"}, "timeout": 10}, ns.command()
        )

    check = result["smtp"]
    assert check["error_class"] == "network", check["error"]
    assert check["error"] == "SMTP 198.51.100.25:25: cannot connect: Network is unreachable"
    assert check["latency_ms"] < 1000


RETRIES, RETRY_DELAY = 3, 0.4


def assert_doubling(waits, delay=RETRY_DELAY):
    """Each wait on the wire is delay, 2*delay, 4*delay... (never less, at most max(0.3 s, 25 %) more)."""
    expected = [delay * 2**number for number in range(len(waits))]
    for wait, want in zip(waits, expected, strict=True):
        assert want - 0.02 <= wait <= want + max(0.3, want * 0.25), "waits %s, expected %s" % (
            ["%.3f" % w for w in waits],
            expected,
        )


def test_retry_schedule_on_the_wire_for_a_refused_port(verify):
    """Each attempt is a SYN to a closed port (the kernel answers RST); their kernel timestamps."""
    need_root()
    port = free_ports(1)[0]
    with TCPTrace(port) as trace:
        result = verify(
            smtp={"host": HOST, "port": port, "security": "none"},
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
            timeout=5,
        )

    check = result["smtp"]
    assert check["error_class"] == "refused" and check["attempts"] == RETRIES + 1
    assert trace.dropped == 0
    syns = [start for start, _end, _port in trace.connections()]
    assert len(syns) == RETRIES + 1, trace.packets
    assert_doubling([later - earlier for earlier, later in itertools.pairwise(syns)])


def test_retry_schedule_on_the_wire_for_a_silent_server(verify):
    """Each attempt connects to a server that never answers, waits for its own full timeout, closes
    (the client's FIN), waits the delay and connects again (the next SYN)."""
    need_root()
    timeout = 0.5
    with FakeServer(silent) as server, TCPTrace(server.port) as trace:
        result = verify(
            smtp={"host": HOST, "port": server.port, "security": "none"},
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
            timeout=timeout,
        )

    check = result["smtp"]
    assert check["error_class"] == "timeout" and check["attempts"] == RETRIES + 1
    assert trace.dropped == 0
    connections = trace.connections()
    assert len(connections) == RETRIES + 1, trace.packets
    assert all(end is not None for _start, end, _port in connections), connections
    for start, end, _port in connections:  # every attempt gets a fresh, full timeout
        assert timeout * 0.9 <= end - start <= timeout + SLACK, end - start
    assert_doubling([nxt[0] - prev[1] for prev, nxt in itertools.pairwise(connections)])


def test_smtp_and_store_are_checked_concurrently(verify):
    with FakeServer(silent) as first, FakeServer(silent) as second:
        result = verify(
            smtp={"host": HOST, "port": first.port, "security": "none"},
            store={"protocol": "imap", "host": HOST, "port": second.port, "security": "none"},
            timeout=3,
        )

    assert result["smtp"]["error_class"] == result["store"]["error_class"] == "timeout", result["msg"]
    # together about 3 s; one after the other would take 6 s (a wide margin for a loaded machine)
    assert result["_elapsed"] < 5
    assert len(result["msg"].splitlines()) == 3


def test_retries_with_backoff_wait_for_a_server_that_starts_late(verify):
    with FakeServer(minimal_smtp, start_after=1.0) as server:
        result = verify(
            smtp={"host": HOST, "port": server.port, "security": "none"},
            retries=4,
            retry_delay=0.4,
            timeout=2,
        )

    check = result["smtp"]
    assert check["ok"] is True, check["error"]
    # refused at 0 s and 0.4 s; the third attempt (1.2 s) normally finds it listening
    assert 3 <= check["attempts"] <= 4
    assert check["banner"] == "late.example.test ESMTP"
    assert 0.9 <= result["_elapsed"] < 4


def test_without_retries_a_late_server_is_refused(verify):
    with FakeServer(minimal_smtp, start_after=1.0) as server:
        result = verify(smtp={"host": HOST, "port": server.port, "security": "none"})

    assert result["smtp"]["error_class"] == "refused" and result["smtp"]["attempts"] == 1


def test_fail_on_error_false_reports_failures_as_warnings(verify, mail_server):
    result = verify(
        smtp=smtp(mail_server, "submission", "starttls"),
        store=store(mail_server, "pop3s", "ssl", password=WRONG),
        ca_file=str(mail_server.ca_file),
        fail_on_error=False,
        roundtrip=True,
        roundtrip_to=USER,
    )

    assert not result.get("failed")
    assert result["ok"] is False
    assert result["smtp"]["ok"] is True
    assert result["store"]["ok"] is False and result["store"]["error_class"] == "auth"
    assert result["store"]["error"] in result["warnings"]
    assert result["summary"][0] == "FAILED " + result["store"]["error"]
    assert result["summary"][1].startswith("FAILED round trip skipped")
    assert result["summary"][2].startswith("SMTP ")
    assert result["roundtrip"] == {
        "ok": False,
        "error_class": "skipped",
        "error": "round trip skipped: the checks above failed",
    }
    assert_hidden(result["_printed"])


# --------------------------------------------------------------------------
# name lookups, answered by a DNS server the tests run in a network namespace of their own
# --------------------------------------------------------------------------

DNS_SERVER, DNS_TARGET = "198.18.200.53", "198.18.200.25"
KNOWN, NXDOMAIN_NAME, SILENT_NAME = "smtp.liferay.test", "mail.liferay.test", "slow.liferay.test"


def machine_resolvers():
    """The nameservers of this machine's /etc/resolv.conf (read, never asked)."""
    found = {"ip": [], "ip6": []}
    with contextlib.suppress(OSError):
        for line in Path("/etc/resolv.conf").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                found["ip6" if ":" in parts[1] else "ip"].append(parts[1].split("%")[0])
    return found


class DNSNamespace:
    """The namespace: its only resolver is tests/harness/dns_server.py on DNS_SERVER; its default route
    leads nowhere, and nftables counts in OUTPUT what is sent to DNS or out of the namespace."""

    def __init__(self, ns, log):
        self.ns, self.log = ns, log

    def run(self, args):
        """The module in the namespace -> (result, {counter: packets during the run})."""
        before = self.ns.counters()
        result, _ = module_process(args, self.ns.command())
        after = self.ns.counters()
        return result, {name: after[name] - before.get(name, 0) for name in after}

    def queries(self, name):
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [(q["type"], q["done"]) for q in map(json.loads, lines) if q.get("name") == name]


def watch_rules():
    resolvers = machine_resolvers()
    rules = [
        'meta l4proto { tcp, udp } th dport 53 ip daddr %s counter comment "dns to the test server"' % DNS_SERVER,
        'meta l4proto { tcp, udp } th dport 53 ip daddr != %s counter comment "dns elsewhere"' % DNS_SERVER,
        'meta l4proto { tcp, udp } th dport 53 meta nfproto ipv6 counter comment "dns over ipv6"',
        'ip daddr != { 127.0.0.0/8, 198.18.200.0/24 } counter comment "ipv4 out of the namespace"',
        # link-local multicast (neighbour discovery of the namespace's own link) stays on the link
        'ip6 daddr != { ::1, ff02::/16 } counter comment "ipv6 out of the namespace"',
        'ip daddr %s tcp dport 2525 tcp flags & (syn | ack) == syn counter comment "syn to the address"' % DNS_TARGET,
    ]
    for family, addresses in resolvers.items():
        if addresses:
            listed = ", ".join(addresses)
            rules.append('%s daddr { %s } counter comment "the machine\'s resolver (%s)"' % (family, listed, family))
    body = "".join("    %s\n" % rule for rule in rules)
    return (
        "table inet watch {\n  chain output {\n    type filter hook output priority 0; policy accept;\n"
        + body
        + "  }\n}\n"
    )


@pytest.fixture(scope="module")
def dns_namespace(tmp_path_factory):
    need_root()
    log = tmp_path_factory.mktemp("dns") / "queries.jsonl"
    log.touch()
    with NetNS() as ns:
        ns.sink(DNS_SERVER, DNS_TARGET)
        ns.nft(watch_rules())
        ns.etc("resolv.conf", "nameserver %s\noptions timeout:5 attempts:1\n" % DNS_SERVER)
        ns.etc("hosts", "127.0.0.1 localhost\n")
        ns.etc("nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n")
        server = ns.popen(
            sys.executable,
            TESTS / "harness" / "dns_server.py",
            *("--listen", DNS_SERVER, "--log", log),
            *("--address", "%s=%s" % (KNOWN, DNS_TARGET), "--nxdomain", NXDOMAIN_NAME, "--silent", SILENT_NAME),
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout.readline().strip() == "ready"
            # the watch sees what it is there for: a DNS query sent elsewhere (into the sink, no further)
            before = ns.counters()
            probe = "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(bytes(12), ('%s', 53))"
            subprocess.run(ns.command(sys.executable, "-c", probe % "198.51.100.53"), check=True)
            after = ns.counters()
            assert after["dns elsewhere"] - before["dns elsewhere"] == 1
            assert after["ipv4 out of the namespace"] - before["ipv4 out of the namespace"] == 1
            yield DNSNamespace(ns, log)
        finally:
            server.terminate()
            server.wait(5)


def assert_nothing_left(sent):
    """No packet went to the machine's resolver, to any other DNS server, or out of the namespace."""
    left = {name: count for name, count in sent.items() if count and name != "dns to the test server"}
    left.pop("syn to the address", None)
    assert left == {}, left
    assert sent["dns to the test server"] >= 1  # the lookup itself went to the test's server


def test_unresolvable_host_is_dns(dns_namespace):
    result, sent = dns_namespace.run({"store": {"protocol": "imap", "host": NXDOMAIN_NAME, "security": "ssl"}})

    check = result["store"]
    assert check["error_class"] == "dns", check["error"]
    assert check["port"] == 993
    assert check["error"] == (
        "IMAP %s:993: the host name %s does not resolve (Name or service not known)" % (NXDOMAIN_NAME, NXDOMAIN_NAME)
    )
    assert ("A", "NXDOMAIN") in dns_namespace.queries(NXDOMAIN_NAME)
    assert_nothing_left(sent)


def test_a_name_the_dns_server_knows_is_connected_to_at_its_address(dns_namespace):
    # nothing listens at the address: refused, after the lookup, at the address the server gave
    result, sent = dns_namespace.run({"smtp": {"host": KNOWN, "port": 2525, "security": "none"}, "timeout": 5})

    check = result["smtp"]
    assert check["error_class"] == "refused", check["error"]
    assert check["error"].startswith("SMTP %s:2525: connection refused" % KNOWN)
    assert ("A", "A %s" % DNS_TARGET) in dns_namespace.queries(KNOWN)
    assert sent["syn to the address"] == 1
    assert_nothing_left(sent)


def test_a_dns_server_that_never_answers_is_dns_after_the_timeout(dns_namespace):
    result, sent = dns_namespace.run(
        {"smtp": {"host": SILENT_NAME, "port": 25, "security": "none"}, "timeout": FAULT_TIMEOUT}
    )

    check = result["smtp"]
    assert check["error_class"] == "dns", check["error"]
    assert check["error"] == (
        "SMTP %s:25: the name lookup of %s did not finish within 2 s (DNS server unreachable?)"
        % (SILENT_NAME, SILENT_NAME)
    )
    latency = check["latency_ms"] / 1000
    assert FAULT_TIMEOUT * 0.9 <= latency <= FAULT_TIMEOUT + SLACK, latency
    assert ("A", "no answer") in dns_namespace.queries(SILENT_NAME)
    assert_nothing_left(sent)


# --------------------------------------------------------------------------
# the password never leaks, even when a server echoes it
# --------------------------------------------------------------------------


def test_smtp_server_echoing_the_credentials_never_makes_them_visible(verify):
    with FakeServer(echoing_smtp) as server:
        result = verify(
            smtp={"host": HOST, "port": server.port, "security": "none", "user": USER, "password": PASSWORD},
            fail_on_error=False,
        )

    check = result["smtp"]
    assert check["error_class"] == "auth"
    assert "535 5.7.8 rejected ******** (that is:" in check["error"]
    assert check["error"] in result["warnings"]
    assert any("AUTH PLAIN" in line for line in server.received)  # the server did get (and echo) it
    assert_hidden(result["_printed"])


def test_pop3_server_echoing_the_password_never_makes_it_visible(verify):
    with FakeServer(echoing_pop3) as server:
        result = verify(
            store={
                "protocol": "pop3",
                "host": HOST,
                "port": server.port,
                "security": "none",
                "user": USER,
                "password": WRONG,
            },
        )

    check = result["store"]
    assert check["error_class"] == "auth"
    assert "wrong password ********, expected" in check["error"]
    assert "PASS " + WRONG in server.received
    assert_hidden(result["_printed"])


def test_scrub_masks_every_encoding_of_the_password():
    forms = verify_redact.secret_forms([PASSWORD], [USER])
    blob = base64.b64encode(("\0%s\0%s" % (USER, PASSWORD)).encode()).decode()
    texts = [
        "said %s" % PASSWORD,
        "said %r" % PASSWORD.encode(),
        "said %r" % PASSWORD,
        "AUTH PLAIN %s" % blob,
        "LOGIN %s" % base64.b64encode(PASSWORD.encode()).decode(),
        'LOGIN "p@ss,w0rd \u00fc\\""',
    ]
    for text in texts:
        scrubbed = verify_redact.scrub({"a": [text]}, forms)["a"][0]
        assert "********" in scrubbed
        assert_hidden(scrubbed, PASSWORD)


# --------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------


def test_nothing_to_check_fails(verify):
    result = verify(timeout=3)

    assert result["failed"] is True and "smtp, store" in result["msg"]


def test_port_out_of_range_fails(verify):
    result = verify(smtp={"host": HOST, "port": 0})

    assert result["failed"] is True and result["msg"] == "smtp.port must be between 1 and 65535, got 0"


def test_roundtrip_needs_its_recipient(verify):
    result = verify(smtp={"host": HOST, "port": 25}, store={"host": HOST, "protocol": "imap"}, roundtrip=True)

    assert result["failed"] is True and "roundtrip_to" in result["msg"]


# --------------------------------------------------------------------------
# through the real ansible CLI
# --------------------------------------------------------------------------


def test_ansible_cli_at_vvv_never_shows_the_password(tmp_path, mail_server):
    good = {
        "smtp": smtp(mail_server, "submission", "starttls"),
        "store": store(mail_server, "imaps", "ssl"),
        "ca_file": str(mail_server.ca_file),
        "roundtrip": True,
        "roundtrip_to": USER,
    }
    # A failed ad-hoc task makes ansible-core print its raw -a arguments as the error's origin
    # (before no_log applies), so a password written literally on the command line could show
    # there; real use passes it as a variable (vault), as here. The module's own output is what
    # this test is about.
    from_vars = "{{ wrong_password }}"
    bad = {
        "smtp": smtp(mail_server, "smtps", "ssl", password=from_vars),
        "store": store(mail_server, "pop3", "starttls", password=from_vars),
        "ca_file": str(mail_server.ca_file),
    }

    rc_good, out_good = ansible_module(tmp_path, "liferay_ops.mail.verify", good)
    rc_bad, out_bad = ansible_module(tmp_path, "liferay_ops.mail.verify", bad, extra_vars={"wrong_password": WRONG})

    assert rc_good == 0, out_good
    assert "SUCCESS" in out_good and "authenticated: true" in out_good and "tls_version: TLSv1.3" in out_good
    assert "deleted: true" in out_good and "was deleted" in out_good  # summary line
    assert rc_bad != 0
    assert "FAILED" in out_bad and "mail server check failed" in out_bad
    assert out_bad.count("credentials for user 'liferay@example.test' rejected") >= 2
    assert_hidden(out_good)
    assert_hidden(out_bad)
