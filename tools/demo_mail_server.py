#!/usr/bin/env python3
"""Throwaway local mail server for ``make run``: SMTP (with AUTH) in, POP3 out, one demo account.

It lets the role check a real SMTP -> POP3 round trip on a machine without root and without
system packages. Everything lives in memory and is gone when the server stops.

* Listens on 127.0.0.1 only. SMTP offers ``AUTH PLAIN`` and ``AUTH LOGIN`` (credentials
  as UTF-8) and requires it before ``MAIL FROM``; it accepts mail for the demo address only
  (anything else gets 550) and stores it in an in-memory mailbox.
* POP3 serves that mailbox with USER/PASS: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP,
  QUIT; deletions are applied on QUIT.
* The password is never written to the log, the ready file, stdout or the command line of
  the background process (``start`` hands it over in the environment).

Usage::

    demo_mail_server.py [run] [--smtp-port 2525] [--pop3-port 2110] [--address ADDR]
                        [--password PW] [--pidfile F] [--ready-file F] [--log-file F|-]
    demo_mail_server.py start  --state-dir .run/mail [same options as run] [--timeout S]
    demo_mail_server.py status --state-dir .run/mail
    demo_mail_server.py stop   --state-dir .run/mail [--timeout S]

``run`` (the default) stays in the foreground until SIGTERM or SIGINT. ``start`` runs it in
the background with its pid, ready and log files in the state directory, waits until both
ports listen and prints them; ``start`` on a running server and ``stop`` on a stopped one
do nothing. Port 0 picks a free port (the ready file, a JSON object, says which).
The password is taken from ``--password``, else ``$DEMO_MAIL_PASSWORD``, else the default.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_SMTP_PORT = 2525
DEFAULT_POP3_PORT = 2110
DEFAULT_ADDRESS = "demo@localhost.localdomain"
DEFAULT_PASSWORD = "demo p@ss,1ü"  # noqa: S105 - a public demo credential, tricky on purpose
PASSWORD_ENV = "DEMO_MAIL_PASSWORD"  # noqa: S105 - the name of a variable, not a secret
SERVER_NAME = b"localhost.localdomain"
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_MESSAGES = 1000
STATE_FILES = {"pidfile": "server.pid", "ready_file": "ready.json", "log_file": "server.log"}
REDACTED = "********"


# --------------------------------------------------------------------------- server


def build_services(address, password):
    """The SMTP and POP3 factories sharing one in-memory mailbox for ``address``."""
    # Twisted is imported here so that `stop` and `status` work without it.
    from twisted.cred import checkers, credentials, error, portal
    from twisted.internet import defer, protocol
    from twisted.mail import pop3, smtp
    from twisted.mail.imap4 import IllegalClientResponse, PLAINCredentials
    from twisted.mail.interfaces import IMailboxPOP3 as IMailbox
    from twisted.mail.interfaces import IMessageDelivery, IMessageSMTP
    from twisted.python import log
    from zope.interface import implementer

    account = address.encode("utf-8")
    secret = password.encode("utf-8")

    class Store:
        """The demo account's messages: a list of [uid, bytes with LF line ends]."""

        def __init__(self):
            self.messages = []
            self.counter = 0

        def add(self, data):
            self.counter += 1
            self.messages.append((b"%d.%d" % (int(time.time()), self.counter), data))

        def remove(self, uids):
            self.messages = [m for m in self.messages if m[0] not in uids]

    store = Store()

    @implementer(checkers.ICredentialsChecker)
    class DemoChecker:
        credentialInterfaces = (credentials.IUsernamePassword,)

        def requestAvatarId(self, creds):
            user_ok = hmac.compare_digest((creds.username or b"").lower(), account.lower())
            password_ok = hmac.compare_digest(creds.password or b"", secret)
            if user_ok and password_ok:
                return defer.succeed(account)
            return defer.fail(error.UnauthorizedLogin())

    @implementer(IMessageSMTP)
    class Message:
        def __init__(self):
            self.lines = []
            self.size = 0

        def lineReceived(self, line):
            self.size += len(line) + 2
            if self.size > MAX_MESSAGE_BYTES:
                # bytes: SMTP.dataLineReceived sends this resp as it is (validateTo wants str)
                raise smtp.SMTPServerError(552, b"5.3.4 Message too big for this demo server")
            self.lines.append(line)

        def eomReceived(self):
            store.add(b"\n".join(self.lines) + b"\n")
            log.msg("stored a message for %s (%d messages waiting)" % (address, len(store.messages)))
            return defer.succeed(None)

        def connectionLost(self):
            self.lines = []

    @implementer(IMessageDelivery)
    class Delivery:
        def receivedHeader(self, helo, origin, recipients):
            name = helo[0] if helo and helo[0] else b"unknown"
            peer = helo[1] if helo and helo[1] else b"unknown"
            return b"Received: from %s ([%s])\n\tby %s with ESMTPA; %s" % (name, peer, SERVER_NAME, smtp.rfc822date())

        def validateFrom(self, helo, origin):
            return origin

        def validateTo(self, user):
            if bytes(user.dest).lower() != account.lower():
                raise smtp.SMTPBadRcpt(
                    user, 550, "5.1.1 No such user here: this server only takes mail for its demo account"
                )
            if len(store.messages) >= MAX_MESSAGES:
                raise smtp.SMTPServerError(452, "4.2.2 Mailbox full")
            return Message

    @implementer(IMailbox)
    class Maildrop:
        """One POP3 session's view of the mailbox; deletions reach the store on QUIT."""

        def __init__(self):
            self.messages = list(store.messages)
            self.deleted = set()

        def _index(self, i):
            if not 0 <= i < len(self.messages):
                raise ValueError("no such message")
            return i

        def _size(self, i):
            # The octets of the message as sent, with CRLF line ends.
            data = self.messages[i][1]
            return 0 if i in self.deleted else len(data) + data.count(b"\n")

        def listMessages(self, i=None):
            if i is None:
                return [self._size(n) for n in range(len(self.messages))]
            return self._size(self._index(i))

        def getMessage(self, i):
            if self._index(i) in self.deleted:
                raise ValueError("message deleted")
            return WholeReader(self.messages[i][1])

        def getUidl(self, i):
            return self.messages[self._index(i)][0]

        def deleteMessage(self, i):
            self.deleted.add(self._index(i))

        def undeleteMessages(self):
            self.deleted.clear()

        def sync(self):
            store.remove({self.messages[i][0] for i in self.deleted})
            if self.deleted:
                log.msg("deleted %d messages (%d left)" % (len(self.deleted), len(store.messages)))
            self.messages = [m for n, m in enumerate(self.messages) if n not in self.deleted]
            self.deleted.clear()

    class WholeReader(io.BytesIO):
        """Hands the whole message to POP3's FileSender in one chunk.

        twisted.mail.pop3 byte-stuffs each chunk on its own, so a line starting with "."
        right after a chunk boundary would not be stuffed; one chunk has no boundary.
        """

        def read(self, size=-1):
            return super().read()

    @implementer(portal.IRealm)
    class Realm:
        def requestAvatar(self, avatar_id, mind, *interfaces):
            if IMessageDelivery in interfaces:
                return IMessageDelivery, Delivery(), lambda: None
            if IMailbox in interfaces:
                return IMailbox, Maildrop(), lambda: None
            raise NotImplementedError("no avatar for %r" % (interfaces,))

    the_portal = portal.Portal(Realm(), [DemoChecker()])

    class DemoESMTP(smtp.ESMTP):
        def validateFrom(self, helo, origin):
            if not self.authenticated:
                raise smtp.SMTPServerError(530, "5.7.0 Authentication required")
            return super().validateFrom(helo, origin)

        def lookupMethod(self, command):
            # A non-ASCII command word would otherwise raise and drop the connection.
            try:
                return super().lookupMethod(command)
            except UnicodeError:
                return None

        def do_NOOP(self, rest):
            # Twisted's SMTP has no NOOP; JavaMail sends it to check a connection is alive.
            self.sendCode(250, b"2.0.0 OK")

        def state_AUTH(self, response):
            # Twisted lets a malformed PLAIN response escape and drops the connection.
            try:
                super().state_AUTH(response)
            except IllegalClientResponse:
                self.challenger = None
                self.mode = smtp.COMMAND
                self.sendCode(501, b"5.5.2 Malformed authentication response")

    class SMTPFactory(smtp.SMTPFactory):
        def buildProtocol(self, addr):
            proto = DemoESMTP({b"PLAIN": PLAINCredentials, b"LOGIN": smtp.LOGINCredentials})
            proto.factory = self
            proto.portal = self.portal
            proto.host = SERVER_NAME
            return proto

    class DemoPOP3(pop3.POP3):
        """POP3 whose STAT, LIST, UIDL and DELE follow RFC 1939 for messages marked deleted.

        Twisted's own count them in STAT and list them (with size 0) in LIST and UIDL.
        """

        def state_COMMAND(self, line):
            # Twisted's version echoes and logs the offending command with a traceback; a
            # client that sends its password out of turn would have it logged. Say less.
            command = line.split(b" ", 1)[0].upper()
            try:
                return self.processCommand(*line.split(b" "))
            except pop3.POP3Error:
                self.failResponse(b"not authenticated yet" if self.mbox is None else b"unknown command")
            except (TypeError, ValueError) as exc:
                self.failResponse(b"bad arguments")
                if hasattr(self, "do_" + command.decode("ascii", "replace")):
                    log.msg("POP3 %s failed: %s" % (command.decode("ascii"), type(exc).__name__))
            return None

        def _number(self, i):
            """The 0-based index of message number i, or None after an -ERR reply."""
            try:
                index = int(i) - 1
                self.mbox.listMessages(index)
            except ValueError:
                self.failResponse(b"no such message")
                return None
            if index in self.mbox.deleted:
                self.failResponse(b"message %d already deleted" % (index + 1))
                return None
            return index

        def _live(self):
            return [(n + 1, size) for n, size in enumerate(self.mbox.listMessages()) if n not in self.mbox.deleted]

        def do_STAT(self):
            live = self._live()
            self.successResponse(b"%d %d" % (len(live), sum(size for _, size in live)))

        def _listing(self, i, describe, first_line):
            """LIST and UIDL: "number text" of message i, or first_line, that of every live message and "."."""
            if i is not None:
                index = self._number(i)
                if index is not None:
                    self.successResponse(b"%d %s" % (index + 1, describe(index)))
                return
            self.successResponse(first_line)
            for number, _ in self._live():
                self.sendLine(b"%d %s" % (number, describe(number - 1)))
            self.sendLine(b".")

        def do_LIST(self, i=None):
            live = self._live()
            first_line = b"%d messages (%d octets)" % (len(live), sum(size for _, size in live))
            self._listing(i, lambda index: b"%d" % self.mbox.listMessages(index), first_line)

        def do_UIDL(self, i=None):
            self._listing(i, self.mbox.getUidl, b"")

        def do_DELE(self, i):
            index = self._number(i)
            if index is not None:
                self.mbox.deleteMessage(index)
                self.successResponse(b"message %d deleted" % (index + 1))

    class POP3Factory(protocol.ServerFactory):
        protocol = DemoPOP3

        def buildProtocol(self, addr):
            proto = super().buildProtocol(addr)
            proto.portal = the_portal
            return proto

    return SMTPFactory(the_portal), POP3Factory(), store


def _write_atomic(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _remove_if_ours(path, pid):
    """Remove a pid or ready file unless another process has taken it over since."""
    if not path:
        return
    with contextlib.suppress(OSError, ValueError):
        text = Path(path).read_text(encoding="utf-8")
        owner = json.loads(text)["pid"] if text.lstrip().startswith("{") else int(text)
        if owner == pid:
            Path(path).unlink()


class RedactingObserver:
    """A Twisted log observer writing classic text lines with the secrets masked."""

    def __init__(self, stream, secrets):
        self.stream = stream
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, event):
        from twisted.logger import formatEventAsClassicLogText

        text = formatEventAsClassicLogText(event)
        if not text:
            return
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        self.stream.write(text)
        self.stream.flush()


def _secret_spellings(password):
    """The ways a password could show up in a log line, all of which are masked."""
    raw = password.encode("utf-8")
    return [password, repr(password)[1:-1], repr(raw)[2:-1], base64.b64encode(raw).decode("ascii")]


def run_server(args):
    """Serve until SIGTERM/SIGINT; returns the exit status."""
    pid = os.getpid()
    if args.pidfile:
        other = _read_pid(args.pidfile)
        if other and other != pid and _is_our_server(other):
            print("demo mail server already running with pid %d (%s)" % (other, args.pidfile), file=sys.stderr)
            return 1

    from twisted.internet import reactor
    from twisted.internet.error import CannotListenError
    from twisted.logger import ILogObserver, globalLogBeginner
    from twisted.python import log
    from zope.interface import directlyProvides

    if args.log_file in (None, "-"):
        stream = sys.stdout
    else:
        Path(args.log_file).parent.mkdir(parents=True, exist_ok=True)
        stream = open(args.log_file, "a", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    observer = RedactingObserver(stream, _secret_spellings(args.password))
    directlyProvides(observer, ILogObserver)
    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)

    smtp_factory, pop3_factory, _store = build_services(args.address, args.password)
    if args.pidfile:
        _write_atomic(args.pidfile, "%d\n" % pid)
    try:
        smtp_port = reactor.listenTCP(args.smtp_port, smtp_factory, interface=HOST)
        pop3_port = reactor.listenTCP(args.pop3_port, pop3_factory, interface=HOST)
    except CannotListenError as exc:
        log.msg("cannot listen: %s" % exc)
        print("demo mail server: cannot listen: %s" % exc, file=sys.stderr)
        _remove_if_ours(args.pidfile, pid)
        return 2

    ready = {
        "pid": pid,
        "host": HOST,
        "smtp_port": smtp_port.getHost().port,
        "pop3_port": pop3_port.getHost().port,
        "address": args.address,
    }

    def announce():
        if args.ready_file:
            _write_atomic(args.ready_file, json.dumps(ready, indent=2) + "\n")
        log.msg(
            "demo mail server ready (pid %d): SMTP %s:%d (AUTH PLAIN LOGIN), POP3 %s:%d, account %s"
            % (pid, HOST, ready["smtp_port"], HOST, ready["pop3_port"], args.address)
        )

    def cleanup():
        log.msg("demo mail server stopping")
        _remove_if_ours(args.ready_file, pid)
        _remove_if_ours(args.pidfile, pid)

    reactor.callWhenRunning(announce)
    reactor.addSystemEventTrigger("after", "shutdown", cleanup)
    reactor.run()  # installs SIGTERM/SIGINT handlers that stop the reactor cleanly
    return 0


# --------------------------------------------------------------------------- process control


def _read_pid(path):
    try:
        return int(Path(path).read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_our_server(pid):
    """True when pid is alive and (where /proc tells) is this script, not a recycled pid.

    A zombie (exited, not yet reaped) has an empty cmdline, so it counts as gone.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process
    cmdline = Path("/proc/%d/cmdline" % pid)
    if cmdline.parent.exists():
        try:
            return Path(__file__).name.encode() in cmdline.read_bytes()
        except OSError:
            return False
    return True


def _state_paths(state_dir):
    state_dir = Path(state_dir).resolve()
    return {key: state_dir / name for key, name in STATE_FILES.items()}


def _read_ready(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _describe(info, log_file):
    return "demo mail server running (pid %d): SMTP %s:%d, POP3 %s:%d, account %s; log %s" % (
        info["pid"],
        info["host"],
        info["smtp_port"],
        info["host"],
        info["pop3_port"],
        info["address"],
        log_file,
    )


def _running(paths):
    pid = _read_pid(paths["pidfile"])
    if pid and _is_our_server(pid):
        return pid
    return None


def start(args):
    paths = _state_paths(args.state_dir)
    pid = _running(paths)
    if pid:
        info = _read_ready(paths["ready_file"])
        if info and info.get("pid") == pid:
            wanted = {"smtp_port": args.smtp_port, "pop3_port": args.pop3_port, "address": args.address}
            clash = {k: v for k, v in wanted.items() if v and info.get(k) != v}
            if clash:
                print(
                    "a demo mail server already runs from %s with other settings (%s): stop it first"
                    % (args.state_dir, ", ".join("%s=%s" % (k, info.get(k)) for k in clash)),
                    file=sys.stderr,
                )
                return 1
            print("already " + _describe(info, paths["log_file"]))
            return 0
        print("a demo mail server (pid %d) is starting or stuck; run stop first" % pid, file=sys.stderr)
        return 1

    for key in ("pidfile", "ready_file"):
        paths[key].unlink(missing_ok=True)
    paths["log_file"].parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "run",
        "--smtp-port",
        str(args.smtp_port),
        "--pop3-port",
        str(args.pop3_port),
        "--address",
        args.address,
        "--pidfile",
        str(paths["pidfile"]),
        "--ready-file",
        str(paths["ready_file"]),
        "--log-file",
        str(paths["log_file"]),
    ]
    env = dict(os.environ)
    env[PASSWORD_ENV] = args.password  # not on the command line, where ps shows it
    log_offset = paths["log_file"].stat().st_size if paths["log_file"].exists() else 0
    with open(paths["log_file"], "ab") as log_handle:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=log_handle,
            env=env,
            cwd="/",
            start_new_session=True,
        )
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        info = _read_ready(paths["ready_file"])
        if info and info.get("pid") == child.pid:
            print(_describe(info, paths["log_file"]))
            return 0
        if child.poll() is not None:
            break
        time.sleep(0.05)
    else:
        child.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(5)
    with open(paths["log_file"], "rb") as handle:
        handle.seek(log_offset)
        tail = handle.read().decode("utf-8", "replace").strip()
    print(
        "demo mail server did not become ready (exit status %s); its log says:\n%s"
        % (child.poll(), tail or "(nothing)"),
        file=sys.stderr,
    )
    return 1


def stop(args):
    paths = _state_paths(args.state_dir)
    pid = _running(paths)
    if not pid:
        for key in ("pidfile", "ready_file"):
            paths[key].unlink(missing_ok=True)
        print("demo mail server not running")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if not _is_our_server(pid):
            break
        time.sleep(0.05)
    else:
        print("demo mail server (pid %d) ignored SIGTERM for %ss; killing it" % (pid, args.timeout), file=sys.stderr)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    for key in ("pidfile", "ready_file"):
        paths[key].unlink(missing_ok=True)
    print("demo mail server stopped (pid %d)" % pid)
    return 0


def status(args):
    paths = _state_paths(args.state_dir)
    pid = _running(paths)
    info = _read_ready(paths["ready_file"])
    if pid and info and info.get("pid") == pid:
        print(_describe(info, paths["log_file"]))
        return 0
    print("demo mail server not running" if not pid else "demo mail server (pid %d) not ready" % pid)
    return 3


# --------------------------------------------------------------------------- command line


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Throwaway local SMTP + POP3 server with one demo account (127.0.0.1 only).",
        epilog="The password comes from --password, else $%s, else the built-in demo one." % PASSWORD_ENV,
    )
    commands = parser.add_subparsers(dest="command", metavar="{run,start,stop,status}")

    def server_options(sub):
        sub.add_argument("--smtp-port", type=int, default=DEFAULT_SMTP_PORT, help="default %(default)s")
        sub.add_argument("--pop3-port", type=int, default=DEFAULT_POP3_PORT, help="default %(default)s")
        sub.add_argument("--address", default=DEFAULT_ADDRESS, help="the demo account, default %(default)s")
        sub.add_argument(
            "--password",
            default=None,
            help="the demo account's password; default $%s, else the built-in demo one. "
            "Prefer the variable: a command line shows in ps" % PASSWORD_ENV,
        )

    def run_options(sub):
        server_options(sub)
        sub.add_argument("--foreground", action="store_true", help="stay in the foreground (the default for run)")
        sub.add_argument("--pidfile", help="write the pid here, removed on exit")
        sub.add_argument("--ready-file", help="write JSON {pid, host, smtp_port, pop3_port, address} once listening")
        sub.add_argument("--log-file", default="-", help="log file, '-' for stdout (default)")

    run_options(parser)
    run_options(commands.add_parser("run", help="serve in the foreground (the default)"))
    start_parser = commands.add_parser("start", help="serve in the background, wait until ready")
    server_options(start_parser)
    for name in ("start", "stop", "status"):
        helps = {"stop": "stop the background server", "status": "is the background server running? (exit 0 or 3)"}
        sub = start_parser if name == "start" else commands.add_parser(name, help=helps[name])
        sub.add_argument("--state-dir", required=True, help="where server.pid, ready.json and server.log live")
        if name != "status":
            sub.add_argument("--timeout", type=float, default=15.0, help="seconds to wait, default %(default)s")
    args = parser.parse_args(argv)
    args.command = args.command or "run"
    if hasattr(args, "password"):
        if args.password is None:
            args.password = os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD
        for port in (args.smtp_port, args.pop3_port):
            if not 0 <= port <= 65535:
                parser.error("port out of range: %d" % port)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    handler = {"run": run_server, "start": start, "stop": stop, "status": status}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
