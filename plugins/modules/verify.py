#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: verify
short_description: Check that Liferay's SMTP and POP3/IMAP servers answer, speak TLS and accept the credentials
description:
  - Connects from the target host to the outgoing (SMTP) and incoming (POP3 or IMAP) mail servers the way
    Liferay will, and reports per server whether it answered, which TLS version and certificate it presented,
    which SMTP AUTH mechanisms it offers, whether the credentials were accepted and how many messages the
    mailbox holds.
  - The SMTP and the store checks run concurrently. O(timeout) bounds each check as a whole (name lookup,
    connect, greeting, EHLO, TLS handshake, AUTH, logout), not each network operation.
  - Every failure is classified (RV(smtp.error_class)) and described for a person, naming the protocol and
    host:port and, where the cause is a common mistake (TLS spoken to a plain-text port, plain text spoken to
    an implicit-TLS port), the likely fix. Passwords never appear in results, messages or warnings, even when a
    server echoes them back.
  - With O(smtp.security=starttls) (or O(store.security=starttls)) STARTTLS is required; when the server
    does not offer it the check fails and nothing (in particular no password) is sent in plain text.
  - Optionally (O(roundtrip)) sends a uniquely tagged probe message through the SMTP server, waits until it
    arrives in the store account's mailbox, deletes it and reports the delivery latency.
  - Changes nothing on the target. Uses the Python standard library only.
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  smtp:
    description: The outgoing mail server. Omit to check only the store.
    type: dict
    suboptions:
      host:
        description: Host name or IP address.
        type: str
        required: true
      port:
        description: TCP port. Default 25 (V(none)), 587 (V(starttls)) or 465 (V(ssl)).
        type: int
      security:
        description:
          - V(none) plain text (a STARTTLS offer is reported, not used); V(starttls) plain connection
            upgraded with STARTTLS, which the server must offer; V(ssl) implicit TLS from the first byte
            (SMTPS, usually port 465).
        type: str
        choices: [none, starttls, ssl]
        default: starttls
      user:
        description: User to authenticate as. Empty means no AUTH (an open relay for this host).
        type: str
        default: ""
      password:
        description: Password of O(smtp.user).
        type: str
        default: ""
  store:
    description: The incoming mail server (Liferay's message boards read it). Omit to check only SMTP.
    type: dict
    suboptions:
      protocol:
        description: Store protocol.
        type: str
        choices: [pop3, imap]
        default: pop3
      host:
        description: Host name or IP address.
        type: str
        required: true
      port:
        description: TCP port. Default 110/995 for POP3 and 143/993 for IMAP (plain or V(starttls) / V(ssl)).
        type: int
      security:
        description:
          - V(none) plain text; V(starttls) upgraded with POP3 STLS or IMAP STARTTLS, which the server must
            offer; V(ssl) implicit TLS (POP3S, IMAPS).
        type: str
        choices: [none, starttls, ssl]
        default: ssl
      user:
        description: Mailbox user. Empty means connect and read the greeting only (no login, no message count).
        type: str
        default: ""
      password:
        description: Password of O(store.user).
        type: str
        default: ""
  timeout:
    description:
      - Upper bound in seconds for each check as a whole, from the name lookup to the logout. Every network
        operation waits at most for the time left, and a watchdog closes the connection when it runs out.
      - Each retry (O(retries)) and each poll of the round trip gets a fresh O(timeout).
    type: float
    default: 5
  retries:
    description:
      - How often to repeat a check that failed with error class V(refused) or V(timeout), for servers that
        are still starting. Other failures (for example rejected credentials) are never retried.
    type: int
    default: 0
  retry_delay:
    description: Seconds to wait before the first retry; the wait doubles before each further retry.
    type: float
    default: 1
  tls_verify:
    description:
      - Verify the server certificate (chain and host name). When false the connection is still encrypted
        but anybody on the path can impersonate the server; a warning says so.
    type: bool
    default: true
  ca_file:
    description:
      - PEM file with the CA certificates to trust instead of the system's trust store, for servers with
        certificates from a private CA.
    type: path
  cert_expiry_warn_days:
    description: Warn when a server certificate expires within this many days.
    type: int
    default: 30
  fail_on_error:
    description:
      - Fail the task when a check fails (one line per failure in the message). When false the failures are
        returned (RV(smtp.ok) false, RV(smtp.error)) and shown as warnings, and the task succeeds.
    type: bool
    default: true
  roundtrip:
    description:
      - Also send a probe message (a UUID in its Subject and Message-ID) through O(smtp) to O(roundtrip_to),
        poll the O(store) mailbox until it arrives or O(roundtrip_deadline) passes, then delete it
        (POP3 DELE, IMAP C(\Deleted) and UID EXPUNGE).
      - Requires O(smtp), O(store) and O(roundtrip_to). Skipped when either check already failed.
    type: bool
    default: false
  roundtrip_to:
    description: Address the probe is sent to; it must be delivered to the O(store) account.
    type: str
  roundtrip_from:
    description: Envelope and header sender of the probe. Default O(roundtrip_to).
    type: str
  roundtrip_deadline:
    description: Seconds to wait for the probe to arrive, counted from the start of sending.
    type: float
    default: 30
  jndi:
    description:
      - For an application-server session, the JNDI name Liferay looks up and what is known about it
        (see M(liferay_ops.mail.appserver_info)). O(smtp) and O(store) should be the servers the session names.
      - Each of O(jndi.problems) is reported as a failure, like a server that does not answer.
      - A warning says that the lookup itself is not proven here, and that Liferay silently falls back
        to its built-in session when the name does not resolve.
    type: dict
    suboptions:
      name:
        description: The JNDI name (C(mail.session.jndi.name)).
        type: str
        required: true
      server:
        description: The application server, for the messages (V(tomcat), V(wildfly)).
        type: str
        default: ""
      file:
        description: The configuration file the session is declared in, for the messages.
        type: str
        default: ""
      problems:
        description: Reasons the lookup would fail, found in the server's configuration.
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - liferay_ops.mail.attributes
attributes:
  check_mode:
    support: full
    details:
      - The checks only read, so they run in check mode too.
      - O(roundtrip) sends and deletes its probe message also in check mode.
  diff_mode:
    support: none
notes:
  - The checks run on the target host, so they test the network path Liferay will use.
  - SMTP and IMAP credentials are sent with AUTH PLAIN / AUTHENTICATE PLAIN encoded as UTF-8 when the server
    offers it (Python's smtplib and imaplib logins accept ASCII passwords only), otherwise with LOGIN.
  - O(timeout) includes the name lookup; a lookup that does not finish in time is reported as V(dns).
seealso:
  - module: liferay_ops.mail.portal_properties
"""

EXAMPLES = r"""
- name: Check the mail servers Liferay is configured with
  liferay_ops.mail.verify:
    smtp:
      host: smtp.example.com
      port: 587
      security: starttls
      user: liferay@example.com
      password: "{{ vault_smtp_password }}"
    store:
      protocol: imap
      host: imap.example.com
      port: 993
      security: ssl
      user: liferay@example.com
      password: "{{ vault_imap_password }}"
    timeout: 10

- name: Wait for freshly started servers, trust a private CA, report instead of failing
  liferay_ops.mail.verify:
    smtp:
      host: mail.internal
      port: 465
      security: ssl
    retries: 5
    retry_delay: 1
    ca_file: /etc/pki/internal-ca.pem
    fail_on_error: false
  register: mail_check

- name: Send a probe through SMTP and wait until it arrives in the POP3 mailbox
  liferay_ops.mail.verify:
    smtp: {host: smtp.example.com, port: 587, security: starttls, user: bot@example.com, password: "{{ pw }}"}
    store:
      {protocol: pop3, host: pop.example.com, port: 995, security: ssl, user: bot@example.com, password: "{{ pw }}"}
    roundtrip: true
    roundtrip_to: bot@example.com
    roundtrip_deadline: 60
"""

RETURN = r"""
ok:
  description: True when every check (and the round trip, when requested) succeeded.
  returned: always
  type: bool
summary:
  description: One line per server (and the round trip) for a person, failures first marked C(FAILED).
  returned: always
  type: list
  elements: str
  sample:
    - "SMTP smtp.example.com:587 (starttls): ok in 84 ms; TLSv1.3, certificate valid until 2026-11-21 (364 days);
      authenticated as 'liferay@example.com'; AUTH PLAIN LOGIN"
    - "IMAP imap.example.com:993 (ssl): ok in 61 ms; TLSv1.3, certificate valid until 2026-11-21 (364 days);
      authenticated as 'liferay@example.com'; 3 messages"
smtp:
  description:
    - Result of the SMTP check. RV(store) has the same fields except RV(smtp.auth_mechanisms) and
      RV(smtp.starttls_offered).
  returned: when O(smtp) is given
  type: dict
  contains:
    ok:
      description: The server answered, TLS (if any) was established and the credentials (if any) were accepted.
      type: bool
    protocol:
      description: V(smtp), V(pop3) or V(imap).
      type: str
      sample: smtp
    host:
      description: Host as given.
      type: str
    port:
      description: Port used (the default for the security when none was given).
      type: int
      sample: 587
    security:
      description: V(none), V(starttls) or V(ssl).
      type: str
    latency_ms:
      description: Duration of the (last) check attempt in milliseconds, from the name lookup to the logout.
      type: int
      sample: 84
    attempts:
      description: Number of attempts made (1 + retries used).
      type: int
    banner:
      description: The server's greeting line (truncated to 200 characters).
      type: str
      sample: mail.example.com ESMTP Postfix
    tls_version:
      description: Negotiated TLS version, null without TLS.
      type: str
      sample: TLSv1.3
    cert_not_after:
      description: Expiry of the server certificate, ISO 8601 UTC; null without TLS.
      type: str
      sample: "2026-11-21T15:36:07Z"
    cert_days_left:
      description: Whole days until the certificate expires (negative once expired).
      type: int
      sample: 364
    auth_mechanisms:
      description: SMTP only. AUTH mechanisms the server offers (after STARTTLS when used).
      type: list
      elements: str
      sample: [PLAIN, LOGIN]
    starttls_offered:
      description: SMTP only. Whether the server offered STARTTLS in its first EHLO answer.
      type: bool
    authenticated:
      description: The credentials were accepted.
      type: bool
    message_count:
      description: Store only. Messages in the mailbox (POP3 STAT, IMAP INBOX); null without login.
      type: int
      sample: 3
    error_class:
      description:
        - Null on success, otherwise one of V(dns) (name does not resolve), V(refused) (connection refused),
          V(network) (other connection failure, for example no route to host), V(timeout) (no connection or
          no answer within O(timeout)), V(tls_handshake), V(certificate) (untrusted, expired or issued for
          another name), V(auth) (credentials rejected or no way to send them), V(starttls_unavailable),
          V(protocol) (unexpected reply or connection closed).
      type: str
      sample: auth
    error:
      description: Null on success, otherwise what went wrong, for a person, starting with protocol and host:port.
      type: str
      sample: "SMTP 127.0.0.1:587: credentials for user 'liferay@example.com' rejected: 535 5.7.8 Error: ..."
store:
  description: Result of the store check, with the fields described for RV(smtp).
  returned: when O(store) is given
  type: dict
jndi:
  description: The application-server session checked, when O(jndi) is given.
  returned: when O(jndi) is given
  type: dict
  contains:
    name:
      description: The JNDI name.
      type: str
    ok:
      description: No problem is known that would make the lookup fail.
      type: bool
    problems:
      description: The problems found.
      type: list
      elements: str
roundtrip:
  description: Result of the round trip.
  returned: when O(roundtrip) is true
  type: dict
  contains:
    ok:
      description: The probe was sent and arrived in the mailbox.
      type: bool
    subject:
      description: Subject of the probe, with its UUID.
      type: str
      sample: Liferay mail session check 2f1c7d0e5b1a4c6f8e9d0a1b2c3d4e5f
    message_id:
      description: Message-ID of the probe.
      type: str
    latency_ms:
      description: Milliseconds from the start of sending until the probe was found in the mailbox.
      type: int
    polls:
      description: Number of times the mailbox was searched.
      type: int
    deleted:
      description: The probe was deleted from the mailbox again.
      type: bool
    error_class:
      description:
        - Null on success, otherwise an error class as for RV(smtp.error_class); V(timeout) when the probe
          did not arrive in time, V(skipped) when a check failed before.
      type: str
    error:
      description: Null on success, otherwise what went wrong.
      type: str
"""

import base64
import contextlib
import datetime
import imaplib
import poplib
import re
import smtplib
import socket
import ssl
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT

# The port each protocol and security uses when none is given: the role's one table.
DEFAULT_PORTS = DEFAULT_PORT
NAMES = {"smtp": "SMTP", "pop3": "POP3", "imap": "IMAP"}
# What to use on the well-known ports, for hints after a TLS/plain-text mix-up.
PORT_HINTS = {
    "smtp": "for port 465 use security ssl, for 587 starttls",
    "pop3": "for port 995 use security ssl, for 110 starttls",
    "imap": "for port 993 use security ssl, for 143 starttls",
}
RETRYABLE = ("refused", "timeout")
BANNER_MAX = 200
MASK = "********"
# POP3 only: how many of the newest messages the round trip searches for its probe.
POP3_SCAN_LIMIT = 200

# datetime.UTC needs Python 3.11; targets may run 3.8
UTC = datetime.timezone.utc  # noqa: UP017


class CheckError(Exception):
    """A classified failure: error_class plus a message for a person (without the 'PROTO host:port: ' prefix)."""

    def __init__(self, error_class, message):
        super().__init__(message)
        self.error_class = error_class
        self.message = message


class _Expired(Exception):
    """The check's deadline passed before an operation could start."""


# --------------------------------------------------------------------------
# deadline: one time budget per check, enforced on every socket
# --------------------------------------------------------------------------


class Deadline:
    """Time budget of one check attempt.

    Every socket of the attempt is registered here; before each protocol step its
    timeout is set to the time left, and a watchdog shuts every registered socket
    down when the budget is spent, so no library call can outlive it.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def spent(self):
        """True once the budget is used up, even before the watchdog thread got to run: a socket
        timeout set to the time left can fire first (smtplib then reports a closed connection)."""
        return self.expired or time.monotonic() >= self.end

    def remaining(self):
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise _Expired()
        return left

    def watch(self, sock):
        with self._lock:
            if self.expired:
                raise _Expired()
            self._sockets.append(sock)
        sock.settimeout(self.remaining())
        return sock

    def arm(self, sock):
        if sock is not None:
            sock.settimeout(self.remaining())

    def _expire(self):
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                # the plain socket's shutdown, also for SSL sockets: it wakes up a blocked
                # read in the other thread without touching the SSL object
                with contextlib.suppress(OSError, ValueError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def close(self):
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()


class _TLSContext:
    """Stands in for an SSLContext in smtplib/poplib/imaplib: handshakes under the check's deadline."""

    def __init__(self, probe):
        self._probe = probe

    def wrap_socket(self, sock, server_hostname=None, **_ignored):
        probe = self._probe
        probe.phase = "TLS handshake"
        tls = probe.ssl_context.wrap_socket(sock, server_hostname=server_hostname, do_handshake_on_connect=False)
        probe.deadline.watch(tls)
        tls.do_handshake()
        probe.record_tls(tls)
        return tls


# --------------------------------------------------------------------------
# the protocol libraries, fed with a socket connected under the deadline
# --------------------------------------------------------------------------


class _SMTP(smtplib.SMTP):
    presock = None

    def _get_socket(self, host, port, timeout):
        return self.presock


class _POP3(poplib.POP3):
    def __init__(self, sock, host, port):
        self._presock = sock
        super().__init__(host, port, timeout=sock.gettimeout())

    def _create_socket(self, timeout=None):
        return self._presock


class _IMAP(imaplib.IMAP4):
    def __init__(self, sock, host, port):
        self._presock = sock
        if sys.version_info >= (3, 9):  # noqa: UP036 - targets may run Python 3.8
            super().__init__(host, port, timeout=sock.gettimeout())
        else:  # no timeout argument; the socket has its timeout already
            super().__init__(host, port)

    def _create_socket(self, timeout=None):
        return self._presock


def _text(value):
    """Server text (bytes, str or an exception holding either) as a short one-line str."""
    if isinstance(value, BaseException):
        args = [a for a in value.args if isinstance(a, (bytes, str))]
        value = args[-1] if args else str(value)
    if isinstance(value, (list, tuple)):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = " ".join(str(value).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _local_name():
    name = socket.gethostname()
    return name if re.match(r"^[A-Za-z0-9][A-Za-z0-9.-]*$", name or "") else "localhost"


def _der_item(der, pos):
    """(tag, content start, content end) of the DER item at pos."""
    tag = der[pos]
    length = der[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    return tag, pos, pos + length


def cert_not_after(der):
    """notAfter of a DER certificate as an aware UTC datetime (no third-party parser on the target)."""
    _dummy, pos, _dummy = _der_item(der, 0)  # Certificate
    _dummy, pos, _dummy = _der_item(der, pos)  # TBSCertificate
    tag, _dummy, end = _der_item(der, pos)
    if tag == 0xA0:  # [0] version
        tag, _dummy, end = _der_item(der, end)
    for _dummy in range(2):  # after serialNumber: signature, issuer
        tag, _dummy, end = _der_item(der, end)
    _dummy, start, _dummy = _der_item(der, end)  # validity
    _dummy, _dummy, not_before_end = _der_item(der, start)
    tag, value_start, value_end = _der_item(der, not_before_end)
    text = der[value_start:value_end].decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ
        year = int(text[:2])
        text = ("19" if year >= 50 else "20") + text
    return datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


class Probe:
    """One server: runs check attempts, each under its own Deadline, and classifies failures."""

    family = None

    def __init__(self, cfg, opts):
        self.host = cfg["host"]
        self.security = cfg["security"]
        self.port = cfg.get("port") or DEFAULT_PORTS[(self.family, self.security)]
        self.user = cfg.get("user") or ""
        self.password = cfg.get("password") or ""
        self.timeout = opts["timeout"]
        self.ssl_context = opts["ssl_context"]
        self.warn_days = opts["cert_expiry_warn_days"]
        host = "[%s]" % self.host if ":" in self.host else self.host
        self.label = "%s %s:%d" % (NAMES[self.family], host, self.port)
        self.phase = "connect"
        self.deadline = None
        self.warnings = []
        self.result = {}

    # -- results ---------------------------------------------------------------

    def blank_result(self):
        return {
            "ok": False,
            "protocol": self.family,
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "latency_ms": None,
            "attempts": 1,
            "banner": None,
            "tls_version": None,
            "cert_not_after": None,
            "cert_days_left": None,
            "authenticated": False,
            "error_class": None,
            "error": None,
        }

    def warn(self, text):
        self.warnings.append("%s: %s" % (self.label, text))

    def record_tls(self, tls):
        self.result["tls_version"] = tls.version()
        try:
            not_after = cert_not_after(tls.getpeercert(binary_form=True))
        except Exception:  # an unparsable certificate only loses the expiry report
            return
        days = int((not_after - datetime.datetime.now(UTC)).total_seconds() // 86400)
        self.result["cert_not_after"] = not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.result["cert_days_left"] = days
        if days < 0:
            self.warn("the server certificate expired on %s" % not_after.date())
        elif days < self.warn_days:
            self.warn("the server certificate expires on %s (in %d days)" % (not_after.date(), days))

    def set_banner(self, text):
        self.result["banner"] = _text(text)[:BANNER_MAX]

    # -- one attempt -------------------------------------------------------------

    def attempt(self, action):
        """Run session() + action(client) under a fresh deadline; the result dict describes this attempt."""
        self.result = self.blank_result()
        self.warnings = []
        self.phase = "name lookup"
        self.deadline = Deadline(self.timeout)
        started = time.monotonic()
        try:
            client = self.session()
            action(client)
            self.result["ok"] = True
        except Exception as exc:  # every failure is reported, classified
            error = self.classify(exc)
            self.result["error_class"] = error.error_class
            self.result["error"] = "%s: %s" % (self.label, error.message)
        finally:
            self.result["latency_ms"] = round((time.monotonic() - started) * 1000)
            self.deadline.close()
        return self.result

    def run(self, retries, delay):
        """attempt(status) until it succeeds or fails for a reason other than refused/timeout."""
        attempts = 0
        while True:
            attempts += 1
            result = self.attempt(self.status)
            if result["ok"] or result["error_class"] not in RETRYABLE or attempts > retries:
                break
            time.sleep(delay)
            delay *= 2
        result["attempts"] = attempts
        return result

    def step(self, phase, sock=None):
        self.phase = phase
        self.deadline.arm(sock)

    def tls_context(self):
        return _TLSContext(self)

    # -- connection --------------------------------------------------------------

    def resolve(self):
        found = {}

        def lookup():
            try:
                found["addresses"] = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            except Exception as exc:  # handed to the checking thread
                found["error"] = exc

        worker = threading.Thread(target=lookup, daemon=True)
        worker.start()
        worker.join(self.deadline.remaining())
        if worker.is_alive():
            raise CheckError(
                "dns",
                "the name lookup of %s did not finish within %g s (DNS server unreachable?)"
                % (self.host, self.timeout),
            )
        if "error" in found:
            raise found["error"]
        return found["addresses"]

    def open_socket(self):
        self.phase = "name lookup"
        addresses = self.resolve()
        self.phase = "connect"
        error = None
        for family, kind, proto, _dummy, address in addresses:
            sock = socket.socket(family, kind, proto)
            try:
                self.deadline.watch(sock)
                sock.connect(address)
                break
            except (OSError, _Expired) as exc:
                sock.close()
                error = exc
                if self.deadline.spent() or isinstance(exc, (_Expired, socket.timeout)):
                    raise
        else:
            raise error
        if self.security == "ssl":
            sock = self.tls_context().wrap_socket(sock, server_hostname=self.host)
        return sock

    # -- classification ------------------------------------------------------------

    def greeting_hint(self):
        if self.phase == "greeting" and self.security != "ssl":
            return (
                "; the server may be waiting for a TLS handshake: is this an implicit-TLS port? %s"
                % PORT_HINTS[self.family]
            )
        return ""

    def classify(self, exc):
        if isinstance(exc, CheckError):
            return exc
        if isinstance(exc, socket.gaierror):
            return CheckError("dns", "the host name %s does not resolve (%s)" % (self.host, exc.strerror or exc))
        timed_out = self.deadline.spent() or isinstance(exc, (_Expired, socket.timeout, TimeoutError))
        if timed_out:
            return self.timeout_error()
        if isinstance(exc, ssl.SSLCertVerificationError):
            return self.certificate_error(exc)
        if isinstance(exc, ssl.SSLError) and self.phase == "TLS handshake":
            reason = getattr(exc, "reason", None) or _text(exc)
            if self.security == "ssl":
                return CheckError(
                    "tls_handshake",
                    "TLS handshake failed (%s): is this a plain-text port? %s" % (reason, PORT_HINTS[self.family]),
                )
            return CheckError("tls_handshake", "TLS handshake after STARTTLS failed (%s)" % reason)
        if isinstance(exc, ConnectionRefusedError):
            return CheckError(
                "refused", "connection refused (nothing listens on port %d, or a firewall rejects it)" % self.port
            )
        if self.phase == "connect" and isinstance(exc, OSError):
            return CheckError("network", "cannot connect: %s" % (exc.strerror or exc))
        if isinstance(exc, (ConnectionError, smtplib.SMTPServerDisconnected, ssl.SSLError)) or (
            _text(exc) in ("-ERR EOF", "socket error: EOF")
        ):
            # a TLS-only port closes on a client that says nothing TLS: give the same hint
            return CheckError(
                "protocol", "the server closed the connection during %s%s" % (self.phase, self.greeting_hint())
            )
        if isinstance(exc, (smtplib.SMTPException, poplib.error_proto, imaplib.IMAP4.error, OSError)):
            return CheckError(
                "protocol", "unexpected answer during %s: %s%s" % (self.phase, _text(exc), self.greeting_hint())
            )
        return CheckError(
            "protocol", "unexpected error during %s: %s: %s" % (self.phase, type(exc).__name__, _text(exc))
        )

    def timeout_error(self):
        limit = "%g s" % self.timeout
        if self.phase == "name lookup":
            return CheckError("dns", "the name lookup of %s did not finish within %s" % (self.host, limit))
        if self.phase == "connect":
            return CheckError(
                "timeout", "no TCP connection within %s (host down, or a firewall dropping packets?)" % limit
            )
        if self.phase == "greeting":
            return CheckError("timeout", "no greeting within %s%s" % (limit, self.greeting_hint()))
        if self.phase == "TLS handshake":
            return CheckError("timeout", "the TLS handshake did not complete within %s" % limit)
        return CheckError("timeout", "no answer to %s within %s" % (self.phase, limit))

    def certificate_error(self, exc):
        detail = getattr(exc, "verify_message", None) or _text(exc)
        code = getattr(exc, "verify_code", None)
        if code == 62 or "hostname" in detail.lower() or "ip address mismatch" in detail.lower():
            hint = "the certificate was not issued for %s; connect with a name it lists" % self.host
        elif code in (10, 9):
            hint = "renew the server certificate"
        else:
            hint = (
                "the certificate is not signed by a trusted CA; set ca_file to the CA certificate that signed it "
                "(tls_verify false skips the check, not recommended)"
            )
        return CheckError("certificate", "certificate verification failed (%s): %s" % (detail, hint))

    def auth_failed(self, exc_or_text):
        return CheckError("auth", "credentials for user %r rejected: %s" % (self.user, _text(exc_or_text)))


class SMTPProbe(Probe):
    family = "smtp"

    def blank_result(self):
        result = super().blank_result()
        result.update(auth_mechanisms=[], starttls_offered=None)
        return result

    def session(self):
        sock = self.open_socket()
        smtp = _SMTP(local_hostname=_local_name(), timeout=sock.gettimeout())
        smtp.presock = sock
        smtp._host = self.host  # server_hostname for STARTTLS
        self.step("greeting")
        code, message = smtp.connect(self.host, self.port)
        self.set_banner(message)
        if code != 220:
            raise CheckError(
                "protocol", "expected greeting 220, got: %d %s%s" % (code, _text(message), self.greeting_hint())
            )
        self.step("EHLO", smtp.sock)
        code, message = smtp.ehlo()
        if code != 250:
            if self.security == "starttls" or self.user:
                raise CheckError("protocol", "EHLO refused: %d %s" % (code, _text(message)))
            self.step("HELO", smtp.sock)
            code, message = smtp.helo()
            if code != 250:
                raise CheckError("protocol", "HELO refused: %d %s" % (code, _text(message)))
        self.result["starttls_offered"] = smtp.has_extn("starttls")
        if self.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise CheckError(
                    "starttls_unavailable",
                    "the server does not offer STARTTLS (EHLO lists: %s); nothing was sent in plain text. "
                    "Use security ssl if this is an implicit-TLS port, or none only if the server has no TLS"
                    % (", ".join(sorted(smtp.esmtp_features)) or "nothing"),
                )
            self.step("STARTTLS", smtp.sock)
            code, message = smtp.starttls(context=self.tls_context())
            if code != 220:
                raise CheckError("protocol", "STARTTLS refused: %d %s" % (code, _text(message)))
            self.step("EHLO after STARTTLS", smtp.sock)
            code, message = smtp.ehlo()
            if code != 250:
                raise CheckError("protocol", "EHLO after STARTTLS refused: %d %s" % (code, _text(message)))
        elif self.security == "none" and self.result["starttls_offered"]:
            self.warn("the server offers STARTTLS but security is none: mail and password travel in plain text")
        mechanisms = smtp.esmtp_features.get("auth", "").upper().split()
        self.result["auth_mechanisms"] = mechanisms
        if self.user:
            self.step("AUTH", smtp.sock)
            self.authenticate(smtp, mechanisms)
            self.result["authenticated"] = True
        return smtp

    def authenticate(self, smtp, mechanisms):
        user, password = self.user, self.password
        if not mechanisms:
            raise CheckError(
                "auth",
                "the server offers no AUTH%s, so user %r cannot log in"
                % (" before STARTTLS (use security starttls)" if self.security == "none" else "", user),
            )

        def b64(text):
            return base64.b64encode(text.encode("utf-8")).decode("ascii")

        if "PLAIN" in mechanisms:  # RFC 4616, UTF-8; smtplib.login() would only take ASCII
            code, message = smtp.docmd("AUTH", "PLAIN " + b64("\0%s\0%s" % (user, password)))
        elif "LOGIN" in mechanisms:
            code, message = smtp.docmd("AUTH", "LOGIN")
            if code == 334:
                code, message = smtp.docmd(b64(user))
            if code == 334:
                code, message = smtp.docmd(b64(password))
        else:
            try:
                code, message = smtp.login(user, password)
            except smtplib.SMTPAuthenticationError as exc:
                code, message = exc.smtp_code, exc.smtp_error
            except UnicodeEncodeError as exc:
                raise CheckError(
                    "auth",
                    "the server offers only %s, which cannot carry a non-ASCII user or password" % " ".join(mechanisms),
                ) from exc
        if code == 235:
            return
        if code in (530, 534, 535, 538, 501):
            raise self.auth_failed("%d %s" % (code, _text(message)))
        raise CheckError("protocol", "unexpected answer to AUTH: %d %s" % (code, _text(message)))

    def status(self, smtp):
        self.close(smtp)

    def close(self, smtp):
        self.phase = "QUIT"
        try:
            self.deadline.arm(smtp.sock)
            smtp.quit()
        except Exception:  # noqa: S110 - the check is complete; a lost QUIT changes nothing
            pass

    def send(self, smtp, sender, recipient, data):
        self.step("MAIL FROM/RCPT TO/DATA", smtp.sock)
        try:
            smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = exc.recipients.get(recipient, (0, b""))
            raise CheckError(
                "protocol", "the recipient %s was refused: %d %s" % (recipient, code, _text(message))
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise CheckError(
                "protocol", "the sender %s was refused: %d %s" % (sender, exc.smtp_code, _text(exc.smtp_error))
            ) from exc
        except smtplib.SMTPDataError as exc:
            raise CheckError(
                "protocol", "the message was refused: %d %s" % (exc.smtp_code, _text(exc.smtp_error))
            ) from exc
        self.close(smtp)


class POP3Probe(Probe):
    family = "pop3"

    def blank_result(self):
        result = super().blank_result()
        result["message_count"] = None
        return result

    def session(self):
        sock = self.open_socket()
        self.step("greeting")
        pop = _POP3(sock, self.host, self.port)
        self.set_banner(pop.welcome)
        if self.security == "starttls":
            self.step("CAPA", pop.sock)
            try:
                capabilities = pop.capa()
            except poplib.error_proto:
                if self.deadline.spent():
                    raise
                capabilities = {}
            if "STLS" not in capabilities:
                raise CheckError(
                    "starttls_unavailable",
                    "the server does not offer STLS (POP3 STARTTLS); nothing was sent in plain text. "
                    "Use security ssl if this is an implicit-TLS port (usually 995)",
                )
            self.step("STLS", pop.sock)
            pop.stls(context=self.tls_context())
        if self.user:
            self.step("USER/PASS", pop.sock)
            try:
                pop.user(self.user)
                self.step("USER/PASS", pop.sock)
                pop.pass_(self.password)
            except poplib.error_proto as exc:
                if self.deadline.spent() or _text(exc) == "-ERR EOF":
                    raise
                raise self.auth_failed(exc) from exc
            self.result["authenticated"] = True
        return pop

    def status(self, pop):
        if self.user:
            self.step("STAT", pop.sock)
            count, _size = pop.stat()
            self.result["message_count"] = count
        self.close(pop)

    def close(self, pop):
        self.phase = "QUIT"
        try:
            self.deadline.arm(pop.sock)
            pop.quit()
        except Exception:  # noqa: S110 - the check is complete
            pass

    def find_and_delete(self, pop, token, found):
        self.step("STAT", pop.sock)
        count, _size = pop.stat()
        self.result["message_count"] = count
        needle = token.encode("ascii")
        for number in range(count, max(0, count - POP3_SCAN_LIMIT), -1):
            self.step("TOP", pop.sock)
            try:
                lines = pop.top(number, 0)[1]
            except poplib.error_proto:
                if self.deadline.spent():
                    raise
                lines = pop.retr(number)[1]
            if needle in b"\n".join(lines):
                self.step("DELE", pop.sock)
                pop.dele(number)
                found["found"] = True
                break
        self.step("QUIT", pop.sock)
        pop.quit()  # deletions are committed by QUIT
        if found.get("found"):
            found["deleted"] = True


class IMAPProbe(Probe):
    family = "imap"

    def blank_result(self):
        result = super().blank_result()
        result["message_count"] = None
        return result

    def session(self):
        sock = self.open_socket()
        self.step("greeting")
        imap = _IMAP(sock, self.host, self.port)
        self.set_banner(imap.welcome)
        if self.security == "starttls":
            if "STARTTLS" not in imap.capabilities:
                raise CheckError(
                    "starttls_unavailable",
                    "the server does not offer STARTTLS (capabilities: %s); nothing was sent in plain text. "
                    "Use security ssl if this is an implicit-TLS port (usually 993)" % " ".join(imap.capabilities),
                )
            self.step("STARTTLS", imap.sock)
            imap.starttls(ssl_context=self.tls_context())
        if self.user:
            self.step("LOGIN", imap.sock)
            self.login(imap)
            self.result["authenticated"] = True
        return imap

    def login(self, imap):
        user, password = self.user, self.password
        capabilities = imap.capabilities
        try:
            if "AUTH=PLAIN" in capabilities:  # UTF-8 credentials; imaplib's LOGIN only sends ASCII
                credentials = ("\0%s\0%s" % (user, password)).encode("utf-8")
                imap.authenticate("PLAIN", lambda _challenge: credentials)
            elif "LOGINDISABLED" in capabilities:
                raise CheckError(
                    "auth",
                    "the server refuses logins on this connection (LOGINDISABLED)%s"
                    % ("; use security starttls or ssl" if self.security == "none" else ""),
                )
            else:
                try:
                    (user + password).encode("ascii")
                    imap.login(user, password)
                except UnicodeEncodeError:
                    # LOGIN with the password as a literal, which may hold any bytes
                    imap.literal = password.encode("utf-8")
                    quoted = '"%s"' % user.replace("\\", "\\\\").replace('"', '\\"')
                    typ, data = imap._simple_command("LOGIN", quoted)
                    if typ != "OK":
                        raise imap.error(data[-1]) from None
                    imap.state = "AUTH"
        except imaplib.IMAP4.abort:
            raise
        except imaplib.IMAP4.error as exc:
            if self.deadline.spent():
                raise
            raise self.auth_failed(exc) from exc

    def status(self, imap):
        if self.user:
            self.step("SELECT INBOX", imap.sock)
            typ, data = imap.select("INBOX", readonly=True)
            if typ != "OK":
                raise CheckError("protocol", "SELECT INBOX failed: %s" % _text(data))
            self.result["message_count"] = int(data[0])
        self.close(imap)

    def close(self, imap):
        self.phase = "LOGOUT"
        try:
            self.deadline.arm(imap.sock)
            imap.logout()
        except Exception:  # noqa: S110 - the check is complete
            pass

    def find_and_delete(self, imap, token, found):
        self.step("SELECT INBOX", imap.sock)
        typ, data = imap.select("INBOX")
        if typ != "OK":
            raise CheckError("protocol", "SELECT INBOX failed: %s" % _text(data))
        self.result["message_count"] = int(data[0])
        self.step("UID SEARCH", imap.sock)
        typ, data = imap.uid("SEARCH", "HEADER", "Subject", token)
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        if uids:
            found["found"] = True
            uid_set = b",".join(uids).decode("ascii")
            self.step("UID STORE", imap.sock)
            imap.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)")
            self.step("EXPUNGE", imap.sock)
            if "UIDPLUS" in imap.capabilities:
                typ, _dummy = imap.uid("EXPUNGE", uid_set)  # only the probe, not other \Deleted messages
            else:
                typ, _dummy = imap.expunge()
            found["deleted"] = typ == "OK"
        self.close(imap)


STORE_PROBES = {"pop3": POP3Probe, "imap": IMAPProbe}


# --------------------------------------------------------------------------
# round trip
# --------------------------------------------------------------------------


def roundtrip(smtp_probe, store_probe, sender, recipient, deadline_seconds):
    token = uuid.uuid4().hex
    domain = sender.rpartition("@")[2] or "localhost"
    subject = "Liferay mail session check %s" % token
    message_id = "<mail-session-check.%s@%s>" % (token, domain)
    result = {
        "ok": False,
        "subject": subject,
        "message_id": message_id,
        "latency_ms": None,
        "polls": 0,
        "deleted": False,
        "error_class": None,
        "error": None,
    }
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "Sent by the mail_session role (verify) to check that mail sent through\n"
        "%s reaches the mailbox read through %s.\n"
        "It is deleted as soon as it arrives; if you read this, the deletion failed.\n"
        % (smtp_probe.label, store_probe.label)
    )
    data = message.as_bytes(policy=SMTP_POLICY)

    started = time.monotonic()
    sent = smtp_probe.attempt(lambda smtp: smtp_probe.send(smtp, sender, recipient, data))
    if not sent["ok"]:
        result.update(error_class=sent["error_class"], error="round trip: sending the probe failed: " + sent["error"])
        return result

    delay = 0.2
    while True:
        found = {}
        result["polls"] += 1
        polled = store_probe.attempt(lambda client, found=found: store_probe.find_and_delete(client, token, found))
        elapsed = time.monotonic() - started
        if found.get("found"):
            result.update(ok=True, latency_ms=round(elapsed * 1000), deleted=bool(found.get("deleted")))
            if not result["deleted"]:
                store_probe.warn("the round-trip probe %s arrived but could not be deleted" % message_id)
            return result
        if not polled["ok"] and polled["error_class"] not in RETRYABLE:
            result.update(
                error_class=polled["error_class"],
                error="round trip: searching the mailbox failed: " + polled["error"],
            )
            return result
        if elapsed >= deadline_seconds:
            result.update(
                error_class="timeout",
                error="round trip: the probe sent through %s to %s was not in the mailbox of %r on %s after %g s "
                "(%d searches); does %s deliver to that account?"
                % (
                    smtp_probe.label,
                    recipient,
                    store_probe.user,
                    store_probe.label,
                    deadline_seconds,
                    result["polls"],
                    recipient,
                ),
            )
            return result
        time.sleep(min(delay, max(0.0, deadline_seconds - elapsed)))
        delay = min(delay * 1.5, 2.0)


def summary_line(probe, result):
    """One line for a person about one server's result."""
    if not result["ok"]:
        return "FAILED " + result["error"]
    parts = ["%s (%s): ok in %d ms" % (probe.label, probe.security, result["latency_ms"])]
    if result["attempts"] > 1:
        parts[0] += " after %d attempts" % result["attempts"]
    if result["tls_version"]:
        tls = result["tls_version"]
        if result["cert_not_after"]:
            tls += ", certificate valid until %s (%d days)" % (result["cert_not_after"][:10], result["cert_days_left"])
        parts.append(tls)
    else:
        parts.append("no TLS")
    if result["authenticated"]:
        parts.append("authenticated as %r" % probe.user)
    if result.get("auth_mechanisms"):
        parts.append("AUTH " + " ".join(result["auth_mechanisms"]))
    if result.get("message_count") is not None:
        parts.append("%d message%s" % (result["message_count"], "" if result["message_count"] == 1 else "s"))
    return "; ".join(parts)


# --------------------------------------------------------------------------
# secrets
# --------------------------------------------------------------------------


def secret_forms(secrets, users):
    """Every way a password may show up in a server's or library's text: raw, escaped, quoted, base64."""
    forms = set()
    for secret in secrets:
        if not secret:
            continue
        raw = secret.encode("utf-8")
        forms.update(
            {
                secret,
                secret.encode("unicode_escape").decode("ascii"),
                repr(secret)[1:-1],
                repr(raw)[2:-1],
                secret.replace("\\", "\\\\").replace('"', '\\"'),
                raw.decode("latin-1"),
                base64.b64encode(raw).decode("ascii"),
            }
        )
        for user in {*users, ""}:
            for blob in ("\0%s\0%s" % (user, secret), "%s\0%s" % (user, secret)):
                forms.add(base64.b64encode(blob.encode("utf-8")).decode("ascii"))
    return sorted((form for form in forms if form), key=len, reverse=True)


def scrub(value, forms):
    if isinstance(value, str):
        for form in forms:
            if form in value:
                value = value.replace(form, MASK)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, forms) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, forms) for item in value]
    return value


# --------------------------------------------------------------------------
# module
# --------------------------------------------------------------------------


def jndi_report(jndi, output, summary, warnings):
    """Add the application-server session to the result; return its problems as failures."""
    where = " in %s" % jndi["file"] if jndi["file"] else ""
    server = {"tomcat": "Tomcat ", "wildfly": "WildFly "}.get(
        jndi["server"], jndi["server"] + " " if jndi["server"] else ""
    )
    failures = ["JNDI %s: %s" % (jndi["name"], problem) for problem in jndi["problems"]]
    output["jndi"] = {"name": jndi["name"], "ok": not failures, "problems": list(jndi["problems"])}
    if failures:
        summary.extend("FAILED " + failure for failure in failures)
    else:
        summary.append(
            "JNDI %s: the servers above are the ones the %smail session%s names" % (jndi["name"], server, where)
        )
    warnings.append(
        "Liferay looks up the JNDI name %s when it starts. If the lookup fails (resource missing or misspelt, mail "
        "API jar not on the application server's class path, wrong session type) Liferay only logs 'Unable to "
        "lookup %s' and silently falls back to its built-in session (localhost:25 once the mail.session.mail.* "
        "keys are gone). These checks prove the servers, not the lookup: look for that line in Liferay's log after "
        "the restart" % (jndi["name"], jndi["name"])
    )
    return failures


def make_ssl_context(tls_verify, ca_file):
    context = ssl.create_default_context(cafile=ca_file or None)
    if not tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def argument_spec():
    security = {"type": "str", "choices": ["none", "starttls", "ssl"]}
    common = {
        "host": {"type": "str", "required": True},
        "port": {"type": "int"},
        "user": {"type": "str", "default": ""},
        "password": {"type": "str", "default": "", "no_log": True},
    }
    return {
        "smtp": {"type": "dict", "options": dict(common, security=dict(security, default="starttls"))},
        "store": {
            "type": "dict",
            "options": dict(
                common,
                security=dict(security, default="ssl"),
                protocol={"type": "str", "choices": ["pop3", "imap"], "default": "pop3"},
            ),
        },
        "timeout": {"type": "float", "default": 5},
        "retries": {"type": "int", "default": 0},
        "retry_delay": {"type": "float", "default": 1},
        "tls_verify": {"type": "bool", "default": True},
        "ca_file": {"type": "path"},
        "cert_expiry_warn_days": {"type": "int", "default": 30},
        "fail_on_error": {"type": "bool", "default": True},
        "roundtrip": {"type": "bool", "default": False},
        "roundtrip_to": {"type": "str"},
        "roundtrip_from": {"type": "str"},
        "roundtrip_deadline": {"type": "float", "default": 30},
        "jndi": {
            "type": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "server": {"type": "str", "default": ""},
                "file": {"type": "str", "default": ""},
                "problems": {"type": "list", "elements": "str", "default": []},
            },
        },
    }


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_one_of=[("smtp", "store")],
        required_if=[("roundtrip", True, ("smtp", "store", "roundtrip_to"))],
        supports_check_mode=True,
    )
    p = module.params
    for name in ("timeout", "roundtrip_deadline"):
        if p[name] <= 0:
            module.fail_json(msg="%s must be greater than 0, got %s" % (name, p[name]))
    if p["retries"] < 0 or p["retry_delay"] < 0:
        module.fail_json(msg="retries and retry_delay must not be negative")
    for name in ("smtp", "store"):
        if p[name] and p[name]["port"] is not None and not 1 <= p[name]["port"] <= 65535:
            module.fail_json(msg="%s.port must be between 1 and 65535, got %s" % (name, p[name]["port"]))

    forms = secret_forms(
        [cfg["password"] for cfg in (p["smtp"], p["store"]) if cfg],
        [cfg["user"] for cfg in (p["smtp"], p["store"]) if cfg],
    )
    # loading the CA store costs more than a plain-text check: only when a probe speaks TLS
    ssl_context = None
    if any(cfg and cfg["security"] != "none" for cfg in (p["smtp"], p["store"])):
        try:
            ssl_context = make_ssl_context(p["tls_verify"], p["ca_file"])
        except (OSError, ssl.SSLError) as exc:
            module.fail_json(msg="ca_file %s cannot be loaded as PEM CA certificates: %s" % (p["ca_file"], exc))
    opts = {
        "timeout": p["timeout"],
        "ssl_context": ssl_context,
        "cert_expiry_warn_days": p["cert_expiry_warn_days"],
    }

    probes = {}
    if p["smtp"]:
        probes["smtp"] = SMTPProbe(p["smtp"], opts)
    if p["store"]:
        probes["store"] = STORE_PROBES[p["store"]["protocol"]](p["store"], opts)

    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        futures = {name: pool.submit(probe.run, p["retries"], p["retry_delay"]) for name, probe in probes.items()}
        results = {name: future.result() for name, future in futures.items()}
    warnings = [w for probe in probes.values() for w in probe.warnings]
    failures = [results[name]["error"] for name in ("smtp", "store") if name in results and not results[name]["ok"]]

    output = dict(results, changed=False)
    summary = [summary_line(probes[name], results[name]) for name in ("smtp", "store") if name in probes]
    if p["roundtrip"]:
        if failures:
            output["roundtrip"] = {
                "ok": False,
                "error_class": "skipped",
                "error": "round trip skipped: the checks above failed",
            }
        else:
            smtp_probe = SMTPProbe(p["smtp"], opts)
            store_probe = STORE_PROBES[p["store"]["protocol"]](p["store"], opts)
            output["roundtrip"] = roundtrip(
                smtp_probe,
                store_probe,
                p["roundtrip_from"] or p["roundtrip_to"],
                p["roundtrip_to"],
                p["roundtrip_deadline"],
            )
            warnings.extend(smtp_probe.warnings + store_probe.warnings)
            if not output["roundtrip"]["ok"]:
                failures.append(output["roundtrip"]["error"])
        trip = output["roundtrip"]
        if trip["ok"]:
            summary.append(
                "round trip: the probe arrived after %d ms and was %s"
                % (trip["latency_ms"], "deleted" if trip["deleted"] else "NOT deleted")
            )
        else:
            summary.append("FAILED " + trip["error"])

    if p["jndi"]:
        jndi_failures = jndi_report(p["jndi"], output, summary, warnings)
        failures.extend(jndi_failures)

    if not p["tls_verify"]:
        warnings.insert(
            0,
            "tls_verify is false: server certificates are not verified, so anybody on the network path "
            "can pose as the mail server and read the password",
        )
    output["ok"] = not failures
    output["summary"] = sorted(summary, key=lambda line: not line.startswith("FAILED"))
    output = scrub(output, forms)
    for warning in dict.fromkeys(warnings):  # each once, in order
        module.warn(scrub(warning, forms))
    if failures and p["fail_on_error"]:
        lines = "\n".join(scrub(failure, forms) for failure in failures)
        module.fail_json(msg="mail server check failed:\n" + lines, **output)
    for failure in failures:
        module.warn(scrub(failure, forms))
    module.exit_json(**output)


if __name__ == "__main__":
    main()
