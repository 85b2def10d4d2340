"""mail_session_method: app_server through the real ansible-playbook, on Liferay-bundle-shaped
LIFERAY_HOMEs (tests/harness/appserver_bundles.py): Tomcat 9 (javax) and WildFly 30, idempotence,
check mode, the jar check and the jar installation, validation, switching back to the built-in
session, no secret in the output, and the verification reading the session back.

The servers in most tests are fictional and never contacted (mail_session_verify: skip); the
verification tests use the real Postfix/Dovecot of tests/harness/mailserver.py. No WildFly runs here:
the WildFly files are checked at XML level (and in tests/modules/test_appserver_modules_edit_only_their_elements.py).
"""

from __future__ import annotations

import stat
import xml.dom.minidom

import pytest
from harness.ansible_run import fictional_servers, local_hosts, playbook, real_servers
from harness.appserver_bundles import (
    JAVAX_ACTIVATION_CLASSES,
    JAVAX_MAIL_CLASSES,
    make_jar,
    root_xml,
    tomcat_bundle,
    wildfly_bundle,
)
from harness.liferay_homes import portal_ext_homes

SMTP_PASSWORD = "Sm7p\"&<'-Zoë>pw"
POP_PASSWORD = "P0p,secret & <more>"
MARKS = ("Sm7p", "Zo\u00eb>pw", "P0p,secret", "&amp;lt;more", "db-secret")

BASE_VARS = {
    **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
    "mail_session_method": "app_server",
    # Liferay 7.x, said in inventory: no detection round trip
    # (tests/playbooks/test_generation_decides_where_settings_go.py covers detection)
    "mail_session_liferay_version": "7.4.3.132",
}
PORTAL_EXT = (
    "jdbc.default.url=jdbc:postgresql://db/lportal\n"
    "jdbc.default.password=db-secret\n"
    "mail.session.mail.smtp.host=old.example.com\n"
    "mail.session.mail.smtp.password=old-secret\n"
)


@pytest.fixture
def site(tmp_path):
    """One local host, liferay-1, on a LIFERAY_HOME holding only portal-ext.properties; inventory(**vars)."""
    home = portal_ext_homes(tmp_path, ["liferay"], PORTAL_EXT)["liferay"]
    return home, local_hosts(tmp_path / "hosts.yml", {"liferay-1": home}, BASE_VARS)


def mail_resource(path):
    document = xml.dom.minidom.parse(str(path))  # noqa: S318 - a file the test wrote
    found = [e for e in document.getElementsByTagName("Resource") if e.getAttribute("name") == "mail/MailSession"]
    assert len(found) == 1
    return dict(found[0].attributes.items())


def assert_hidden(output):
    for mark in MARKS:
        assert mark not in output


def test_tomcat_converge_then_rerun_changes_nothing(site, portal_ext):
    home, inventory = site
    base = tomcat_bundle(home, version="9.0.83")
    first = playbook(inventory(), "--diff", "-vvvv")
    assert first.returncode == 0, first.output
    assert first.total("changed") == 2  # ROOT.xml and portal-ext.properties
    assert_hidden(first.output)

    resource = mail_resource(root_xml(base))
    assert resource["type"] == "javax.mail.Session"  # Tomcat 9, from lib/catalina.jar
    assert resource["auth"] == "Container"
    assert resource["password"] == SMTP_PASSWORD and resource["mail.pop3s.password"] == POP_PASSWORD
    assert resource["mail.smtp.connectiontimeout"] == "10000"
    assert stat.S_IMODE(root_xml(base).stat().st_mode) == 0o640
    assert "jdbc/LiferayPool" in root_xml(base).read_text(encoding="utf-8")

    values = portal_ext(home)
    assert values["mail.session.jndi.name"] == "mail/MailSession"
    assert values["admin.email.from.address"] == "portal@example.com"
    assert values["jdbc.default.password"] == "db-secret"
    assert not [key for key in values if key.startswith("mail.session.mail.")]

    second = playbook(inventory())
    assert second.returncode == 0, second.output
    assert second.total("changed") == 0


def test_tomcat_check_mode_writes_nothing(site):
    home, inventory = site
    base = tomcat_bundle(home)
    before = (root_xml(base).read_bytes(), (home / "portal-ext.properties").read_bytes())
    run = playbook(inventory(), "--check", "--diff")
    assert run.returncode == 0, run.output
    assert run.total("changed") == 2
    assert (root_xml(base).read_bytes(), (home / "portal-ext.properties").read_bytes()) == before
    assert 'password="********"' in run.output
    assert_hidden(run.output)


def test_missing_mail_jar_stops_before_anything_is_written_and_a_provided_jar_is_installed(site, tmp_path, portal_ext):
    home, inventory = site
    base = tomcat_bundle(home, mail_jars=False)
    before = root_xml(base).read_bytes()
    run = playbook(inventory())
    assert run.returncode != 0
    assert "Tomcat's common class loader lacks the JavaMail API (javax.mail.Session)" in run.output
    assert "mail_session_tomcat_mail_jars" in run.output
    assert root_xml(base).read_bytes() == before
    assert portal_ext(home)["mail.session.mail.smtp.host"] == "old.example.com"

    jars = [
        str(make_jar(tmp_path / "provided" / "javax.mail-1.6.2.jar", JAVAX_MAIL_CLASSES)),
        str(make_jar(tmp_path / "provided" / "javax.activation-1.2.0.jar", JAVAX_ACTIVATION_CLASSES)),
    ]
    checked = playbook(inventory(mail_session_tomcat_mail_jars=jars), "--check")
    assert checked.returncode == 0, checked.output
    assert not (base / "lib" / "javax.mail-1.6.2.jar").exists()
    installed = playbook(inventory(mail_session_tomcat_mail_jars=jars))
    assert installed.returncode == 0, installed.output
    assert (base / "lib" / "javax.mail-1.6.2.jar").is_file()
    assert mail_resource(root_xml(base))["type"] == "javax.mail.Session"


def test_wildfly_converge_then_rerun_changes_nothing(site, portal_ext):
    home, inventory = site
    config = wildfly_bundle(home)
    original = config.read_text(encoding="utf-8")
    first = playbook(
        inventory(
            mail_session_app_server="wildfly", mail_session_smtp_security="ssl", mail_session_javamail_properties={}
        ),
        "--diff",
        "-vvvv",
    )
    assert first.returncode == 0, first.output
    assert_hidden(first.output)
    text = config.read_text(encoding="utf-8")
    assert '<mail-session name="MailSession" jndi-name="java:jboss/mail/MailSession">' in text
    assert '<outbound-socket-binding name="MailSession-smtp">' in text
    assert '<remote-destination host="smtp.example.com" port="465"/>' in text
    assert '<mail-session name="default" jndi-name="java:jboss/mail/Default">' in text
    assert "Ds-Secret-sa" in text and len(text) > len(original)
    assert portal_ext(home)["mail.session.jndi.name"] == "java:jboss/mail/MailSession"
    assert not [key for key in portal_ext(home) if key.startswith("mail.session.mail.")]

    second = playbook(
        inventory(
            mail_session_app_server="wildfly", mail_session_smtp_security="ssl", mail_session_javamail_properties={}
        )
    )
    assert second.returncode == 0, second.output
    assert second.total("changed") == 0


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"mail_session_jndi_name": "java:comp/env/mail/MailSession"}, "mail_session_jndi_name: 'java:comp/env"),
        ({"mail_session_app_server": "wildfly", "mail_session_jndi_name": "mail/MailSession"}, "java:jboss/"),
        ({"mail_session_smtp_password": "x${catalina.base}y"}, "mail_session_smtp_password: the value contains '${'"),
        ({"mail_session_app_server": "jetty"}, "mail_session_app_server"),
    ],
)
def test_invalid_app_server_settings_stop_before_anything_is_written(site, overrides, expected):
    home, inventory = site
    base = tomcat_bundle(home)
    before = (root_xml(base).read_bytes(), (home / "portal-ext.properties").read_bytes())
    run = playbook(inventory(**overrides))
    assert run.returncode != 0
    assert expected in run.output
    assert "catalina.base}y" not in run.output
    assert (root_xml(base).read_bytes(), (home / "portal-ext.properties").read_bytes()) == before


def test_switching_back_to_builtin_removes_the_jndi_name(site, portal_ext):
    home, inventory = site
    tomcat_bundle(home)
    assert playbook(inventory()).returncode == 0
    back = playbook(inventory(mail_session_method="builtin"))
    assert back.returncode == 0, back.output
    values = portal_ext(home)
    assert "mail.session.jndi.name" not in values
    assert values["mail.session.mail.smtp.host"] == "smtp.example.com"


# --------------------------------------------------------------------------
# verification against the real Postfix / Dovecot
# --------------------------------------------------------------------------


def verified(server):
    """The real servers of *server* (STARTTLS submission, POP3S), checked by the role's verification."""
    return {
        **real_servers(server),
        "mail_session_javamail_properties": {},
        "mail_session_verify": "fail",
        "mail_session_verify_timeout": 3,
    }


def test_verify_reads_the_servers_from_standalone_xml_and_warns_about_the_silent_fallback(site, mail_server):
    home, inventory = site
    config = wildfly_bundle(home)
    inv = inventory(mail_session_app_server="wildfly", **verified(mail_server))
    run = playbook(inv)
    assert run.returncode == 0, run.output
    assert "POP3 localhost:%d (ssl): ok" % mail_server.ports["pop3s"] in run.output
    flat = " ".join(run.output.split())  # the YAML callback wraps long lines
    assert (
        "JNDI java:jboss/mail/MailSession: the servers above are the ones the WildFly mail session in %s names" % config
        in flat
    )
    assert "silently falls back to its built-in session" in run.output
    assert "p@ss,w0rd" not in run.output


def test_verify_playbook_fails_when_the_resource_liferay_looks_up_is_missing(site, mail_server):
    home, inventory = site
    base = tomcat_bundle(home)
    run = playbook(inventory(**verified(mail_server)), playbook="playbooks/verify.yml")
    assert run.returncode != 0
    flat = " ".join(run.output.split())
    assert 'JNDI mail/MailSession: no <Resource name="mail/MailSession"> in %s' % root_xml(base) in flat
    assert "SMTP localhost:%d (starttls): ok" % mail_server.ports["submission"] in run.output
    assert "p@ss,w0rd" not in run.output
