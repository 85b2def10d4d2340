"""Throwaway PostgreSQL and MariaDB servers for the database-check tests, on 127.0.0.1 and a socket in a temp dir.

Both come from Debian packages (postgresql, mariadb-server) and are started and
stopped here; nothing else on the machine is touched. initdb refuses to run as root,
so the PostgreSQL cluster belongs to the ``postgres`` user the package creates;
MariaDB is started with ``--user`` set to whoever runs the tests.
"""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time


class DatabaseServerError(RuntimeError):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_user(user, argv):
    if os.geteuid() == 0 and user != "root":
        return ["runuser", "-u", user, "--", *argv]
    return argv


class PostgresServer:
    """initdb + pg_ctl start in a temporary directory; SQL runs as the superuser over the socket."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise DatabaseServerError("PostgreSQL is not installed: apt-get install postgresql postgresql-client")
        self.bin = os.path.dirname(bins[-1])
        self.user = "postgres" if os.geteuid() == 0 else getpass.getuser()
        self.port = free_port()
        self.base = None

    def start(self):
        self.base = tempfile.mkdtemp(prefix="mail-session-pg-")
        os.chmod(self.base, 0o755)  # noqa: S103 (the postgres user must reach its data directory)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.data = os.path.join(self.base, "data")
        self.sockets = os.path.join(self.base, "sockets")
        self._run(
            [
                os.path.join(self.bin, "initdb"),
                "-D",
                self.data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
        os.makedirs(self.sockets)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.user)
            os.chown(self.sockets, entry.pw_uid, entry.pw_gid)
        options = "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off" % (self.port, self.sockets)
        self._run(
            [
                os.path.join(self.bin, "pg_ctl"),
                "-D",
                self.data,
                "-o",
                options,
                "-l",
                os.path.join(self.base, "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )

    def _run(self, argv):
        proc = subprocess.run(_as_user(self.user, argv), capture_output=True, text=True, check=False, timeout=120)
        if proc.returncode != 0:
            raise DatabaseServerError("%s failed: %s%s" % (argv[0], proc.stdout, proc.stderr))
        return proc.stdout

    def sql(self, statements, database="postgres"):
        return self._run(
            [
                os.path.join(self.bin, "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.sockets,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                statements,
            ]
        )

    def stop(self):
        if self.base is None:
            return
        try:
            self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None


class MariaDBServer:
    """mariadb-install-db + mariadbd in a temporary directory; SQL runs as root over the socket."""

    def __init__(self):
        self.server = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        self.install = shutil.which("mariadb-install-db")
        self.client = shutil.which("mariadb") or shutil.which("mysql")
        if not (os.path.exists(self.server) and self.install and self.client):
            raise DatabaseServerError("MariaDB is not installed: apt-get install mariadb-server mariadb-client")
        self.user = getpass.getuser()
        self.port = free_port()
        self.base = None
        self.process = None

    def start(self):
        self.base = tempfile.mkdtemp(prefix="mail-session-maria-")
        self.data = os.path.join(self.base, "data")
        self.socket = os.path.join(self.base, "mysqld.sock")
        common = ["--no-defaults", "--datadir=" + self.data, "--user=" + self.user]
        proc = subprocess.run(
            [self.install, *common, "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
        if proc.returncode != 0:
            raise DatabaseServerError("mariadb-install-db failed: %s%s" % (proc.stdout, proc.stderr))
        self.log = open(os.path.join(self.base, "server.log"), "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                self.server,
                *common,
                "--socket=" + self.socket,
                "--port=%d" % self.port,
                "--bind-address=127.0.0.1",
                "--pid-file=" + os.path.join(self.base, "mysqld.pid"),
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DatabaseServerError("mariadbd exited: see %s" % self.log.name)
            probe = subprocess.run(
                [self.client, "--no-defaults", "-S", self.socket, "-u", "root", "-e", "select 1"],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                return
            time.sleep(0.2)
        raise DatabaseServerError("mariadbd did not answer within 60 s")

    def sql(self, statements, database=None):
        argv = [self.client, "--no-defaults", "-S", self.socket, "-u", "root"]
        if database:
            argv += ["-D", database]
        proc = subprocess.run([*argv, "-e", statements], capture_output=True, text=True, check=False, timeout=60)
        if proc.returncode != 0:
            raise DatabaseServerError("mariadb failed: %s" % proc.stderr)
        return proc.stdout

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
            self.log.close()
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None
