# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's checks of its settings that concern where Liferay keeps them (Findings of liferay/validation.py).

* :func:`validate_settings`: the checks that do not depend on the Liferay generation (version,
  deployment, ``{env: NAME}`` passwords, server-wide settings, instances, the database check);
* :func:`validate_for_generation`: the checks that depend on where the generation (legacy |
  osgi) keeps the settings.

Used on the controller (the validate and validate_generation action plugins); Python standard
library only.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import env_file_lines
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    EnvNameError,
    EnvRef,
    OsgiError,
    as_value,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import oauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import (
    INSTANCE_KEYS,
    INSTANCE_STATES,
    company_configuration,
    instance_attributes,
    instance_settings,
    instances,
    portal_properties_for,
    scope_name,
    system_configuration,
    system_settings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    is_literal,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import (
    Findings,
    check_storable_properties,
    validate,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import LEGACY, OSGI, parse_version

DEPLOYMENTS = ("host", "docker")
DB_ENGINES = ("postgresql", "mysql", "mariadb")
_ADDRESS_RE = re.compile(r"^[^@\s,\\\"'$]+@[^@\s,\\\"'$]+$")


def _raise_into(findings, exc, context=""):
    message = str(exc)
    if not message.startswith("mail_session_"):
        message = "%s: %s" % (context or "mail_session_settings", message)
    elif context:
        message = "%s: %s" % (context, message)
    findings.errors.append(message)


def _check_env_ref(findings, name, value, label=None):
    if is_literal(value):
        return True
    try:
        if not isinstance(as_value(value), EnvRef):
            raise OsgiError("not an {env: NAME} reference")
    except EnvNameError as exc:
        findings.errors.append("%s: %s" % (label or "mail_session_" + name, exc))
        return False
    except OsgiError as exc:
        findings.errors.append(
            "%s: %s; give the password as a string, or as {env: NAME} to read it from Liferay's environment"
            % (label or "mail_session_" + name, exc)
        )
        return False
    return True


def _check_optional(findings, settings, name, kind):
    value = settings.get(name)
    if value is None or value == "":
        return
    if kind == "bool" and not isinstance(value, bool):
        findings.error(name, "%r is not true or false (leave it empty for Liferay's default)" % (value,))
    elif kind == "count":
        text = str(value)
        if isinstance(value, bool) or not text.isdigit():
            findings.error(name, "%r is not a whole number >= 0 (0 sends to every recipient at once)" % (value,))
    elif kind == "address" and not (isinstance(value, str) and _ADDRESS_RE.match(value)):
        findings.error(name, "%r is not an email address (expected name@domain)" % (value,))
    elif kind == "address_list":
        pieces = value.split(",") if isinstance(value, str) else [value]
        bad = [piece for piece in pieces if not (isinstance(piece, str) and _ADDRESS_RE.match(piece))]
        if bad:
            findings.error(
                name,
                "%r is not an email address or a list of them separated by ',' without spaces "
                "(expected name@domain or a@example.com,b@example.com)" % (value,),
            )
    elif kind == "addresses":
        if not isinstance(value, list):
            findings.error(name, "must be a list of email addresses (an empty list blocks nothing)")
            return
        bad = [item for item in value if not (isinstance(item, str) and _ADDRESS_RE.match(item))]
        if bad:
            findings.error(
                name,
                "%s: not email addresses (name@domain, no spaces, commas, quotes, '\\\\' or '$')"
                % ", ".join(repr(item) for item in bad),
            )


def _check_db(findings, settings):
    if not settings.get("db_check"):
        return
    db = settings.get("db")
    if not isinstance(db, dict) or not db:
        findings.error(
            "db",
            "mail_session_db_check is true but mail_session_db is empty: give engine (postgresql, mysql or "
            "mariadb), host, port, database and user, and the password in Vault",
        )
        return
    if db.get("engine") not in DB_ENGINES:
        findings.error("db.engine", "%r is not one of %s" % (db.get("engine"), ", ".join(DB_ENGINES)))
    for key in ("database", "user"):
        if not isinstance(db.get(key), str) or not db.get(key):
            findings.error("db." + key, "is empty; the check needs the Liferay database's %s" % key)
    port = db.get("port")
    if port not in (None, "") and (isinstance(port, bool) or not str(port).isdigit() or not 1 <= int(port) <= 65535):
        findings.error("db.port", "%r is not a port number (1-65535)" % (port,))
    host = db.get("host")
    if host not in (None, "") and (not isinstance(host, str) or "://" in host or "/" in host):
        findings.error("db.host", "%r is not a host name or address (a socket goes in unix_socket)" % (host,))
    unknown = sorted(set(db) - {"engine", "host", "port", "database", "user", "password", "unix_socket"})
    if unknown:
        findings.error(
            "db",
            "unknown keys %s (allowed: engine, host, port, database, user, password, unix_socket)"
            % ", ".join(map(str, unknown)),
        )


def _check_instances(findings, settings, allow_unusual_ports):
    value = settings.get("instances")
    if value in (None, []):
        return
    if not isinstance(value, list):
        findings.error("instances", "must be a list of instances, each with web_id or company_id")
        return
    if model.value(settings, "method") == "app_server":
        findings.error(
            "instances",
            "per-instance settings need mail_session_method: builtin; an application-server session is "
            "looked up by one JNDI name for every instance",
        )
        return
    base = validate(dict(settings, instances=[]), allow_unusual_ports)
    seen_scopes, seen_ids = {}, {}
    for index, instance in enumerate(value):
        label = "mail_session_instances[%d]" % index
        if not isinstance(instance, dict):
            findings.errors.append("%s: must be a mapping with web_id or company_id" % label)
            continue
        unknown = sorted(str(key) for key in instance if key not in INSTANCE_KEYS)
        if unknown:
            findings.errors.append(
                "%s: unknown keys %s; an instance may set %s" % (label, ", ".join(unknown), ", ".join(INSTANCE_KEYS))
            )
            continue
        try:
            identity = instance_attributes(instance)
            scope = scope_name(instance)
        except OsgiError as exc:
            findings.errors.append("%s: %s" % (label, exc))
            continue
        label = "mail_session_instances[%s]" % scope
        if (instance.get("state") or "present") not in INSTANCE_STATES:
            findings.errors.append("%s: state %r is not present or absent" % (label, instance.get("state")))
        if scope in seen_scopes:
            findings.errors.append("%s: the name is used twice; give each instance its own name" % label)
        seen_scopes[scope] = True
        identity_key = tuple(identity.items())
        if identity_key in seen_ids:
            findings.errors.append("%s: %s=%s is listed twice" % ((label,) + identity_key[0]))
        seen_ids[identity_key] = True
        for name in ("smtp_password", "pop_password"):
            if name in instance:
                _check_env_ref(findings, name, instance[name], "%s.%s" % (label, name))
        if (instance.get("state") or "present") == "absent":
            continue
        merged = instance_settings(settings, instance)
        own = validate(merged, allow_unusual_ports)
        for message in own.errors:
            if message not in base.errors:
                findings.errors.append("%s: %s" % (label, message))
        for message in own.warnings:
            if message not in base.warnings:
                findings.warnings.append("%s: %s" % (label, message))
        for kind in ("smtp", "pop"):
            host = kind + "_host"
            if (
                host in instance
                and instance[host] != settings.get(host)
                and settings.get(kind + "_password")
                and kind + "_password" not in instance
            ):
                findings.warnings.append(
                    "%s: %s is %r but %s and the password are the global ones: they would be sent to that "
                    "server. Give the instance its own %s and %s"
                    % (label, host, instance[host], kind + "_user", kind + "_user", kind + "_password")
                )


def validate_settings(settings, findings=None, allow_unusual_ports=False):
    """Checks of the settings that do not depend on the Liferay generation (added to *findings*)."""
    findings = findings if findings is not None else Findings()
    version = settings.get("liferay_version") or ""
    if version:
        try:
            parse_version(version)
        except OsgiError as exc:
            findings.error("liferay_version", str(exc))
    deployment = settings.get("deployment") or "host"
    if deployment not in DEPLOYMENTS:
        findings.error("deployment", "%r is not one of %s" % (deployment, ", ".join(DEPLOYMENTS)))
    elif deployment == "docker":
        if not version:
            findings.error(
                "liferay_version",
                "is needed with mail_session_deployment: docker (there is no installation on the Docker host to "
                "detect): give the image's version, e.g. 7.4.3.132-ga132 or liferay/dxp:2026.q1.0-lts",
            )
        if model.value(settings, "method") == "app_server":
            findings.error(
                "deployment",
                "docker cannot be combined with mail_session_method: app_server; declare the server's session in "
                "your image and use mail_session_jndi_name with mail_session_deployment: host, or use builtin",
            )
    env_refs = []
    for name in ("smtp_password", "pop_password"):
        value = settings.get(name)
        if not _check_env_ref(findings, name, value):
            continue
        if not is_literal(value):
            env_refs.append(name)
    if env_refs and settings.get("verify_roundtrip") and "pop_password" in env_refs:
        findings.error(
            "verify_roundtrip",
            "needs the POP password to fetch the probe, but mail_session_pop_password comes from Liferay's "
            "environment ({env: NAME}); turn the round trip off or give the password from Vault",
        )
    elif env_refs and (settings.get("verify") or "skip") != "skip":
        findings.warn(
            env_refs[0],
            "comes from Liferay's environment ({env: NAME}): the verification checks that the server answers "
            "(and TLS) but cannot log in with it",
        )
    _check_optional(findings, settings, "pop_server_notifications", "bool")
    _check_optional(findings, settings, "throws_exception_on_failure", "bool")
    _check_optional(findings, settings, "batch_size", "count")
    # mail.audit.trail / auditTrail is a comma-separated list of addresses (MailEngine and the
    # 2026 MailServiceImpl split it on ',')
    _check_optional(findings, settings, "audit_trail", "address_list")
    if settings.get("send_blacklist") is not None:
        _check_optional(findings, settings, "send_blacklist", "addresses")
    _check_instances(findings, settings, allow_unusual_ports)
    _check_db(findings, settings)
    return findings


def validate_for_generation(settings, generation, findings=None, detected=None):
    """Checks that depend on where *generation* (legacy | osgi) keeps the settings.

    *detected*: generation_info's result when it ran (for the warning when nothing identified
    the installation).
    """
    findings = findings if findings is not None else Findings()
    settings = dict(settings, generation=generation)
    method = model.value(settings, "method")
    docker = (settings.get("deployment") or "host") == "docker"
    present = [instance for instance in instances(settings) if (instance.get("state") or "present") == "present"]
    if detected and detected.get("generation") not in (LEGACY, OSGI) and not settings.get("liferay_version"):
        findings.warnings.append(
            "mail_session_liferay_version: nothing in %s tells which Liferay is installed (%s); writing for "
            "Liferay 7.0 - DXP 2025.Q3 (mail.session.* in portal-ext.properties). Set mail_session_liferay_version "
            "(e.g. 2026.q1.0) if this host runs DXP 2025.Q4+ / Portal 2026+"
            % (settings.get("liferay_home") or "LIFERAY_HOME", "; ".join(detected.get("evidence") or []) or "nothing")
        )

    if generation == LEGACY:
        where = "Liferay %s" % (settings.get("liferay_version") or "7.0 - DXP 2025.Q3")
        if present:
            findings.error(
                "instances",
                "per-instance mail settings need Liferay DXP 2025.Q4+ / Portal 2026+ (.config files); %s keeps "
                "them only in its database (Control Panel > Instance Settings). Remove the list, or fix "
                "mail_session_liferay_version" % where,
            )
        for name in ("smtp_password", "pop_password"):
            if not is_literal(settings.get(name)) and method == "builtin":
                findings.error(
                    name,
                    "{env: NAME} is written as a ${LIFERAY_NAME} reference into OSGi .config files, which %s does not "
                    "read for its mail settings; give the password from Vault (or fix mail_session_liferay_version)"
                    % where,
                )
        if method == "builtin":
            check_storable_properties(findings, settings)
        if docker and not settings.get("docker_env_file"):
            findings.error(
                "docker_env_file",
                "is empty: with mail_session_deployment: docker, %s gets its mail settings as LIFERAY_* "
                "variables from this env file (docker run --env-file, compose env_file)" % where,
            )
    else:
        if method == "builtin":
            try:
                company_configuration(settings)
            except OsgiError as exc:
                _raise_into(findings, exc)
            for instance in present:
                try:
                    company_configuration(instance_settings(settings, instance))
                except OsgiError as exc:
                    _raise_into(findings, exc, "mail_session_instances[%s]" % scope_name(instance))
        try:
            system_configuration(system_settings(settings))
        except OsgiError as exc:
            _raise_into(findings, exc)
        if docker and not settings.get("docker_configs_dir"):
            findings.error(
                "docker_configs_dir",
                "is empty: with mail_session_deployment: docker, Liferay DXP 2025.Q4+ reads its mail settings "
                "from .config files in a directory you mount (e.g. to /opt/liferay/osgi/configs)",
            )
        sender = [name for name in ("from_name", "from_address") if settings.get(name)]
        if docker and sender and not settings.get("docker_env_file"):
            findings.error(
                "docker_env_file",
                "is empty but %s is set: the default sender is a portal property, which a container gets as a "
                "LIFERAY_* variable from this env file" % " and ".join("mail_session_" + name for name in sender),
            )
    _check_oauth2_version(findings, settings, generation, detected)
    if docker and settings.get("docker_env_file") and not findings.errors:
        try:
            env_file_lines(portal_properties_for(settings, generation))
        except OsgiError as exc:
            _raise_into(findings, exc, "mail_session_docker_env_file")
    return findings


def _check_oauth2_version(findings, settings, generation, detected):
    """Office 365 OAuth2 needs a Liferay with the Outlook connector (7.4 U79 / GA79 or later), and on 7.x in a
    container a configs directory for the connector's file."""
    if not any(
        oauth2.enabled(candidate)
        for candidate in [settings, *(instance_settings(settings, item) for item in instances(settings))]
    ):
        return
    text = settings.get("liferay_version") or (detected or {}).get("version") or ""
    if text:
        try:
            problem = oauth2.version_problem(parse_version(text))
        except OsgiError:
            problem = None  # validate_settings names a version it cannot read
        if problem:
            findings.error("oauth2_provider", problem + "; upgrade Liferay, or turn OAuth2 off")
    elif generation == LEGACY:
        findings.warnings.append(
            "mail_session_oauth2_provider: the Liferay version is not known, so it cannot be checked that it has the "
            "Outlook OAuth2 connector (DXP 7.4 U79 / Portal 7.4 GA79 and later); set mail_session_liferay_version"
        )
    docker = (settings.get("deployment") or "host") == "docker"
    if docker and generation == LEGACY and not settings.get("docker_configs_dir"):
        findings.error(
            "docker_configs_dir",
            "is empty: with OAuth2, Liferay's Outlook connector reads MailOutlookAuthConnectorCompanyConfiguration "
            "from a .config file; give the directory you mount at /opt/liferay/osgi/configs",
        )
