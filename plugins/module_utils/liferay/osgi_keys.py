# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current Liferay generation's mail settings: the role's settings as OSGi configurations.

MailSettingCompanyConfiguration (for the default company, or for one instance in a scoped copy)
and MailSettingSystemConfiguration attributes from the role's settings, the entries of
mail_session_instances, the configuration files' names and the portal properties that go with
them (DXP 2025.Q4+ / Portal 2026+). Pure functions, Python standard library only, used on the
controller (mapping, validation) and by modules on the targets. The ``.config`` syntax is
codecs/osgi_config.py; the settings' checks are liferay/validation.py.

Sources (liferay/liferay-portal):

* ``modules/apps/mail/mail-settings-api/.../MailSettingCompanyConfiguration.java`` and
  ``MailSettingSystemConfiguration.java``: the attributes, their types and defaults
  (ports are *strings*; ``sendBlacklist`` is ``String[]``);
* ``modules/apps/mail/mail-messaging-impl/.../MailServiceImpl.java`` (2025+): JNDI first
  (``jndiName``), else ``mail.<store>.*`` / ``mail.<transport>.*`` built from the company
  configuration, then ``additionalJavaMailProperties`` (``PropertiesUtil.load``, i.e.
  ``java.util.Properties.load(Reader)``) applied last. ``storeProtocol`` other than
  ``pop3s`` becomes ``pop3`` and ``transportProtocol`` other than ``smtps`` becomes
  ``smtp``: IMAP cannot be configured in this generation. ``auth`` is true when a user
  *or* a password is set. Passwords go through ``SecretResolver.resolve`` (2026 builds),
  which treats a value starting with ``${secretRef:`` or ``${keyRef:`` as a reference
  into Liferay's secret store (``KeyReferenceUtil.isKeyReference``);
* ``MailSettingCompanyConfigurationUpgradeProcess``: only values saved in the database
  (Control Panel) are migrated, never portal-ext.properties;
* ``ConfigurationFileInstaller._parsePid``: ``<pid>~<name>.config`` is an instance of the
  factory ``<pid>``; Liferay's scoped configurations use the factory ``<pid>.scoped``
  with ``companyWebId`` (or ``companyId`` as a Long) naming the instance.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    JAVA_LONG_MAX,
    EnvRef,
    OsgiError,
    as_value,
    check_attribute,
    check_secret_literal,
    java_properties_text,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import oauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    PROTOCOL,
    _text,
    effective_port,
    portal_properties,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import OSGI
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY

COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
SYSTEM_PID = "com.liferay.mail.settings.configuration.MailSettingSystemConfiguration"
# Liferay's factory PID for instance-scoped copies of a company-scoped configuration
SCOPED_SUFFIX = ".scoped"


# ---------------------------------------------------------------------------
# Role settings -> MailSetting*Configuration attributes
# ---------------------------------------------------------------------------


def _secret(value, name):
    value = as_value(value)
    if isinstance(value, EnvRef):
        return value
    value = "" if value is None else str(value)
    check_secret_literal(name, value)
    return value


def company_configuration(settings):
    """MailSettingCompanyConfiguration attributes for role *settings* (same shape as
    portal_keys.portal_properties takes). Returns (attributes, secret attribute names).

    Incoming mail is POP3 only in this generation (MailServiceImpl turns every store
    protocol other than pop3s into pop3): ``store_protocol: imap`` is refused. STARTTLS
    details the attributes cannot say (``starttls.required``, POP3 STARTTLS) and
    ``javamail_properties`` go into ``additionalJavaMailProperties``, which Liferay applies
    last. Attributes not produced keep Liferay's defaults.
    """
    if model.family(settings, "pop") != "pop3" and settings.get("pop_host"):
        raise OsgiError(
            "mail_session_store_protocol: IMAP cannot be configured for Liferay DXP 2025.Q4+ / Portal 2026+: "
            "its MailServiceImpl only uses pop3 or pop3s. Use pop3, or leave mail_session_pop_host empty"
        )
    attributes, secrets = {}, set()
    extra = {}

    security = model.security(settings, "smtp")
    transport = PROTOCOL[("smtp", security)]
    attributes["transportProtocol"] = transport
    attributes["outgoingSMTPServer"] = settings.get("smtp_host") or ""
    attributes["outgoingSMTPPort"] = str(effective_port(settings, "smtp"))
    attributes["enableStartTLS"] = security == "starttls"
    if security == "starttls":
        extra["mail.smtp.starttls.required"] = "true"
    if settings.get("smtp_user"):
        attributes["smtpUserName"] = str(settings["smtp_user"])
    if settings.get("smtp_password"):
        attributes["smtpPassword"] = _secret(settings["smtp_password"], "mail_session_smtp_password")
        secrets.add("smtpPassword")

    if settings.get("pop_host"):
        security = model.security(settings, "pop")
        store = PROTOCOL[("pop3", security)]
        attributes["storeProtocol"] = store
        attributes["incomingPOPServer"] = settings["pop_host"]
        attributes["incomingPOPPort"] = str(effective_port(settings, "pop"))
        if settings.get("pop_user"):
            attributes["popUserName"] = str(settings["pop_user"])
        if settings.get("pop_password"):
            attributes["popPassword"] = _secret(settings["pop_password"], "mail_session_pop_password")
            secrets.add("popPassword")
        if security == "starttls":
            extra["mail.pop3.starttls.enable"] = "true"
            extra["mail.pop3.starttls.required"] = "true"
    if settings.get("pop_server_notifications") is not None:
        attributes["enablePOPServerNotifications"] = bool(settings["pop_server_notifications"])

    for key, value in model.javamail_properties(settings).items():
        if key in extra:
            raise OsgiError("javamail_properties[%s] is set by the role itself; change the role's variables" % key)
        extra[key] = _text(value)
    if extra:
        attributes["additionalJavaMailProperties"] = java_properties_text(extra)
        if any(SECRET_KEY.search(key) for key in extra):
            secrets.add("additionalJavaMailProperties")
    return attributes, secrets


def module_args(attributes, secrets):
    """Split mapped attributes into osgi_config's ``properties`` and ``secret_properties``.

    :class:`EnvRef` values become ``{"env": NAME}`` so they travel as plain data.
    """

    def plain(value):
        if isinstance(value, EnvRef):
            return {"env": value.name}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    properties = {k: plain(v) for k, v in attributes.items() if k not in secrets}
    secret_properties = {k: plain(v) for k, v in attributes.items() if k in secrets}
    return properties, secret_properties


# role setting -> (attribute, kind)
SYSTEM_ATTRIBUTES = {
    "jndi_name": ("jndiName", "string"),
    "batch_size": ("batchSize", "string"),
    "audit_trail": ("auditTrail", "string"),
    "send_blacklist": ("sendBlacklist", "list"),
    "throws_exception_on_failure": ("throwsExceptionOnFailure", "boolean"),
    "pop_server_subdomain": ("popServerSubdomain", "string"),
}


def system_configuration(settings):
    """MailSettingSystemConfiguration attributes for the settings that are given (not None).

    ``jndi_name`` points Liferay at an application-server mail session (the JNDI lookup
    comes first in MailServiceImpl); ``batch_size`` is a String attribute (``"0"``);
    ``send_blacklist`` a list of addresses (String[]). Returns (attributes, set()).
    """
    attributes = {}
    for setting, (attribute, kind) in SYSTEM_ATTRIBUTES.items():
        value = settings.get(setting)
        if value is None:
            continue
        if kind == "list":
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                raise OsgiError("mail_session_%s must be a list of addresses" % setting)
            attributes[attribute] = [str(item) for item in value]
        elif kind == "boolean":
            attributes[attribute] = bool(value)
        else:
            attributes[attribute] = _text(value)
    return attributes, set()


WEB_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


def instance_attributes(instance):
    """The attributes that scope a company configuration to one instance: companyWebId or companyId."""
    web_id = instance.get("web_id")
    company_id = instance.get("company_id")
    if bool(web_id) == bool(company_id):
        raise OsgiError("each instance needs exactly one of web_id (e.g. liferay.com) or company_id")
    if web_id:
        return {"companyWebId": str(web_id)}
    if isinstance(company_id, bool) or not str(company_id).isdigit():
        raise OsgiError("company_id %r is not a number" % (company_id,))
    if int(company_id) > JAVA_LONG_MAX:
        raise OsgiError("company_id %s is larger than any Liferay company id (a Java long)" % company_id)
    return {"companyId": int(company_id)}


def scope_name(instance):
    """The ``<name>`` of ``<pid>.scoped~<name>.config`` for an instance (safe as a file name)."""
    name = instance.get("name") or instance.get("web_id") or str(instance.get("company_id") or "")
    if not WEB_ID_RE.match(name):
        raise OsgiError(
            "%r cannot be part of a file name: use letters, digits, '.', '-' and '_' for the instance name" % (name,)
        )
    return name


def config_file_name(pid, name=None):
    """``<pid>.config`` or, for one instance, ``<pid>.scoped~<name>.config``."""
    check_attribute(pid)
    if name is None:
        return pid + ".config"
    if not WEB_ID_RE.match(name):
        raise OsgiError("%r cannot be part of a configuration file name" % (name,))
    return "%s%s~%s.config" % (pid, SCOPED_SUFFIX, name)


def configuration_override_key(pid, attribute):
    """The portal property that overrides one attribute of a configuration (section 8 of the reference)."""
    check_attribute(pid)
    check_attribute(attribute)
    return "configuration.override.%s_%s" % (pid, attribute)


# ---------------------------------------------------------------------------
# The role's settings per generation: instances, server-wide settings
# ---------------------------------------------------------------------------


# What an entry of mail_session_instances may set for its instance, merged key by key over the role's
# global settings (names without the mail_session_ prefix): the table's per_instance settings.
INSTANCE_SETTINGS = model.INSTANCE_SETTINGS
INSTANCE_KEYS = ("name", "web_id", "company_id", "state", *INSTANCE_SETTINGS)
INSTANCE_STATES = ("present", "absent")
SENDER_PROPERTIES = ("admin.email.from.name", "admin.email.from.address")


def instances(settings):
    """The entries of mail_session_instances (a list of mappings; anything else is left to validation)."""
    value = settings.get("instances") or []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def instance_settings(settings, instance):
    """The settings of one instance: its own keys over the global settings."""
    merged = dict(settings, instances=[])
    for key in INSTANCE_SETTINGS:
        if key in instance:
            merged[key] = instance[key]
    return merged


def find_instance(settings, scope):
    for instance in instances(settings):
        if scope_name(instance) == scope:
            return instance
    raise OsgiError("no entry of mail_session_instances is named %r" % (scope,))


def instance_scopes(settings):
    """[{"scope": name, "state": present|absent}] for the instances: public data, safe to loop over."""
    return [
        {"scope": scope_name(instance), "state": instance.get("state") or "present"} for instance in instances(settings)
    ]


def company_module_args(settings, scope=None):
    """osgi_config's (properties, secret_properties) for the company PID, or for one instance's file."""
    if scope is None:
        attributes, secrets = company_configuration(settings)
    else:
        instance = find_instance(settings, scope)
        attributes, secrets = company_configuration(instance_settings(settings, instance))
        attributes.update(instance_attributes(instance))
    return module_args(attributes, secrets)


def system_settings(settings, jndi_name=None):
    """The MailSettingSystemConfiguration settings that are given; *jndi_name* for an application-server session.

    ``None`` or ``""`` leaves a setting out (Liferay's default applies); ``[]`` is an empty blacklist.
    """
    given = {}
    for setting in ("batch_size", "audit_trail", "send_blacklist", "throws_exception_on_failure"):
        value = settings.get(setting)
        if value is not None and value != "":
            given[setting] = value
    if jndi_name:
        given["jndi_name"] = jndi_name
    return given


def system_module_args(settings, jndi_name=None):
    """osgi_config's properties for MailSettingSystemConfiguration ({} when nothing is given)."""
    attributes, _dummy = system_configuration(system_settings(settings, jndi_name))
    return module_args(attributes, set())[0]


def portal_properties_for(settings, generation, part="all"):
    """The portal properties *generation* reads the mail settings from (in portal-ext.properties or, in a
    container, as ``LIFERAY_*`` variables).

    7.0 - 2025.Q3: the whole built-in session with the server-wide settings
    (portal_keys.portal_properties); 2025.Q4+: only the sender (``admin.email.from.*``), the
    rest being in OSGi .config files.
    """
    props = portal_properties(settings, part)
    if generation == OSGI:
        props = {key: value for key, value in props.items() if key in SENDER_PROPERTIES}
    return props


def config_files(settings, jndi_name=None):
    """The OSGi configuration files the settings call for: ``[{pid, scope, state, file}]``, no secrets
    (safe as loop items).

    The built-in session: the company file, one ``scoped~`` file per instance (present or absent as
    the instance says) and the server-wide file when anything server-wide is given. An
    application-server session (*jndi_name* given): the company file goes (Liferay takes the session
    from JNDI), the instance files are left alone, and the server-wide file holds ``jndiName``.
    """
    builtin = model.value(settings, "method") == "builtin"
    files = [{"pid": COMPANY_PID, "scope": "", "state": "present" if builtin else "absent"}]
    if builtin:
        files += [
            {"pid": COMPANY_PID, "scope": item["scope"], "state": item["state"]} for item in instance_scopes(settings)
        ]
    system = system_module_args(settings, jndi_name)
    files.append({"pid": SYSTEM_PID, "scope": "", "state": "present" if system else "absent"})
    if builtin:
        files += connector_files(settings, with_instances=True)
    for item in files:
        item["file"] = config_file_name(item["pid"], item["scope"] or None)
    return files


def connector_files(settings, with_instances=False):
    """The files of Liferay's Outlook OAuth2 connector (liferay/oauth2.py): ``[{pid, scope, state}]``.

    The company-wide file is present when OAuth2 is on, absent when it is off but a client id is still given
    (so that turning it off removes the client secret), and not handled at all otherwise (no module call for
    the hosts that never used OAuth2); with *with_instances* (DXP 2025.Q4+), a ``scoped~`` file for each
    instance that turns OAuth2 on or off itself, or inherits it from the global settings.
    """
    files = []
    if oauth2.enabled(settings) or settings.get("oauth2_client_id"):
        state = "present" if oauth2.enabled(settings) else "absent"
        files.append({"pid": oauth2.CONNECTOR_PID, "scope": "", "state": state})
    if with_instances:
        for instance in instances(settings):
            if not (oauth2.enabled(settings) or "oauth2_provider" in instance):
                continue
            on = (instance.get("state") or "present") == "present" and oauth2.enabled(
                instance_settings(settings, instance)
            )
            files.append(
                {"pid": oauth2.CONNECTOR_PID, "scope": scope_name(instance), "state": "present" if on else "absent"}
            )
    for item in files:
        item["file"] = config_file_name(item["pid"], item["scope"] or None)
    return files


def connector_module_args(settings, scope=None):
    """osgi_config's (properties, secret_properties) for the connector's file (*scope*: one instance's)."""
    if scope is None:
        attributes, secrets = oauth2.connector_configuration(settings)
    else:
        instance = find_instance(settings, scope)
        attributes, secrets = oauth2.connector_configuration(instance_settings(settings, instance))
        attributes.update(instance_attributes(instance))
    return module_args(attributes, secrets)


def config_file_args(settings, item, jndi_name=None):
    """osgi_config's ``(properties, secret_properties)`` for one item of :func:`config_files`."""
    if item.get("state") != "present":
        return {}, {}
    if item.get("pid") == SYSTEM_PID:
        return system_module_args(settings, jndi_name), {}
    if item.get("pid") == oauth2.CONNECTOR_PID:
        return connector_module_args(settings, item.get("scope") or None)
    return company_module_args(settings, item.get("scope") or None)
