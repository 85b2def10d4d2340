# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timing of the mail server checks: one deadline per check attempt, its watchdog, and the retries.

Used by the probes of mail_session_verify (the other modules of this package). Standard library only.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

# The error classes worth another attempt: a server that is still starting.
RETRYABLE = ("refused", "timeout")


class Expired(Exception):
    """The check's deadline passed before an operation could start."""


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
            raise Expired()
        return left

    def watch(self, sock):
        with self._lock:
            if self.expired:
                raise Expired()
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


def retry(attempt, retries, delay):
    """attempt() until it succeeds or fails for a reason other than RETRYABLE, at most 1 + retries times;
    delay seconds before the first retry, doubled before each further one. -> (last result, attempts made)"""
    attempts = 0
    while True:
        attempts += 1
        result = attempt()
        if result["ok"] or result["error_class"] not in RETRYABLE or attempts > retries:
            return result, attempts
        time.sleep(delay)
        delay *= 2
