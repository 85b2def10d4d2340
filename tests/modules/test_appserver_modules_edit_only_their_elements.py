"""The application-server modules, run in-process: tomcat_mail_resource, wildfly_mail_session
and appserver_info, on the realistic files of tests/fixtures/tomcat and tests/fixtures/wildfly.

What the edited files mean is read back with xml.dom.minidom (an independent parser);
that nothing else changed is checked on the bytes. One test runs a module through the
real ``ansible`` CLI.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import stat
import xml.dom.minidom
from pathlib import Path

import pytest
from harness.ansible_run import ansible_module
from harness.appserver_bundles import (
    FIXTURES,
    JAKARTA_ACTIVATION_CLASSES,
    JAKARTA_MAIL_CLASSES,
    make_jar,
    root_xml,
    tomcat_bundle,
    wildfly_bundle,
)

from ansible_collections.liferay_ops.mail.plugins.modules import (
    appserver_info,
    tomcat_mail_resource,
    wildfly_mail_session,
)

JDBC_PASSWORD = "Db-S3cret!pw"  # in the Tomcat fixtures
DS_PASSWORD = "Ds-Secret-sa"  # in the WildFly fixtures
KS_PASSWORD = "Ks-Secret-password"  # credential-reference clear-text, WildFly 30 fixture
# Everything XML treats specially, non-ASCII, and whitespace a parser would normalise.
TRICKY = "Tr1cky\"&<>'-Zoë-ü\t→x"
TRICKY_MARK = "Tr1cky"

SMTP_PROPS = {
    "mail.transport.protocol": "smtp",
    "mail.smtp.host": "smtp.example.com",
    "mail.smtp.port": 587,
    "mail.smtp.auth": True,
    "mail.smtp.user": "liferay@example.com",
    "mail.smtp.starttls.enable": True,
    "mail.smtp.starttls.required": True,
    "mail.store.protocol": "pop3s",
    "mail.pop3s.host": "pop.example.com",
    "mail.pop3s.port": 995,
    "mail.pop3s.user": "liferay@example.com",
}
SMTP_SECRETS = {"password": TRICKY, "mail.smtp.password": TRICKY, "mail.pop3s.password": "P0p-secret-42"}


def shown(result):
    return json.dumps(result, ensure_ascii=False)


def assert_hidden(text, *secrets):
    for secret in (TRICKY, TRICKY_MARK, "S&amp;", JDBC_PASSWORD, DS_PASSWORD, KS_PASSWORD, "P0p-secret", *secrets):
        assert secret not in text


def dom(path):
    return xml.dom.minidom.parse(str(path))  # noqa: S318 - files the tests wrote


def resources(path, name="mail/MailSession"):
    return [
        {attr: value for attr, value in element.attributes.items()}
        for element in dom(path).getElementsByTagName("Resource")
        if element.getAttribute("name") == name
    ]


def only_insertions(before, after):
    """*after* is *before* with whole lines inserted, nothing changed or removed."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    return {tag for tag, *_ in matcher.get_opcodes()} <= {"equal", "insert"}


# --------------------------------------------------------------------------
# tomcat_mail_resource
# --------------------------------------------------------------------------


@pytest.fixture
def context(tmp_path):
    path = tmp_path / "ROOT.xml"
    shutil.copyfile(FIXTURES / "tomcat" / "ROOT.xml", path)
    return path


def add_resource(run_module, path, **overrides):
    args = {
        "path": str(path),
        "type": "javax.mail.Session",
        "properties": SMTP_PROPS,
        "secret_properties": SMTP_SECRETS,
    }
    args.update(overrides)
    return run_module(tomcat_mail_resource, **args)


def test_resource_is_added_next_to_jdbc_and_nothing_else_changes(run_module, context):
    original = context.read_bytes()
    result = add_resource(run_module, context, mode="0640")
    assert result["changed"] and result["removed"] == 0

    (found,) = resources(context)
    assert found == {
        "name": "mail/MailSession",
        "auth": "Container",
        "type": "javax.mail.Session",
        **{key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in SMTP_PROPS.items()},
        **SMTP_SECRETS,
    }
    data = context.read_bytes()
    # the only change is the new element (and its blank line), right after jdbc/LiferayPool
    start = data.index(b'\t<Resource\n\t\tname="mail/MailSession"')
    end = data.index(b"/>\n", start) + 3
    assert data[:start] + data[end + 1 :] == original
    assert data[: start - 1].endswith(b'username="liferay"\n\t/>\n')
    # attribute order: name, auth, type, then alphabetical (like Liferay's own resources)
    names = [line.split(b"=")[0].strip() for line in data[start:end].splitlines()[1:-1]]
    assert names[:3] == [b"name", b"auth", b"type"] and names[3:] == sorted(names[3:])
    assert stat.S_IMODE(context.stat().st_mode) == 0o640
    assert resources(context, "jdbc/LiferayPool")[0]["password"] == JDBC_PASSWORD
    assert result["servers"] == {
        "smtp": {
            "protocol": "smtp",
            "host": "smtp.example.com",
            "port": 587,
            "security": "starttls",
            "user": "liferay@example.com",
        },
        "store": {
            "protocol": "pop3",
            "host": "pop.example.com",
            "port": 995,
            "security": "ssl",
            "user": "liferay@example.com",
        },
    }
    assert_hidden(shown(result))

    again = add_resource(run_module, context, mode="0640")
    assert not again["changed"]
    assert context.read_bytes() == data


def test_tricky_password_is_escaped_and_reads_back_exactly(run_module, context):
    add_resource(run_module, context)
    text = context.read_text(encoding="utf-8")
    assert 'password="Tr1cky&quot;&amp;&lt;&gt;\'-Zoë-ü&#9;→x"' in text
    assert resources(context)[0]["password"] == TRICKY
    assert resources(context)[0]["mail.smtp.password"] == TRICKY


def test_check_mode_writes_nothing_and_the_diff_masks_every_password(run_module, context):
    before = context.read_bytes()
    result = add_resource(run_module, context, check_mode=True, diff=True)
    assert result["changed"]
    assert context.read_bytes() == before
    diff = result["diff"]
    assert 'name="mail/MailSession"' in diff["after"]
    assert 'password="********"' in diff["after"] and 'mail.smtp.password="********"' in diff["after"]
    assert 'mail.pop3s.password="********"' in diff["after"]
    assert 'password="********"' in diff["before"]  # jdbc/LiferayPool's, not managed but masked too
    assert_hidden(shown(result))


def test_stale_resources_of_the_same_name_are_replaced_by_exactly_one(run_module, tmp_path):
    path = tmp_path / "ROOT.xml"
    shutil.copyfile(FIXTURES / "tomcat" / "ROOT-stale-mail.xml", path)
    result = add_resource(run_module, path, type="jakarta.mail.Session", diff=True)
    assert result["changed"] and result["removed"] == 1
    (found,) = resources(path)
    assert found["type"] == "jakarta.mail.Session"
    assert "mail.smtp.socketFactory.class" not in found and "mail.pop3.host" not in found
    text = path.read_text(encoding="utf-8")
    assert "Old-Mail-Secret" not in text
    assert "<!-- mail, from the 7.2 documentation -->" in text  # the comment stays
    assert resources(path, "jdbc/LiferayPool")[0]["password"] == JDBC_PASSWORD
    assert "Old-Mail-Secret" not in result["diff"]["before"]
    assert not add_resource(run_module, path, type="jakarta.mail.Session")["changed"]


def test_state_absent_removes_every_resource_of_the_name(run_module, tmp_path):
    path = tmp_path / "ROOT.xml"
    shutil.copyfile(FIXTURES / "tomcat" / "ROOT-stale-mail.xml", path)
    result = run_module(tomcat_mail_resource, path=str(path), state="absent")
    assert result["changed"] and result["removed"] == 2
    assert resources(path) == []
    assert resources(path, "jdbc/LiferayPool")


def test_missing_context_file_is_created_private(run_module, tmp_path):
    path = tmp_path / "conf" / "Catalina" / "localhost" / "ROOT.xml"
    path.parent.mkdir(parents=True)
    result = add_resource(run_module, path)
    assert result["changed"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert dom(path).documentElement.tagName == "Context"
    assert len(resources(path)) == 1
    assert not add_resource(run_module, path)["changed"]


def test_missing_directory_and_foreign_files_fail_with_a_clear_message(run_module, tmp_path):
    failed = add_resource(run_module, tmp_path / "conf" / "Catalina" / "localhost" / "ROOT.xml")
    assert failed["failed"] and "does not exist: check CATALINA_BASE" in failed["msg"]

    server_xml = tmp_path / "server.xml"
    server_xml.write_text('<?xml version="1.0"?>\n<Server port="8005"/>\n', encoding="utf-8")
    failed = add_resource(run_module, server_xml)
    assert "not a Tomcat context file" in failed["msg"]

    broken = tmp_path / "broken.xml"
    broken.write_text("<Context>\n  <Resource name='x'>\n</Context>\n", encoding="utf-8")
    failed = add_resource(run_module, broken)
    assert "not well-formed XML" in failed["msg"] and "line 3" in failed["msg"]
    assert broken.read_text(encoding="utf-8") == "<Context>\n  <Resource name='x'>\n</Context>\n"
    assert_hidden(shown(failed))


def test_reserved_and_unwritable_values_are_refused(run_module, context):
    failed = add_resource(run_module, context, properties={"factory": "x.Y"})
    assert "reserved" in failed["msg"]
    failed = add_resource(run_module, context, secret_properties={"password": "a\x01b" + TRICKY})
    assert "U+0001" in failed["msg"]
    assert_hidden(shown(failed))


def test_backup_and_latin1_files(run_module, tmp_path):
    path = tmp_path / "ROOT.xml"
    path.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!-- caf\xe9 -->\n<Context>\n</Context>\n'.encode("latin-1")
    )
    result = add_resource(run_module, path, backup=True)
    assert os.path.exists(result["backup_file"])
    data = path.read_bytes()
    assert b"caf\xe9" in data  # untouched, still Latin-1
    assert b"&#8594;" in data  # "→" cannot be Latin-1: a character reference
    assert resources(path)[0]["password"] == TRICKY


def test_module_runs_through_the_ansible_cli(tmp_path):
    path = tmp_path / "ROOT.xml"
    shutil.copyfile(FIXTURES / "tomcat" / "ROOT.xml", path)
    args = {
        "path": str(path),
        "type": "jakarta.mail.Session",
        "properties": {"mail.smtp.host": "h"},
        "secret_properties": {"password": TRICKY},
    }
    returncode, output = ansible_module(tmp_path, "liferay_ops.mail.tomcat_mail_resource", args, diff=True)

    assert returncode == 0, output
    assert "CHANGED" in output
    assert_hidden(output)
    assert resources(path)[0]["password"] == TRICKY


# --------------------------------------------------------------------------
# wildfly_mail_session
# --------------------------------------------------------------------------

WILDFLY_FIXTURES = ["standalone-wildfly11-mail3.xml", "standalone-wildfly30-mail4.xml"]


def servers(smtp_security="starttls", store="pop3", password=TRICKY):
    smtp = {
        "host": "smtp.example.com",
        "port": 587 if smtp_security == "starttls" else 465,
        "ssl": smtp_security == "ssl",
        "tls": smtp_security == "starttls",
        "username": "liferay@example.com",
        "password": password,
    }
    other = {
        "host": "%s.example.com" % store,
        "port": 995 if store == "pop3" else 993,
        "ssl": True,
        "username": "liferay@example.com",
        "password": "P0p-secret-42",
    }
    return {"smtp": smtp, store: other}


def mail_sessions(path):
    return {element.getAttribute("name"): element for element in dom(path).getElementsByTagName("mail-session")}


def outbound(path):
    return {
        element.getAttribute("name"): {
            key: value for key, value in element.getElementsByTagName("remote-destination")[0].attributes.items()
        }
        for element in dom(path).getElementsByTagName("outbound-socket-binding")
    }


@pytest.fixture(params=WILDFLY_FIXTURES)
def standalone(request, tmp_path):
    path = tmp_path / "standalone.xml"
    shutil.copyfile(FIXTURES / "wildfly" / request.param, path)
    return path


def test_session_and_bindings_are_added_and_the_default_session_stays(run_module, standalone):
    original = standalone.read_bytes()
    result = run_module(wildfly_mail_session, path=str(standalone), servers=servers(), mode="0640")
    assert result["changed"]
    assert result["mail_namespace"] in ("urn:jboss:domain:mail:3.0", "urn:jboss:domain:mail:4.0")
    sessions = mail_sessions(standalone)
    assert set(sessions) == {"default", "MailSession"}
    ours = sessions["MailSession"]
    assert ours.getAttribute("jndi-name") == "java:jboss/mail/MailSession"
    smtp = ours.getElementsByTagName("smtp-server")[0]
    assert smtp.getAttribute("outbound-socket-binding-ref") == "MailSession-smtp"
    assert smtp.getAttribute("tls") == "true" and not smtp.getAttribute("ssl")
    assert smtp.getAttribute("password") == TRICKY
    pop = ours.getElementsByTagName("pop3-server")[0]
    assert pop.getAttribute("ssl") == "true" and pop.getAttribute("username") == "liferay@example.com"
    bindings = outbound(standalone)
    assert bindings["MailSession-smtp"] == {"host": "smtp.example.com", "port": "587"}
    assert bindings["MailSession-pop3"] == {"host": "pop3.example.com", "port": "995"}
    assert "mail-smtp" in bindings and sessions["default"].getAttribute("jndi-name") == "java:jboss/mail/Default"
    # nothing but inserted lines
    data = standalone.read_bytes()
    assert only_insertions(original, data)
    assert stat.S_IMODE(standalone.stat().st_mode) == 0o640
    assert result["servers"]["smtp"] == {
        "protocol": "smtp",
        "host": "smtp.example.com",
        "port": 587,
        "security": "starttls",
        "user": "liferay@example.com",
    }
    assert_hidden(shown(result))

    again = run_module(wildfly_mail_session, path=str(standalone), servers=servers(), mode="0640")
    assert not again["changed"]
    assert standalone.read_bytes() == data


def test_switching_pop3_to_imap_and_tls_to_ssl_replaces_what_is_stale(run_module, standalone):
    run_module(wildfly_mail_session, path=str(standalone), servers=servers())
    result = run_module(wildfly_mail_session, path=str(standalone), servers=servers("ssl", "imap"), diff=True)
    assert result["changed"]
    assert result["removed"] == ["outbound-socket-binding MailSession-pop3"]
    ours = mail_sessions(standalone)["MailSession"]
    assert not ours.getElementsByTagName("pop3-server") and ours.getElementsByTagName("imap-server")
    smtp = ours.getElementsByTagName("smtp-server")[0]
    assert smtp.getAttribute("ssl") == "true" and not smtp.getAttribute("tls")
    bindings = outbound(standalone)
    assert "MailSession-pop3" not in bindings
    assert bindings["MailSession-imap"] == {"host": "imap.example.com", "port": "993"}
    assert bindings["MailSession-smtp"] == {"host": "smtp.example.com", "port": "465"}
    assert "-                <pop3-server" in _unified(result["diff"])
    assert_hidden(shown(result))


def _unified(diff):
    return "".join(difflib.unified_diff(diff["before"].splitlines(True), diff["after"].splitlines(True)))


def test_check_mode_and_diff_mask_every_password_in_standalone_xml(run_module, standalone):
    before = standalone.read_bytes()
    result = run_module(wildfly_mail_session, path=str(standalone), servers=servers(), check_mode=True, diff=True)
    assert result["changed"]
    assert standalone.read_bytes() == before
    assert 'password="********"' in result["diff"]["after"]
    assert DS_PASSWORD in before.decode()
    assert_hidden(shown(result))


def test_absent_removes_the_session_and_only_its_bindings(run_module, standalone):
    original = standalone.read_bytes()
    run_module(wildfly_mail_session, path=str(standalone), servers=servers())
    result = run_module(wildfly_mail_session, path=str(standalone), state="absent")
    assert result["changed"]
    assert standalone.read_bytes() == original


def test_newer_namespace_is_accepted_and_older_ones_are_refused(run_module, tmp_path):
    text = (FIXTURES / "wildfly" / "standalone-wildfly30-mail4.xml").read_text(encoding="utf-8")
    newer = tmp_path / "newer.xml"
    newer.write_text(text.replace("urn:jboss:domain:mail:4.0", "urn:jboss:domain:mail:5.1"), encoding="utf-8")
    assert run_module(wildfly_mail_session, path=str(newer), servers=servers())["changed"]

    older = tmp_path / "older.xml"
    older.write_text(text.replace("urn:jboss:domain:mail:4.0", "urn:jboss:domain:mail:2.0"), encoding="utf-8")
    failed = run_module(wildfly_mail_session, path=str(older), servers=servers())
    assert "urn:jboss:domain:mail:2.0" in failed["msg"] and "3.0 and later" in failed["msg"]

    none = tmp_path / "none.xml"
    none.write_text(text.replace("urn:jboss:domain:mail:4.0", "urn:jboss:domain:other:1.0"), encoding="utf-8")
    failed = run_module(wildfly_mail_session, path=str(none), servers=servers())
    assert "no mail subsystem" in failed["msg"]
    assert_hidden(shown(failed))


def test_contradicting_ssl_and_tls_is_refused(run_module, standalone):
    bad = servers()
    bad["smtp"]["ssl"] = True
    failed = run_module(wildfly_mail_session, path=str(standalone), servers=bad)
    assert "exclude each other" in failed["msg"]


# --------------------------------------------------------------------------
# appserver_info
# --------------------------------------------------------------------------


def test_liferay_tomcat_9_bundle_is_found_with_javax_and_its_lib_ext_jars(run_module, tmp_path):
    base = tomcat_bundle(tmp_path, version="9.0.83")
    (tmp_path / "tomcat").symlink_to(base)  # as in Liferay's Docker image: one Tomcat, two names
    result = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path), check_mail_api=True)
    assert result["catalina_base"] == str(base)
    assert result["version"] == "9.0.83.0"
    assert result["mail_type"] == "javax" and result["session_class"] == "javax.mail.Session"
    assert result["context_file"] == str(root_xml(base))
    assert result["missing"] == []
    assert [Path(jar).name for jar in result["mail_jars"]] == ["activation.jar", "mail.jar"]
    assert "%s/lib/ext/*.jar" % base in result["class_path"]


def test_tomcat_10_is_jakarta_and_a_type_it_cannot_serve_is_an_error(run_module, tmp_path):
    base = tomcat_bundle(tmp_path, version="10.1.24")
    result = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path), check_mail_api=True)
    assert result["mail_type"] == "jakarta"
    failed = run_module(appserver_info, server="tomcat", catalina_base=str(base), mail_type="javax")
    assert "serves jakarta.mail.Session resources only" in failed["msg"]


def test_missing_mail_api_fails_with_the_jars_to_add_and_where(run_module, tmp_path):
    base = tomcat_bundle(tmp_path, version="10.1.24", mail_jars=False)
    failed = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path), check_mail_api=True)
    assert failed["failed"]
    assert "lacks the Jakarta Mail API (jakarta.mail.Session)" in failed["msg"]
    assert "%s/lib" % base in failed["msg"] and "mail_session_tomcat_mail_jars" in failed["msg"]
    # only the API jar: the provider is still missing (jakarta.mail-api without an implementation)
    make_jar(base / "lib" / "jakarta.mail-api-2.1.3.jar", ["jakarta/mail/Session.class"])
    make_jar(base / "lib" / "jakarta.activation-api.jar", JAKARTA_ACTIVATION_CLASSES)
    failed = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path), check_mail_api=True)
    assert "lacks a Jakarta Mail SMTP provider (com.sun.mail or org.eclipse.angus.mail), which" in failed["msg"]
    make_jar(base / "lib" / "jakarta.mail-2.0.1.jar", JAKARTA_MAIL_CLASSES)
    assert not run_module(appserver_info, server="tomcat", catalina_base=str(base), check_mail_api=True).get("failed")


def test_no_tomcat_or_two_tomcats_ask_for_the_base(run_module, tmp_path):
    failed = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path))
    assert "no Tomcat found" in failed["msg"] and "mail_session_tomcat_base" in failed["msg"]
    tomcat_bundle(tmp_path, version="9.0.56")
    tomcat_bundle(tmp_path, version="9.0.83")
    failed = run_module(appserver_info, server="tomcat", liferay_home=str(tmp_path))
    assert "found more than once" in failed["msg"] and "tomcat-9.0.56" in failed["msg"]


def test_the_session_liferay_will_look_up_is_read_back(run_module, tmp_path):
    base = tomcat_bundle(tmp_path)
    info = dict(server="tomcat", liferay_home=str(tmp_path), jndi_name="mail/MailSession")
    result = run_module(appserver_info, **info)
    assert result["session"] is None
    assert result["problems"] == [
        'no <Resource name="mail/MailSession"> in %s: Liferay\'s lookup of mail/MailSession fails' % root_xml(base)
    ]
    add_resource(run_module, root_xml(base))
    result = run_module(appserver_info, **info)
    assert result["problems"] == []
    assert result["session"]["servers"]["smtp"]["host"] == "smtp.example.com"
    # a jakarta resource in a Tomcat 9: the lookup returns nothing
    add_resource(run_module, root_xml(base), type="jakarta.mail.Session")
    result = run_module(appserver_info, **info)
    assert "has type 'jakarta.mail.Session', but this Tomcat serves javax.mail.Session" in result["problems"][0]


def test_wildfly_is_found_and_its_session_read_back(run_module, tmp_path):
    config = wildfly_bundle(tmp_path)
    info = dict(server="wildfly", liferay_home=str(tmp_path), jndi_name="java:jboss/mail/MailSession")
    result = run_module(appserver_info, **info)
    assert result["wildfly_config"] == str(config)
    assert result["mail_namespace"] == "urn:jboss:domain:mail:4.0"
    assert result["session"] is None and "no mail-session" in result["problems"][0]
    run_module(wildfly_mail_session, path=str(config), servers=servers("ssl", "imap"))
    result = run_module(appserver_info, **info)
    assert result["problems"] == []
    assert result["session"]["servers"] == {
        "smtp": {
            "protocol": "smtp",
            "host": "smtp.example.com",
            "port": 465,
            "security": "ssl",
            "user": "liferay@example.com",
        },
        "store": {
            "protocol": "imap",
            "host": "imap.example.com",
            "port": 993,
            "security": "ssl",
            "user": "liferay@example.com",
        },
    }
    # the default session's binding is an expression: WildFly's default value is what counts
    default = run_module(
        appserver_info, server="wildfly", wildfly_config=str(config), jndi_name="java:jboss/mail/Default"
    )
    assert default["session"]["servers"]["smtp"]["host"] == "localhost"
    assert default["session"]["servers"]["smtp"]["port"] == 25
