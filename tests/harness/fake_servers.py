"""Tiny listeners on 127.0.0.1, run by a thread, for what a real server cannot be made to do on demand:
accept and never answer, stall at a given step, echo a password back, start late (no pytest in here).

``FakeServer(handler)``: ``handler(server, conn)`` speaks for each connection; ``smtp_fake()`` builds the
handler of an SMTP server from its greeting name, its EHLO extensions and its answers to some verbs.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from harness.mailserver import free_ports

HOST = "127.0.0.1"


class FakeServer:
    """A tiny listener on 127.0.0.1 run by a thread; handler(server, conn) speaks for each connection.

    start_after: seconds before the port starts listening (connections are refused until then).
    """

    def __init__(self, handler, start_after=0.0):
        self.handler = handler
        self.start_after = start_after
        self.port = free_ports(1)[0]
        self.received = []
        self.stopped = threading.Event()
        self._bound = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self._thread.start()
        if not self.start_after:
            assert self._bound.wait(5)
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self._thread.join(5)

    def _serve(self):
        if self.stopped.wait(self.start_after):
            return
        with socket.create_server((HOST, self.port)) as listener:
            listener.settimeout(0.05)
            self._bound.set()
            while not self.stopped.is_set():
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn):
        with conn:
            conn.settimeout(10)
            with contextlib.suppress(OSError):
                self.handler(self, conn)

    # helpers for handlers
    def send(self, conn, *lines):
        conn.sendall(b"".join(line.encode("utf-8") + b"\r\n" for line in lines))

    def lines(self, conn):
        """The client's lines, as str, until it disconnects (each is also recorded in self.received)."""
        reader = conn.makefile("rb")
        for raw in reader:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.received.append(line)
            yield line


def silent(server, conn):
    """Accept and never answer."""
    server.stopped.wait(30)


def smtp_fake(name, extensions, other="500 what?", answers=None, bye=True):
    """The handler of an SMTP server: greets as *name*, answers EHLO with *extensions*, QUIT with 221 (and
    hangs up; with bye=False QUIT is just another command), each verb of *answers* with
    ``answers[verb](server, conn, line)`` (which returns True to stop talking), and anything else with *other*."""
    answers = answers or {}

    def handler(server, conn):
        server.send(conn, "220 %s ESMTP" % name)
        for line in server.lines(conn):
            verb = line.split(" ", 1)[0].upper()
            if verb in answers:
                if answers[verb](server, conn, line):
                    return
            elif verb == "EHLO":
                *lines, last = [name, *extensions]
                server.send(conn, *("250-" + text for text in lines), "250 " + last)
            elif verb == "QUIT" and bye:
                server.send(conn, "221 bye")
                return
            else:
                server.send(conn, other)

    return handler
