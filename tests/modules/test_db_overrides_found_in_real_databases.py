"""db_override_info against a real PostgreSQL (and MariaDB), with tables shaped like Liferay's.

Both servers come from Debian packages and are started by these tests as throwaway
instances on 127.0.0.1 (tests/harness/dbserver.py). The tables are Liferay's own DDL, cut to the
columns the check reads (and the tables' primary keys):

- Company, PortalPreferences, PortalPreferenceValue: sql/portal-tables.sql of liferay-portal
  (7.4+: PortalPreferenceValue rows; up to 7.3: an XML document in PortalPreferences.preferences);
- Configuration_: not in portal-tables.sql; portal-configuration-persistence-impl creates it
  (earlier ConfigurationPersistenceManager versions: ``create table Configuration_ (configurationId
  VARCHAR(255) not null primary key, dictionary TEXT)``), its dictionary is Felix ConfigurationHandler text.

Liferay's column types are translated as Liferay does it (portal-impl PostgreSQLDB / MySQLDB):
LONG -> bigint, INTEGER -> integer, VARCHAR -> varchar, TEXT -> text (PostgreSQL) or longtext (MariaDB).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import running
from harness.dbserver import MariaDBServer, PostgresServer

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, SYSTEM_PID
from ansible_collections.liferay_ops.mail.plugins.modules import db_override_info

DB_PASSWORD = "Db-Pa55;'\"$(x)"
SYSTEM_SMTP_PASSWORD = "SysSmtpS3cret!"
COMPANY_SMTP_PASSWORD = "CoSmtpS3cret!"
UI_PASSWORD = "UiSaved-S3cret"
ADVANCED = "mail.smtp.timeout=10000\n" + "# padding to make it a large value\n" * 10 + "mail.smtp.password=AdvS3cret"
SECRETS = (DB_PASSWORD, SYSTEM_SMTP_PASSWORD, COMPANY_SMTP_PASSWORD, UI_PASSWORD, "AdvS3cret")

# Liferay's generic DDL (sql/portal-tables.sql), only the columns the check reads
TABLE_COMPANY = """
create table Company (
	companyId LONG not null primary key,
	webId VARCHAR(75) null
);
"""
TABLES_74 = (
    TABLE_COMPANY
    + """
create table PortalPreferences (
	portalPreferencesId LONG not null primary key,
	ownerId LONG,
	ownerType INTEGER
);
create table PortalPreferenceValue (
	portalPreferencesId LONG,
	index_ INTEGER,
	key_ VARCHAR(1024) null,
	largeValue TEXT null,
	namespace VARCHAR(255) null,
	smallValue VARCHAR(255) null
);
"""
)

# ConfigurationPersistenceManager's table (portal-configuration-persistence-impl, earlier versions' DDL)
TABLE_CONFIGURATION = """
create table Configuration_ (
	configurationId VARCHAR(255) not null primary key,
	dictionary TEXT
);
"""

# 7.0 - 7.3 (sql/portal-tables.sql of those releases): the preferences as one XML document
TABLES_73 = (
    TABLE_COMPANY
    + """
create table PortalPreferences (
	portalPreferencesId LONG not null primary key,
	ownerId LONG,
	ownerType INTEGER,
	preferences TEXT null
);
"""
)

# PostgreSQLDB._POSTGRESQL and MySQLDB._MYSQL (portal-impl/src/com/liferay/portal/dao/db/)
LIFERAY_TYPES = {
    "postgresql": {"LONG": "bigint", "INTEGER": "integer", "VARCHAR": "varchar", "TEXT": "text"},
    "mariadb": {"LONG": "bigint", "INTEGER": "integer", "VARCHAR": "varchar", "TEXT": "longtext"},
}


def ddl(template, engine):
    """Liferay's generic DDL in one engine's types, as Liferay's DB classes translate it."""
    types = LIFERAY_TYPES[engine]
    return re.sub(r"\b(LONG|INTEGER|VARCHAR|TEXT)\b", lambda match: types[match.group(1)], template)


INSERT_VALUE = (
    "insert into PortalPreferenceValue (portalPreferencesId, index_, key_, smallValue, largeValue, namespace) "
    "values ({}, 0, {}, {}, {}, {})"
)
INSERT_CONFIGURATION = "insert into Configuration_ (configurationId, dictionary) values ({}, {})"
INSERT_73 = (
    "insert into Company values (20097, 'liferay.com');"
    "insert into PortalPreferences values (1, 0, 1, {}), (2, 20097, 1, {}), (3, 20097, 2, {});"
)

# what Felix's ConfigurationHandler.write stores: one key=value per line, CRLF, a revision key
UI_COMPANY_ID = COMPANY_PID + ".scoped.2a3c0f6e-1d2b-4c5d-9e8f-0a1b2c3d4e5f"  # createFactoryConfiguration


def felix(*lines):
    return "".join(line + "\r\n" for line in (':org.apache.felix.configadmin.revision:=L"3"', *lines))


def sql_quote(text):
    return "'%s'" % text.replace("'", "''")


def preference_rows(values):
    """INSERTs for [(portalPreferencesId, key, value, namespace)] (largeValue beyond 255 characters)."""
    statements = []
    for prefs_id, key, value, namespace in values:
        small, large = (value, None) if len(value) <= 255 else (None, value)
        statements.append(
            INSERT_VALUE.format(
                prefs_id,
                sql_quote(key),
                sql_quote(small) if small is not None else "null",
                sql_quote(large) if large is not None else "null",
                sql_quote(namespace) if namespace else "null",
            )
        )
    return statements


def configuration_rows(configurations):
    return [INSERT_CONFIGURATION.format(sql_quote(cid), sql_quote(text)) for cid, text in configurations]


def ui_company_save(*lines):
    """Saved in Instance Settings > Email for company 20097: a factory instance of PID.scoped, no file name."""
    return (
        UI_COMPANY_ID,
        felix(
            'companyId=L"20097"',
            'outgoingSMTPServer="ui.example.com"',
            'service.factoryPid="%s.scoped"' % COMPANY_PID,
            'service.pid="%s"' % UI_COMPANY_ID,
            *lines,
        ),
    )


def rows_74():
    """7.4 layout with a 2026 Configuration_ next to it: the role wrote jndiName into a .config file."""
    values = [
        # (portalPreferencesId, key, value, namespace)
        (1, "mail.session.mail", "true", None),
        (1, "mail.session.mail.smtp.host", "system-smtp.example.com", None),
        (1, "mail.session.mail.smtp.password", SYSTEM_SMTP_PASSWORD, None),
        (1, "admin.email.from.name", "System Sender", None),
        (1, "admin.email.from.address", "system-sender@example.com", None),
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
        "insert into PortalPreferences (portalPreferencesId, ownerId, ownerType) values "
        "(1, 0, 1), (2, 20097, 1), (3, 30000, 1), (4, 12345, 4)",
        *preference_rows(values),
    ]
    configurations = [
        ui_company_save('smtpPassword="%s"' % UI_PASSWORD),
        (  # Felix's list of that factory's configurations
            COMPANY_PID + ".scoped.factory",
            felix('factory.pid="%s.scoped"' % COMPANY_PID, 'factory.pidList=["%s"]' % UI_COMPANY_ID),
        ),
        (  # installed from the role's file
            COMPANY_PID,
            felix(
                'felix.fileinstall.filename="%s.config"' % COMPANY_PID,
                'outgoingSMTPServer="file"',
                'service.pid="%s"' % COMPANY_PID,
            ),
        ),
        (  # the role's app-server session: jndiName in its own MailSettingSystemConfiguration.config
            SYSTEM_PID,
            felix(
                'felix.fileinstall.filename="%s.config"' % SYSTEM_PID,
                'jndiName="mail/MailSession"',
                'service.bundleLocation="?"',
                'service.pid="%s"' % SYSTEM_PID,
            ),
        ),
    ]
    return ";\n".join([*statements, *configuration_rows(configurations)]) + ";"


def rows_2026():
    """A 2026 database: jndiName saved in System Settings, an instance's UI save, senders for owner 0 and 20097."""
    values = [
        (1, "admin.email.from.name", "System Sender", None),
        (1, "admin.email.from.address", "system-sender@example.com", None),
        (2, "admin.email.from.address", "instance-sender@liferay.com", None),
        (2, "mail.session.mail.smtp.host", "pre-upgrade.example.com", None),  # 7.4 leftover, ignored on 2026
    ]
    statements = [
        "insert into Company (companyId, webId) values (20097, 'liferay.com')",
        "insert into PortalPreferences (portalPreferencesId, ownerId, ownerType) values (1, 0, 1), (2, 20097, 1)",
        *preference_rows(values),
    ]
    configurations = [
        ui_company_save(),
        (  # System Settings > Email > Mail Settings (system scope), saved in the UI: no file name
            SYSTEM_PID,
            felix(
                'jndiName="java:comp/env/mail/UiSession"',
                'popServerSubdomain="events"',
                'service.bundleLocation="?"',
                'service.pid="%s"' % SYSTEM_PID,
            ),
        ),
    ]
    return ";\n".join([*statements, *configuration_rows(configurations)]) + ";"


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


DATABASES = (
    ("lportal", TABLES_74 + TABLE_CONFIGURATION, rows_74()),
    ("lportal73", TABLES_73, rows_73()),
    ("lportal2026", TABLES_74 + TABLE_CONFIGURATION, rows_2026()),
)


@pytest.fixture(scope="module")
def postgres():
    with running(PostgresServer()) as server:
        server.sql("create role liferay login password %s" % sql_quote(DB_PASSWORD))
        for database, tables, rows in DATABASES:
            server.sql("create database %s owner liferay" % database)
            server.sql("set role liferay;" + ddl(tables, "postgresql") + rows, database=database)
        yield server


def db_args(server, engine="postgresql", **extra):
    """The module's arguments for Liferay's own account on *server* (database lportal), updated with *extra*."""
    return {
        "engine": engine,
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
    result = run_module(db_override_info, **db_args(postgres, generation="legacy"))

    assert result["changed"] is False
    assert result["jndi_name"] == ""  # generation legacy: Configuration_ is not read
    system = next(f for f in result["overrides"] if f["company_id"] == 0 and "mail.session.mail" in f["keys"])
    assert system["source"] == "PortalPreferences"
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

    sender = next(f for f in result["overrides"] if f["keys"].get("admin.email.from.name") == "Old Sender")
    assert sender["company_id"] == 20097 and sender["active"] is True
    assert "Instance Settings" in sender["message"]

    warned = "\n".join(result["warnings"])
    assert "company 20097 (liferay.com)" in warned
    assert "dormant.example.com" not in warned
    assert_no_secret(result)


def test_xml_preferences_of_7_0_to_7_3(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, database="lportal73"))
    assert result["tables"] == ["company", "portalpreferences"]
    found = {f["company_id"]: f for f in result["overrides"] if "mail.session.mail.smtp.host" in f["keys"]}
    assert found[0]["keys"]["mail.session.mail.smtp.host"] == "system73.example.com"
    assert found[20097]["keys"]["mail.session.mail.smtp.password"] == "********"
    assert found[20097]["active"] is True
    assert any(f["keys"].get("admin.email.from.address") == "old@example.com" for f in result["overrides"])
    assert len([f for f in result["overrides"] if f["company_id"] == 20097]) == 2  # group-owned row ignored
    assert_no_secret(result)


def test_settings_saved_in_the_new_generations_ui_are_found(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, generation="osgi"))
    found = by_source(result, "Configuration_")
    # the file-installed company PID and Felix's factory list are not UI saves; the system PID is the jndiName
    assert set(found) == {("system", 0), ("company", 20097)}
    ui = found[("company", 20097)]
    assert ui["active"] is True
    assert ui["keys"] == {"outgoingSMTPServer": "ui.example.com", "smtpPassword": "********"}
    assert "Instance Settings > Email" in ui["message"]
    assert "company 20097 (liferay.com)" in ui["message"]
    assert "the JNDI session mail/MailSession set in MailSettingSystemConfiguration wins" in ui["message"]
    # 2026 ignores the mail.session.* portal preferences the upgrade moved into Configuration_
    assert not any(key.startswith("mail.session.") for f in result["overrides"] for key in f["keys"])
    assert_no_secret(result)


def test_jndi_name_from_the_roles_file_is_what_liferay_uses_and_is_not_warned(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, generation="osgi"))
    assert result["jndi_name"] == "mail/MailSession"
    jndi = result["overrides"][0]  # read first
    assert (jndi["scope"], jndi["source"], jndi["company_id"]) == ("system", "Configuration_", 0)
    assert jndi["keys"] == {"jndiName": "mail/MailSession"}
    assert jndi["active"] is False  # the role's own file (app_server method)
    assert "%s.config" % SYSTEM_PID in jndi["message"]
    assert "MailServiceImpl looks it up before any instance's settings" in jndi["message"]
    assert not any("mail/MailSession" in warning and "System Settings" in warning for warning in result["warnings"])


def test_jndi_name_saved_in_system_settings_beats_every_instance(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, database="lportal2026"))
    assert result["jndi_name"] == "java:comp/env/mail/UiSession"
    jndi = result["overrides"][0]
    assert (jndi["scope"], jndi["source"], jndi["active"]) == ("system", "Configuration_", True)
    assert jndi["keys"] == {"jndiName": "java:comp/env/mail/UiSession"}
    assert "saved in System Settings > Email" in jndi["message"]
    assert "neither the role's MailSettingCompanyConfiguration files nor any instance's settings" in jndi["message"]
    assert result["warnings"][0] == jndi["message"]  # warned first
    ui = by_source(result, "Configuration_")[("company", 20097)]
    assert "the JNDI session java:comp/env/mail/UiSession set in MailSettingSystemConfiguration wins" in ui["message"]


def test_jndi_name_is_read_only_from_the_system_scope_row(run_module, postgres):
    postgres.sql("create database lportal_nojndi owner liferay")
    rows = configuration_rows(
        [
            (SYSTEM_PID, felix('popServerSubdomain="events"', 'service.pid="%s"' % SYSTEM_PID)),  # no jndiName
            (  # not the system PID: a jndiName elsewhere is not MailServiceImpl's
                SYSTEM_PID + ".scoped.0b1c",
                felix('companyId=L"20097"', 'jndiName="mail/Elsewhere"'),
            ),
        ]
    )
    postgres.sql("set role liferay;" + ddl(TABLE_CONFIGURATION, "postgresql") + ";".join(rows), "lportal_nojndi")
    result = run_module(db_override_info, **db_args(postgres, database="lportal_nojndi"))
    assert result["jndi_name"] == ""
    assert result["overrides"] == []


def test_sender_is_read_per_instance_so_the_systems_is_not_used(run_module, postgres):
    # PrefsPropsUtil.getString(companyId, key): the instance's preferences, then portal properties
    for database, generation in (("lportal", "legacy"), ("lportal2026", "osgi")):
        result = run_module(db_override_info, **db_args(postgres, database=database, generation=generation))
        senders = [
            f for f in result["overrides"] if set(f["keys"]) & {"admin.email.from.name", "admin.email.from.address"}
        ]
        system = next(f for f in senders if f["company_id"] == 0)
        assert system["scope"] == "system" and system["active"] is False, database
        assert system["keys"]["admin.email.from.address"] == "system-sender@example.com"
        assert "which no instance uses" in system["message"]
        assert "PrefsPropsUtil.getString(companyId, key)" in system["message"]
        company = next(f for f in senders if f["company_id"] == 20097)
        assert company["scope"] == "company" and company["active"] is True, database
        warned = "\n".join(result["warnings"])
        assert "system-sender@example.com" not in warned and "System Sender" not in warned
        assert company["message"] in result["warnings"]
    assert "pre-upgrade.example.com" not in json.dumps(result)  # a 7.4 mail.session.* leftover on 2026


def test_a_system_sender_alone_does_not_fail(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, database="lportal2026", fail_on_override=True))
    assert result["failed"] is True  # the jndiName and the instance's settings do
    assert "java:comp/env/mail/UiSession" in result["msg"]
    assert "system-sender@example.com" not in result["msg"]


def test_fail_on_override(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, fail_on_override=True))
    assert result["failed"] is True
    assert "company 20097 (liferay.com)" in result["msg"]
    assert_no_secret(result)


def test_unix_socket_connection(run_module, postgres):
    # the superuser without a password: the socket trusts it, TCP (scram-sha-256) would refuse it
    over_tcp = run_module(db_override_info, **db_args(postgres, user="postgres", password=""))
    assert over_tcp["failed"] is True and "could not query" in over_tcp["msg"]

    result = run_module(
        db_override_info, **db_args(postgres, unix_socket=postgres.sockets, user="postgres", password="")
    )

    assert not result.get("failed"), result.get("msg")
    assert result["tables"] == ["company", "configuration_", "portalpreferences", "portalpreferencevalue"]
    # the same rows as over TCP with Liferay's own account
    assert result["overrides"] == run_module(db_override_info, **db_args(postgres))["overrides"]
    company = next(f for f in result["overrides"] if f["company_id"] == 20097 and "mail.session.mail" in f["keys"])
    assert company["source"] == "PortalPreferences" and company["active"] is True
    assert company["keys"]["mail.session.mail.smtp.host"] == "old.example.com"
    assert company["keys"]["mail.session.mail.smtp.port"] == "25"
    assert company["keys"]["mail.session.mail.smtp.password"] == "********"
    dormant = next(f for f in result["overrides"] if f["company_id"] == 30000)
    assert dormant["keys"]["mail.session.mail.smtp.host"] == "dormant.example.com" and dormant["active"] is False
    assert result["jndi_name"] == "mail/MailSession"
    assert_no_secret(result)


def test_wrong_password_fails_without_showing_it(run_module, postgres):
    result = run_module(db_override_info, **db_args(postgres, password="wrong-" + DB_PASSWORD))
    assert result["failed"] is True
    assert "could not query the Liferay database lportal with psql" in result["msg"]
    assert "password authentication failed" in result["msg"]
    assert_no_secret(result)
    assert "wrong-" not in result["_printed"]


def test_empty_database_finds_nothing(run_module, postgres):
    postgres.sql("create database empty_db owner liferay")
    result = run_module(db_override_info, **db_args(postgres, database="empty_db"))
    assert result["overrides"] == []
    assert result["tables"] == []


def test_password_never_on_the_command_line(monkeypatch, postgres, run_module):
    seen = []
    real = db_override_info.AnsibleModule.run_command

    def spy(self, args, **kwargs):
        seen.append((list(args), dict(kwargs.get("environ_update") or {})))
        return real(self, args, **kwargs)

    monkeypatch.setattr(db_override_info.AnsibleModule, "run_command", spy)
    run_module(db_override_info, **db_args(postgres))
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
    argv, env = db_override_info.build_command(engine, "/usr/bin/mariadb", params, "select 1")
    assert argv[:2] == ["/usr/bin/mariadb", "--no-defaults"]  # option files must not change what is checked
    assert "--protocol=TCP" in argv and "--connect-timeout=7" in argv
    assert argv[argv.index("-h") + 1] == "db.example.com" and argv[argv.index("-P") + 1] == "3307"
    assert argv[-2:] == ["-e", "select 1"]
    assert env == {"MYSQL_PWD": DB_PASSWORD}
    assert not any(DB_PASSWORD in arg for arg in argv)
    argv, _ = db_override_info.build_command(engine, "mysql", dict(params, unix_socket="/run/mysqld.sock"), "x")
    assert "--socket=/run/mysqld.sock" in argv and "-h" not in argv


def test_missing_client_is_reported(run_module, tmp_path):
    result = run_module(
        db_override_info, engine="mysql", database="lportal", user="u", client=str(tmp_path / "no-such-client")
    )
    assert result["failed"] is True
    assert "mariadb-client" in result["msg"]


# --------------------------------------------------------------------------
# MariaDB, the real server
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mariadb():
    with running(MariaDBServer()) as server:
        server.sql("create user 'liferay'@'127.0.0.1' identified by %s" % sql_quote(DB_PASSWORD).replace("\\", "\\\\"))
        for database, tables, rows in DATABASES:
            server.sql("create database %s character set utf8mb4" % database)
            server.sql("grant select on %s.* to 'liferay'@'127.0.0.1'" % database)
            # MariaDB reads a backslash in a string literal as an escape
            server.sql(ddl(tables, "mariadb") + rows.replace("\\", "\\\\"), database=database)
        yield server


def test_mariadb_finds_the_same_overrides(run_module, mariadb):
    result = run_module(db_override_info, **db_args(mariadb, engine="mariadb"))
    assert result["tables"] == ["company", "configuration_", "portalpreferences", "portalpreferencevalue"]
    company = next(f for f in result["overrides"] if f["company_id"] == 20097 and "mail.session.mail" in f["keys"])
    assert company["active"] is True and company["web_id"] == "liferay.com"
    assert company["keys"]["mail.session.mail.smtp.password"] == "********"
    assert any(f["source"] == "Configuration_" for f in result["overrides"])
    assert result["jndi_name"] == "mail/MailSession"
    assert_no_secret(result)


def test_mariadb_jndi_name_and_senders(run_module, mariadb):
    result = run_module(
        db_override_info, **db_args(mariadb, engine="mariadb", database="lportal2026", generation="osgi")
    )
    assert result["jndi_name"] == "java:comp/env/mail/UiSession"
    assert result["overrides"][0]["active"] is True and result["overrides"][0]["keys"]["jndiName"]
    senders = {f["company_id"]: f["active"] for f in result["overrides"] if "admin.email.from.address" in f["keys"]}
    assert senders == {0: False, 20097: True}
    assert_no_secret(result)
