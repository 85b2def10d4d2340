"""app-server scenario: after converge (and an idempotent second run) the Liferay host's Tomcat 10 has
exactly one mail <Resource> in ROOT.xml, everything else of that file is as it was, portal-ext.properties
only names the session; then that Tomcat starts as the liferay user, looks the session up by JNDI and
sends through it to the mail container, and the message is read back over POP3S. The verify playbook
checks the servers the resource names; without the mail jar on Tomcat's common class loader the role
fails before writing anything."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import pytest
from conftest import PODMAN, ROOT, TEST_DIR, podman

PREFIX = "mail.session."
JNDI_NAME = "mail/MailSession"
CATALINA_HOME = "/usr/share/tomcat10"
# the ROOT.xml prepare seeded (molecule/app-server/files/ROOT.xml)
SEED = ROOT / "molecule/app-server/files/ROOT.xml"
# the role's resource as the module writes it: on its own lines after the last resource (its
# values are XML-escaped, so no ">" before the end of the element)
MAIL_RESOURCE = re.compile(r'\n[ \t]*<Resource\s[^>]*\bname="%s"[^>]*/>' % re.escape(JNDI_NAME))
HTTP_PORT = 8080  # conf/server.xml: 127.0.0.1 inside the container
# the inventory's password and how an XML attribute must spell it (& < > " escaped)
CREDENTIAL = "S&m<p' \"Zoë>x ü"
CREDENTIAL_IN_XML = "S&amp;m&lt;p' &quot;Zoë&gt;x ü"

# Run with python3 in the Liferay container (the Tomcat listens on its loopback only).
WAIT_FOR_TOMCAT = r"""
import os, socket, sys, time
pid_file, port, deadline = sys.argv[1], int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline:
    try:
        pid = open(pid_file).read().strip()
    except FileNotFoundError:
        pid = None
    if pid and not os.path.exists("/proc/" + pid):
        sys.exit("Tomcat (pid %s) exited" % pid)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        print(pid)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("Tomcat did not listen on 127.0.0.1:%d in time" % port)
"""

# exit status 0 when nothing listens on the port
PORT_FREE = r"""
import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) else 1)
"""

HTTP_GET = r"""
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=60) as response:
        status, body = response.status, response.read()
except urllib.error.HTTPError as exc:
    status, body = exc.code, exc.read()
sys.stdout.write("%d\n%s" % (status, body.decode("utf-8", "replace")))
"""

# The password comes from the environment (MAIL_PASSWORD), not the command line.
POP3S_FETCH_AND_DELETE = r"""
import os, poplib, ssl, sys, time
host, port, user, token, ca_file = sys.argv[1:6]
context = ssl.create_default_context(cafile=ca_file)
deadline = time.monotonic() + 20
while True:
    pop = poplib.POP3_SSL(host, int(port), context=context, timeout=10)
    try:
        pop.user(user)
        pop.pass_(os.environ["MAIL_PASSWORD"])
        for number in range(1, len(pop.list()[1]) + 1):
            headers = b"\n".join(pop.top(number, 0)[1]).decode("utf-8", "replace")
            if token in headers:
                pop.dele(number)
                sys.stdout.write(headers)
                sys.exit(0)
    finally:
        pop.quit()
    if time.monotonic() > deadline:
        sys.exit("no message with %s in %s's mailbox within 20 s" % (token, user))
    time.sleep(0.2)
"""


@pytest.fixture(scope="module")
def base(liferay_vars):
    """CATALINA_BASE, where prepare built it (the role found it by itself under LIFERAY_HOME)."""
    return liferay_vars["molecule_catalina_base"]


@pytest.fixture(scope="module")
def context_path(base):
    return base + "/conf/Catalina/localhost/ROOT.xml"


def javamail_value(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_root_xml_holds_one_mail_resource_with_the_inventorys_settings(liferay, liferay_vars, context_path):
    v = liferay_vars
    assert v["mail_session_smtp_password"] == v["mail_session_pop_password"] == CREDENTIAL
    text = liferay.file(context_path).content_string
    document = ET.fromstring(text.encode("utf-8"))  # noqa: S314 - the file prepare and the role wrote
    resources = [r for r in document.iter("Resource") if r.get("name") == JNDI_NAME]
    assert len(resources) == 1, text
    attrs = dict(resources[0].attrib)
    # compared here, not in an assert of the attributes, so that a failure never shows a password
    secrets = {
        "password": v["mail_session_smtp_password"],  # for the Authenticator of Tomcat's factory
        "mail.smtp.password": v["mail_session_smtp_password"],
        "mail.pop3s.password": v["mail_session_pop_password"],
    }
    wrong = [name for name, password in secrets.items() if attrs.pop(name, None) != password]
    assert not wrong, "not the inventory's password: %s" % wrong
    expected = {
        "name": JNDI_NAME,
        "auth": "Container",
        "type": "jakarta.mail.Session",  # Tomcat 10, read from CATALINA_HOME/lib/catalina.jar
        "mail.transport.protocol": "smtp",
        "mail.smtp.host": v["mail_session_smtp_host"],
        "mail.smtp.port": str(v["mail_session_smtp_port"]),
        "mail.smtp.auth": "true",
        "mail.smtp.starttls.enable": "true",
        "mail.smtp.starttls.required": "true",
        "mail.smtp.user": v["mail_session_smtp_user"],
        "mail.store.protocol": "pop3s",
        "mail.pop3s.host": v["mail_session_pop_host"],
        "mail.pop3s.port": str(v["mail_session_pop_port"]),
        "mail.pop3s.user": v["mail_session_pop_user"],
    }
    expected.update({key: javamail_value(value) for key, value in v["mail_session_javamail_properties"].items()})
    assert attrs == expected
    # escaped for an XML attribute, never raw
    assert text.count('password="%s"' % CREDENTIAL_IN_XML) == 3
    assert CREDENTIAL not in text


def test_everything_else_in_root_xml_is_kept_byte_for_byte(liferay, context_path):
    text = liferay.file(context_path).content_string
    without_the_role_resource, count = MAIL_RESOURCE.subn("", text)
    assert count == 1, text
    seed = SEED.read_text(encoding="utf-8")
    assert 'name="jdbc/LiferayPool"' in seed and "<!-- JAAS -->" in seed
    assert without_the_role_resource == seed


def test_root_xml_is_private_to_liferay(liferay, liferay_vars, context_path):
    written = liferay.file(context_path)
    assert written.user == liferay_vars["mail_session_file_owner"] == "liferay"
    assert written.group == liferay_vars["mail_session_file_group"] == "liferay"
    assert written.mode == 0o640  # prepare seeded it 0644; it holds passwords
    # written atomically: no temporary file left next to it
    assert liferay.file(context_path.rsplit("/", 1)[0]).listdir() == ["ROOT.xml"]


def test_portal_ext_properties_only_names_the_session(
    read_properties, liferay, liferay_name, liferay_vars, properties_path
):
    v = liferay_vars
    values = read_properties(properties_path)  # Commons Configuration, as the liferay user
    # the seeded file's stale mail.session.mail.* keys are gone: with a JNDI name Liferay ignores them
    assert {key: value for key, value in values.items() if key.startswith(PREFIX)} == {PREFIX + "jndi.name": JNDI_NAME}
    assert values["admin.email.from.name"] == v["mail_session_from_name"]
    assert values["admin.email.from.address"] == v["mail_session_from_address"]
    # every other setting of the seeded file is unchanged
    original = TEST_DIR + "/portal-ext.properties.original"
    podman("cp", str(ROOT / "tests/fixtures/portal-ext.properties"), "%s:%s" % (liferay_name, original))
    liferay.check_output("chmod 0644 %s", original)
    before = read_properties(original)
    assert any(key.startswith(PREFIX + "mail.") for key in before)
    unrelated = [key for key in before if not key.startswith((PREFIX, "admin.email.from."))]
    assert "jdbc.default.password" in unrelated
    assert {key: values.get(key) for key in unrelated} == {key: before[key] for key in unrelated}
    written = liferay.file(properties_path)
    assert (written.user, written.group, written.mode) == ("liferay", "liferay", 0o640)


class Tomcat:
    """CATALINA_HOME/bin/catalina.sh run as the liferay user, in the background of the Liferay container
    (the JVM itself: catalina.sh execs it); stopped by SIGTERM to that process id only."""

    def __init__(self, host, base):
        self.host = host
        self.base = base
        self.pid_file = base + "/temp/molecule-tomcat.pid"
        self.log = base + "/logs/catalina.out"
        self.pid = None

    def start(self):
        # the answers must come from the Tomcat started here, not from one left running
        free = self.host.run("python3 -c %s %s", PORT_FREE, str(HTTP_PORT))
        assert free.rc == 0, "something already listens on 127.0.0.1:%d in the container" % HTTP_PORT
        self.host.check_output("rm -f %s", self.pid_file)
        # catalina.sh sources CATALINA_BASE/bin/setenv.sh (the trust store)
        inner = 'echo $$ > "$0"; exec "$CATALINA_HOME/bin/catalina.sh" run'
        started = self.host.run(
            "cd %s && setsid runuser -u liferay -- env LC_ALL=C.UTF-8 CATALINA_HOME=%s CATALINA_BASE=%s"
            " sh -c %s %s >%s 2>&1 </dev/null &",
            self.base,
            CATALINA_HOME,
            self.base,
            inner,
            self.pid_file,
            self.log,
        )
        assert started.rc == 0, started.stderr
        waited = self.host.run("python3 -c %s %s %s %s", WAIT_FOR_TOMCAT, self.pid_file, str(HTTP_PORT), "60")
        self.pid = self.read_pid()
        assert waited.rc == 0, "%s\n%s" % (waited.stderr, self.logs())

    def read_pid(self):
        pid = self.host.run("cat %s", self.pid_file).stdout.strip()
        return pid if pid.isdigit() else None

    def running(self):
        return bool(self.pid) and self.host.file("/proc/" + self.pid).exists

    def stop(self):
        """SIGTERM (Tomcat shuts down), SIGKILL after 30 s; True when it stopped on SIGTERM."""
        self.pid = self.pid or self.read_pid()  # also when start() failed half-way
        if not self.running():
            return True
        wait = "for i in $(seq 300); do [ -e /proc/%s ] || exit 0; sleep 0.1; done; exit 1"
        self.host.run("kill -TERM %s", self.pid)
        if self.host.run(wait, self.pid).rc == 0:
            return True
        self.host.run("kill -KILL %s", self.pid)
        self.host.run(wait, self.pid)
        return False

    def logs(self):
        return self.host.run("tail -c 6000 %s", self.log).stdout

    def get(self, page, **params):
        url = "http://127.0.0.1:%d/%s?%s" % (HTTP_PORT, page, urllib.parse.urlencode(params))
        result = self.host.run("python3 -c %s %s", HTTP_GET, url)
        assert result.rc == 0, result.stderr
        status, _, body = result.stdout.partition("\n")
        return int(status), body.strip()


@pytest.fixture(scope="module")
def tomcat(liferay, base):
    server = Tomcat(liferay, base)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_tomcat_runs_as_liferay_with_the_trust_store_of_setenv_sh(tomcat, liferay, liferay_vars):
    assert liferay.check_output("stat -c %%U /proc/%s", tomcat.pid) == "liferay"
    command_line = liferay.file("/proc/%s/cmdline" % tomcat.pid).content_string.split("\0")
    assert "-Djavax.net.ssl.trustStore=%s" % liferay_vars["molecule_truststore"] in command_line
    assert "-Dcatalina.home=%s" % CATALINA_HOME in command_line


def test_tomcat_serves_the_session_by_its_jndi_name(tomcat):
    status, body = tomcat.get("lookup.jsp")
    assert (status, body) == (200, "FOUND jakarta.mail.Session"), tomcat.logs()
    # the administrator's data source next to it is still there for Tomcat too
    status, body = tomcat.get("lookup.jsp", name="jdbc/LiferayPool")
    assert status == 200 and body.startswith("FOUND "), "%s\n%s" % (body, tomcat.logs())


def fetch_and_delete(liferay_name, liferay_vars, token):
    """The headers of the message whose Subject holds *token*, read over POP3S from the Liferay
    container (as Liferay's POP listener would) and deleted."""
    v = liferay_vars
    command = [PODMAN, "exec", "--env", "MAIL_PASSWORD", liferay_name, "python3", "-c", POP3S_FETCH_AND_DELETE]
    command += [v["mail_session_pop_host"], str(v["mail_session_pop_port"]), v["mail_session_pop_user"], token]
    command.append(v["mail_session_verify_ca_file"])
    env = dict(os.environ, MAIL_PASSWORD=v["mail_session_pop_password"])
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("via", ["authenticator", "liferay"])
def test_a_message_sent_through_the_session_arrives(tomcat, via, liferay_name, liferay_vars, liferay_ip, mail_logs):
    """authenticator: Transport.send(message) with the Authenticator Tomcat's factory builds from the
    resource's password; liferay: an explicit connect with the session's mail.smtp.host/port/user/password,
    as Liferay's MailEngine does."""
    v = liferay_vars
    user = v["mail_session_smtp_user"]
    token = "molecule-tomcat-%s-%s" % (via, uuid.uuid4().hex)
    status, body = tomcat.get("send.jsp", via=via, to=v["mail_session_pop_user"], subject=token, **{"from": user})
    assert status == 200 and body.strip().startswith("sent over smtp ("), "%s\n%s" % (body, tomcat.logs())
    headers = fetch_and_delete(liferay_name, v, token)
    assert "From: %s" % user in headers
    # submitted from the Liferay container over STARTTLS with AUTH (ESMTPSA), by the account
    assert re.search(
        r"Received: from \S+ \(\S+ \[%s\]\)\s+by \S+ \(Postfix\) with ESMTPSA" % re.escape(liferay_ip), headers
    )
    message_id = re.search(r"^Message-ID: (<[^>]+>)$", headers, re.MULTILINE | re.IGNORECASE).group(1)
    postfix = mail_logs.postfix
    queue_id = re.search(r"(\w+): message-id=%s$" % re.escape(message_id), postfix, re.MULTILINE).group(1)
    assert re.search(
        r"%s: client=\S*\[%s\], sasl_method=\w+, sasl_username=%s$"
        % (queue_id, re.escape(liferay_ip), re.escape(user)),
        postfix,
        re.MULTILINE,
    ), postfix


def test_the_store_opens_with_the_sessions_settings(tomcat):
    """POP3S with the session's mail.pop3s.* settings, the way Liferay's POP listener opens it."""
    status, body = tomcat.get("send.jsp", action="store")
    assert status == 200 and body.startswith("store pop3s ok, "), "%s\n%s" % (body, tomcat.logs())


def test_tomcat_stops_and_logged_no_error(tomcat, liferay):
    assert tomcat.stop(), "Tomcat did not stop within 30 s of SIGTERM:\n%s" % tomcat.logs()
    assert not tomcat.running()
    log = liferay.file(tomcat.log).content_string
    assert "Server startup in" in log
    assert "SEVERE" not in log, log


def test_the_verify_playbook_checks_the_servers_the_resource_names(playbook, liferay_vars, context_path):
    """playbooks/verify.yml (read-only) reads the session back from ROOT.xml and checks its servers from
    the Liferay host."""
    v = liferay_vars
    run = playbook("playbooks/verify.yml")
    assert run.returncode == 0, run.output
    flat = " ".join(run.output.split())  # the YAML callback wraps long lines
    read_back = "JNDI %s: the servers above are the ones the Tomcat mail session in %s names"
    assert read_back % (JNDI_NAME, context_path) in flat, run.output
    assert "SMTP %s:%s (starttls): ok in " % (v["mail_session_smtp_host"], v["mail_session_smtp_port"]) in flat
    assert "POP3 %s:%s (ssl): ok in " % (v["mail_session_pop_host"], v["mail_session_pop_port"]) in flat
    assert CREDENTIAL not in run.output and CREDENTIAL_IN_XML not in run.output


def test_without_the_mail_jar_the_role_fails_before_writing(liferay, playbook, base, context_path, properties_path):
    """Tomcat's factory loads the mail API from the common class loader; the role follows common.loader
    (here into Liferay's lib/ext) and refuses to point Liferay at a session Tomcat cannot build."""

    def snapshot():
        return [
            (f.sha256sum, f.user, f.group, f.mode, f.mtime)
            for f in (liferay.file(context_path), liferay.file(properties_path))
        ]

    before = snapshot()
    ext = base + "/lib/ext"
    aside = TEST_DIR + "/jars-aside"
    liferay.check_output("mkdir -p %s && mv %s/jakarta-mail.jar %s/", aside, ext, aside)
    try:
        run = playbook("playbooks/site.yml")
    finally:
        liferay.check_output("mv %s/jakarta-mail.jar %s/", aside, ext)
    assert run.returncode == 2, run.output
    flat = " ".join(run.output.split())  # the YAML callback wraps long lines
    assert "Tomcat's common class loader lacks the Jakarta Mail API (jakarta.mail.Session)" in flat, run.output
    assert "%s/*.jar" % ext in flat and "libjakarta-mail-java" in flat, run.output
    assert CREDENTIAL not in run.output and CREDENTIAL_IN_XML not in run.output
    assert snapshot() == before
