"""Hosts reached over real OpenSSH, all on this machine's loopback, for bench/bench.py.

Each benchmark host is its own loopback address (127.0.2.1, 127.0.2.2, ...) served by Debian's
sshd, so Ansible opens one connection (and one ControlPersist master) per host, as it does for a
fleet. One sshd binds at most 16 addresses (ListenAddress), so several daemons are started, each
with its own config, host key and log in a temporary directory. The client key is generated for the
run and authorised only in that directory (AuthorizedKeysFile): nothing in ~/.ssh or /etc/ssh is
read or changed, and nothing listens outside 127.0.0.0/8.

    with SshTargets(workdir, count=50) as targets:
        hostvars = targets.host_vars(index)      # ansible_host, ansible_port, key, ...
        env = targets.run_env(pipelining=True)   # ANSIBLE_PIPELINING, a fresh ControlPath dir
        ...
        targets.close_masters()                   # the next run starts with no connection open
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
ADDRESSES_PER_DAEMON = 16
# the stock ansible-core ssh_args, written out so a changed default cannot change the figures
SSH_ARGS = "-C -o ControlMaster=auto -o ControlPersist=60s"


def available():
    """None when sshd and ssh-keygen are installed, else why the SSH benchmark cannot run."""
    missing = [
        tool for tool in (SSHD, shutil.which("ssh-keygen"), shutil.which("ssh")) if not tool or not os.path.exists(tool)
    ]
    return "needs openssh-server and openssh-client (make deps installs them)" if missing else None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def address(index):
    """The loopback address of host *index* (1-based): 127.0.2.1 ... 127.0.2.254, 127.0.3.1 ..."""
    return "127.0.%d.%d" % (2 + (index - 1) // 254, 1 + (index - 1) % 254)


class SshTargets:
    def __init__(self, workdir, count):
        self.dir = Path(workdir) / "sshd"
        self.count = count
        self.port = _free_port()
        self.user = getpass.getuser()
        self.daemons = []
        self.runs = 0

    # ------------------------------------------------------------------ daemons

    def __enter__(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.client_key = self.dir / "client_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.client_key)], check=True)
        authorized = self.dir / "authorized_keys"
        shutil.copy(self.client_key.with_suffix(".pub"), authorized)
        host_key = self.dir / "host_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
        # sshd's privilege separation directory (created by the service's unit on a booted system)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        try:
            for first in range(1, self.count + 1, ADDRESSES_PER_DAEMON):
                last = min(first + ADDRESSES_PER_DAEMON - 1, self.count)
                self.daemons.append(self._start(first, last, host_key, authorized))
            self._wait_listening()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, first, last, host_key, authorized):
        name = "sshd-%03d" % first
        config = self.dir / (name + ".conf")
        lines = ["ListenAddress %s:%d" % (address(index), self.port) for index in range(first, last + 1)]
        lines += [
            "HostKey %s" % host_key,
            "PidFile %s" % (self.dir / (name + ".pid")),
            "AuthorizedKeysFile %s" % authorized,
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            # the key files are in a temporary directory, not a home directory
            "StrictModes no",
            # forks open connections in bursts; the defaults (10:30:100, 10) would refuse some
            "MaxStartups 200",
            "MaxSessions 100",
            "UseDNS no",
            "LogLevel ERROR",
        ]
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        log = self.dir / (name + ".log")
        subprocess.run([SSHD, "-t", "-f", str(config)], check=True)
        # -D: stays in the foreground, so it is this process's child and stopped with it
        return subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(log)], start_new_session=True)

    def _wait_listening(self):
        deadline = time.monotonic() + 10
        pending = [address(index) for index in range(1, self.count + 1)]
        while pending:
            for daemon in self.daemons:
                if daemon.poll() is not None:
                    logs = "".join(p.read_text() for p in self.dir.glob("*.log"))
                    raise RuntimeError("sshd exited with %s: %s" % (daemon.returncode, logs[-2000:]))
            try:
                with socket.create_connection((pending[0], self.port), timeout=1):
                    pending.pop(0)
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("sshd is not listening on %s:%d" % (pending[0], self.port)) from None
                time.sleep(0.05)

    def __exit__(self, *exc):
        self.close_masters()
        for daemon in self.daemons:
            if daemon.poll() is None:
                os.killpg(daemon.pid, signal.SIGTERM)
        for daemon in self.daemons:
            try:
                daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
                daemon.wait()

    # ------------------------------------------------------------------ what a run needs

    def host_vars(self, index):
        return {
            "ansible_connection": "ssh",
            "ansible_host": address(index),
            "ansible_port": self.port,
            "ansible_user": self.user,
            "ansible_ssh_private_key_file": str(self.client_key),
            # the host key is generated for this run: nothing to compare it with
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        }

    def run_env(self, pipelining):
        """The environment of one ansible-playbook run: pipelining on or off, and a ControlPath
        directory of its own, so it starts with no master connection of an earlier run."""
        self.runs += 1
        self.control_dir = self.dir / ("cp-%d" % self.runs)
        self.control_dir.mkdir()
        return {
            "ANSIBLE_PIPELINING": "True" if pipelining else "False",
            "ANSIBLE_SSH_ARGS": SSH_ARGS,
            "ANSIBLE_SSH_CONTROL_PATH_DIR": str(self.control_dir),
            # the host key is generated for this run (Mitogen's connection reads only this setting)
            "ANSIBLE_HOST_KEY_CHECKING": "False",
        }

    def close_masters(self):
        """Stop the ControlPersist masters the last run left (they would serve the next run)."""
        control_dir = getattr(self, "control_dir", None)
        if control_dir is None or not control_dir.exists():
            return
        for socket_path in control_dir.iterdir():
            subprocess.run(
                ["ssh", "-o", "ControlPath=%s" % socket_path, "-O", "exit", "placeholder"],
                capture_output=True,
                timeout=10,
            )
        self.control_dir = None
