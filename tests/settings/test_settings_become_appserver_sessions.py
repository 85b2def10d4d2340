"""liferay/appserver.py (settings -> Tomcat resource / WildFly servers, validation) and xml_document's escaping.

Every finding must name the variable, show the value (never a password) and say what to do.
"""

from __future__ import annotations

import random
import xml.parsers.expat

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import escape_attribute, scrub
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    common_loader_entries,
    jndi_portal_properties,
    mail_type_for_tomcat,
    servers_from_tomcat_resource,
    tomcat_resource,
    validate_app_server,
    verify_targets,
    wildfly_servers,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    verify_targets as settings_targets,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import validate

PASSWORD = "Sm7p\"&<'ü-pw"
POP_PASSWORD = "P0p-Secret-9"

STARTTLS_POP3S = {
    "smtp_host": "smtp.example.com",
    "smtp_security": "starttls",
    "smtp_user": "liferay@example.com",
    "smtp_password": PASSWORD,
    "store_protocol": "pop3",
    "pop_host": "pop.example.com",
    "pop_security": "ssl",
    "pop_user": "liferay@example.com",
    "pop_password": POP_PASSWORD,
    "javamail_properties": {"mail.smtp.connectiontimeout": 10000},
}
SMTPS_IMAPS = dict(
    STARTTLS_POP3S, smtp_security="ssl", store_protocol="imap", pop_host="imap.example.com", javamail_properties={}
)
# what validation accepts: Liferay's own store is POP3 (IMAP is refused), the mapper above still
# serves the IMAP resources an administrator wrote by hand (appserver_info reads them)
SMTPS_POP3S = dict(STARTTLS_POP3S, smtp_security="ssl", javamail_properties={})


def app(settings, server="tomcat", **extra):
    return dict(settings, method="app_server", app_server=server, **extra)


def findings_for(settings):
    return validate_app_server(settings, validate(settings))


def assert_no_password(findings):
    for message in findings.errors + findings.warnings:
        for secret in (PASSWORD, POP_PASSWORD, "Sm7p"):
            assert secret not in message


# --------------------------------------------------------------------------
# Tomcat resource
# --------------------------------------------------------------------------


def test_starttls_and_pop3s_map_to_the_keys_liferay_reads():
    assert tomcat_resource(STARTTLS_POP3S) == {
        "mail.transport.protocol": "smtp",
        "mail.smtp.host": "smtp.example.com",
        "mail.smtp.port": "587",
        "mail.smtp.auth": "true",
        "mail.smtp.user": "liferay@example.com",
        "mail.smtp.password": PASSWORD,
        "mail.smtp.starttls.enable": "true",
        "mail.smtp.starttls.required": "true",
        "mail.store.protocol": "pop3s",
        "mail.pop3s.host": "pop.example.com",
        "mail.pop3s.port": "995",
        "mail.pop3s.user": "liferay@example.com",
        "mail.pop3s.password": POP_PASSWORD,
        "mail.smtp.connectiontimeout": "10000",
        "password": PASSWORD,  # Tomcat's Authenticator (with mail.smtp.user)
    }
    assert set(tomcat_resource(STARTTLS_POP3S, "secret")) == {"mail.smtp.password", "mail.pop3s.password", "password"}
    assert not set(tomcat_resource(STARTTLS_POP3S, "public")) & {"password", "mail.smtp.password"}


def test_smtps_uses_protocol_specific_keys_and_tells_tomcat_and_transport_send():
    attrs = tomcat_resource(SMTPS_IMAPS)
    assert attrs["mail.transport.protocol"] == "smtps"
    assert attrs["mail.smtps.host"] == "smtp.example.com" and attrs["mail.smtps.port"] == "465"
    assert attrs["mail.smtps.auth"] == "true" and attrs["mail.smtps.password"] == PASSWORD
    assert attrs["mail.user"] == "liferay@example.com"  # Tomcat's factory reads mail.smtp.user or mail.user
    assert attrs["mail.transport.protocol.rfc822"] == "smtps"  # Transport.send(msg) picks by address type
    assert attrs["mail.store.protocol"] == "imaps" and attrs["mail.imaps.port"] == "993"
    assert not [key for key in attrs if key.startswith(("mail.smtp.", "mail.pop3"))]


def test_an_unauthenticated_relay_gets_no_authenticator():
    attrs = tomcat_resource({"smtp_host": "relay.example.com", "smtp_security": "none"})
    assert "password" not in attrs and "mail.user" not in attrs
    assert attrs["mail.smtp.auth"] == "false" and attrs["mail.smtp.starttls.enable"] == "false"


@pytest.mark.parametrize("settings", [STARTTLS_POP3S, SMTPS_IMAPS, {"smtp_host": "h", "smtp_security": "none"}])
def test_the_servers_a_resource_names_are_the_ones_verified(settings):
    found = servers_from_tomcat_resource(tomcat_resource(settings))
    expected = settings_targets(settings)
    for name in ("smtp", "store"):
        if expected[name] is None:
            assert name not in found
            continue
        for key in ("host", "port", "security", "user"):
            assert found[name][key] == expected[name][key], (name, key)
    assert verify_targets(expected, found) == expected


def test_a_hand_written_resource_is_read_with_javamail_defaults():
    found = servers_from_tomcat_resource(
        {
            "mail.smtp.host": "mail.example.com",
            "mail.smtp.ssl.enable": "true",
            "mail.store.protocol": "imap",
            "mail.imap.host": "imap.example.com",
            "mail.imap.starttls.enable": "true",
        }
    )
    assert found["smtp"] == {"protocol": "smtp", "host": "mail.example.com", "port": 25, "security": "ssl", "user": ""}
    assert found["store"]["port"] == 143 and found["store"]["security"] == "starttls"


def test_wildfly_servers_and_the_jndi_properties():
    assert wildfly_servers(SMTPS_IMAPS) == {
        "smtp": {
            "host": "smtp.example.com",
            "port": 465,
            "ssl": True,
            "tls": False,
            "username": "liferay@example.com",
            "password": PASSWORD,
        },
        "imap": {
            "host": "imap.example.com",
            "port": 993,
            "ssl": True,
            "tls": False,
            "username": "liferay@example.com",
            "password": POP_PASSWORD,
        },
    }
    assert jndi_portal_properties(app(STARTTLS_POP3S, from_address="portal@example.com")) == {
        "mail.session.jndi.name": "mail/MailSession",
        "admin.email.from.address": "portal@example.com",
    }
    assert jndi_portal_properties(app(STARTTLS_POP3S, "wildfly")) == {
        "mail.session.jndi.name": "java:jboss/mail/MailSession"
    }


# --------------------------------------------------------------------------
# Tomcat facts
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "mail_type"),
    [("9.0.83.0", "javax"), ("8.5.100", "javax"), ("10.1.60.0", "jakarta"), ("11.0.0", "jakarta"), (None, None)],
)
def test_session_type_follows_the_tomcat_version(version, mail_type):
    assert mail_type_for_tomcat(version) == mail_type


def test_common_loader_is_read_from_catalina_properties_with_continuations():
    text = (
        '# comment\ncommon.loader="${catalina.base}/lib","${catalina.base}/lib/*.jar",\\\n'
        '    "${catalina.home}/lib/ext/*.jar",${custom.dir}/x.jar\nserver.loader=\n'
    )
    entries, unresolved = common_loader_entries(text, "/b", "/h")
    assert entries == ["/b/lib", "/b/lib/*.jar", "/h/lib/ext/*.jar"]
    assert unresolved == ["${custom.dir}/x.jar"]
    assert common_loader_entries(None, "/b", "/h")[0] == ["/b/lib", "/b/lib/*.jar", "/h/lib", "/h/lib/*.jar"]


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------


def test_valid_app_server_settings_give_no_findings():
    for server in ("tomcat", "wildfly"):
        settings = app(SMTPS_POP3S, server)
        findings = findings_for(settings)
        assert findings.errors == [] and findings.warnings == [], server


def test_builtin_is_not_affected():
    findings = findings_for(dict(STARTTLS_POP3S, method="builtin", jndi_name="java:anything"))
    assert findings.errors == []


@pytest.mark.parametrize(
    ("server", "name", "expected"),
    [
        ("tomcat", "java:comp/env/mail/MailSession", "give the name relative to java:comp/env"),
        ("tomcat", "mail/Mail Session", "is not a JNDI name"),
        ("wildfly", "mail/MailSession", "java:jboss/ or java:/"),
    ],
)
def test_jndi_names_the_server_cannot_bind_are_refused(server, name, expected):
    findings = findings_for(app(SMTPS_POP3S, server, jndi_name=name))
    (message,) = findings.errors
    assert message.startswith("mail_session_jndi_name: %r" % name) and expected in message


def test_values_the_server_would_resolve_or_cannot_hold_are_refused_without_showing_secrets():
    findings = findings_for(app(dict(SMTPS_POP3S, smtp_password="Sm7p${x}pw", pop_password="P0p\x07")))
    assert any(
        m.startswith("mail_session_smtp_password: the value contains '${': Tomcat replaces") for m in findings.errors
    )
    assert any(
        m.startswith("mail_session_pop_password: the value contains the character U+0007") for m in findings.errors
    )
    assert_no_password(findings)
    assert "Sm7p${x}pw" not in " ".join(findings.errors)
    # one whole reference is what an administrator means: resolved by the server
    assert findings_for(app(dict(SMTPS_POP3S, smtp_password="${mail.password}"))).errors == []
    wildfly = findings_for(app(dict(SMTPS_POP3S, smtp_user="a${b"), "wildfly"))
    assert wildfly.errors == [
        "mail_session_smtp_user: 'a${b' contains '${': WildFly resolves ${...} expressions "
        "in standalone.xml and has no escape for a literal '${', so it would not arrive as "
        "written. Use a value without '${', or exactly one reference such as "
        "${mail.password} that the server resolves"
    ]


def test_values_portal_ext_properties_cannot_hold_are_fine_in_xml():
    # a comma with leading whitespace cannot be stored in portal-ext.properties, but in XML it can
    settings = dict(SMTPS_POP3S, smtp_password=" lead,ing")
    assert any("smtp_password" in m for m in validate(settings).errors)
    assert findings_for(app(settings)).errors == []


def test_wildfly_warns_about_what_it_cannot_express():
    findings = findings_for(app(STARTTLS_POP3S, "wildfly"))
    assert findings.errors == []
    (javamail,) = [m for m in findings.warnings if m.startswith("mail_session_javamail_properties")]
    assert "mail.smtp.connectiontimeout would be ignored" in javamail
    (starttls,) = [m for m in findings.warnings if m.startswith("mail_session_smtp_security")]
    assert "cannot require it" in starttls and "Prefer ssl" in starttls


def test_tomcat_refuses_javamail_keys_it_sets_for_its_authenticator():
    findings = findings_for(app(dict(STARTTLS_POP3S, javamail_properties={"mail.user": "x"})))
    assert any("key 'mail.user' is set by the role for Tomcat's Authenticator" in m for m in findings.errors)


@pytest.mark.parametrize("method", ["builtin", "app_server"])
def test_a_non_ascii_pop3_password_asks_for_sasl_plain(method):
    settings = dict(STARTTLS_POP3S, pop_password="Pöp-secret", method=method, app_server="tomcat")
    (warning,) = [m for m in findings_for(settings).warnings if m.startswith("mail_session_pop_password")]
    assert "mail.pop3s.auth.mechanisms: PLAIN" in warning and "Pöp" not in warning
    fixed = dict(settings, javamail_properties={"mail.pop3s.auth.mechanisms": "PLAIN"})
    assert not [m for m in findings_for(fixed).warnings if m.startswith("mail_session_pop_password")]


# --------------------------------------------------------------------------
# XML escaping
# --------------------------------------------------------------------------


def parse_attribute(text):
    parser = xml.parsers.expat.ParserCreate()
    seen = {}
    parser.StartElementHandler = lambda name, attrs: seen.update(attrs)
    parser.Parse(('<?xml version="1.0" encoding="UTF-8"?>\n<a v="%s"/>' % text).encode("utf-8"), True)
    return seen["v"]


def test_escaped_attributes_read_back_exactly_for_a_seeded_corpus():
    alphabet = "ab \"'&<>;#=\\$%{}\t\n\r,ü€\U0001f600\u00a0"
    rng = random.Random(20261121)
    corpus = ["", " ", "&amp;", "&#10;", "]]>", '"quoted"', "${x}"] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(1500)
    ]
    for value in corpus:
        assert parse_attribute(escape_attribute(value)) == value, repr(value)
        assert parse_attribute(escape_attribute(value, ascii_only=True)) == value, repr(value)


def test_scrub_masks_raw_and_escaped_forms():
    text = 'a="%s" b="%s"' % (PASSWORD, escape_attribute(PASSWORD))
    assert PASSWORD not in scrub(text, [PASSWORD]) and "Sm7p" not in scrub(text, [PASSWORD])
