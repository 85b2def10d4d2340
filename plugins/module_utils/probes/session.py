# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the mail server checks of mail_session_verify: one server, one line-protocol session.

A Probe connects (name lookup and TCP connect under the attempt's Deadline, implicit TLS), arms the
deadline on the socket before every command/answer exchange (step), upgrades with STARTTLS, and
classifies every failure as a CheckError for a person. The protocols (smtp.py, store.py) only add
their own dialogue. Standard library only.
"""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import socket
import ssl
import threading
import time

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.deadline import Deadline, Expired, retry
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.oauth2 import rejection
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.tls import DeadlineTLSContext, tls_report

NAMES = {"smtp": "SMTP", "pop3": "POP3", "imap": "IMAP"}
# What to use on the well-known ports, for hints after a TLS/plain-text mix-up.
PORT_HINTS = {
    "smtp": "for port 465 use security ssl, for 587 starttls",
    "pop3": "for port 995 use security ssl, for 110 starttls",
    "imap": "for port 993 use security ssl, for 143 starttls",
}
BANNER_MAX = 200
# The exceptions of the protocol libraries: the server closed the connection / answered unexpectedly.
CLOSED_ERRORS = (ConnectionError, smtplib.SMTPServerDisconnected, ssl.SSLError)
ANSWER_ERRORS = (smtplib.SMTPException, poplib.error_proto, imaplib.IMAP4.error, OSError)


class CheckError(Exception):
    """A classified failure: error_class plus a message for a person (without the 'PROTO host:port: ' prefix)."""

    def __init__(self, error_class, message):
        super().__init__(message)
        self.error_class = error_class
        self.message = message


def server_text(value):
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


class Probe:
    """One server: runs check attempts, each under its own Deadline, and classifies failures.

    A protocol sets family and implements session() (connect, greeting, TLS, login -> the client)
    and status(client) (what the check reads, then close()).
    """

    family = None
    quit_command = "QUIT"

    def __init__(self, cfg, opts):
        self.host = cfg["host"]
        self.security = cfg["security"]
        # the port each protocol and security uses when none is given: the role's one table
        self.port = cfg.get("port") or DEFAULT_PORT[(self.family, self.security)]
        self.user = cfg.get("user") or ""
        self.password = cfg.get("password") or ""
        # OAuth2 (probes/oauth2.py): log in with SASL XOAUTH2 as self.user with this token, not the password
        self.token = cfg.get("xoauth2_token")
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
        fields, warning = tls_report(tls, self.warn_days)
        self.result.update(fields)
        if warning:
            self.warn(warning)

    def set_banner(self, text):
        self.result["banner"] = server_text(text)[:BANNER_MAX]

    def summary(self, result):
        """One line for a person about this server's result."""
        if not result["ok"]:
            return "FAILED " + result["error"]
        parts = ["%s (%s): ok in %d ms" % (self.label, self.security, result["latency_ms"])]
        if result["attempts"] > 1:
            parts[0] += " after %d attempts" % result["attempts"]
        if result["tls_version"]:
            tls = result["tls_version"]
            if result["cert_not_after"]:
                tls += ", certificate valid until %s (%d days)" % (
                    result["cert_not_after"][:10],
                    result["cert_days_left"],
                )
            parts.append(tls)
        else:
            parts.append("no TLS")
        if result["authenticated"]:
            parts.append("authenticated as %r%s" % (self.user, " with XOAUTH2" if self.token else ""))
        if result.get("auth_mechanisms"):
            parts.append("AUTH " + " ".join(result["auth_mechanisms"]))
        if result.get("message_count") is not None:
            parts.append("%d message%s" % (result["message_count"], "" if result["message_count"] == 1 else "s"))
        return "; ".join(parts)

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
        result, attempts = retry(lambda: self.attempt(self.status), retries, delay)
        result["attempts"] = attempts
        return result

    def step(self, phase, sock=None):
        """Start a command/answer exchange: name it for the messages, give the socket the time left."""
        self.phase = phase
        self.deadline.arm(sock)

    def tls_context(self):
        return DeadlineTLSContext(self)

    # -- session -----------------------------------------------------------------

    def session(self):
        raise NotImplementedError

    def status(self, client):
        raise NotImplementedError

    def upgrade(self, client, command, offered, listed, advice, starttls):
        """STARTTLS (sent as command) when offered; otherwise fail before anything goes out in plain text.

        listed: what the server offers instead, for the message; advice: ends its 'use security ssl' hint;
        starttls(context) makes the library upgrade the connection; what it returns is returned.
        """
        if not offered:
            raise CheckError(
                "starttls_unavailable",
                "the server does not offer %s (%s); nothing was sent in plain text. "
                "Use security ssl if this is an implicit-TLS port%s" % (command, listed, advice),
            )
        self.step(command, client.sock)
        return starttls(self.tls_context())

    def close(self, client):
        self.phase = self.quit_command
        try:
            self.deadline.arm(client.sock)
            self.quit(client)
        except Exception:  # noqa: S110 - the check is complete; a lost QUIT changes nothing
            pass

    def quit(self, client):
        client.quit()

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
            except (OSError, Expired) as exc:
                sock.close()
                error = exc
                if self.deadline.spent() or isinstance(exc, (Expired, socket.timeout)):
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
        timed_out = self.deadline.spent() or isinstance(exc, (Expired, socket.timeout, TimeoutError))
        if timed_out:
            return self.timeout_error()
        if isinstance(exc, ssl.SSLCertVerificationError):
            return self.certificate_error(exc)
        if isinstance(exc, ssl.SSLError) and self.phase == "TLS handshake":
            reason = getattr(exc, "reason", None) or server_text(exc)
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
        if isinstance(exc, CLOSED_ERRORS) or (server_text(exc) in ("-ERR EOF", "socket error: EOF")):
            # a TLS-only port closes on a client that says nothing TLS: give the same hint
            return CheckError(
                "protocol", "the server closed the connection during %s%s" % (self.phase, self.greeting_hint())
            )
        if isinstance(exc, ANSWER_ERRORS):
            return CheckError(
                "protocol", "unexpected answer during %s: %s%s" % (self.phase, server_text(exc), self.greeting_hint())
            )
        return CheckError(
            "protocol", "unexpected error during %s: %s: %s" % (self.phase, type(exc).__name__, server_text(exc))
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
        detail = getattr(exc, "verify_message", None) or server_text(exc)
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

    # the application permission an Exchange Online token needs for this protocol (docs/oauth2.md)
    permission = None

    def auth_failed(self, exc_or_text):
        if self.token is not None:
            return CheckError(*rejection(self.token, server_text(exc_or_text), self.permission))
        return CheckError("auth", "credentials for user %r rejected: %s" % (self.user, server_text(exc_or_text)))
