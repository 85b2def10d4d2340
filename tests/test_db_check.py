"""liferay_mail_db_check against a real PostgreSQL (and MariaDB), with tables shaped like Liferay's.

Both servers come from Debian packages and are started by these tests as throwaway
instances on 127.0.0.1 (tests/dbserver.py). The tables follow Liferay's own DDL
(portal-impl/src/.../portal-tables.sql): up to 7.3 the preferences are an XML
document in PortalPreferences.preferences; from 7.4 on they are PortalPreferenceValue
rows; 2025.Q4+ keeps OSGi configurations in Configuration_.
"""

from __future__ import annotations

import json

import liferay_mail_db_check
import pytest
from ansible.module_utils.liferay_osgi import COMPANY_PID
from dbserver import DatabaseServerError, MariaDBServer, PostgresServer
from osgi_testlib import module_runner

DB_PASSWORD = "Db-Pa55;'\"$(x)"
SYSTEM_SMTP_PASSWORD = "SysSmtpS3cret!"
COMPANY_SMTP_PASSWORD = "CoSmtpS3cret!"
UI_PASSWORD = "UiSaved-S3cret"
ADVANCED = "mail.smtp.timeout=10000\n" + "# padding to make it a large value\n" * 10 + "mail.smtp.password=AdvS3cret"
SECRETS = (DB_PASSWORD, SYSTEM_SMTP_PASSWORD, COMPANY_SMTP_PASSWORD, UI_PASSWORD, "AdvS3cret")

# 7.4+ layout (PostgreSQL flavour of Liferay's portal-tables.sql)
TABLES_74 = """
create table Company (mvccVersion bigint default 0 not null, companyId bigint not null primary key,
  webId varchar(75) null, mx varchar(200) null);
create table PortalPreferences (mvccVersion bigint default 0 not null, portalPreferencesId bigint not null primary key,
  companyId bigint, ownerId bigint, ownerType integer);
create table PortalPreferenceValue (mvccVersion bigint default 0 not null,
  portalPreferenceValueId bigint not null primary key, companyId bigint, portalPreferencesId bigint, index_ integer,
  key_ varchar(255) null, largeValue text null, namespace varchar(255) null, smallValue varchar(255) null);
create table Configuration_ (configurationId varchar(255) not null primary key, dictionary text null);
"""

# 7.0 - 7.3 layout
TABLES_73 = """
create table Company (companyId bigint not null primary key, webId varchar(75) null);
create table PortalPreferences (portalPreferencesId bigint not null primary key, ownerId bigint, ownerType integer,
  preferences text null);
"""


INSERT_VALUE = (
    "insert into PortalPreferenceValue (portalPreferenceValueId, portalPreferencesId, index_, key_, "
    "smallValue, largeValue, namespace) values ({}, {}, 0, {}, {}, {}, {})"
)
INSERT_CONFIGURATION = "insert into Configuration_ (configurationId, dictionary) values ({}, {})"
INSERT_73 = (
    "insert into Company values (20097, 'liferay.com');"
    "insert into PortalPreferences values (1, 0, 1, {}), (2, 20097, 1, {}), (3, 20097, 2, {});"
)


def sql_quote(text):
    return "'%s'" % text.replace("'", "''")


def rows_74():
    values = [
        # (portalPreferencesId, key, value, namespace)
        (1, "mail.session.mail", "true", None),
        (1, "mail.session.mail.smtp.host", "system-smtp.example.com", None),
        (1, "mail.session.mail.smtp.password", SYSTEM_SMTP_PASSWORD, None),
        (2, "mail.session.mail", "true", None),
        (2, "mail.session.mail.smtp.host", "old.example.com", None),
        (2, "mail.session.mail.smtp.port", "25", None),
        (2, "mail.session.mail.smtp.password", COMPANY_SMTP_PASSWORD, None),
        (2, "mail.session.mail.advanced.properties", ADVANCED, None),
        (2, "admin.email.from.name", "Old Sender", None),
        (2, "company.default.locale", "en_US", None),
        (2, "mail.session.mail.smtp.host", "namespaced-not-mail", "com_liferay_x_portlet"),
        (3, "mail.session.mail", "false", None),
        (3, "mail.session.mail.smtp.host", "dormant.example.com", None),
        (4, "mail.session.mail.smtp.host", "user-preference.example.com", None),
    ]
    statements = [
        "insert into Company (companyId, webId) values (20097, 'liferay.com'), (30000, 'intranet.example.com')",
        "insert into PortalPreferences (portalPreferencesId, companyId, ownerId, ownerType) values "
        "(1, 0, 0, 1), (2, 20097, 20097, 1), (3, 30000, 30000, 1), (4, 20097, 12345, 4)",
    ]
    for number, (prefs_id, key, value, namespace) in enumerate(values, start=1):
        small, large = (value, None) if len(value) <= 255 else (None, value)
        statements.append(
            INSERT_VALUE.format(
                number,
                prefs_id,
                sql_quote(key),
                sql_quote(small) if small is not None else "null",
                sql_quote(large) if large is not None else "null",
                sql_quote(namespace) if namespace else "null",
            )
        )
    configurations = [
        (
            COMPANY_PID + ".scoped~2a3c0f6e-ui",
            'companyId=L"20097"\nservice.factoryPid="%s.scoped"\noutgoingSMTPServer="ui.example.com"\n'
            'smtpPassword="%s"\n' % (COMPANY_PID, UI_PASSWORD),
        ),
        (
            COMPANY_PID,
            'felix.fileinstall.filename="file:/opt/liferay/osgi/configs/%s.config"\noutgoingSMTPServer="file"\n'
            % COMPANY_PID,
        ),
        ("com.liferay.mail.settings.configuration.MailSettingSystemConfiguration", 'jndiName="mail/Session"\n'),
    ]
    for configuration_id, dictionary in configurations:
        statements.append(INSERT_CONFIGURATION.format(sql_quote(configuration_id), sql_quote(dictionary)))
    return ";\n".join(statements) + ";"


def xml(preferences):
    body = "".join(
        "<preference><name>%s</name><value>%s</value></preference>" % (name, value) for name, value in preferences
    )
    return "<portlet-preferences>%s</portlet-preferences>" % body


def rows_73():
    system = xml([("mail.session.mail", "true"), ("mail.session.mail.smtp.host", "system73.example.com")])
    company = xml(
        [
            ("mail.session.mail", "true"),
            ("mail.session.mail.smtp.password", COMPANY_SMTP_PASSWORD),
            ("mail.session.mail.smtp.host", "old73.example.com"),
            ("admin.email.from.address", "old@example.com"),
        ]
    )
    return INSERT_73.format(sql_quote(system), sql_quote(company), sql_quote(xml([("mail.session.mail", "true")])))


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        server.start()
    except DatabaseServerError as exc:
        pytest.fail(str(exc))
    try:
        server.sql("create role liferay login password %s" % sql_quote(DB_PASSWORD))
        for database, tables, rows in (("lportal", TABLES_74, rows_74()), ("lportal73", TABLES_73, rows_73())):
            server.sql("create database %s owner liferay" % database)
            server.sql("set role liferay;" + tables + rows, database=database)
        yield server
    finally:
        server.stop()


@pytest.fixture
def run_module(monkeypatch, capsys, tmp_path):
    return module_runner(liferay_mail_db_check.main, monkeypatch, capsys, tmp_path)


def pg_args(server, **extra):
    return {
        "engine": "postgresql",
        "host": "127.0.0.1",
        "port": server.port,
        "database": "lportal",
        "user": "liferay",
        "password": DB_PASSWORD,
        **extra,
    }


def assert_no_secret(result):
    text = json.dumps(result) + result["_printed"]
    for secret in SECRETS:
        assert secret not in text, secret


def by_source(result, source):
    return {(f["scope"], f["company_id"]): f for f in result["overrides"] if f["source"] == source}


def test_control_panel_values_in_74_tables_are_found_and_named(run_module, postgres):
    result = run_module(**pg_args(postgres, generation="legacy"))

    assert result["changed"] is False
    found = by_source(result, "PortalPreferences")
    system = found[("system", 0)]
    assert system["active"] is True
    assert system["keys"]["mail.session.mail.smtp.host"] == "system-smtp.example.com"
    assert system["keys"]["mail.session.mail.smtp.password"] == "********"
    assert "the system (all instances)" in system["message"]

    company = next(f for f in result["overrides"] if f["company_id"] == 20097 and "mail.session.mail" in f["keys"])
    assert company["active"] is True
    assert company["web_id"] == "liferay.com"
    assert company["keys"]["mail.session.mail.advanced.properties"] == "********"  # holds a password
    assert "company 20097 (liferay.com) has mail.session.mail=true" in company["message"]
    assert "mail.session.mail.smtp.host=old.example.com" in company["message"]
    assert "beat portal-ext.properties" in company["message"]
    assert "namespaced-not-mail" not in json.dumps(result)  # another portlet's namespaced preference
    assert "user-preference.example.com" not in json.dumps(result)  # owner type 4 (user), not a company

    dormant = next(f for f in result["overrides"] if f["company_id"] == 30000)
    assert dormant["active"] is False
    assert "mail.session.mail is not true" in dormant["message"]

    sender = next(f for f in result["overrides"] if "admin.email.from.name" in f["keys"])
    assert "Old Sender" in sender["message"] and "Instance Settings" in sender["message"]

    warned = "\n".join(result["warnings"])
    assert "company 20097 (liferay.com)" in warned
    assert "dormant.example.com" not in warned
    assert_no_secret(result)


def test_xml_preferences_of_7_0_to_7_3(run_module, postgres):
    result = run_module(**pg_args(postgres, database="lportal73"))
    assert result["tables"] == ["company", "portalpreferences"]
    found = {f["company_id"]: f for f in result["overrides"] if "mail.session.mail.smtp.host" in f["keys"]}
    assert found[0]["keys"]["mail.session.mail.smtp.host"] == "system73.example.com"
    assert found[20097]["keys"]["mail.session.mail.smtp.password"] == "********"
    assert found[20097]["active"] is True
    assert any(f["keys"].get("admin.email.from.address") == "old@example.com" for f in result["overrides"])
    assert len([f for f in result["overrides"] if f["company_id"] == 20097]) == 2  # group-owned row ignored
    assert_no_secret(result)


def test_settings_saved_in_the_new_generations_ui_are_found(run_module, postgres):
    result = run_module(**pg_args(postgres, generation="osgi"))
    found = by_source(result, "Configuration_")
    assert set(found) == {("company", 20097)}  # the file-installed one and the system PID are not mail-company UI saves
    ui = found[("company", 20097)]
    assert ui["active"] is True
    assert ui["keys"] == {"outgoingSMTPServer": "ui.example.com", "smtpPassword": "********"}
    assert "Instance Settings > Email" in ui["message"]
    assert "company 20097 (liferay.com)" in ui["message"]
    assert_no_secret(result)


def test_fail_on_override(run_module, postgres):
    result = run_module(**pg_args(postgres, fail_on_override=True))
    assert result["failed"] is True
    assert "company 20097 (liferay.com)" in result["msg"]
    assert_no_secret(result)


def test_unix_socket_connection(run_module, postgres):
    result = run_module(**pg_args(postgres, unix_socket=postgres.sockets, user="postgres", password=""))
    assert result["overrides"]


def test_wrong_password_fails_without_showing_it(run_module, postgres):
    result = run_module(**pg_args(postgres, password="wrong-" + DB_PASSWORD))
    assert result["failed"] is True
    assert "could not query the Liferay database lportal with psql" in result["msg"]
    assert "password authentication failed" in result["msg"]
    assert_no_secret(result)
    assert "wrong-" not in result["_printed"]


def test_empty_database_finds_nothing(run_module, postgres):
    postgres.sql("create database empty_db owner liferay")
    result = run_module(**pg_args(postgres, database="empty_db"))
    assert result["overrides"] == []
    assert result["tables"] == []


def test_password_never_on_the_command_line(monkeypatch, postgres, run_module):
    seen = []
    real = liferay_mail_db_check.AnsibleModule.run_command

    def spy(self, args, **kwargs):
        seen.append((list(args), dict(kwargs.get("environ_update") or {})))
        return real(self, args, **kwargs)

    monkeypatch.setattr(liferay_mail_db_check.AnsibleModule, "run_command", spy)
    run_module(**pg_args(postgres))
    assert seen
    for argv, env in seen:
        assert not any(DB_PASSWORD in arg for arg in argv)
        assert env["PGPASSWORD"] == DB_PASSWORD


@pytest.mark.parametrize("engine", ["mysql", "mariadb"])
def test_mysql_command_line(engine):
    params = {
        "host": "db.example.com",
        "port": 3307,
        "user": "liferay",
        "database": "lportal",
        "password": DB_PASSWORD,
        "connect_timeout": 7,
    }
    argv, env = liferay_mail_db_check.build_command(engine, "/usr/bin/mariadb", params, "select 1")
    assert argv[:2] == ["/usr/bin/mariadb", "--no-defaults"]  # option files must not change what is checked
    assert "--protocol=TCP" in argv and "--connect-timeout=7" in argv
    assert argv[argv.index("-h") + 1] == "db.example.com" and argv[argv.index("-P") + 1] == "3307"
    assert argv[-2:] == ["-e", "select 1"]
    assert env == {"MYSQL_PWD": DB_PASSWORD}
    assert not any(DB_PASSWORD in arg for arg in argv)
    argv, _ = liferay_mail_db_check.build_command(engine, "mysql", dict(params, unix_socket="/run/mysqld.sock"), "x")
    assert "--socket=/run/mysqld.sock" in argv and "-h" not in argv


def test_missing_client_is_reported(run_module, tmp_path):
    result = run_module(engine="mysql", database="lportal", user="u", client=str(tmp_path / "no-such-client"))
    assert result["failed"] is True
    assert "mariadb-client" in result["msg"]


# --------------------------------------------------------------------------
# MariaDB, the real server
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mariadb():
    server = MariaDBServer()
    try:
        server.start()
    except DatabaseServerError as exc:
        pytest.fail(str(exc))
    try:
        server.sql("create database lportal character set utf8mb4")
        server.sql("create user 'liferay'@'127.0.0.1' identified by %s" % sql_quote(DB_PASSWORD).replace("\\", "\\\\"))
        server.sql("grant select on lportal.* to 'liferay'@'127.0.0.1'")
        tables = TABLES_74.replace("text null", "longtext null")
        server.sql(tables + rows_74().replace("\\", "\\\\"), database="lportal")
        yield server
    finally:
        server.stop()


def test_mariadb_finds_the_same_overrides(run_module, mariadb):
    result = run_module(
        engine="mariadb", host="127.0.0.1", port=mariadb.port, database="lportal", user="liferay", password=DB_PASSWORD
    )
    assert result["tables"] == ["company", "configuration_", "portalpreferences", "portalpreferencevalue"]
    company = next(f for f in result["overrides"] if f["company_id"] == 20097 and "mail.session.mail" in f["keys"])
    assert company["active"] is True and company["web_id"] == "liferay.com"
    assert company["keys"]["mail.session.mail.smtp.password"] == "********"
    assert any(f["source"] == "Configuration_" for f in result["overrides"])
    assert_no_secret(result)
