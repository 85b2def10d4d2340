"""The application-server session proven with a real Tomcat.

Debian's Tomcat 10 (CATALINA_HOME /usr/share/tomcat10, package tomcat10-common) runs
from a CATALINA_BASE made per test on free loopback ports, with Debian's Jakarta Mail
and Activation jars in its lib/. The role (real ansible-playbook) writes the
<Resource> into conf/Catalina/localhost/ROOT.xml and mail.session.jndi.name into
portal-ext.properties; then Tomcat starts, a JSP looks up
java:comp/env/mail/MailSession and sends a message through the real Postfix of
tests/harness/mailserver.py, and the test reads it back from Dovecot over POP3S or IMAPS.

Sending is tried both ways a Liferay session is used: Transport.send(message)
without credentials (Tomcat's Authenticator, from the resource's password
attribute) and Liferay MailEngine's explicit connect with the session's
mail.<protocol>.host/port/user/password; the store is opened the way Liferay's POP
listener does. JavaMail trusts the run's private CA through a trust store given
with -Djavax.net.ssl.trustStore (what setenv.sh would hold on a server).
"""

from __future__ import annotations

import os
import poplib
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from harness import FIXTURES
from harness.ansible_run import playbook, real_servers, write_inventory
from harness.mailserver import MailServer, free_ports

CATALINA_HOME = Path("/usr/share/tomcat10")
MAIL_JARS = (Path("/usr/share/java/jakarta-mail.jar"), Path("/usr/share/java/jakarta-activation.jar"))
PACKAGES = "tomcat10-common libjakarta-mail-java libjakarta-activation-java default-jdk-headless"
TRUSTSTORE_PASSWORD = "changeit"
# send.jsp (look the session up and send, or open the store) and lookup.jsp (only the lookup),
# shared with the molecule scenario app-server
WEBAPP = FIXTURES / "tomcat" / "webapp"
JSPS = ("send.jsp", "lookup.jsp")

WEB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- the part of Tomcat's global web.xml this test needs: JSPs -->
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <servlet>
    <servlet-name>jsp</servlet-name>
    <servlet-class>org.apache.jasper.servlet.JspServlet</servlet-class>
  </servlet>
  <servlet-mapping>
    <servlet-name>jsp</servlet-name>
    <url-pattern>*.jsp</url-pattern>
  </servlet-mapping>
</web-app>
"""

# Shaped like Liferay's: comments, a JarScanner, another resource the role must keep.
ROOT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<!-- Liferay-style ROOT context of the test's CATALINA_BASE -->
<Context crossContext="true">
	<!-- Debian's jakarta-mail.jar names a jar that does not exist in its manifest -->
	<JarScanner scanManifest="false" />

	<Environment name="liferay/test" value="kept as it was" type="java.lang.String" override="false" />
</Context>
"""


@pytest.fixture(scope="module")
def requirements():
    missing = [str(p) for p in (CATALINA_HOME / "bin" / "catalina.sh", *MAIL_JARS) if not p.exists()]
    if missing or not shutil.which("keytool"):
        pytest.fail(
            "a real Tomcat 10 with Jakarta Mail is required (missing: %s); install %s (make test does)"
            % (", ".join(missing) or "keytool", PACKAGES)
        )


@pytest.fixture(scope="module")
def truststore(requirements, mail_server, tmp_path_factory):
    """The run's CA in a PKCS#12 trust store, as an administrator gives a private CA to the JVM."""
    path = tmp_path_factory.mktemp("truststore") / "mail-ca.p12"
    subprocess.run(
        [
            "keytool",
            "-importcert",
            "-noprompt",
            "-alias",
            "mail-test-ca",
            "-file",
            str(mail_server.ca_file),
            "-keystore",
            str(path),
            "-storetype",
            "PKCS12",
            "-storepass",
            TRUSTSTORE_PASSWORD,
        ],
        check=True,
        capture_output=True,
    )
    return path


def make_base(root, with_mail_jars=True):
    """A CATALINA_BASE on free loopback ports; Tomcat's own jars stay in CATALINA_HOME."""
    base = root / "tomcat-base"
    for sub in ("conf/Catalina/localhost", "lib", "logs", "temp", "work", "webapps/ROOT"):
        (base / sub).mkdir(parents=True)
    http_port, shutdown_port = free_ports(2)
    (base / "conf" / "server.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<Server port="{shutdown_port}" address="127.0.0.1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="{http_port}" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
""",
        encoding="utf-8",
    )
    (base / "conf" / "web.xml").write_text(WEB_XML, encoding="utf-8")
    (base / "conf" / "Catalina" / "localhost" / "ROOT.xml").write_text(ROOT_XML, encoding="utf-8")
    if with_mail_jars:
        for jar in MAIL_JARS:
            (base / "lib" / jar.name).symlink_to(jar)
    for jsp in JSPS:
        shutil.copyfile(WEBAPP / jsp, base / "webapps" / "ROOT" / jsp)
    return base, http_port


class Tomcat:
    """catalina.sh run (the JVM itself, exec'd) for one CATALINA_BASE; stopped by SIGTERM, its own pid only."""

    def __init__(self, base, http_port, truststore):
        self.base = base
        self.port = http_port
        self.log = base / "logs" / "catalina.out"
        self.env = dict(
            os.environ,
            CATALINA_HOME=str(CATALINA_HOME),
            CATALINA_BASE=str(base),
            JAVA_OPTS=" ".join(
                [
                    "-Djavax.net.ssl.trustStore=%s" % truststore,
                    "-Djavax.net.ssl.trustStorePassword=%s" % TRUSTSTORE_PASSWORD,
                    "-Djavax.net.ssl.trustStoreType=PKCS12",
                    "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1",
                ]
            ),
        )
        self.process = None

    def __enter__(self):
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [str(CATALINA_HOME / "bin" / "catalina.sh"), "run"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("Tomcat exited (%s):\n%s" % (self.process.returncode, self.logs()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        pytest.fail("Tomcat did not listen on 127.0.0.1:%d within 60 s:\n%s" % (self.port, self.logs()))

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def logs(self):
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def get(self, page, **params):
        url = "http://127.0.0.1:%d/%s?%s" % (self.port, page, urllib.parse.urlencode(params))
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback URL built here
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


def fetch_and_delete(server, protocol, user, password, token, deadline=20.0):
    """Find the message whose Subject holds *token* over POP3S, delete it; return its headers."""
    context = ssl.create_default_context(cafile=str(server.ca_file))
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if protocol == "pop3":  # Liferay's store is POP3 (IMAP is refused)
            pop = poplib.POP3_SSL("localhost", server.ports["pop3s"], context=context, timeout=10)
            try:
                pop.user(user)
                pop.pass_(password)
                for number in range(1, len(pop.list()[1]) + 1):
                    headers = b"\n".join(pop.top(number, 0)[1]).decode("utf-8", "replace")
                    if token in headers:
                        pop.dele(number)
                        return headers
            finally:
                pop.quit()
        time.sleep(0.2)
    pytest.fail(
        "no message with %s arrived in %s's mailbox within %.0f s:\n%s" % (token, user, deadline, server.logs()[-4000:])
    )


@pytest.fixture
def site(tmp_path, requirements, mail_server):
    home = tmp_path / "liferay"
    home.mkdir()

    def inventory(base, **overrides):
        group_vars = {
            "mail_session_liferay_home": str(home),
            "mail_session_method": "app_server",
            "mail_session_app_server": "tomcat",
            "mail_session_tomcat_base": str(base),
            "mail_session_tomcat_home": str(CATALINA_HOME),
            "mail_session_smtp_host": "localhost",
            "mail_session_verify_ca_file": str(mail_server.ca_file),
            "mail_session_verify_timeout": 5,
        }
        group_vars.update(overrides)
        return write_inventory(tmp_path / "hosts.yml", {"liferay-1": {}}, group_vars)

    return home, inventory


def checking_host_names(transport):
    """JavaMail properties: the server's host name checked for *transport* (smtp, smtps) and POP3S, and the
    POP3 password sent by SASL PLAIN (UTF-8: "ü"; JavaMail's USER/PASS sends ISO-8859-1)."""
    return {
        "mail.%s.ssl.checkserveridentity" % transport: True,
        "mail.pop3s.ssl.checkserveridentity": True,
        "mail.pop3s.auth.mechanisms": "PLAIN",
    }


def send_and_read_back(tomcat, server, user, password, store_protocol):
    for via in ("authenticator", "liferay"):
        token = "tomcat-%s-%s" % (via, uuid.uuid4().hex)
        status, body = tomcat.get("send.jsp", via=via, to=user, subject=token, **{"from": user})
        assert status == 200 and body.startswith("sent over"), "%s\n%s" % (body, tomcat.logs())
        headers = fetch_and_delete(server, store_protocol, user, password, token)
        assert "From: %s" % user in headers
    status, body = tomcat.get("send.jsp", action="store")
    assert status == 200 and " ok, " in body, "%s\n%s" % (body, tomcat.logs())
    return body


def test_starttls_submission_with_pop3s(site, tmp_path, mail_server, truststore, portal_ext):
    home, inventory = site
    base, http_port = make_base(tmp_path)
    inv = inventory(
        base,
        **real_servers(mail_server, "submission"),
        mail_session_javamail_properties=checking_host_names("smtp"),
        mail_session_smtp_timeout=20000,
        mail_session_smtp_connection_timeout=5000,
        mail_session_verify_roundtrip=True,
    )
    run = playbook(inv, "--diff")
    assert run.returncode == 0, run.output
    # the post-check read the resource back and checked the servers it names
    flat = " ".join(run.output.split())  # the YAML callback wraps long lines
    assert "JNDI mail/MailSession: the servers above are the ones the Tomcat mail session in %s" % base in flat
    assert "silently falls back" in flat
    assert "round trip: the probe arrived" in run.output
    assert "p@ss,w0rd" not in run.output

    context = (base / "conf" / "Catalina" / "localhost" / "ROOT.xml").read_text(encoding="utf-8")
    assert 'type="jakarta.mail.Session"' in context  # Tomcat 10, detected from CATALINA_HOME/lib/catalina.jar
    assert '<Environment name="liferay/test" value="kept as it was"' in context
    assert "p@ss,w0rd ü&quot;" in context
    # read back by the real Commons Configuration 1.10, as Liferay reads it (getString)
    props = portal_ext(home)
    assert props["mail.session.jndi.name"] == "mail/MailSession"
    assert not [key for key in props if key.startswith("mail.session.mail")]

    with Tomcat(base, http_port, truststore) as tomcat:
        body = send_and_read_back(tomcat, mail_server, MailServer.USER, MailServer.PASSWORD, "pop3")
        assert body.startswith("store pop3s ok")
        # the first-class timeouts are in the session Tomcat built from the <Resource>
        status, sent = tomcat.get(
            "send.jsp", via="liferay", to=MailServer.USER, subject="timeouts", **{"from": MailServer.USER}
        )
        assert status == 200 and sent.strip() == "sent over smtp (timeout 20000, connectiontimeout 5000)", sent

    rerun = playbook(inv)
    assert rerun.returncode == 0, rerun.output
    assert rerun.total("changed") == 0


def test_implicit_tls_with_pop3s_and_a_password_xml_must_escape(site, tmp_path, mail_server, truststore):
    _, inventory = site
    base, http_port = make_base(tmp_path)
    inv = inventory(
        base,
        **real_servers(mail_server, "smtps", MailServer.USER2, MailServer.PASSWORD2),
        mail_session_javamail_properties=checking_host_names("smtps"),
    )
    run = playbook(inv, "--diff", "-vvv")
    assert run.returncode == 0, run.output
    for part in ("S&m<p", "S&amp;m&lt;p", "Zo\u00eb>x"):
        assert part not in run.output
    context = (base / "conf" / "Catalina" / "localhost" / "ROOT.xml").read_text(encoding="utf-8")
    assert 'password="S&amp;m&lt;p\' &quot;Zoë&gt;x"' in context
    assert 'mail.transport.protocol="smtps"' in context and 'mail.user="portal@example.test"' in context

    with Tomcat(base, http_port, truststore) as tomcat:
        body = send_and_read_back(tomcat, mail_server, MailServer.USER2, MailServer.PASSWORD2, "pop3")
        assert body.startswith("store pop3s ok")


def test_missing_mail_jar_fails_clearly_before_tomcat_starts_and_tomcat_proves_why(
    site, tmp_path, mail_server, truststore
):
    home, inventory = site
    base, http_port = make_base(tmp_path, with_mail_jars=False)
    context = base / "conf" / "Catalina" / "localhost" / "ROOT.xml"
    inv = inventory(
        base,
        mail_session_smtp_port=mail_server.ports["submission"],
        mail_session_smtp_user=MailServer.USER,
        mail_session_smtp_password=MailServer.PASSWORD,
    )
    run = playbook(inv)
    assert run.returncode != 0
    assert "Tomcat's common class loader lacks the Jakarta Mail API (jakarta.mail.Session)" in run.output
    assert "%s/lib" % base in run.output and "libjakarta-mail-java" in run.output
    assert context.read_text(encoding="utf-8") == ROOT_XML  # nothing written
    assert not (home / "portal-ext.properties").exists()

    # What the check prevents: the same resource in a Tomcat without the jar cannot be looked up.
    good, _ = make_base(tmp_path / "with-jars")
    written = playbook(
        inventory(
            good,
            mail_session_smtp_port=mail_server.ports["submission"],
            mail_session_smtp_user=MailServer.USER,
            mail_session_smtp_password=MailServer.PASSWORD,
            mail_session_verify="skip",
        )
    )
    assert written.returncode == 0, written.output
    shutil.copyfile(good / "conf" / "Catalina" / "localhost" / "ROOT.xml", context)
    with Tomcat(base, http_port, truststore) as tomcat:
        status, body = tomcat.get("lookup.jsp")
    assert status == 500 and body.startswith("FAILED"), body
    assert "jakarta/mail" in body or "jakarta.mail" in body, body
