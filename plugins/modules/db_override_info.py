#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: db_override_info
short_description: Find mail settings saved in Liferay's database that beat the files the role writes
description:
  - Read-only and opt-in. Queries the Liferay database (PostgreSQL, MySQL or MariaDB) for mail settings
    saved from the Control Panel and warns, naming what overrides what.
  - "Liferay 7.x - DXP 2025.Q3: saving Control Panel > Server Administration > Mail stores
    C(mail.session.mail=true) and every C(mail.session.mail.*) value in the portal preferences of the
    system (owner 0) or of one instance (owner = companyId, owner type 1 = C(PortletKeys.PREFS_OWNER_TYPE_COMPANY)).
    C(MailServiceImpl) then resolves each key as instance preference, then system preference, then portal
    property, so these values silently beat C(portal-ext.properties)."
  - "The sender (C(admin.email.from.name), C(admin.email.from.address)) is read per instance, in every
    generation: C(PrefsPropsUtil.getString(companyId, key)) (portal-impl C(PrefsPropsImpl)) takes that
    instance's preferences (owner = companyId), then the portal property, never the system's (owner 0).
    A sender saved for an instance is reported as active; one stored for owner 0 as not used."
  - "Both table layouts are read: up to 7.3 the preferences are an XML document in
    C(PortalPreferences.preferences); from 7.4 on they are rows of C(PortalPreferenceValue)
    (C(key_), C(smallValue)/C(largeValue))."
  - "DXP 2025.Q4+ / Portal 2026+: OSGi configurations live in C(Configuration_): C(configurationId) is the
    PID, C(PID~name) or C(PID.<generated id>) for a factory instance, C(PID.factory) for Felix's list of
    those; C(dictionary) holds the Felix C(.config) text. Read first: the system-scope
    C(MailSettingSystemConfiguration) row. A non-empty C(jndiName) there is what Liferay uses for every
    instance: C(MailServiceImpl.getSession) (mail-messaging-impl) looks it up before it reads any instance's
    settings. Saved in System Settings (no C(felix.fileinstall.filename)) it is reported as active; taken
    from a C(.config) file, as information."
  - "Then the C(MailSettingCompanyConfiguration) entries without a C(felix.fileinstall.filename), that is
    not from a C(.config) file; an instance-scoped one beats the role's file for that instance."
  - Uses the C(psql) or C(mysql)/C(mariadb) command-line client on the target (the Python standard library
    has no database drivers). The password travels in the client's environment (C(PGPASSWORD), C(MYSQL_PWD)),
    never on the command line. Passwords found in the database are masked in every output.
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  engine:
    description: The database. C(mariadb) and C(mysql) use the same client syntax.
    type: str
    choices: [postgresql, mysql, mariadb]
    required: true
  host:
    description: Database host name or address.
    type: str
    default: 127.0.0.1
  port:
    description: Database port; default 5432 (PostgreSQL) or 3306 (MySQL/MariaDB).
    type: int
  unix_socket:
    description:
      - Connect through a Unix socket instead of TCP. PostgreSQL takes the socket's directory, MySQL/MariaDB the
        socket file.
    type: path
  database:
    description: The Liferay database (schema) name, e.g. C(lportal).
    type: str
    required: true
  user:
    description: Database user; read access to the Liferay tables is enough.
    type: str
    required: true
  password:
    description: Database password (secret).
    type: str
    default: ""
  client:
    description: Path of the client program; default C(psql), or C(mariadb) then C(mysql), from PATH.
    type: path
  generation:
    description: Which stored settings to look for; C(any) checks both.
    type: str
    choices: [legacy, osgi, any]
    default: any
  connect_timeout:
    description: Seconds to wait for the connection.
    type: int
    default: 10
  sslmode:
    description: PostgreSQL only, passed as C(PGSSLMODE) (e.g. C(require), C(verify-full)).
    type: str
  fail_on_override:
    description: Fail (instead of warning) when database values override the files.
    type: bool
    default: false
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
notes:
  - The MySQL/MariaDB client is started with C(--no-defaults), so option files such as C(~/.my.cnf) do not
    change what is checked.
"""

EXAMPLES = r"""
- name: Are mail settings stored in the Liferay database?
  liferay_ops.mail.db_override_info:
    engine: postgresql
    host: db.example.com
    database: lportal
    user: liferay_ro
    password: "{{ vault_liferay_db_password }}"
    generation: legacy
  register: __mail_session_db_check
"""

RETURN = r"""
overrides:
  description: One entry per place where mail settings are stored in the database.
  returned: always
  type: list
  elements: dict
  contains:
    scope:
      description: C(system) or C(company).
      type: str
    company_id:
      description: The instance (0 for system).
      type: int
    web_id:
      description: The instance's web id, when known.
      type: str
    source:
      description: C(PortalPreferences) or C(Configuration_).
      type: str
    active:
      description: True when the values are in use and beat the files.
      type: bool
    keys:
      description: The stored keys and values, passwords masked.
      type: dict
    message:
      description: What overrides what, for a person.
      type: str
jndi_name:
  description:
    - The C(jndiName) of the system-scope C(MailSettingSystemConfiguration) in C(Configuration_), which
      C(MailServiceImpl) uses for every instance; empty when none is set or the table is not there.
  returned: always
  type: str
  sample: mail/MailSession
tables:
  description: The Liferay tables found.
  returned: always
  type: list
  elements: str
"""

import binascii
import os
import shutil
from xml.etree import ElementTree

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import Interpolated, parse_config
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, SYSTEM_PID
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, SECRET_KEY

OWNER_TYPE_COMPANY = 1  # PortletKeys.PREFS_OWNER_TYPE_COMPANY
SYSTEM_COMPANY_ID = 0  # CompanyConstants.SYSTEM
SENDER_KEYS = ("admin.email.from.name", "admin.email.from.address")
OTHER_KEYS = ("pop.server.notifications.enabled", *SENDER_KEYS)
FILE_INSTALL_KEY = "felix.fileinstall.filename"
# Felix ConfigAdmin keeps the list of a factory's configurations under "<factoryPid>.factory"
# (factory.pid, factory.pidList), the rows ConfigurationPersistenceManager tells apart by pid.endsWith("factory")
FACTORY_LIST_SUFFIX = ".factory"


class Dialect:
    def __init__(self, engine):
        self.postgres = engine == "postgresql"

    def hex(self, expression):
        if self.postgres:
            return "encode(convert_to(coalesce(%s, ''), 'UTF8'), 'hex')" % expression
        return "hex(coalesce(%s, ''))" % expression

    def schema(self):
        return "current_schema()" if self.postgres else "database()"


_COLUMNS_SQL = (
    "select lower(table_name), lower(column_name) from information_schema.columns "
    "where table_schema = {schema} and lower(table_name) in "
    "('portalpreferences', 'portalpreferencevalue', 'company', 'configuration_')"
)
# 7.4+: one row per value in PortalPreferenceValue
_VALUES_SQL = (
    "select p.ownerId, {key}, v.index_, {value} from PortalPreferences p join PortalPreferenceValue v "
    "on v.portalPreferencesId = p.portalPreferencesId where p.ownerType = {owner_type} "
    "and (v.key_ like 'mail.session.%' or v.key_ in ({keys})) "
    "and (v.namespace is null or v.namespace = '') order by p.ownerId, v.key_, v.index_"
)
# 7.0 - 7.3: an XML document per owner in PortalPreferences.preferences
_XML_SQL = (
    "select ownerId, {preferences} from PortalPreferences where ownerType = {owner_type} and (preferences like "
    "'%mail.session.%' or preferences like '%admin.email.from.%' or preferences like "
    "'%pop.server.notifications%') order by ownerId"
)
_COMPANIES_SQL = "select companyId, {web_id} from Company"
# 2025.Q4+: OSGi configurations persisted by Liferay's configuration admin
_CONFIGURATIONS_SQL = (
    "select {pid}, {dictionary} from Configuration_ where configurationId like "
    "'com.liferay.mail.settings.configuration.%' order by configurationId"
)


def queries(dialect):
    """The SQL run, built from constants only: no value from inventory reaches it."""
    keys = ", ".join("'%s'" % key for key in OTHER_KEYS)
    return {
        "columns": _COLUMNS_SQL.format(schema=dialect.schema()),
        "values": _VALUES_SQL.format(
            key=dialect.hex("v.key_"),
            value=dialect.hex("coalesce(v.smallValue, v.largeValue)"),
            owner_type=OWNER_TYPE_COMPANY,
            keys=keys,
        ),
        "xml": _XML_SQL.format(preferences=dialect.hex("preferences"), owner_type=OWNER_TYPE_COMPANY),
        "companies": _COMPANIES_SQL.format(web_id=dialect.hex("webId")),
        "configurations": _CONFIGURATIONS_SQL.format(
            pid=dialect.hex("configurationId"), dictionary=dialect.hex("dictionary")
        ),
    }


def find_client(engine, client):
    if client:
        return client if os.access(client, os.X_OK) else None
    names = ("psql",) if engine == "postgresql" else ("mariadb", "mysql")
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def build_command(engine, client, params, sql):
    """(argv, environment) for one query; the password is only ever in the environment."""
    timeout = str(params.get("connect_timeout") or 10)
    if engine == "postgresql":
        host = params.get("unix_socket") or params.get("host") or "127.0.0.1"
        argv = [client, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"]
        argv += ["-h", host, "-p", str(params.get("port") or 5432), "-U", params["user"], "-d", params["database"]]
        argv += ["-c", sql]
        env = {"PGCONNECT_TIMEOUT": timeout, "PGAPPNAME": "mail_session db check", "PGCLIENTENCODING": "UTF8"}
        if params.get("password"):
            env["PGPASSWORD"] = params["password"]
        if params.get("sslmode"):
            env["PGSSLMODE"] = params["sslmode"]
        return argv, env
    argv = [client, "--no-defaults", "--batch", "--skip-column-names", "--raw", "--connect-timeout=" + timeout]
    if params.get("unix_socket"):
        argv += ["--protocol=SOCKET", "--socket=" + params["unix_socket"]]
    else:
        argv += ["--protocol=TCP", "-h", params.get("host") or "127.0.0.1", "-P", str(params.get("port") or 3306)]
    argv += ["-u", params["user"], "-D", params["database"], "-e", sql]
    env = {}
    if params.get("password"):
        env["MYSQL_PWD"] = params["password"]
    return argv, env


def unhex(text):
    return binascii.unhexlify(text.strip()).decode("utf-8", "replace") if text.strip() else ""


def masked(key, value):
    if SECRET_KEY.search(key) or (key.endswith("advanced.properties") and SECRET_KEY.search(value or "")):
        return MASK if value else ""
    return value


def preferences_from_xml(document):
    """{name: value} from a portlet-preferences XML document (values of one name joined with ',')."""
    result = {}
    try:
        root = ElementTree.fromstring(document)  # noqa: S314 (Liferay's own table; expat refuses entity bombs)
    except ElementTree.ParseError:
        return result
    for preference in root.iter("preference"):
        name = (preference.findtext("name") or "").strip()
        values = [value.text or "" for value in preference.findall("value")]
        if name:
            result[name] = ",".join(values)
    return result


def _is_true(value):
    return str(value).strip().lower() == "true"


def describe_owner(company_id, web_ids):
    if company_id == SYSTEM_COMPANY_ID:
        return "the system (all instances)"
    web_id = web_ids.get(company_id)
    return "company %d%s" % (company_id, " (%s)" % web_id if web_id else "")


def legacy_findings(owners, web_ids, sender_only=False):
    """Findings for PortalPreferences rows: {owner id: {key: value}}.

    *sender_only* (DXP 2025.Q4+): only admin.email.from.*, which stays a portal preference there; the
    mail.session.* preferences were moved into Configuration_ by the upgrade and are ignored.
    """
    findings = []
    system_on = _is_true(owners.get(SYSTEM_COMPANY_ID, {}).get("mail.session.mail", ""))
    for company_id in sorted(owners):
        keys = owners[company_id]
        mail = {} if sender_only else {k: v for k, v in keys.items() if k.startswith("mail.session.")}
        sender = {k: v for k, v in keys.items() if k in SENDER_KEYS}
        who = describe_owner(company_id, web_ids)
        scope = "system" if company_id == SYSTEM_COMPANY_ID else "company"
        if mail:
            own = keys.get("mail.session.mail")
            active = _is_true(own) if own is not None else system_on
            shown = ", ".join("%s=%s" % (k, masked(k, v)) for k, v in sorted(mail.items()))
            if active:
                message = (
                    "%s has %s saved from the Control Panel (Server Administration > Mail): these database values "
                    "beat portal-ext.properties%s, so the role's mail.session.* keys are not what Liferay uses. "
                    "Clear them in the database, or save the form with the same values"
                    % (who, shown, "" if scope == "company" else " for every instance without its own values")
                )
            else:
                message = (
                    "%s has %s stored in the database but mail.session.mail is not true, so portal-ext.properties "
                    "decides; saving the Control Panel's Mail form would switch to the stored values" % (who, shown)
                )
            findings.append(_finding(scope, company_id, web_ids, "PortalPreferences", active, mail, message))
        if sender:
            findings.append(_sender_finding(scope, company_id, web_ids, who, sender))
    return findings


def _sender_finding(scope, company_id, web_ids, who, sender):
    """The sender is read per instance: PrefsPropsUtil.getString(companyId, key) (PrefsPropsImpl) looks at
    that instance's preferences (owner = companyId, owner type 1), then at the portal property; the
    system's preferences (owner 0) are not on that path."""
    shown = ", ".join("%s=%s" % (k, v) for k, v in sorted(sender.items()))
    if scope == "company":
        message = (
            "%s has the sender %s saved in Instance Settings: it beats admin.email.from.* in "
            "portal-ext.properties for that instance" % (who, shown)
        )
        return _finding(scope, company_id, web_ids, "PortalPreferences", True, sender, message)
    message = (
        "the system's portal preferences (owner 0) hold the sender %s, which no instance uses: Liferay reads "
        "admin.email.from.* per instance (PrefsPropsUtil.getString(companyId, key): that instance's "
        "preferences, then portal-ext.properties)" % shown
    )
    return _finding(scope, company_id, web_ids, "PortalPreferences", False, sender, message)


def _finding(scope, company_id, web_ids, source, active, keys, message):
    return {
        "scope": scope,
        "company_id": company_id,
        "web_id": web_ids.get(company_id, ""),
        "source": source,
        "active": active,
        "keys": {k: masked(k, v) for k, v in sorted(keys.items())},
        "message": message,
    }


def _plain(value):
    if isinstance(value, Interpolated):
        return "".join(text if kind == "lit" else "${%s}" % text for kind, text in value)
    if isinstance(value, list):
        return ",".join(_plain(item) for item in value)
    return str(value)


# what ConfigAdmin, the file installer and the settings UI add to a dictionary: not mail settings
_BOOKKEEPING_PREFIXES = ("service.", "felix.", "component.", "_felix_.")
_BOOKKEEPING_KEYS = ("companyId", "companyWebId", "configuration.cleaner.ignore")


def _settings(attributes):
    return {
        k: _plain(v)
        for k, v in attributes.items()
        if not k.startswith(_BOOKKEEPING_PREFIXES) and k not in _BOOKKEEPING_KEYS
    }


def jndi_finding(rows):
    """(finding or None, jndiName) for the system-scope MailSettingSystemConfiguration row.

    MailServiceImpl (mail-messaging-impl) is the component of that PID: getSession(companyId) returns
    the session looked up under jndiName, when it is set, before it reads any instance's
    MailSettingCompanyConfiguration. The row's configurationId is the PID itself (not a factory).
    """
    for configuration_id, dictionary in rows:
        if configuration_id != SYSTEM_PID:
            continue
        attributes, _problems = parse_config(dictionary)
        jndi_name = _plain(attributes.get("jndiName", "")).strip()
        if not jndi_name:
            return None, ""
        source_file = attributes.get(FILE_INSTALL_KEY)
        if source_file:
            message = (
                "Liferay takes the mail session of every instance from JNDI (%s) as set in %s "
                "(MailSettingSystemConfiguration.jndiName): MailServiceImpl looks it up before any instance's "
                "settings" % (jndi_name, _plain(source_file))
            )
            active = False
        else:
            message = (
                "the system has jndiName=%s saved in System Settings > Email (MailSettingSystemConfiguration): "
                "MailServiceImpl looks this JNDI session up first, for every instance, so neither the role's "
                "MailSettingCompanyConfiguration files nor any instance's settings are used for sending while "
                "the lookup works" % jndi_name
            )
            active = True
        finding = _finding("system", SYSTEM_COMPANY_ID, {}, "Configuration_", active, {"jndiName": jndi_name}, message)
        return finding, jndi_name
    return None, ""


def osgi_findings(rows, web_ids, jndi_name=""):
    """Findings for Configuration_ rows [(configurationId, dictionary text)] saved outside .config files.

    *jndi_name* (from jndi_finding) is named in the messages: it wins over these values for sending.
    """
    findings = []
    for configuration_id, dictionary in rows:
        if not configuration_id.startswith(COMPANY_PID) or configuration_id.endswith(FACTORY_LIST_SUFFIX):
            continue
        attributes, _problems = parse_config(dictionary)
        if FILE_INSTALL_KEY in attributes:
            continue  # comes from a .config file: the files are in charge
        values = _settings(attributes)
        company_id = attributes.get("companyId")
        web_id = attributes.get("companyWebId")
        if isinstance(company_id, int) and company_id:
            scope, who = "company", describe_owner(company_id, web_ids)
        elif web_id:
            matches = [cid for cid, wid in web_ids.items() if wid == web_id]
            company_id = matches[0] if matches else 0
            scope, who = "company", "company %s" % web_id
        else:
            scope, who, company_id = "system", "the system (all instances)", SYSTEM_COMPANY_ID
        shown = ", ".join("%s=%s" % (k, masked(k, v)) for k, v in sorted(values.items()))
        if scope == "company":
            message = (
                "%s has mail settings saved in Instance Settings > Email (%s): for that instance they beat "
                "the role's %s.config" % (who, shown, COMPANY_PID)
            )
            active = True
        else:
            message = (
                "%s has mail settings saved in System Settings > Email (%s); the role's %s.config replaces "
                "them when it is written" % (who, shown, COMPANY_PID)
            )
            active = False
        if jndi_name:
            message += (
                "; for sending, the JNDI session %s set in MailSettingSystemConfiguration wins (these values "
                "serve the POP settings, and sending only if that lookup fails)" % jndi_name
            )
        finding = _finding(scope, company_id or 0, web_ids, "Configuration_", active, values, message)
        if web_id and not finding["web_id"]:
            finding["web_id"] = str(web_id)
        findings.append(finding)
    return findings


class Database:
    def __init__(self, module, engine, client):
        self.module = module
        self.engine = engine
        self.client = client

    def rows(self, sql):
        argv, env = build_command(self.engine, self.client, self.module.params, sql)
        rc, out, err = self.module.run_command(argv, environ_update=env, check_rc=False)
        if rc != 0:
            detail = (err or out).strip().splitlines()
            self.module.fail_json(
                msg="could not query the Liferay database %s with %s (exit %d): %s"
                % (
                    self.module.params["database"],
                    os.path.basename(self.client),
                    rc,
                    detail[0] if detail else "no output",
                ),
                overrides=[],
                tables=[],
                jndi_name="",
            )
        return [line.split("\t") for line in out.splitlines() if line.strip()]


def run(module):
    params = module.params
    engine = params["engine"]
    client = find_client(engine, params["client"])
    if client is None:
        wanted = (
            "psql (Debian: postgresql-client)"
            if engine == "postgresql"
            else "mariadb or mysql (Debian: mariadb-client)"
        )
        module.fail_json(
            msg="the database client %s is not installed on this host" % wanted, overrides=[], tables=[], jndi_name=""
        )
    database = Database(module, engine, client)
    sql = queries(Dialect(engine))

    columns = {}
    for table, column in database.rows(sql["columns"]):
        columns.setdefault(table, set()).add(column)
    result = {"changed": False, "overrides": [], "tables": sorted(columns), "jndi_name": ""}

    web_ids = {}
    if "company" in columns:
        for company_id, web_id in database.rows(sql["companies"]):
            web_ids[int(company_id)] = unhex(web_id)

    # 2025.Q4+ first: a jndiName saved at system scope decides for every instance
    if params["generation"] in ("osgi", "any") and "configuration_" in columns:
        rows = [(unhex(a), unhex(b)) for a, b in database.rows(sql["configurations"])]
        finding, result["jndi_name"] = jndi_finding(rows)
        if finding:
            result["overrides"].append(finding)
        result["overrides"].extend(osgi_findings(rows, web_ids, result["jndi_name"]))

    # the sender stays a portal preference in every generation; mail.session.* only up to 2025.Q3
    if "portalpreferences" in columns:
        owners = {}
        if "portalpreferencevalue" in columns:
            for owner_id, key, _index, value in database.rows(sql["values"]):
                key = unhex(key)
                owner = owners.setdefault(int(owner_id), {})
                value = unhex(value)
                owner[key] = owner[key] + "," + value if key in owner else value
        if "preferences" in columns.get("portalpreferences", ()):
            for owner_id, document in database.rows(sql["xml"]):
                prefs = preferences_from_xml(unhex(document))
                wanted = {k: v for k, v in prefs.items() if k.startswith("mail.session.") or k in OTHER_KEYS}
                owners.setdefault(int(owner_id), {}).update(wanted)
        result["overrides"].extend(legacy_findings(owners, web_ids, sender_only=params["generation"] == "osgi"))

    active = [finding for finding in result["overrides"] if finding["active"]]
    if active and params["fail_on_override"]:
        module.fail_json(msg="\n".join(finding["message"] for finding in active), **result)
    for finding in active:
        module.warn(finding["message"])
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            engine=dict(type="str", required=True, choices=["postgresql", "mysql", "mariadb"]),
            host=dict(type="str", default="127.0.0.1"),
            port=dict(type="int"),
            unix_socket=dict(type="path"),
            database=dict(type="str", required=True),
            user=dict(type="str", required=True),
            password=dict(type="str", default="", no_log=True),
            client=dict(type="path"),
            generation=dict(type="str", default="any", choices=["legacy", "osgi", "any"]),
            connect_timeout=dict(type="int", default=10),
            sslmode=dict(type="str"),
            fail_on_override=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
