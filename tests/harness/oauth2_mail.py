"""A real OAuth2 token server and real Dovecot + Postfix that accept XOAUTH2, private to one test run on 127.0.0.1.

Self-contained (no pytest in here). What it stands in for, and how:

* **The token server** (Microsoft Entra's ``/<tenant>/oauth2/v2.0/token``): Authlib's
  ``AuthorizationServer`` with its ``ClientCredentialsGrant`` (client_secret_post, as MSAL sends it) and its
  RFC 9068 ``JWTBearerTokenGenerator``, issuing RS256-signed JWT access tokens, served over HTTPS by the
  standard library's ``http.server`` in a thread. An unknown tenant answers as Entra does (HTTP 400,
  ``invalid_request``, AADSTS90002); a wrong secret HTTP 401 ``invalid_client``. The token carries what an
  Exchange Online token carries (``aud`` ``https://outlook.office365.com``, ``roles``
  ``SMTP.SendAsApp`` / ``POP.AccessAsApp``), plus ``mailbox``: the mailbox the client was granted, this
  test's stand-in for Exchange's service principal and mailbox permission. ``expires_in`` may be set
  negative for an expired token.
* **Dovecot** 2.3 (POP3S, LMTP, SASL for Postfix) with ``passdb { driver = oauth2 }`` validating the JWT
  *locally* (``introspection_mode = local``, ``local_validation_key_dict = fs:posix:prefix=...``, the public
  key at ``<prefix>/default/RS256/<kid>``, ``issuers`` the token server's issuer), ``username_attribute =
  mailbox``: a token is accepted for exactly the mailbox it names, not expired (Dovecot checks ``exp``,
  ``nbf``, ``iat`` and the signature).
* **Postfix** submission (STARTTLS required) with SASL through that Dovecot, so ``AUTH XOAUTH2`` is the same
  check; mail for ``example.test`` is delivered to Dovecot over LMTP.

Must run as root (Postfix's and Dovecot's masters start as root and drop privileges). Debian packages:
``postfix dovecot-core dovecot-pop3d dovecot-lmtpd openssl`` (the Makefile's ``make deps``), Python:
``Authlib`` and its JOSE library ``joserfc`` (requirements.txt). Usage::

    with OAuth2MailServers() as servers:
        servers.token_url_base, servers.TENANT, servers.CLIENT_ID, servers.CLIENT_SECRET, servers.ca_file
        servers.ports["submission"], servers.ports["pop3s"], servers.MAILBOX

Set ``OAUTH2MAIL_KEEP=1`` to keep the working directory (configs and logs) after stop().
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.jwk import RSAKey

from harness.mailserver import read_pid, stop_postfix_and_dovecot

POSTFIX = "/usr/sbin/postfix"
DOVECOT = "/usr/sbin/dovecot"
OPENSSL = "/usr/bin/openssl"
DEB_PACKAGES = ("postfix", "dovecot-core", "dovecot-pop3d", "dovecot-lmtpd", "openssl")
PORT_NAMES = ("token", "submission", "pop3s", "lmtp", "auth")
AUDIENCE = "https://outlook.office365.com"
SCOPE = AUDIENCE + "/.default"
KID = "mail-session-test"


class OAuth2MailError(RuntimeError):
    """The servers could not be set up or started; the message says why and where the logs are."""


def missing_requirements():
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (Postfix and Dovecot masters start as root)")
    for path in (POSTFIX, DOVECOT, OPENSSL, "/usr/lib/dovecot/pop3", "/usr/lib/dovecot/lmtp"):
        if not os.path.exists(path):
            problems.append("%s is missing" % path)
    if problems:
        problems.append("install the Debian packages: %s" % " ".join(DEB_PACKAGES))
    return problems


def _free_ports(count):
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


# ---------------------------------------------------------------------------
# the token server: Authlib's authorization server behind http.server
# ---------------------------------------------------------------------------


class _Client(ClientMixin):
    def __init__(self, client_id, secret, mailbox):
        self.client_id = client_id
        self.secret = secret
        self.mailbox = mailbox

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope if scope == SCOPE else ""

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        import hmac

        return hmac.compare_digest(self.secret.encode(), (client_secret or "").encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_post"

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"


class _Grant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_post",)


class _Request(OAuth2Request):
    def __init__(self, uri, form, headers):
        super().__init__("POST", uri, headers=headers)
        self._form = form
        self.payload = BasicOAuth2Payload(form)

    @property
    def form(self):
        return self._form


class _TokenGenerator(JWTBearerTokenGenerator):
    def __init__(self, issuer, key, servers):
        super().__init__(issuer, alg="RS256")
        self._key = key
        self._servers = servers

    def get_jwks(self):
        return self._key

    def get_audiences(self, client, user, scope):
        return AUDIENCE

    def get_extra_claims(self, client, grant_type, user, scope):
        return {"roles": list(self._servers.roles), "mailbox": client.mailbox, "appid": client.client_id}

    def _get_expires_in(self, client, grant_type):
        return self._servers.expires_in

    def access_token_generator(self, client, grant_type, user, scope):
        # RFC 9068 says typ at+jwt, Authlib writes that; Exchange Online's tokens say JWT, and Dovecot 2.3's
        # local validation accepts only JWT: the same claims, signed again with that header.
        claims = jwt.decode(super().access_token_generator(client, grant_type, user, scope), self._key).claims
        return jwt.encode({"alg": self.alg, "typ": "JWT", "kid": KID}, claims, self._key)


class _Authorization(AuthorizationServer):
    def __init__(self, clients):
        super().__init__(scopes_supported=[SCOPE])
        self._clients = clients

    def query_client(self, client_id):
        return self._clients.get(client_id)

    def save_token(self, token, request):
        pass

    def send_signal(self, name, *args, **kwargs):
        pass

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, headers


class TokenServer:
    """Authlib's authorization server for ``/<tenant>/oauth2/v2.0/token`` over HTTPS on 127.0.0.1."""

    def __init__(self, port, cert_file, key_file, tenant, clients, servers):
        self.port = port
        self.tenant = tenant
        self.issuer = "https://127.0.0.1:%d/%s/v2.0" % (port, tenant)
        key = RSAKey.generate_key(2048, parameters={"kid": KID})
        self.public_pem = key.as_pem(private=False)
        self.server = _Authorization(clients)
        self.server.register_grant(_Grant)
        self.server.register_token_generator("client_credentials", _TokenGenerator(self.issuer, key, servers))
        self.requests = []
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="oauth2-token-server", daemon=True)

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status, body, headers=()):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8")))
                path = urllib.parse.urlsplit(self.path).path
                outer.requests.append({"path": path, "grant_type": form.get("grant_type"), "scope": form.get("scope")})
                expected = "/%s/oauth2/v2.0/token" % outer.tenant
                if path != expected:
                    tenant = path.strip("/").split("/")[0]
                    body = {
                        "error": "invalid_request",
                        "error_description": "AADSTS90002: Tenant '%s' not found." % tenant,
                        "error_codes": [90002],
                    }
                    self._send(400, json.dumps(body), [("Content-Type", "application/json")])
                    return
                request = _Request("https://127.0.0.1:%d%s" % (outer.port, self.path), form, dict(self.headers))
                status, body, headers = outer.server.create_token_response(request)
                if isinstance(body, dict) and body.get("error") == "invalid_client":
                    body["error_description"] = "AADSTS7000215: Invalid client secret provided."
                    body["error_codes"] = [7000215]
                    status = 401
                self._send(status, json.dumps(body), headers)

        return Handler

    def start(self):
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


# ---------------------------------------------------------------------------
# everything together
# ---------------------------------------------------------------------------


class OAuth2MailServers:
    TENANT = "contoso.onmicrosoft.test"
    CLIENT_ID = "11111111-2222-3333-4444-555555555555"
    CLIENT_SECRET = "Q~s3cr.et+/=with,sp ecial$chars"
    MAILBOX = "portal@example.test"
    OTHER_MAILBOX = "other@example.test"
    MAIL_USER = "nobody"

    def __init__(self, workdir=None):
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="oauth2mail-")).resolve()
        self.ports = dict(zip(PORT_NAMES, _free_ports(len(PORT_NAMES)), strict=True))
        self.tls_dir = self.workdir / "tls"
        self.ca_file = self.tls_dir / "ca.pem"
        self.cert_file = self.tls_dir / "server.pem"
        self.key_file = self.tls_dir / "server.key"
        self.dovecot_dir = self.workdir / "dovecot"
        self.postfix_dir = self.workdir / "postfix"
        self.postfix_conf = self.postfix_dir / "etc"
        self.maildir = self.workdir / "mail"
        self.keys_dir = self.dovecot_dir / "keys"
        # what the token server issues: a test may change these between checks
        self.expires_in = 3600
        self.roles = ("SMTP.SendAsApp", "POP.AccessAsApp")
        self.token_server = None
        self._dovecot_pid = None
        self._postfix_started = False

    @property
    def authority(self):
        """The authority URL the verification is given (Microsoft's is https://login.microsoftonline.com)."""
        return "https://127.0.0.1:%d" % self.ports["token"]

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=20.0):
        problems = missing_requirements()
        if problems:
            raise OAuth2MailError("cannot start the OAuth2 test servers: " + "; ".join(problems))
        os.chmod(self.workdir, 0o755)  # noqa: S103 - mail processes (nobody, postfix) must traverse it
        try:
            self._make_certificates()
            clients = {self.CLIENT_ID: _Client(self.CLIENT_ID, self.CLIENT_SECRET, self.MAILBOX)}
            self.token_server = TokenServer(
                self.ports["token"], str(self.cert_file), str(self.key_file), self.TENANT, clients, self
            )
            self.token_server.start()
            self._write_dovecot()
            self._write_postfix()
            self._run([DOVECOT, "-c", str(self.dovecot_dir / "dovecot.conf")])
            self._dovecot_pid = self._wait_pid(self.dovecot_dir / "run" / "master.pid")
            self._postfix_started = True
            self._run([POSTFIX, "-c", str(self.postfix_conf), "start"])
            self._wait_ready(timeout)
        except BaseException:
            self.stop(keep=True)
            raise

    def stop(self, keep=None):
        if self.token_server:
            self.token_server.stop()
            self.token_server = None
        postfix_conf = postfix_pid = None
        if self._postfix_started:
            self._postfix_started = False
            postfix_conf = self.postfix_conf
            postfix_pid = read_pid(self.postfix_dir / "queue" / "pid" / "master.pid")
        dovecot_pid, self._dovecot_pid = self._dovecot_pid, None
        stop_postfix_and_dovecot(postfix_conf, postfix_pid, dovecot_pid)
        if keep is None:
            keep = os.environ.get("OAUTH2MAIL_KEEP") == "1"
        if self._own_workdir and not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def logs(self):
        out = []
        for path in (self.postfix_dir / "maillog", self.dovecot_dir / "dovecot.log"):
            with contextlib.suppress(OSError):
                out.append("== %s ==\n%s" % (path, path.read_text(errors="replace")))
        return "\n".join(out)

    # -- helpers -------------------------------------------------------------------

    def _run(self, args):
        with tempfile.TemporaryFile(mode="w+", dir=self.workdir) as out:
            proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False)
            if proc.returncode:
                out.seek(0)
                raise OAuth2MailError(
                    "%s failed (exit %d): %s" % (" ".join(map(str, args)), proc.returncode, out.read())
                )

    def _wait_pid(self, path):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            pid = read_pid(path)
            if pid:
                return pid
            time.sleep(0.05)
        raise OAuth2MailError("no %s; %s" % (path, self.logs()))

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        pending = {name: port for name, port in self.ports.items()}
        while pending:
            for name, port in list(pending.items()):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        if name == "submission" and not sock.recv(64).startswith(b"220"):
                            raise OSError("no greeting")
                    del pending[name]
                except OSError:
                    pass
            if pending and time.monotonic() > deadline:
                raise OAuth2MailError("not ready after %.0f s: %s; %s" % (timeout, pending, self.logs()))
            if pending:
                time.sleep(0.1)

    def _make_certificates(self):
        self.tls_dir.mkdir(mode=0o755)
        ca_key = self.tls_dir / "ca.key"
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        self._run(
            [
                *(OPENSSL, "req", "-x509", *ec, "-keyout", ca_key, "-out", self.ca_file, "-days", "2"),
                *("-subj", "/CN=mail_session OAuth2 test CA %d" % os.getpid()),
                *("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
            ]
        )
        ext = self.tls_dir / "server.ext"
        ext.write_text(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:smtp.office365.com,DNS:outlook.office365.com,IP:127.0.0.1\n"
        )
        csr = self.tls_dir / "server.csr"
        self._run([OPENSSL, "req", *ec, "-keyout", self.key_file, "-out", csr, "-subj", "/CN=localhost"])
        self._run(
            [
                *(OPENSSL, "x509", "-req", "-in", csr, "-CA", self.ca_file, "-CAkey", ca_key, "-CAcreateserial"),
                *("-out", self.cert_file, "-days", "2", "-extfile", ext),
            ]
        )
        os.chmod(self.key_file, 0o600)

    def _write_dovecot(self):
        d = self.dovecot_dir
        for sub in ("run", "state"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        # the token server's public key where local validation looks: shared/<azp|default>/<alg>/<kid>
        key_path = self.keys_dir / "default" / "RS256" / KID
        key_path.parent.mkdir(parents=True)
        key_path.write_bytes(self.token_server.public_pem)
        for path in (self.keys_dir, key_path.parent.parent, key_path.parent):
            os.chmod(path, 0o755)  # noqa: S103 - Dovecot's auth process reads the public key
        os.chmod(key_path, 0o644)
        mail_user = pwd.getpwnam(self.MAIL_USER)
        self.maildir.mkdir(mode=0o700)
        os.chown(self.maildir, mail_user.pw_uid, mail_user.pw_gid)
        oauth2_conf = d / "dovecot-oauth2.conf.ext"
        oauth2_conf.write_text(
            "introspection_mode = local\n"
            "local_validation_key_dict = fs:posix:prefix=%s/\n"
            "issuers = %s\n"
            "username_attribute = mailbox\n"
            "debug = yes\n" % (self.keys_dir, self.token_server.issuer)
        )
        p = self.ports
        dh = "ssl_dh = </usr/share/dovecot/dh.pem\n" if os.path.exists("/usr/share/dovecot/dh.pem") else ""
        (d / "dovecot.conf").write_text(
            f"""# mail_session OAuth2 tests: private Dovecot instance
instance_name = oauth2test-{p["pop3s"]}
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
auth_verbose = yes
auth_debug = yes
stats_writer_socket_path =
protocols = pop3 lmtp
listen = 127.0.0.1
auth_mechanisms = xoauth2
auth_failure_delay = 0
ssl = required
ssl_cert = <{self.cert_file}
ssl_key = <{self.key_file}
{dh}ssl_min_protocol = TLSv1.2
mail_location = maildir:~/Maildir
first_valid_uid = 1
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {oauth2_conf}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={self.maildir}/%n
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {p["pop3s"]}
    ssl = yes
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {p["lmtp"]}
  }}
}}
service auth {{
  inet_listener auth-postfix {{
    address = 127.0.0.1
    port = {p["auth"]}
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@example.test
  passdb {{
    driver = static
    args = nopassword=y
  }}
}}
pop3_uidl_format = %08Xu%08Xv
"""
        )

    def _write_postfix(self):
        conf = self.postfix_conf
        conf.mkdir(parents=True)
        (self.postfix_dir / "queue").mkdir()
        data = self.postfix_dir / "data"
        data.mkdir()
        postfix_user = pwd.getpwnam("postfix")
        os.chown(data, postfix_user.pw_uid, postfix_user.pw_gid)
        p = self.ports
        pf = self.postfix_dir
        (conf / "main.cf").write_text(
            f"""# mail_session OAuth2 tests: private Postfix instance
compatibility_level = 3.6
queue_directory = {pf}/queue
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
maillog_file = {pf}/maillog
maillog_file_prefixes = {pf}
myhostname = mail.example.test
mydomain = example.test
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks =
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
default_transport = error:outbound mail is disabled on this test server
relay_transport = error:outbound mail is disabled on this test server
local_transport = error:local delivery is disabled on this test server
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:{p["lmtp"]}
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP Postfix (mail_session OAuth2 test)
smtpd_tls_cert_file = {self.cert_file}
smtpd_tls_key_file = {self.key_file}
smtpd_tls_security_level = encrypt
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:{p["auth"]}
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
biff = no
"""
        )
        (conf / "master.cf").write_text(
            f"""127.0.0.1:{p["submission"]} inet n - n - - smtpd
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


if __name__ == "__main__":  # manual use: python3 tests/harness/oauth2_mail.py
    with OAuth2MailServers() as servers:
        print("ports:", servers.ports, "authority:", servers.authority, "CA:", servers.ca_file)
        input("running; press Enter to stop ")
