"""generation-2026 scenario: on a DXP 2026 host the role writes the mail settings as OSGi .config files
(one for every instance, one scoped to an instance), leaves no mail.session.* key in portal-ext.properties,
keeps the default sender there, and its verification really talked to the mail container."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

# the .config oracle of the pytest suite: Liferay's own reader rewritten from its source (tests/oracles/)
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))
from oracles import liferay_config

PREFIX = "mail.session."
COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
INSTANCE = "intranet.example.test"
# the inventory's password: a space, a non-ASCII letter and a quote, which the .config file must escape
CREDENTIAL = 'p@ss,w0rd ü"'


@pytest.fixture(scope="module")
def configs_dir(liferay_vars):
    return liferay_vars["mail_session_liferay_home"] + "/osgi/configs"


def liferay_reads(liferay, path):
    """({attribute: value} as Liferay reads the .config file, its raw text); fails if Liferay would
    log errors or drop lines (the oracle's messages never show the file's text)."""
    text = liferay.file(path).content_string
    return liferay_config.load(text), text


def assert_private(liferay, path):
    written = liferay.file(path)
    assert written.is_file, path
    assert written.user == "liferay" and written.group == "liferay"
    assert written.mode == 0o640


def test_the_company_configuration_holds_the_inventorys_settings(liferay, liferay_vars, configs_dir):
    assert liferay_vars["mail_session_smtp_password"] == liferay_vars["mail_session_pop_password"] == CREDENTIAL
    path = "%s/%s.config" % (configs_dir, COMPANY_PID)
    assert_private(liferay, path)
    values, text = liferay_reads(liferay, path)
    # compared here, not in an assert of the values, so that a failure never shows a password
    wrong = [name for name in ("smtpPassword", "popPassword") if values.pop(name, None) != CREDENTIAL]
    assert not wrong, "Liferay does not read the inventory's password from the file: %s" % wrong
    assert CREDENTIAL not in text and "ü" not in text  # escaped, never in plain text
    assert values["outgoingSMTPServer"] == "mail"
    assert values["outgoingSMTPPort"] == "587"  # a String attribute
    assert values["enableStartTLS"] is True
    assert values["transportProtocol"] == "smtp"
    assert values["smtpUserName"] == "liferay@example.test"
    assert values["storeProtocol"] == "pop3s"
    assert values["incomingPOPServer"] == "mail"
    assert values["incomingPOPPort"] == "995"
    assert "companyWebId" not in values and "companyId" not in values


def test_the_instance_has_its_own_scoped_configuration(liferay, configs_dir):
    path = "%s/%s.scoped~%s.config" % (configs_dir, COMPANY_PID, INSTANCE)
    assert_private(liferay, path)
    values, _text = liferay_reads(liferay, path)
    assert values["companyWebId"] == INSTANCE
    assert values["outgoingSMTPServer"] == "mail"
    assert values["outgoingSMTPPort"] == "465"
    assert values["enableStartTLS"] is False
    wrong = values.pop("smtpPassword", None) != CREDENTIAL  # a failure never shows the password
    assert not wrong, "Liferay does not read the inventory's password from the file"


def test_only_the_roles_configuration_files(liferay, configs_dir):
    # written atomically: no temporary file next to them
    names = liferay.file(configs_dir).listdir()
    assert all(name.startswith("com.liferay.mail.settings.configuration.") for name in names), names
    assert all(name.endswith(".config") for name in names), names


def test_portal_ext_has_no_mail_session_keys_and_the_sender(read_properties, liferay, liferay_vars, properties_path):
    path = properties_path
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
