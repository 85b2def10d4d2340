"""Real Postfix + Dovecot, private to one test run on 127.0.0.1, or a container's mail host (no pytest in here).

Debian packages needed (as root; Postfix must be preseeded so apt does not prompt)::

    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \\
        postfix dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd openssl

(``dovecot-lmtpd`` is what delivers Postfix's mail into the mailbox.)

``MailServer`` must run as root: Postfix's master and Dovecot's master start as
root and drop privileges (Postfix to ``postfix``, Dovecot to ``dovecot``/``dovenull``,
mail access to ``nobody``). Nothing system-wide is used or changed: Postfix runs as
``postfix -c <workdir>/postfix/etc`` with its own queue and data directories,
Dovecot as ``dovecot -c <workdir>/dovecot/dovecot.conf`` with its own base_dir and
state_dir. A system-wide Postfix or Dovecot that the packages may have started keeps
its own configuration and well-known ports; ours listen on free high ports of
127.0.0.1 only. Postfix hands mail to nobody else: ``default_transport`` and
``relay_transport`` are ``error``, the only deliverable domain is ``example.test``
(to Dovecot over LMTP on 127.0.0.1).

Listeners (``server.ports[name]``), all on 127.0.0.1:

=============  =========================================================
smtp           Postfix smtpd, plain, STARTTLS offered, no AUTH
smtp_notls     Postfix smtpd, plain, no STARTTLS, no AUTH
submission     Postfix smtpd, STARTTLS required, AUTH (Dovecot SASL) after TLS
smtps          Postfix smtpd, implicit TLS (wrapper mode), AUTH
pop3 / pop3s   Dovecot, POP3 with STLS / implicit TLS
imap / imaps   Dovecot, IMAP with STARTTLS / implicit TLS
lmtp, auth     Dovecot LMTP (Postfix delivers here) and SASL (Postfix authenticates here)
=============  =========================================================

Accounts: ``USER`` / ``PASSWORD`` (mailbox ``USER``) and ``USER2`` / ``PASSWORD2``; plain-text logins are allowed
on the plain ports so every security mode can be tested. The certificate (CN
``localhost``, SAN ``DNS:localhost, IP:127.0.0.1``) is signed by a CA generated
for the run (``server.ca_file``); ``server.other_cert``/``other_key`` is a second
certificate from the same CA for ``other.example.test`` (hostname-mismatch tests).

Usage::

    with MailServer() as server:      # start(), wait_ready(); stop() on exit
        server.ports["submission"], server.ca_file, server.USER, server.PASSWORD

Set ``MAILSERVER_KEEP=1`` to keep the working directory (configs, ``postfix/maillog``,
``dovecot/dovecot.log``) after stop() for debugging.

The same generator serves the molecule scenarios' mail host (``molecule/shared/prepare.yml``),
where it runs as a command inside the container, listening on every interface on the standard
ports (``STANDARD_PORTS``) with a certificate for the container's name::

    MAILSERVER_PASSWORD=... python3 mailserver.py start --workdir /srv/mailserver --listen 0.0.0.0 \
        --standard-ports --name mail --user liferay@example.test
    python3 mailserver.py stop --workdir /srv/mailserver

``start`` leaves both daemons running (the container's init reaps them) and keeps an existing
CA and certificate in the workdir, so a restarted server is still trusted by its clients.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORT_NAMES = ("smtp", "smtp_notls", "submission", "smtps", "pop3", "pop3s", "imap", "imaps", "lmtp", "auth")
# The well-known ports, for a mail host of its own (a container); lmtp and auth stay on 127.0.0.1.
STANDARD_PORTS = {
    "smtp": 25,
    "smtp_notls": 2525,
    "submission": 587,
    "smtps": 465,
    "pop3": 110,
    "pop3s": 995,
    "imap": 143,
    "imaps": 993,
    "lmtp": 24,
    "auth": 12345,
}
ALL_INTERFACES = ("0.0.0.0", "*")  # noqa: S104 - a container's mail host serves its network

POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
OPENSSL = "/usr/bin/openssl"
DEB_PACKAGES = ("postfix", "dovecot-core", "dovecot-pop3d", "dovecot-imapd", "dovecot-lmtpd", "openssl")


def _dovecot_service(service, address, *listeners):
    """A Dovecot ``service`` block with one ``inet_listener`` on *address* for each (name, port, implicit TLS)."""
    body = "".join(
        "  inet_listener %s {\n    address = %s\n    port = %s\n%s  }\n"
        % (name, address, port, "    ssl = yes\n" * tls)
        for name, port, tls in listeners
    )
    return "service %s {\n%s}\n" % (service, body)


# -- processes (also used by tests/harness/oauth2_mail.py) ------------------------------------


def read_pid(path):
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid):
    """pid runs (a zombie waiting for init to reap it counts as gone)."""
    try:
        state = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def children(pid):
    """Pids of the processes whose parent is pid (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                # /proc/<pid>/stat: pid (comm) state ppid ...; comm may contain spaces
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


def wait_gone(pid, seconds):
    if not pid:
        return True
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def kill(pid, sig=signal.SIGKILL, wait=5):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    if not wait_gone(pid, wait) and sig != signal.SIGKILL:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_postfix_and_dovecot(postfix_conf, postfix_pid, dovecot_pid):
    """Stop a Postfix instance (config directory *postfix_conf*, None if not started; *postfix_pid* its
    master's pid) and a Dovecot master (*dovecot_pid*, None if not started). Both are asked to stop
    first, then waited for: the shutdowns overlap."""
    if postfix_conf is not None:
        subprocess.run(
            [POSTFIX, "-c", str(postfix_conf), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    if dovecot_pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(dovecot_pid, signal.SIGTERM)
    # Dovecot's idle login processes wait 5 s for services that already stopped;
    # after a short grace period our instance's processes are killed, by pid.
    if dovecot_pid and not wait_gone(dovecot_pid, 1):
        for pid in [*children(dovecot_pid), dovecot_pid]:
            kill(pid, wait=0)
    for pid in (postfix_pid, dovecot_pid):
        if pid and not wait_gone(pid, 10):
            kill(pid)


class MailServerError(RuntimeError):
    """The servers could not be set up or started; the message says why and where the logs are."""


def free_ports(count):
    """`count` distinct TCP ports that are free on 127.0.0.1 right now."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def missing_requirements():
    """What prevents MailServer from running here (empty list = nothing)."""
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (Postfix and Dovecot masters start as root)")
    for path in (POSTFIX, DOVECOT, OPENSSL, "/usr/lib/dovecot/lmtp", "/usr/lib/dovecot/pop3", "/usr/lib/dovecot/imap"):
        if not os.path.exists(path):
            problems.append("%s is missing" % path)
    if problems:
        problems.append("install the Debian packages: %s" % " ".join(DEB_PACKAGES))
    return problems


class MailServer:
    USER = "liferay@example.test"
    PASSWORD = 'p@ss,w0rd ü"'
    # A second account whose password has what XML and Tomcat's context files treat
    # specially (& < > ' ") and non-ASCII (no ":", the passwd-file separator).
    USER2 = "portal@example.test"
    PASSWORD2 = "S&m<p' \"Zoë>x"
    MAIL_USER = "nobody"  # uid that owns the maildir (Dovecot refuses root)

    def __init__(
        self,
        workdir=None,
        ports=None,
        cert_days=365,
        listen="127.0.0.1",
        names=("localhost",),
        user=None,
        password=None,
    ):
        """workdir: empty directory every parent of which others may traverse (mail processes run as
        nobody); default: a fresh directory under the system temp dir, removed by stop().
        ports: {name: port} for some of PORT_NAMES; the others are picked free.
        listen: address of the SMTP/POP/IMAP listeners (127.0.0.1, or 0.0.0.0 for every interface);
        LMTP and SASL auth always listen on 127.0.0.1.
        names: host names in the server certificate (the first is its CN; localhost and 127.0.0.1
        are always added). user/password: the account (default USER / PASSWORD)."""
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="mailserver-")).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        ports = dict(ports or {})
        missing = [name for name in PORT_NAMES if name not in ports]
        self.ports = dict(zip(missing, free_ports(len(missing)), strict=True))
        self.ports.update(ports)
        self.cert_days = cert_days
        self.host = "127.0.0.1"
        self.listen = listen
        self.names = list(names)
        self.user = user or self.USER
        self.password = password or self.PASSWORD
        self.postfix_dir = self.workdir / "postfix"
        self.postfix_conf = self.postfix_dir / "etc"
        self.dovecot_dir = self.workdir / "dovecot"
        self.dovecot_conf = self.dovecot_dir / "dovecot.conf"
        self.tls_dir = self.workdir / "tls"
        self.ca_file = self.tls_dir / "ca.pem"
        self.cert_file = self.tls_dir / "server.pem"
        self.key_file = self.tls_dir / "server.key"
        self.other_cert = self.tls_dir / "other.pem"
        self.other_key = self.tls_dir / "other.key"
        self.maildir = self.workdir / "mail"
        self._postfix_started = False
        self._dovecot_pid = None

    # -- lifecycle -----------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=20.0):
        problems = missing_requirements()
        if problems:
            raise MailServerError("cannot start the test mail servers: " + "; ".join(problems))
        os.chmod(self.workdir, 0o755)  # noqa: S103 - mail processes (nobody, postfix) must traverse it
        for parent in self.workdir.parents:
            if not os.stat(parent).st_mode & 0o001:
                raise MailServerError(
                    "%s is not traversable by other users (mail processes run as %s); "
                    "use a workdir under a world-traversable directory such as /tmp" % (parent, self.MAIL_USER)
                )
        try:
            self._make_certificates()
            self._write_dovecot()
            self._write_postfix()
            self._start_dovecot()
            self._start_postfix()
            self.wait_ready(timeout)
        except BaseException:
            self.stop(keep=True)
            raise

    def stop(self, keep=None):
        """Stop both servers (only the processes this object started); remove the workdir unless kept."""
        postfix_conf = postfix_pid = None
        if self._postfix_started:
            self._postfix_started = False
            postfix_conf = self.postfix_conf
            postfix_pid = read_pid(self.postfix_dir / "queue" / "pid" / "master.pid")
        dovecot_pid, self._dovecot_pid = self._dovecot_pid, None
        stop_postfix_and_dovecot(postfix_conf, postfix_pid, dovecot_pid)
        if keep is None:
            keep = os.environ.get("MAILSERVER_KEEP") == "1"
        if self._own_workdir and not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def attach(self):
        """Adopt the daemons that an earlier start() in this workdir left running (another process,
        e.g. the command line's start), so that stop() stops them. True if any runs."""
        postfix_pid = read_pid(self.postfix_dir / "queue" / "pid" / "master.pid")
        self._postfix_started = bool(postfix_pid and alive(postfix_pid))
        dovecot_pid = read_pid(self.dovecot_dir / "run" / "master.pid")
        self._dovecot_pid = dovecot_pid if dovecot_pid and alive(dovecot_pid) else None
        return self._postfix_started or self._dovecot_pid is not None

    def wait_ready(self, timeout=20.0):
        """Poll every listener until it accepts a connection and the plain ones greet."""
        deadline = time.monotonic() + timeout
        greeting = {"smtp": b"220", "smtp_notls": b"220", "submission": b"220", "pop3": b"+OK", "imap": b"* OK"}
        pending = dict(self.ports)
        last = {}
        while pending:
            for name, port in list(pending.items()):
                try:
                    with socket.create_connection((self.host, port), timeout=1) as sock:
                        if name in greeting:
                            data = sock.recv(512)
                            if not data.startswith(greeting[name]):
                                raise OSError("unexpected greeting %r" % data[:80])
                    del pending[name]
                except OSError as exc:
                    last[name] = exc
            if pending and time.monotonic() > deadline:
                details = ", ".join("%s:%s (%s)" % (name, port, last.get(name)) for name, port in pending.items())
                raise MailServerError("not ready after %.0f s: %s%s" % (timeout, details, self.log_hint()))
            if pending:
                time.sleep(0.1)

    def log_hint(self):
        return "; logs: %s, %s" % (self.postfix_dir / "maillog", self.dovecot_dir / "dovecot.log")

    def logs(self):
        """Both servers' logs as one string (for assertion messages)."""
        out = []
        for path in (self.postfix_dir / "maillog", self.dovecot_dir / "dovecot.log"):
            with contextlib.suppress(OSError):
                out.append("== %s ==\n%s" % (path, path.read_text(errors="replace")))
        return "\n".join(out)

    # -- helpers -------------------------------------------------------------------

    def _run(self, args):
        """Run a command; its output goes to a file, not a pipe: the daemons it starts inherit it."""
        with tempfile.TemporaryFile(mode="w+", dir=self.workdir) as out:
            proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False)
            if proc.returncode:
                out.seek(0)
                raise MailServerError(
                    "%s failed (exit %d): %s%s"
                    % (" ".join(map(str, args)), proc.returncode, out.read(), self.log_hint())
                )

    # -- TLS ---------------------------------------------------------------------

    def _make_certificates(self):
        """A CA and two server certificates; those already in the workdir (a restart) are kept."""
        if all(path.exists() for path in (self.ca_file, self.cert_file, self.key_file, self.other_cert)):
            return
        self.tls_dir.mkdir(mode=0o755, exist_ok=True)
        ca_key = self.tls_dir / "ca.key"
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._run(
            [
                *(OPENSSL, "req", "-x509", *ec, "-keyout", ca_key, "-out", self.ca_file, "-days", "2"),
                *("-subj", "/CN=mail_session test CA %d" % os.getpid()),
                *("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
            ]
        )
        names = [*self.names, *(name for name in ("localhost",) if name not in self.names)]
        server_san = ",".join(["DNS:%s" % name for name in names] + ["IP:127.0.0.1"])
        for cert, key, name, san in (
            (self.cert_file, self.key_file, names[0], server_san),
            (self.other_cert, self.other_key, "other.example.test", "DNS:other.example.test"),
        ):
            ext = self.tls_dir / (cert.stem + ".ext")
            ext.write_text(
                "basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid,issuer\n"
                "subjectAltName=%s\n" % san
            )
            csr = self.tls_dir / (cert.stem + ".csr")
            self._run([OPENSSL, "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=" + name])
            self._run(
                [
                    *(OPENSSL, "x509", "-req", "-in", csr, "-CA", self.ca_file, "-CAkey", ca_key, "-CAcreateserial"),
                    *("-out", cert, "-days", str(self.cert_days), "-extfile", ext),
                ]
            )
            os.chmod(key, 0o600)

    # -- Dovecot -----------------------------------------------------------------

    def _write_dovecot(self):
        d = self.dovecot_dir
        for sub in ("run", "state"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        mail_user = pwd.getpwnam(self.MAIL_USER)
        self.maildir.mkdir(mode=0o700, exist_ok=True)
        os.chown(self.maildir, mail_user.pw_uid, mail_user.pw_gid)
        users = d / "users"
        # passwd-file: user:password:uid:gid:(gecos):home:(shell):extra
        users.write_text(
            "".join(
                "%s:{PLAIN}%s:%d:%d::%s::\n" % (user, password, mail_user.pw_uid, mail_user.pw_gid, self.maildir / box)
                for user, password, box in (
                    (self.user, self.password, "liferay"),
                    (self.USER2, self.PASSWORD2, "portal"),
                )
            ),
            encoding="utf-8",
        )
        os.chmod(users, 0o640)
        os.chown(users, 0, pwd.getpwnam("dovecot").pw_gid)
        p = self.ports
        public = "*" if self.listen in ALL_INTERFACES else self.listen
        dh = "ssl_dh = </usr/share/dovecot/dh.pem\n" if os.path.exists("/usr/share/dovecot/dh.pem") else ""
        services = "".join(
            [
                _dovecot_service("imap-login", public, ("imap", p["imap"], False), ("imaps", p["imaps"], True)),
                _dovecot_service("pop3-login", public, ("pop3", p["pop3"], False), ("pop3s", p["pop3s"], True)),
                _dovecot_service("lmtp", "127.0.0.1", ("lmtp", p["lmtp"], False)),
                _dovecot_service("auth", "127.0.0.1", ("auth-postfix", p["auth"], False)),
            ]
        )
        self.dovecot_conf.write_text(
            f"""# mail_session tests: private Dovecot instance
instance_name = mailtest-{p["imap"]}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
auth_verbose = yes
# no stats process to wait for: idle login processes otherwise delay shutdown by 5 s
stats_writer_socket_path =
protocols = pop3 imap lmtp
listen = {public if public == "*" else ", ".join(dict.fromkeys(["127.0.0.1", public]))}
disable_plaintext_auth = no
auth_mechanisms = plain login
# answer failed logins at once (the tests try wrong passwords on purpose)
auth_failure_delay = 0
ssl = yes
ssl_cert = <{self.cert_file}
ssl_key = <{self.key_file}
{dh}ssl_min_protocol = TLSv1.2
mail_location = maildir:~/Maildir
first_valid_uid = 1
namespace inbox {{
  inbox = yes
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}
{services}# no growing delay after failed logins from 127.0.0.1 (Dovecot's documented switch)
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@example.test
}}
pop3_uidl_format = %08Xu%08Xv
"""
        )

    def _start_dovecot(self):
        self._run([DOVECOT, "-c", str(self.dovecot_conf)])
        pid_file = self.dovecot_dir / "run" / "master.pid"
        end = time.monotonic() + 10
        while time.monotonic() < end:
            pid = read_pid(pid_file)
            if pid:
                self._dovecot_pid = pid
                return
            time.sleep(0.05)
        raise MailServerError("dovecot wrote no %s%s" % (pid_file, self.log_hint()))

    # -- Postfix -----------------------------------------------------------------

    def _write_postfix(self):
        conf = self.postfix_conf
        conf.mkdir(parents=True, exist_ok=True)
        (self.postfix_dir / "queue").mkdir(exist_ok=True)
        data = self.postfix_dir / "data"
        data.mkdir(exist_ok=True)
        postfix_user = pwd.getpwnam("postfix")
        os.chown(data, postfix_user.pw_uid, postfix_user.pw_gid)
        p = self.ports
        pf = self.postfix_dir
        if self.listen in ALL_INTERFACES:
            interfaces, at = "all", ""
        elif self.listen == "127.0.0.1":
            interfaces, at = "loopback-only", "127.0.0.1:"
        else:
            interfaces, at = "127.0.0.1, %s" % self.listen, self.listen + ":"
        (conf / "main.cf").write_text(
            f"""# mail_session tests: private Postfix instance (postfix -c {conf})
compatibility_level = 3.6
queue_directory = {pf}/queue
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
maillog_file = {pf}/maillog
maillog_file_prefixes = {pf}
myhostname = mail.example.test
mydomain = example.test
myorigin = $myhostname
inet_interfaces = {interfaces}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
# Never hand mail to anybody but our Dovecot.
default_transport = error:outbound mail is disabled on this test server
relay_transport = error:outbound mail is disabled on this test server
local_transport = error:local delivery is disabled on this test server
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:{p["lmtp"]}
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP Postfix (mail_session test)
smtpd_tls_cert_file = {self.cert_file}
smtpd_tls_key_file = {self.key_file}
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:{p["auth"]}
smtpd_sasl_auth_enable = no
smtpd_tls_loglevel = 1
biff = no
"""
        )
        (conf / "master.cf").write_text(
            f"""# service type  private unpriv  chroot  wakeup  maxproc command + args
{at}{p["smtp"]} inet n - n - - smtpd
{at}{p["smtp_notls"]} inet n - n - - smtpd
  -o smtpd_tls_security_level=none
{at}{p["submission"]} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
{at}{p["smtps"]} inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        )

    def _start_postfix(self):
        conf = str(self.postfix_conf)
        self._postfix_started = True
        self._run([POSTFIX, "-c", conf, "start"])


def main(argv=None):
    """Command line: run (interactive, on loopback), start / stop (a mail host's daemons, e.g. a container's)."""
    parser = argparse.ArgumentParser(description="Real Postfix + Dovecot for the mail_session tests (as root).")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start on free loopback ports, wait for Enter, stop (the default)")
    start = commands.add_parser("start", help="configure and start in WORKDIR, leave the daemons running")
    start.add_argument("--workdir", required=True)
    start.add_argument("--listen", default="127.0.0.1", help="SMTP/POP/IMAP address, 0.0.0.0 = every interface")
    start.add_argument("--standard-ports", action="store_true", help="25, 587, 465, 110, 995, 143, 993")
    start.add_argument("--name", action="append", dest="names", help="host name in the certificate (repeatable)")
    start.add_argument(
        "--user", help="the account (default %s); its password comes from $MAILSERVER_PASSWORD" % (MailServer.USER)
    )
    stop = commands.add_parser("stop", help="stop the daemons a start left running in WORKDIR")
    stop.add_argument("--workdir", required=True)
    args = parser.parse_args(argv)

    if args.command == "start":
        server = MailServer(
            workdir=args.workdir,
            ports=STANDARD_PORTS if args.standard_ports else None,
            listen=args.listen,
            names=args.names or ["localhost"],
            user=args.user,
            password=os.environ.get("MAILSERVER_PASSWORD"),
        )
        if server.attach():
            print("already running in %s" % server.workdir)
            return 0
        try:
            server.start()
        except MailServerError as exc:
            print(exc, file=sys.stderr)
            return 1
        print("started in %s: %s; CA %s; user %s" % (server.workdir, server.ports, server.ca_file, server.user))
        return 0
    if args.command == "stop":
        server = MailServer(workdir=args.workdir)
        if not server.attach():
            print("not running in %s" % server.workdir)
            return 0
        server.stop(keep=True)
        print("stopped in %s" % server.workdir)
        return 0
    with MailServer() as server:
        print("ports:", server.ports)
        print("CA:", server.ca_file, "user:", server.USER, "password:", server.PASSWORD)
        input("running; press Enter to stop ")
    return 0


if __name__ == "__main__":  # manual use: python3 tests/harness/mailserver.py [run | start ... | stop ...]
    sys.exit(main())
