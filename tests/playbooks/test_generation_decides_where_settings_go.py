"""Issue 6 through the real ansible-playbook: the Liferay generation of each host decides where the mail
settings go. On fixture installations of DXP 2026 (tests/harness/liferay_homes.py: .liferay-version, portal-impl.jar,
the mail settings module) the role writes the OSGi .config files, per instance too; on 7.4 it keeps writing
portal-ext.properties; for containers an env file and a directory of .config files; with an application-server
session on 2026 the jndiName; and it reads a real PostgreSQL for values saved in the Control Panel.

The mail servers here are fictional and never contacted (mail_session_verify: skip); the database is a
throwaway PostgreSQL on 127.0.0.1 (tests/harness/dbserver.py).
"""

from __future__ import annotations

import stat

import pytest
from conftest import running
from harness.ansible_run import fictional_servers, local_hosts, playbook, write_inventory
from harness.appserver_bundles import root_xml, tomcat_bundle
from harness.dbserver import PostgresServer
from harness.liferay_homes import dxp_2026, liferay_home
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import (
    decode_env_name,
    encode_env_value,
    env_name,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, SYSTEM_PID

HEADER = "# Managed by Ansible (mail_session role): change the inventory, not this file\n"
# a literal ${ (Liferay would interpolate it), a quote, '=', a backslash, a space and a non-ASCII letter
SMTP_PASSWORD = 'Sm7p ${x}"=\\wörd'
POP_PASSWORD = "P0p-secret!#:="
INSTANCE_PASSWORD = "Intr4net-S3cret"
MARKS = ("Sm7p", "P0p-secret", "Intr4net", "db-secret", "old-secret")

BASE_VARS = {
    **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
    "mail_session_from_name": "Liferay Portal",
}

# what a 7.4 server left behind: every mail.session.* key is obsolete on 2026
PORTAL_EXT = (
    "jdbc.default.url=jdbc:postgresql://db/lportal\n"
    "jdbc.default.password=db-secret\n"
    "mail.session.mail.smtp.host=old.example.com\n"
    "mail.session.mail.smtp.password=old-secret\n"
    "mail.session.jndi.name=mail/MailSession\n"
)

COMPANY_CONFIG = (
    HEADER + 'additionalJavaMailProperties="mail.smtp.connectiontimeout\\u003d10000\\n'
    'mail.smtp.starttls.required\\u003dtrue"\n'
    'enableStartTLS=B"true"\n'
    'incomingPOPPort="995"\n'
    'incomingPOPServer="pop.example.com"\n'
    'outgoingSMTPPort="587"\n'
    'outgoingSMTPServer="smtp.example.com"\n'
    'popPassword="P0p-secret!#:\\u003d"\n'
    'popUserName="liferay@example.com"\n'
    'smtpPassword="Sm7p\\ \\u0024\\u007bx\\u007d\\"\\u003d\\u005cw\\u00f6rd"\n'
    'smtpUserName="liferay@example.com"\n'
    'storeProtocol="pop3s"\n'
    'transportProtocol="smtp"\n'
)


def portal_74(home):
    """A Liferay Portal 7.4 GA112 bundle (no .liferay-version: the version is in portal-impl.jar's manifest)."""
    return liferay_home(
        home,
        impl={
            "Liferay-Portal-Release-Info": (
                "Liferay Community Edition Portal 7.4.3.112 CE GA112 (Cavanaugh / Build 7413 / February 14, 2024)"
            )
        },
        properties=PORTAL_EXT,
    )


@pytest.fixture
def site(tmp_path):
    """One host on a DXP 2026 fixture with a portal-ext.properties of 7.4 days; inventory(**vars) writes the
    inventory."""
    home = dxp_2026(tmp_path / "liferay", properties=PORTAL_EXT)
    return home, one_host(tmp_path, home)


def one_host(tmp_path, home):
    """inventory(**vars): the host liferay-1 on *home*."""
    return local_hosts(tmp_path / "hosts.yml", {"liferay-1": home}, BASE_VARS)


def configs(home):
    return home / "osgi" / "configs"


def config_path(directory, pid=COMPANY_PID, scope=None):
    name = pid + (".scoped~%s" % scope if scope else "") + ".config"
    return directory / name


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def assert_no_secret(output, *extra):
    for mark in (*MARKS, *extra):
        assert mark not in output, mark


def warnings(run):
    return [line for line in run.output.splitlines() if "[WARNING]" in line]


# --------------------------------------------------------------------------
# DXP 2026, detected
# --------------------------------------------------------------------------


def test_2026_converges_to_config_files_then_changes_nothing(site, portal_ext):
    home, inventory = site
    first = playbook(inventory(), "--diff")
    assert first.returncode == 0, first.output
    assert "Read which Liferay is installed in LIFERAY_HOME" in first.output  # no version: detected

    company = config_path(configs(home))
    assert company.read_text(encoding="utf-8") == COMPANY_CONFIG
    assert mode(company) == 0o640
    attributes = liferay_config.load(company.read_text(encoding="utf-8"), {"x": "a-system-property"})
    assert attributes["smtpPassword"] == SMTP_PASSWORD  # the literal ${x} is not a reference
    assert attributes["popPassword"] == POP_PASSWORD
    # nothing server-wide given: no system configuration
    assert not config_path(configs(home), SYSTEM_PID).exists()

    values = portal_ext(home)
    assert values["admin.email.from.name"] == "Liferay Portal"
    assert values["admin.email.from.address"] == "portal@example.com"
    # the obsolete keys stay (warned about), and no new mail.session.* key is written
    assert sorted(k for k in values if k.startswith("mail.session.")) == [
        "mail.session.jndi.name",
        "mail.session.mail.smtp.host",
        "mail.session.mail.smtp.password",
    ]
    obsolete = [line for line in warnings(first) if "mail.session.jndi.name" in line]
    assert len(obsolete) == 1
    assert "Liferay 2026.q1.0-lts reads its mail settings from OSGi configurations" in obsolete[0]
    assert "mail_session_remove_obsolete_keys: true" in obsolete[0]
    assert_no_secret(first.output)

    second = playbook(inventory())
    assert second.returncode == 0, second.output
    assert second.total("changed") == 0


def test_check_mode_changes_nothing(site):
    home, inventory = site
    before = (home / "portal-ext.properties").read_bytes()
    run = playbook(inventory(mail_session_batch_size=10), "--check", "--diff")
    assert run.returncode == 0, run.output
    # two tasks: the OSGi configurations (one loop: the company and the system file) and the sender
    assert run.total("changed") == 2
    for name in ("MailSettingCompanyConfiguration.config", "MailSettingSystemConfiguration.config"):
        assert (
            "changed: [liferay-1] => (item=com.liferay.mail.settings.configuration.%s (present))" % name in run.output
        )
    assert list(configs(home).iterdir()) == []
    assert (home / "portal-ext.properties").read_bytes() == before
    assert '+smtpPassword="********" (changed)' in run.output
    assert_no_secret(run.output)


def test_instances_and_server_wide_settings(site):
    home, inventory = site
    instances = [
        {
            "web_id": "intranet.example.com",
            "smtp_host": "relay.intranet.example.com",
            "smtp_port": 25,
            "smtp_security": "none",
            "smtp_user": "intranet@example.com",
            "smtp_password": INSTANCE_PASSWORD,
        },
        {"company_id": 30000, "name": "extranet", "pop_server_notifications": True},
    ]
    system = {
        "mail_session_batch_size": 10,
        "mail_session_audit_trail": "audit@example.com",
        "mail_session_send_blacklist": ["noreply@example.com", "test@example.com"],
        "mail_session_throws_exception_on_failure": True,
    }
    run = playbook(inventory(mail_session_instances=instances, **system), "-v")
    assert run.returncode == 0, run.output
    directory = configs(home)
    assert config_path(directory, scope="intranet.example.com").read_text(encoding="utf-8") == (
        HEADER + 'additionalJavaMailProperties="mail.smtp.connectiontimeout\\u003d10000"\n'
        'companyWebId="intranet.example.com"\n'
        'enableStartTLS=B"false"\n'
        'incomingPOPPort="995"\n'
        'incomingPOPServer="pop.example.com"\n'
        'outgoingSMTPPort="25"\n'
        'outgoingSMTPServer="relay.intranet.example.com"\n'
        'popPassword="P0p-secret!#:\\u003d"\n'
        'popUserName="liferay@example.com"\n'
        'smtpPassword="Intr4net-S3cret"\n'
        'smtpUserName="intranet@example.com"\n'
        'storeProtocol="pop3s"\n'
        'transportProtocol="smtp"\n'
    )
    intranet = liferay_config.load(config_path(directory, scope="intranet.example.com").read_text(encoding="utf-8"))
    assert (intranet["companyWebId"], intranet["smtpPassword"]) == ("intranet.example.com", INSTANCE_PASSWORD)
    assert intranet["popPassword"] == POP_PASSWORD
    extranet = liferay_config.load(config_path(directory, scope="extranet").read_text(encoding="utf-8"))
    assert extranet["companyId"] == 30000
    assert liferay_config.java_type(extranet["companyId"]) == "Long"  # ConfigurationFileInstaller casts to Long
    assert extranet["enablePOPServerNotifications"] is True
    assert extranet["outgoingSMTPServer"] == "smtp.example.com"  # the global settings, merged
    assert config_path(directory, SYSTEM_PID).read_text(encoding="utf-8") == (
        HEADER + 'auditTrail="audit@example.com"\n'
        'batchSize="10"\n'
        'sendBlacklist=["noreply@example.com","test@example.com"]\n'
        'throwsExceptionOnFailure=B"true"\n'
    )
    server_wide = liferay_config.load(config_path(directory, SYSTEM_PID).read_text(encoding="utf-8"))
    assert {name: liferay_config.java_type(value) for name, value in server_wide.items()} == {
        "auditTrail": "String",
        "batchSize": "String",  # a String attribute in MailSettingSystemConfiguration
        "sendBlacklist": "String[]",
        "throwsExceptionOnFailure": "Boolean",
    }
    assert server_wide["sendBlacklist"] == ["noreply@example.com", "test@example.com"]
    for path in directory.iterdir():
        assert mode(path) == 0o640, path
    # loop items carry file names, not passwords
    assert "MailSettingCompanyConfiguration.scoped~intranet.example.com.config (present)" in run.output
    assert_no_secret(run.output)

    instances[1]["state"] = "absent"
    removed = playbook(inventory(mail_session_instances=instances, **system))
    assert removed.returncode == 0, removed.output
    assert removed.total("changed") == 1
    assert not config_path(directory, scope="extranet").exists()
    assert config_path(directory, scope="intranet.example.com").exists()

    # no server-wide setting any more: the role's system configuration goes
    plain = playbook(inventory(mail_session_instances=instances))
    assert plain.returncode == 0, plain.output
    assert not config_path(directory, SYSTEM_PID).exists()


def test_obsolete_keys_are_removed_on_request(site, portal_ext):
    home, inventory = site
    run = playbook(inventory(mail_session_remove_obsolete_keys=True), "--diff")
    assert run.returncode == 0, run.output
    values = portal_ext(home)
    assert not [key for key in values if key.startswith("mail.session.")]
    assert values["jdbc.default.password"] == "db-secret"
    assert values["admin.email.from.address"] == "portal@example.com"
    assert "-mail.session.jndi.name=mail/MailSession" in run.output
    assert not [line for line in warnings(run) if "mail.session." in line]
    assert_no_secret(run.output)


def test_version_in_inventory_skips_detection_and_can_be_cross_checked(site):
    home, inventory = site
    given = playbook(inventory(mail_session_liferay_version="2026.q1.0"))
    assert given.returncode == 0, given.output
    assert "Read which Liferay is installed" not in given.output  # one round trip less per host
    assert config_path(configs(home)).exists()

    # inventory says 7.4, the installation is 2026: the inventory decides, the mismatch is reported
    mismatch = playbook(
        inventory(mail_session_liferay_version="7.4.3.132", mail_session_liferay_version_check=True), "--check"
    )
    assert mismatch.returncode == 0, mismatch.output
    text = " ".join(warnings(mismatch))
    assert "mail_session_liferay_version is 7.4.3.132 (legacy generation)" in text
    assert "2026.q1.0-lts (osgi generation, from .liferay-version)" in text


def test_password_from_the_environment_and_no_secret_at_any_verbosity(site):
    home, inventory = site
    pop_literal = "P0p-secret${LIFERAY_HOME}"  # looks like a reference; must stay a literal
    run = playbook(
        inventory(
            mail_session_smtp_password={"env": "LIFERAY_SMTP_PASSWORD"},
            mail_session_pop_password=pop_literal,
            mail_session_instances=[{"web_id": "intranet.example.com", "smtp_password": INSTANCE_PASSWORD}],
        ),
        "--diff",
        "-vvvv",
    )
    assert run.returncode == 0, run.output
    text = config_path(configs(home)).read_text(encoding="utf-8")
    assert 'smtpPassword="${LIFERAY_SMTP_PASSWORD}"\n' in text
    assert "${LIFERAY_HOME}" not in text
    # Liferay's environment has both variables: the reference is substituted, the literal look-alike is not
    environ = {"LIFERAY_SMTP_PASSWORD": "Sm7p-from-the-environment", "LIFERAY_HOME": "/opt/liferay"}
    attributes = liferay_config.load(text, {}, environ)
    assert attributes["smtpPassword"] == "Sm7p-from-the-environment"
    assert attributes["popPassword"] == pop_literal
    assert_no_secret(run.output, pop_literal)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"mail_session_store_protocol": "imap", "mail_session_pop_port": 993}, "'imap' is not what Liferay uses"),
        ({"mail_session_smtp_password": "${secretRef:mail}"}, "reference into its secret store"),
        ({"mail_session_instances": [{"web_id": "x.example.com", "smtp_hots": "y"}]}, "unknown keys smtp_hots"),
        ({"mail_session_deployment": "docker"}, "mail_session_liferay_version: is needed with"),
    ],
)  # every other refusal: tests/settings/test_settings_per_liferay_generation.py
def test_invalid_settings_stop_before_anything_is_written(site, overrides, expected):
    home, inventory = site
    before = (home / "portal-ext.properties").read_bytes()
    run = playbook(inventory(**overrides))
    assert run.returncode != 0
    assert expected in run.output, run.output
    assert run.total("changed") == 0
    assert list(configs(home).iterdir()) == []
    assert (home / "portal-ext.properties").read_bytes() == before
    assert_no_secret(run.output)


# --------------------------------------------------------------------------
# Liferay 7.4 (and nothing to go by)
# --------------------------------------------------------------------------


def test_7_4_detected_keeps_writing_portal_ext_properties(tmp_path, portal_ext):
    home = portal_74(tmp_path / "liferay")
    config_path(configs(home)).write_text('outgoingSMTPServer="left.example.com"\n', encoding="utf-8")
    inventory = one_host(tmp_path, home)
    run = playbook(inventory())
    assert run.returncode == 0, run.output
    values = portal_ext(home)
    assert values["mail.session.mail.smtp.host"] == "smtp.example.com"
    assert values["mail.session.mail.smtp.password"] == SMTP_PASSWORD
    assert "mail.session.jndi.name" not in values  # the role owns the namespace on 7.x
    assert sorted(p.name for p in configs(home).iterdir()) == [COMPANY_PID + ".config"]  # not written, warned
    assert any("reads its mail settings from portal properties" in line for line in warnings(run))

    # the checks for the generation found: 7.x has no per-instance files (nor ${LIFERAY_*} references)
    failed = playbook(inventory(mail_session_instances=[{"web_id": "x.example.com"}]))
    assert failed.returncode != 0
    assert "mail_session_instances: per-instance mail settings need Liferay DXP 2025.Q4+" in failed.output
    assert failed.total("changed") == 0


def test_nothing_to_go_by_means_7_x_with_a_warning(tmp_path, portal_ext):
    home = tmp_path / "empty"
    home.mkdir()
    run = playbook(one_host(tmp_path, home)())
    assert run.returncode == 0, run.output
    assert portal_ext(home)["mail.session.mail.smtp.host"] == "smtp.example.com"
    assert any("nothing in %s tells which Liferay is installed" % home in line for line in warnings(run))


# --------------------------------------------------------------------------
# Docker
# --------------------------------------------------------------------------


def test_docker_7_4_env_file(tmp_path):
    directory = tmp_path / "compose"
    directory.mkdir()
    env_file = directory / "liferay.env"
    password = "Sm7p,pa$${ss}\\wörd"  # comma, ${ and a backslash: escaped for Commons Configuration
    group_vars = dict(
        BASE_VARS,
        mail_session_smtp_password=password,
        mail_session_deployment="docker",
        mail_session_liferay_version="liferay/portal:7.4.3.132-ga132",
        mail_session_docker_env_file=str(env_file),
        mail_session_send_blacklist=["noreply@example.com"],
    )
    inventory = write_inventory(tmp_path / "hosts.yml", {"docker-host": {}}, group_vars)
    run = playbook(inventory, "--diff")
    assert run.returncode == 0, run.output
    assert mode(env_file) == 0o600
    lines = env_file.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip()
    variables = dict(line.split("=", 1) for line in lines[1:])
    assert variables == {name: variables[name] for name in sorted(variables)}
    decoded = {decode_env_name(name): value for name, value in variables.items()}
    assert decoded["mail.session.mail.smtp.host"] == "smtp.example.com"
    assert decoded["mail.session.mail.smtp.password"] == encode_env_value(password)
    assert decoded["mail.session.mail.store.protocol"] == "pop3s"
    assert decoded["mail.send.blacklist"] == "noreply@example.com"
    assert decoded["admin.email.from.name"] == "Liferay Portal"
    assert env_name("mail.session.mail.smtp.host") == "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST"
    assert "+LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PASSWORD=******** (changed)" in run.output
    assert_no_secret(run.output)
    assert not list(tmp_path.glob("**/*.config"))

    again = playbook(inventory)
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0


def test_docker_2026_configs_dir_to_mount(tmp_path):
    env_file = tmp_path / "liferay.env"
    mount = tmp_path / "mnt" / "files" / "osgi" / "configs"
    group_vars = dict(
        BASE_VARS,
        mail_session_deployment="docker",
        mail_session_liferay_version="liferay/dxp:2026.q1.0-lts",
        mail_session_docker_env_file=str(env_file),
        mail_session_docker_configs_dir=str(mount),
    )
    inventory = write_inventory(tmp_path / "hosts.yml", {"docker-host": {}}, group_vars)
    run = playbook(inventory)
    assert run.returncode == 0, run.output
    assert mode(mount) == 0o750
    assert config_path(mount).read_text(encoding="utf-8") == COMPANY_CONFIG
    variables = dict(line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines()[1:])
    assert {decode_env_name(name) for name in variables} == {"admin.email.from.name", "admin.email.from.address"}
    assert mode(env_file) == 0o600
    assert playbook(inventory).total("changed") == 0


# --------------------------------------------------------------------------
# Application-server session on DXP 2026
# --------------------------------------------------------------------------


def test_app_server_session_on_2026_sets_jndi_name(site, portal_ext):
    home, inventory = site
    # a built-in session first, then the switch to Tomcat's
    assert playbook(inventory()).returncode == 0
    assert config_path(configs(home)).exists()
    base = tomcat_bundle(home, version="10.1.28")
    # Tomcat has no escape for a literal ${ in a context file: another password here
    tomcat = {"mail_session_method": "app_server", "mail_session_smtp_password": "Sm7p-tomcat&<pw>"}
    run = playbook(inventory(mail_session_remove_obsolete_keys=True, **tomcat))
    assert run.returncode == 0, run.output
    assert config_path(configs(home), SYSTEM_PID).read_text(encoding="utf-8") == (
        HEADER + 'jndiName="mail/MailSession"\n'
    )
    assert not config_path(configs(home)).exists()  # Liferay takes the session from JNDI
    assert 'name="mail/MailSession"' in root_xml(base).read_text(encoding="utf-8")
    assert 'type="jakarta.mail.Session"' in root_xml(base).read_text(encoding="utf-8")
    values = portal_ext(home)
    assert not [key for key in values if key.startswith("mail.session.")]  # no mail.session.jndi.name on 2026
    assert values["admin.email.from.address"] == "portal@example.com"
    assert playbook(inventory(**tomcat)).total("changed") == 0


# --------------------------------------------------------------------------
# Values saved in the Control Panel, in a real PostgreSQL
# --------------------------------------------------------------------------

DB_PASSWORD = "Db-Pa55;'\"x"
DDL = (
    """
create table Company (companyId bigint not null primary key, webId varchar(75) null);
create table PortalPreferences (portalPreferencesId bigint not null primary key, companyId bigint, ownerId bigint,
  ownerType integer);
create table PortalPreferenceValue (portalPreferenceValueId bigint not null primary key, companyId bigint,
  portalPreferencesId bigint, index_ integer, key_ varchar(255) null, largeValue text null,
  namespace varchar(255) null, smallValue varchar(255) null);
create table Configuration_ (configurationId varchar(255) not null primary key, dictionary text null);
insert into Company values (20097, 'liferay.com');
insert into PortalPreferences values (1, 20097, 20097, 1);
insert into PortalPreferenceValue (portalPreferenceValueId, portalPreferencesId, index_, key_, smallValue) values
  (1, 1, 0, 'mail.session.mail', 'true'),
  (2, 1, 0, 'mail.session.mail.smtp.host', 'saved.example.com'),
  (3, 1, 0, 'mail.session.mail.smtp.password', 'UiSaved-S3cret');
insert into Configuration_ values ('%s.scoped~ui', 'companyId=L"20097"
outgoingSMTPServer="ui.example.com"
smtpPassword="UiSaved-S3cret"
');
"""
    % COMPANY_PID
)


@pytest.fixture(scope="module")
def postgres():
    with running(PostgresServer()) as server:
        server.sql("create role liferay login password '%s'" % DB_PASSWORD.replace("'", "''"))
        server.sql("create database lportal owner liferay")
        server.sql("set role liferay;" + DDL, database="lportal")
        yield server


def test_database_check_names_what_overrides_what(tmp_path, postgres):
    db = {
        "engine": "postgresql",
        "host": "127.0.0.1",
        "port": postgres.port,
        "database": "lportal",
        "user": "liferay",
        "password": DB_PASSWORD,
    }
    legacy = portal_74(tmp_path / "liferay74")
    group_vars = dict(
        BASE_VARS,
        mail_session_liferay_home=str(legacy),
        mail_session_liferay_version="7.4.3.132",
        mail_session_db_check=True,
        mail_session_db=db,
    )
    run = playbook(write_inventory(tmp_path / "hosts.yml", {"liferay-1": {}}, group_vars), "-vvvv")
    assert run.returncode == 0, run.output
    text = " ".join(warnings(run))
    assert "company 20097 (liferay.com) has mail.session.mail=true" in text
    assert "mail.session.mail.smtp.host=saved.example.com" in text
    assert "beat portal-ext.properties" in text
    assert "UiSaved-S3cret" not in run.output and DB_PASSWORD not in run.output
    assert_no_secret(run.output)

    modern = dxp_2026(tmp_path / "liferay2026")
    group_vars.update(
        mail_session_liferay_home=str(modern), mail_session_liferay_version="", mail_session_db_check_fail=True
    )
    failed = playbook(write_inventory(tmp_path / "hosts.yml", {"liferay-1": {}}, group_vars))
    assert failed.returncode != 0
    assert "company 20097 (liferay.com) has mail settings saved in Instance Settings > Email" in failed.output
    assert "beat the role's %s.config" % COMPANY_PID in failed.output
    assert "UiSaved-S3cret" not in failed.output and DB_PASSWORD not in failed.output
    assert config_path(configs(modern)).exists()  # the check runs after writing: it reads, never blocks a write
