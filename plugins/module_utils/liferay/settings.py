# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What follows from the table of the role's variables (``liferay/settings_table.py``).

- :func:`role_settings`: the settings mapping the mappers and validators get, from the role's
  variables (the lookup ``liferay_ops.mail.settings`` calls it); :func:`complete` the same for a
  mapping that names only some keys;
- :data:`INSTANCE_SETTINGS`: what an entry of ``mail_session_instances`` may set;
- :func:`javamail_properties`: the JavaMail properties of first-class settings and of
  ``mail_session_javamail_properties``;
- :func:`check_values`, :func:`unsupported_by_app_server`: the checks the table names.
"""

from __future__ import annotations

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.settings_table import (
    PREFIX,
    REQUIRED,
    SETTINGS,
)

__all__ = ("PREFIX", "PROTOCOL", "REQUIRED", "SETTINGS")

# Transport/store protocol by family and security, as Liferay's MailServiceImpl names them.
PROTOCOL = {
    ("smtp", "none"): "smtp",
    ("smtp", "starttls"): "smtp",
    ("smtp", "ssl"): "smtps",
    ("pop3", "none"): "pop3",
    ("pop3", "starttls"): "pop3",
    ("pop3", "ssl"): "pop3s",
    ("imap", "none"): "imap",
    ("imap", "starttls"): "imap",
    ("imap", "ssl"): "imaps",
}

MILLISECONDS_MAX = 2**31 - 1  # JavaMail reads its timeouts with Integer.parseInt


BY_NAME = {setting.name: setting for setting in SETTINGS}

# What an entry of mail_session_instances may set over the global settings.
INSTANCE_SETTINGS = tuple(setting.name for setting in SETTINGS if setting.per_instance)


def _value_or_default(setting, value):
    if value is None and setting.default is not None and not setting.required:
        return setting.default
    return value


def complete(settings):
    """*settings* with every key of the settings mapping: missing (or null) ones get their default.

    Mappers and validators take a settings mapping from the role (complete already) or from a caller
    that names only some keys (tests, other playbooks); after this they read ``settings[name]``.
    """
    result = dict(settings)
    for setting in SETTINGS:
        if setting.task_only:
            continue
        default = None if setting.required else setting.default
        if setting.name not in result:
            result[setting.name] = default
        else:
            result[setting.name] = _value_or_default(setting, result[setting.name])
    return result


def role_settings(variables):
    """The settings mapping of the role (names without the prefix) from its variables.

    *variables*: ``mail_session_*`` name -> value, templated. Derived entries: ``verify_roundtrip`` is
    off when verification is skipped; ``verify_roundtrip_to`` falls back to the POP user when that is an
    address; ``db`` carries no password (validation needs none; the database check task passes it).
    """
    settings = complete(
        {
            setting.name: variables[setting.variable]
            for setting in SETTINGS
            if not setting.task_only and setting.variable in variables
        }
    )
    settings["verify_roundtrip"] = bool(settings["verify_roundtrip"]) and settings["verify"] != "skip"
    pop_user = settings["pop_user"] if isinstance(settings["pop_user"], str) else ""
    settings["verify_roundtrip_to"] = settings["verify_roundtrip_to"] or (pop_user if "@" in pop_user else "")
    db = settings["db"] if isinstance(settings["db"], dict) else {}
    settings["db"] = {key: value for key, value in db.items() if key != "password"}
    return settings


def value(settings, name):
    """The value of setting *name*, or its default (the table's, not another one) when missing or empty."""
    given = settings.get(name)
    if given is None or given == "":
        default = BY_NAME[name].default
        return None if default is REQUIRED else default
    return given


def security(settings, kind):
    """``none``, ``starttls`` or ``ssl`` for *kind* (``smtp`` or ``pop``)."""
    return value(settings, kind + "_security")


def family(settings, kind):
    """The protocol family of *kind*: ``smtp``, or the store protocol (``pop3`` / ``imap``) for ``pop``."""
    return "smtp" if kind == "smtp" else value(settings, "store_protocol")


def protocol(settings, kind):
    """The JavaMail protocol of *kind*: smtp/smtps, pop3/pop3s, imap/imaps."""
    return PROTOCOL.get((family(settings, kind), security(settings, kind)), family(settings, kind))


def javamail_properties(settings):
    """The JavaMail properties the settings produce: first-class settings with ``javamail=`` (when not at
    their default) and then ``mail_session_javamail_properties``. Returns {key: value}."""
    result = {}
    for setting in SETTINGS:
        if not setting.javamail:
            continue
        value = settings.get(setting.name)
        if value in (None, "") or value == setting.default:
            continue
        kind, suffix = setting.javamail
        result["mail.%s.%s" % (protocol(settings, kind), suffix)] = value
    extra = settings.get("javamail_properties") or {}
    if isinstance(extra, dict):
        result.update(extra)
    return result


def first_class_javamail_keys(settings):
    """{JavaMail key: variable} of the first-class settings that are given (for conflict messages)."""
    keys = {}
    for setting in SETTINGS:
        if setting.javamail and settings.get(setting.name) not in (None, "", setting.default):
            kind, suffix = setting.javamail
            keys["mail.%s.%s" % (protocol(settings, kind), suffix)] = setting.variable
    return keys


def _milliseconds(value):
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        else:
            return "%r is not a number of milliseconds; give an integer (0 waits forever)" % (value,)
    if not 0 <= value <= MILLISECONDS_MAX:
        return "%r is out of range; give 0 (wait forever) to %d milliseconds" % (value, MILLISECONDS_MAX)
    return None


def _positive_int(value):
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        return "%r is not a whole number; give 1 or more" % (value,)
    if int(value) < 1:
        return "%r is less than 1; give 1 or more" % (value,)
    return None


def _http_url(value):
    """http(s)://host[:port]/path, without credentials (the URL is requested from each node and logged)."""
    text = value if isinstance(value, str) else ""
    scheme, sep, rest = text.partition("://")
    authority = rest.split("/", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or not authority:
        return "%r is not an http:// or https:// URL (e.g. http://127.0.0.1:8080/c/portal/robots)" % (value,)
    if "@" in authority:
        return "must not carry a user or password (the URL is shown in messages); give one without them"
    return None


# check name -> function(value) returning the problem (without the variable's name) or None.
CHECKS = {"milliseconds": _milliseconds, "positive_int": _positive_int, "http_url": _http_url}


def check_values(settings):
    """[(variable name without prefix, problem)] for the settings with a ``check``; values left unset pass."""
    problems = []
    for setting in SETTINGS:
        if not setting.check or setting.name not in settings:
            continue
        value = settings[setting.name]
        if value in (None, ""):
            continue
        problem = CHECKS[setting.check](value)
        if problem:
            problems.append((setting.name, problem))
    return problems


def unsupported_by_app_server(settings):
    """[(name, app server)] of settings given a value the selected application server cannot honour."""
    if settings.get("method") != "app_server":
        return []
    server = settings.get("app_server") or BY_NAME["app_server"].default
    return [
        (setting.name, server)
        for setting in SETTINGS
        if setting.app_servers is not None
        and server not in setting.app_servers
        and settings.get(setting.name) not in (None, "", setting.default)
    ]
