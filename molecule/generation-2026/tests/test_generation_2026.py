"""generation-2026 scenario: on a DXP 2026 host the role writes the mail settings as OSGi .config files
(one for every instance, one scoped to an instance), leaves no mail.session.* key in portal-ext.properties,
keeps the default sender there, and its verification really talked to the mail container."""

from __future__ import annotations

import re

import pytest

PREFIX = "mail.session."
COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
INSTANCE = "intranet.example.test"
# the inventory's password and how a .config string must spell it: a space as "\ ", a non-ASCII
# letter as \uXXXX, a quote as \" (roles/mail_session/module_utils/liferay_osgi.py, escape_string)
CREDENTIAL = 'p@ss,w0rd ü"'
CREDENTIAL_IN_CONFIG = 'p@ss,w0rd\\ \\u00fc\\"'


@pytest.fixture(scope="module")
def home(liferay_vars):
    return liferay_vars["mail_session_liferay_home"]


@pytest.fixture(scope="module")
def configs_dir(home):
    return home + "/osgi/configs"


def config_lines(liferay, path):
    """{attribute: raw value} of a .config file (one attribute per line, a comment header)."""
    text = liferay.file(path).content_string
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def assert_private(liferay, path):
    written = liferay.file(path)
    assert written.is_file, path
    assert written.user == "liferay" and written.group == "liferay"
    assert written.mode == 0o640


def test_the_company_configuration_holds_the_inventorys_settings(liferay, liferay_vars, configs_dir):
    assert liferay_vars["mail_session_smtp_password"] == liferay_vars["mail_session_pop_password"] == CREDENTIAL
    path = "%s/%s.config" % (configs_dir, COMPANY_PID)
    assert_private(liferay, path)
    lines = config_lines(liferay, path)
    # compared here, not in an assert of the lines, so that a failure never shows a password
    wrong = [name for name in ("smtpPassword", "popPassword") if lines.pop(name, None) != '"%s"' % CREDENTIAL_IN_CONFIG]
    assert not wrong, "not the inventory's password, escaped for a .config file: %s" % wrong
    text = liferay.file(path).content_string
    assert CREDENTIAL not in text and "ü" not in text
    assert lines["outgoingSMTPServer"] == '"mail"'
    assert lines["outgoingSMTPPort"] == '"587"'
    assert lines["enableStartTLS"] == 'B"true"'
    assert lines["transportProtocol"] == '"smtp"'
    assert lines["smtpUserName"] == '"liferay@example.test"'
    assert lines["storeProtocol"] == '"pop3s"'
    assert lines["incomingPOPServer"] == '"mail"'
    assert lines["incomingPOPPort"] == '"995"'
    assert "companyWebId" not in lines and "companyId" not in lines


def test_the_instance_has_its_own_scoped_configuration(liferay, configs_dir):
    path = "%s/%s.scoped~%s.config" % (configs_dir, COMPANY_PID, INSTANCE)
    assert_private(liferay, path)
    lines = config_lines(liferay, path)
    assert lines["companyWebId"] == '"%s"' % INSTANCE
    assert lines["outgoingSMTPServer"] == '"mail"'
    assert lines["outgoingSMTPPort"] == '"465"'
    assert lines["enableStartTLS"] == 'B"false"'
    assert lines.get("smtpPassword") == '"%s"' % CREDENTIAL_IN_CONFIG, "not the escaped password"


def test_only_the_roles_configuration_files(liferay, configs_dir):
    # written atomically: no temporary file next to them
    names = liferay.file(configs_dir).listdir()
    assert all(name.startswith("com.liferay.mail.settings.configuration.") for name in names), names
    assert all(name.endswith(".config") for name in names), names


def test_portal_ext_has_no_mail_session_keys_and_the_sender(read_properties, liferay, liferay_vars, home):
    path = home + "/portal-ext.properties"
    assert_private(liferay, path)  # it was 0644 before the role ran
    values = read_properties(path)  # as Liferay reads it, as the liferay user
    assert not [key for key in values if key.startswith(PREFIX)]
    assert not re.search(r"^\s*mail\.session\.", liferay.file(path).content_string, re.MULTILINE)
    assert values["admin.email.from.name"] == liferay_vars["mail_session_from_name"]
    assert values["admin.email.from.address"] == liferay_vars["mail_session_from_address"]
    # unrelated settings of the seeded file are kept
    assert values["jdbc.default.password"]


def test_the_roles_verification_ran_from_the_liferay_host(mail, mail_logs, liferay_vars, liferay_ip):
    """What the mail server saw of converge's two runs: authenticated SMTP and POP3S sessions from the
    Liferay container's address, and the role's round-trip probes delivered, fetched and deleted."""
    user = re.escape(liferay_vars["mail_session_smtp_user"])
    ip = re.escape(liferay_ip)
    dovecot, postfix = mail_logs.dovecot, mail_logs.postfix
    assert re.search(r"pop3-login: Info: Login: user=<%s>, method=PLAIN, rip=%s, .*\bTLS\b" % (user, ip), dovecot)
    assert re.search(r"\[%s\], sasl_method=\w+, sasl_username=%s$" % (ip, user), postfix, re.MULTILINE), postfix
    probes = set(re.findall(r"message-id=<(mail-session-check\.[^>]+)>", postfix))
    assert probes, postfix
    for probe in probes:
        assert "msgid=<%s>: saved mail to INBOX" % probe in dovecot


def test_the_verify_playbook_passes_from_the_liferay_host(playbook, liferay_vars):
    run = playbook("playbooks/verify.yml")
    assert run.returncode == 0, run.output
    assert "SMTP mail:587 (starttls): ok in " in run.output
    assert "POP3 mail:995 (ssl): ok in " in run.output
    assert CREDENTIAL not in run.output
