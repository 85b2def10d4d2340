# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The store checks of mail_session_verify: POP3 and IMAP, the mailbox Liferay's message boards read.

StoreProbe is the flow both share (connect, greeting, STARTTLS or implicit TLS, login with the
rejections classified, message count, the round trip's find-and-delete); POP3Probe and IMAPProbe
add only their protocol's commands, spoken by poplib / imaplib over a socket connected under the
check's deadline (session.Probe). Standard library only.
"""

from __future__ import annotations

import imaplib
import poplib
import sys

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.oauth2 import xoauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.session import CheckError, Probe, server_text

# POP3 only: how many of the newest messages the round trip searches for its probe.
POP3_SCAN_LIMIT = 200


class _POP3(poplib.POP3):
    """poplib fed with a socket connected under the deadline."""

    def __init__(self, sock, host, port):
        self._presock = sock
        super().__init__(host, port, timeout=sock.gettimeout())

    def _create_socket(self, timeout=None):
        return self._presock


class _IMAP(imaplib.IMAP4):
    """imaplib fed with a socket connected under the deadline."""

    def __init__(self, sock, host, port):
        self._presock = sock
        if sys.version_info >= (3, 9):  # noqa: UP036 - targets may run Python 3.8
            super().__init__(host, port, timeout=sock.gettimeout())
        else:  # no timeout argument; the socket has its timeout already
            super().__init__(host, port)

    def _create_socket(self, timeout=None):
        return self._presock


class StoreProbe(Probe):
    """A mailbox server: the flow of both store protocols. A protocol sets

    - client_class: the library's client, constructed on the connected socket (it reads the greeting);
    - starttls_command: what the server lists when it offers STARTTLS, and the command sent;
    - login_phase: the phase the login is reported as;
    - login_errors: the library's exception, which login() raises also for rejected credentials;

    and implements the protocol's commands:

    - capabilities(client): what the server offers before STARTTLS (a container of names);
    - listed(capabilities): those, for the message when STARTTLS is not among them;
    - starttls(client, context): the upgrade;
    - login(client): log in as self.user;
    - connection_lost(exc): whether a login_errors exception of login() means the connection was lost;
    - count_messages(client, readonly): the number of messages in the mailbox (INBOX);
    - delete_tagged(client, token, count, found): round trip: delete the messages holding token, set
      found["found"] / found["deleted"], end the session.
    """

    client_class = None
    starttls_command = None
    login_phase = None

    def blank_result(self):
        result = super().blank_result()
        result["message_count"] = None
        return result

    def session(self):
        sock = self.open_socket()
        self.step("greeting")
        client = self.client_class(sock, self.host, self.port)
        self.set_banner(client.welcome)
        if self.security == "starttls":
            capabilities = self.capabilities(client)
            self.upgrade(
                client,
                self.starttls_command,
                self.starttls_command in capabilities,
                self.listed(capabilities),
                " (usually %d)" % DEFAULT_PORT[(self.family, "ssl")],
                lambda context: self.starttls(client, context),
            )
        if self.user:
            self.step(self.login_phase, client.sock)
            try:
                self.login(client)
            except self.login_errors as exc:
                if self.deadline.spent() or self.connection_lost(exc):
                    raise
                raise self.auth_failed(exc) from exc
            self.result["authenticated"] = True
        return client

    def status(self, client):
        if self.user:
            self.result["message_count"] = self.count_messages(client, readonly=True)
        self.close(client)

    def find_and_delete(self, client, token, found):
        """Round trip: delete the messages holding token (found["found"], found["deleted"]), end the session."""
        count = self.count_messages(client, readonly=False)
        self.result["message_count"] = count
        self.delete_tagged(client, token, count, found)


class POP3Probe(StoreProbe):
    family = "pop3"
    permission = "POP.AccessAsApp"
    login_errors = (poplib.error_proto,)
    client_class = _POP3
    starttls_command = "STLS"
    login_phase = "USER/PASS"

    def capabilities(self, pop):
        self.step("CAPA", pop.sock)
        try:
            return pop.capa()
        except poplib.error_proto:
            if self.deadline.spent():
                raise
            return {}

    def listed(self, capabilities):
        return "POP3 STARTTLS"

    def starttls(self, pop, context):
        pop.stls(context=context)

    def login(self, pop):
        if self.token is not None:
            self.login_xoauth2(pop)
            return
        pop.user(self.user)
        self.step("USER/PASS", pop.sock)
        pop.pass_(self.password)

    def login_xoauth2(self, pop):
        """SASL XOAUTH2 in Liferay's two-line form (``auth.xoauth2.two.line.authentication.format=true``):
        ``AUTH XOAUTH2``, the server's ``+`` continuation, then the initial response on a line of its own.
        A server that refuses the token may send its error as another continuation; the empty answer ends
        the exchange with the server's -ERR."""
        self.step("AUTH XOAUTH2", pop.sock)
        try:
            pop._shortcmd("AUTH XOAUTH2")
        except poplib.error_proto as exc:
            if self.deadline.spent() or self.connection_lost(exc):
                raise
            raise CheckError(
                "auth",
                "the server refuses AUTH XOAUTH2 (%s): Liferay's OAuth2 login cannot work here" % server_text(exc),
            ) from exc
        self.step("AUTH XOAUTH2 response", pop.sock)
        answer = pop._shortcmd(xoauth2(self.user, self.token.value))
        if not answer.startswith(b"+OK"):
            self.step("AUTH XOAUTH2 error", pop.sock)
            pop._shortcmd("")

    def connection_lost(self, exc):
        return server_text(exc) == "-ERR EOF"

    def count_messages(self, pop, readonly):
        self.step("STAT", pop.sock)
        count, _size = pop.stat()
        return count

    def delete_tagged(self, pop, token, count, found):
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


class IMAPProbe(StoreProbe):
    family = "imap"
    login_errors = (imaplib.IMAP4.error,)
    client_class = _IMAP
    starttls_command = "STARTTLS"
    login_phase = "LOGIN"
    quit_command = "LOGOUT"

    def capabilities(self, imap):
        return imap.capabilities

    def listed(self, capabilities):
        return "capabilities: %s" % " ".join(capabilities)

    def starttls(self, imap, context):
        imap.starttls(ssl_context=context)

    def login(self, imap):
        user, password = self.user, self.password
        capabilities = imap.capabilities
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

    def connection_lost(self, exc):
        return isinstance(exc, imaplib.IMAP4.abort)

    def quit(self, client):
        client.logout()

    def count_messages(self, imap, readonly):
        self.step("SELECT INBOX", imap.sock)
        typ, data = imap.select("INBOX", readonly=readonly)
        if typ != "OK":
            raise CheckError("protocol", "SELECT INBOX failed: %s" % server_text(data))
        return int(data[0])

    def delete_tagged(self, imap, token, count, found):
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
