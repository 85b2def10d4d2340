# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SMTP check of mail_session_verify: greeting, EHLO, STARTTLS, AUTH, and sending the round-trip probe.

smtplib speaks the protocol over a socket connected under the check's deadline (session.Probe).
Standard library only.
"""

from __future__ import annotations

import base64
import re
import smtplib
import socket

from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.oauth2 import xoauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.session import CheckError, Probe, server_text


class _SMTP(smtplib.SMTP):
    """smtplib fed with a socket connected under the deadline."""

    presock = None

    def _get_socket(self, host, port, timeout):
        return self.presock


def _local_name():
    name = socket.gethostname()
    return name if re.match(r"^[A-Za-z0-9][A-Za-z0-9.-]*$", name or "") else "localhost"


class SMTPProbe(Probe):
    family = "smtp"
    permission = "SMTP.SendAsApp"

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
                "protocol", "expected greeting 220, got: %d %s%s" % (code, server_text(message), self.greeting_hint())
            )
        self.step("EHLO", smtp.sock)
        code, message = smtp.ehlo()
        if code != 250:
            if self.security == "starttls" or self.user:
                raise CheckError("protocol", "EHLO refused: %d %s" % (code, server_text(message)))
            self.step("HELO", smtp.sock)
            code, message = smtp.helo()
            if code != 250:
                raise CheckError("protocol", "HELO refused: %d %s" % (code, server_text(message)))
        self.result["starttls_offered"] = smtp.has_extn("starttls")
        if self.security == "starttls":
            code, message = self.upgrade(
                smtp,
                "STARTTLS",
                smtp.has_extn("starttls"),
                "EHLO lists: %s" % (", ".join(sorted(smtp.esmtp_features)) or "nothing"),
                ", or none only if the server has no TLS",
                lambda context: smtp.starttls(context=context),
            )
            if code != 220:
                raise CheckError("protocol", "STARTTLS refused: %d %s" % (code, server_text(message)))
            self.step("EHLO after STARTTLS", smtp.sock)
            code, message = smtp.ehlo()
            if code != 250:
                raise CheckError("protocol", "EHLO after STARTTLS refused: %d %s" % (code, server_text(message)))
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

        if self.token is not None:
            code, message = self.authenticate_xoauth2(smtp, mechanisms)
        elif "PLAIN" in mechanisms:  # RFC 4616, UTF-8; smtplib.login() would only take ASCII
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
            raise self.auth_failed("%d %s" % (code, server_text(message)))
        raise CheckError("protocol", "unexpected answer to AUTH: %d %s" % (code, server_text(message)))

    def authenticate_xoauth2(self, smtp, mechanisms):
        """SASL XOAUTH2 in one line (``AUTH XOAUTH2 <initial response>``), as Liferay has JavaMail send it
        to SMTP (``auth.xoauth2.two.line.authentication.format=false``). A server that refuses the token
        may first send its error as a 334 challenge; the empty answer ends the exchange."""
        if "XOAUTH2" not in mechanisms:
            raise CheckError(
                "auth",
                "the server does not offer AUTH XOAUTH2 (it offers %s): Liferay's OAuth2 login cannot work here"
                % " ".join(mechanisms),
            )
        code, message = smtp.docmd("AUTH", "XOAUTH2 " + xoauth2(self.user, self.token.value))
        if code == 334:
            self.step("AUTH XOAUTH2 error", smtp.sock)
            detail = _challenge_text(message)
            code, message = smtp.docmd("")
            if detail:
                message = b"%s (%s)" % (message if isinstance(message, bytes) else str(message).encode(), detail)
        return code, message

    def status(self, client):
        self.close(client)

    def send(self, smtp, sender, recipient, data):
        """Round trip: send the probe message (bytes) from sender to recipient, then QUIT."""
        self.step("MAIL FROM/RCPT TO/DATA", smtp.sock)
        try:
            smtp.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = exc.recipients.get(recipient, (0, b""))
            raise CheckError(
                "protocol", "the recipient %s was refused: %d %s" % (recipient, code, server_text(message))
            ) from exc
        except smtplib.SMTPSenderRefused as exc:
            raise CheckError(
                "protocol", "the sender %s was refused: %d %s" % (sender, exc.smtp_code, server_text(exc.smtp_error))
            ) from exc
        except smtplib.SMTPDataError as exc:
            raise CheckError(
                "protocol", "the message was refused: %d %s" % (exc.smtp_code, server_text(exc.smtp_error))
            ) from exc
        self.close(smtp)


def _challenge_text(message):
    """The server's XOAUTH2 error (base64 JSON in the 334 challenge, e.g. {"status":"401",...}) as bytes."""
    try:
        return base64.b64decode(message, validate=True).strip()[:200]
    except (ValueError, TypeError):
        return b""
