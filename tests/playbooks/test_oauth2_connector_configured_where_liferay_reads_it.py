"""Office 365 OAuth2: what the role writes for Liferay's Outlook connector, and what it refuses before any host is
touched (liferay/oauth2.py; the facts from Liferay's source are in its docstring).

- 7.4: portal-ext.properties switched to the mail.session.mail=true layout that 7.4's MailServiceImpl hands to
  its token providers, read back by the real Commons Configuration 1.10 (and the advanced properties by
  java.util.Properties), every other line kept; MailOutlookAuthConnectorCompanyConfiguration.config in
  osgi/configs read back by the oracle of Liferay's .config reader; idempotent; check and diff mode with the
  secret masked; turned off: the ordinary layout comes back and the connector's file goes.
- 2026: the connector's files next to MailSettingCompanyConfiguration, one per instance; idempotent.
- Docker 7.x: the same layout as LIFERAY_* variables, the connector's file in the configs directory.
- Validation: smtps, IMAP, POP3 STARTTLS, other hosts, passwords, *.auth.mechanisms, a Liferay older than
  7.4 U79 / GA79, an application-server session: each refused naming the variable.
"""

from __future__ import annotations

import stat

import pytest
from harness.ansible_run import playbook, write_inventory
from harness.liferay_homes import dxp_2026
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import env_name
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import steps as step_table
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.oauth2 import CONNECTOR_PID
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, config_files
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import validate
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation_generation import (
    validate_for_generation,
    validate_settings,
)

SECRET = 'Se,cr${et}\\ "ü'
OFFICE365 = {
    "mail_session_smtp_host": "smtp.office365.com",
    "mail_session_smtp_port": 587,
    "mail_session_smtp_security": "starttls",
    "mail_session_smtp_user": "portal@contoso.com",
    "mail_session_pop_host": "outlook.office365.com",
    "mail_session_pop_security": "ssl",
    "mail_session_pop_user": "portal@contoso.com",
    "mail_session_oauth2_provider": "microsoft",
    "mail_session_oauth2_client_id": "00000000-1111-2222-3333-444444444444",
    "mail_session_oauth2_client_secret": SECRET,
    "mail_session_oauth2_tenant_id": "contoso.onmicrosoft.com",
    "mail_session_javamail_properties": {"mail.smtp.writetimeout": 15000},
    "mail_session_smtp_timeout": 10000,
    "mail_session_from_address": "portal@contoso.com",
    "mail_session_verify": "skip",
}
PORTAL_EXT = "# hand-written\njdbc.default.password=db-secret\nmail.session.mail.smtp.host=old.example.com\nx=1\n"
CONNECTOR_FILE = CONNECTOR_PID + ".config"


def settings(**variables):
    values = dict(OFFICE365, **variables)
    return model.complete({name[len("mail_session_") :]: value for name, value in values.items()})


def errors(version="7.4.13-u92", generation="legacy", **variables):
    given = settings(mail_session_liferay_version=version, **variables)
    findings = validate(given)
    validate_settings(given, findings)
    validate_for_generation(given, generation, findings)
    return findings.errors


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


def test_the_office365_settings_pass():
    assert errors() == []
    assert errors("7.4.3.79-ga79") == []
    assert errors("2026.q1.0-lts", "osgi") == []


@pytest.mark.parametrize(
    ("variables", "variable", "words"),
    [
        ({"mail_session_smtp_security": "ssl", "mail_session_smtp_port": 465}, "smtp_security", "not smtps"),
        ({"mail_session_smtp_host": "smtp.gmail.com"}, "smtp_host", "smtp.office365.com"),
        ({"mail_session_pop_host": "imap.contoso.com"}, "pop_host", "outlook.office365.com"),
        ({"mail_session_pop_security": "starttls", "mail_session_pop_port": 110}, "pop_security", "pop3s"),
        ({"mail_session_store_protocol": "imap"}, "store_protocol", "imap"),
        ({"mail_session_smtp_password": "basic-auth"}, "smtp_password", "token is the password"),
        (
            {"mail_session_javamail_properties": {"mail.pop3s.auth.mechanisms": "PLAIN"}},
            "javamail_properties",
            "undo OAuth2",
        ),
        ({"mail_session_oauth2_client_secret": ""}, "oauth2_client_secret", "is empty"),
        ({"mail_session_oauth2_tenant_id": ""}, "oauth2_tenant_id", "is empty"),
        ({"mail_session_smtp_user": ""}, "smtp_user", "mailbox"),
        ({"mail_session_method": "app_server"}, "oauth2_provider", "app_server"),
        ({"mail_session_oauth2_client_secret": "${secretRef:x}"}, "oauth2_client_secret", "secretRef"),
    ],
)
def test_what_liferays_connector_would_not_serve_is_refused_naming_the_variable(variables, variable, words):
    found = [message for message in errors(**variables) if message.startswith("mail_session_%s:" % variable)]
    assert found and words in found[0], errors(**variables)
    assert all(SECRET not in message for message in errors(**variables))


@pytest.mark.parametrize("version", ["7.4.13-u78", "7.4.3.78-ga78", "7.4.13", "7.3.10-u36", "7.0.10"])
def test_a_liferay_without_the_connector_is_refused(version):
    found = [message for message in errors(version) if message.startswith("mail_session_oauth2_provider:")]
    assert found and "U79" in found[0]


def test_docker_on_7x_needs_the_configs_directory_for_the_connector():
    found = errors(mail_session_deployment="docker", mail_session_docker_env_file="/srv/liferay.env")
    assert any(message.startswith("mail_session_docker_configs_dir:") for message in found)


def test_the_steps_write_the_connector_on_7x_and_osgi_yml_writes_it_on_2026():
    def step_files(generation, **variables):
        given = settings(mail_session_liferay_version="7.4.13-u92", **variables)
        return [step["file"] for step in step_table.steps(given, generation)]

    files = step_files("legacy")
    assert files[files.index("builtin.yml") + 1] == "oauth2.yml"
    assert "oauth2.yml" not in step_files("osgi")
    assert "oauth2.yml" not in step_files("legacy", mail_session_oauth2_provider="", mail_session_oauth2_client_id="")
    # turned off with the client id still given: the step runs once more and removes the file
    assert "oauth2.yml" in step_files("legacy", mail_session_oauth2_provider="")
    items = config_files(settings())
    assert [item["state"] for item in items if item["pid"] == CONNECTOR_PID] == ["present"]
    off = config_files(settings(mail_session_oauth2_provider=""))
    assert [item["state"] for item in off if item["pid"] == CONNECTOR_PID] == ["absent"]
    never = config_files(settings(mail_session_oauth2_provider="", mail_session_oauth2_client_id=""))
    assert [item for item in never if item["pid"] == CONNECTOR_PID] == []


# ---------------------------------------------------------------------------
# playbooks
# ---------------------------------------------------------------------------


def converge(tmp_path, home, *args, **variables):
    inventory = write_inventory(
        tmp_path / "inventory.yml", {"liferay-1": {}}, dict(OFFICE365, mail_session_liferay_home=str(home), **variables)
    )
    return playbook(inventory, *args)


def test_74_layout_converges_idempotently_and_goes_back_when_turned_off(tmp_path, portal_ext, java_util_properties):
    home = tmp_path / "liferay"
    (home / "osgi" / "configs").mkdir(parents=True)
    (home / "portal-ext.properties").write_text(PORTAL_EXT, encoding="utf-8")
    version = {"mail_session_liferay_version": "7.4.13-u92"}

    run = converge(tmp_path, home, "--check", "--diff", **version)
    assert run.returncode == 0, run.output
    assert "mail.session.mail=true" in run.output and SECRET not in run.output and "db-secret" not in run.output
    assert (home / "portal-ext.properties").read_text(encoding="utf-8") == PORTAL_EXT
    assert not (home / "osgi" / "configs" / CONNECTOR_FILE).exists()

    run = converge(tmp_path, home, **version)
    assert run.returncode == 0, run.output
    assert SECRET not in run.output
    text = (home / "portal-ext.properties").read_text(encoding="utf-8")
    assert text.startswith("# hand-written\njdbc.default.password=db-secret\n") and "\nx=1\n" in text
    read = portal_ext(home)
    assert read["mail.session.mail"] == "true"
    assert read["mail.session.mail.smtp.host"] == "smtp.office365.com"
    assert read["mail.session.mail.smtp.user"] == "portal@contoso.com"
    assert read["mail.session.mail.pop3.host"] == "outlook.office365.com"  # pop3 keys even for POP3S
    assert read["mail.session.mail.pop3.port"] == "995"
    assert read["mail.session.mail.store.protocol"] == "pop3s"
    assert read["mail.session.mail.transport.protocol"] == "smtp"
    assert not any("password" in key for key in read if key.startswith("mail.session."))
    assert java_util_properties(read["mail.session.mail.advanced.properties"]) == {
        "mail.smtp.starttls.required": "true",
        "mail.smtp.timeout": "10000",
        "mail.smtp.writetimeout": "15000",
    }
    connector = home / "osgi" / "configs" / CONNECTOR_FILE
    assert liferay_config.load(connector.read_text(encoding="ascii")) == {
        "clientId": "00000000-1111-2222-3333-444444444444",
        "clientSecret": SECRET,
        "tenantId": "contoso.onmicrosoft.com",
        "smtpConnectionEnabled": True,
        "pop3ConnectionEnabled": True,
    }
    assert stat.S_IMODE(connector.stat().st_mode) == 0o640

    again = converge(tmp_path, home, **version)
    assert again.returncode == 0 and again.total("changed") == 0, again.output

    # a new secret: check + diff shows the change masked and writes nothing
    before = connector.read_bytes()
    run = converge(tmp_path, home, "--check", "--diff", mail_session_oauth2_client_secret="rotated-secret", **version)
    assert run.returncode == 0 and "clientSecret" in run.output and "rotated-secret" not in run.output, run.output
    assert connector.read_bytes() == before

    # off: the ordinary layout comes back, the connector's file (and its secret) goes
    run = converge(
        tmp_path,
        home,
        mail_session_oauth2_provider="",
        mail_session_smtp_password="basic-password",
        mail_session_pop_password="basic-password",
        **version,
    )
    assert run.returncode == 0, run.output
    read = portal_ext(home)
    assert "mail.session.mail" not in read and "mail.session.mail.advanced.properties" not in read
    assert read["mail.session.mail.pop3s.host"] == "outlook.office365.com"
    assert read["mail.session.mail.smtp.password"] == "basic-password"
    assert not connector.exists()
    assert (home / "portal-ext.properties").read_text(encoding="utf-8").startswith("# hand-written\n")


def test_2026_writes_the_connector_beside_the_mail_settings_per_instance(tmp_path):
    home = dxp_2026(tmp_path / "liferay")
    instances = [
        {"web_id": "intranet.contoso.com", "oauth2_client_id": "intranet-app", "oauth2_client_secret": "intranet-s"},
        {
            "web_id": "relay.contoso.com",
            "oauth2_provider": "",
            "smtp_host": "relay.contoso.com",
            "smtp_port": 25,
            "smtp_security": "none",
            "smtp_user": "",
            "pop_host": "",
        },
    ]
    variables = {"mail_session_liferay_version": "2026.q1.0-lts", "mail_session_instances": instances}
    run = converge(tmp_path, home, **variables)
    assert run.returncode == 0, run.output
    assert SECRET not in run.output and "intranet-s" not in run.output
    configs = home / "osgi" / "configs"
    company = liferay_config.load((configs / (COMPANY_PID + ".config")).read_text(encoding="ascii"))
    assert company["outgoingSMTPServer"] == "smtp.office365.com" and "smtpPassword" not in company
    assert company["smtpUserName"] == "portal@contoso.com" and company["storeProtocol"] == "pop3s"
    connector = liferay_config.load((configs / CONNECTOR_FILE).read_text(encoding="ascii"))
    assert connector["clientSecret"] == SECRET and connector["smtpConnectionEnabled"] is True
    intranet = liferay_config.load(
        (configs / ("%s.scoped~intranet.contoso.com.config" % CONNECTOR_PID)).read_text(encoding="ascii")
    )
    assert intranet["clientId"] == "intranet-app" and intranet["clientSecret"] == "intranet-s"
    assert intranet["companyWebId"] == "intranet.contoso.com"
    assert not (configs / ("%s.scoped~relay.contoso.com.config" % CONNECTOR_PID)).exists()
    again = converge(tmp_path, home, **variables)
    assert again.returncode == 0 and again.total("changed") == 0, again.output


def test_docker_on_7x_writes_the_layout_as_variables_and_the_connector_to_mount(tmp_path):
    env_file = tmp_path / "liferay.env"
    configs = tmp_path / "osgi-configs"
    variables = {
        "mail_session_deployment": "docker",
        "mail_session_liferay_version": "7.4.13-u92",
        "mail_session_docker_env_file": str(env_file),
        "mail_session_docker_configs_dir": str(configs),
    }
    run = converge(tmp_path, tmp_path / "unused", **variables)
    assert run.returncode == 0, run.output
    lines = env_file.read_text(encoding="utf-8").splitlines()
    assert "%s=true" % env_name("mail.session.mail") in lines
    assert "%s=smtp.office365.com" % env_name("mail.session.mail.smtp.host") in lines
    # no line breaks in an env file: the extras as ordinary keys of the base session
    assert "%s=true" % env_name("mail.session.mail.smtp.starttls.required") in lines
    assert "%s=10000" % env_name("mail.session.mail.smtp.timeout") in lines
    assert liferay_config.load((configs / CONNECTOR_FILE).read_text(encoding="ascii"))["clientSecret"] == SECRET
    again = converge(tmp_path, tmp_path / "unused", **variables)
    assert again.returncode == 0 and again.total("changed") == 0, again.output
