# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built-in mail session of Liferay 7.0 - DXP 2025.Q3: the role's settings as portal properties.

What Liferay expects of its mail settings, the one place this role keeps that knowledge: the
``mail.session.*`` keys (protocols, ports, security, login), the sender and the server-wide
settings, and the servers the verification checks, from the role's settings. Used on the
controller (the inventory -> portal properties mapping) and by modules on the targets.
Standard library only. The checks of the same settings are liferay/validation.py.

Sources (liferay/liferay-portal):

* ``portal-impl/src/portal.properties``, section "Mail": the ``mail.session.*``
  keys and their defaults (``mail.session.mail.smtp.starttls.enable=true``);
* ``MailServiceImpl`` (portal-impl; mail-messaging-impl in newer releases):
  ``PropsUtil.getProperties("mail.session.", true)`` strips the prefix and
  passes every remaining key to ``Session.getInstance``;
* ``MailEngine``: sends with ``mail.smtps.*`` keys when
  ``mail.transport.protocol`` is ``smtps``, else ``mail.smtp.*``, and
  authenticates only when ``<proto>.auth`` is true and user and password are set;
* ``EditServerMVCActionCommand._updateMail`` (server-admin-web): the Control
  Panel's "secure" checkboxes map to ``pop3s`` / ``smtps``.
"""

from __future__ import annotations

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import oauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY

PREFIX = "mail.session."

SECURITY_CHOICES = ("none", "starttls", "ssl")
STORE_CHOICES = ("pop3", "imap")

# JavaMail protocol name for (family, security): implicit TLS has its own
# protocol name and its own key namespace (mail.smtps.*, mail.pop3s.*).
PROTOCOL = model.PROTOCOL

# Liferay's default mail.send.blacklist / sendBlacklist: mail to or from these
# addresses is dropped without an error.
DEFAULT_BLACKLIST = ("noreply@liferay.com", "test@liferay.com", "noreply@domain.invalid", "test@domain.invalid")

# Settings of the whole server that Liferay 7.0 - 2025.Q3 reads from portal properties
# (portal.properties, sections "Mail" and "POP"); DXP 2025.Q4+ keeps them in the OSGi
# configuration MailSettingSystemConfiguration (and enablePOPServerNotifications in the
# company one). Role setting -> portal property.
LEGACY_SYSTEM_PROPERTIES = {
    "batch_size": "mail.batch.size",
    "audit_trail": "mail.audit.trail",
    "send_blacklist": "mail.send.blacklist",
    "throws_exception_on_failure": "mail.throws.exception.on.failure",
    "pop_server_notifications": "pop.server.notifications.enabled",
}


def is_literal(value):
    """A password given as text (not a structured value such as ``{env: NAME}``)."""
    return not isinstance(value, (dict, list))


def effective_port(settings, kind):
    port = settings.get(kind + "_port")
    if port in (None, ""):
        return DEFAULT_PORT[(model.family(settings, kind), model.security(settings, kind))]
    return port


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def portal_properties(settings, part="all"):
    """The ``mail.session.*`` and sender keys Liferay 7.x-2025.Q3 reads, from role settings.

    *part* selects ``public`` (no secrets), ``secret`` (passwords and secret-looking
    JavaMail keys) or ``all``. Keys of protocols not in use are not produced; the
    caller purges them.
    """
    if oauth2.enabled(settings):
        # Office 365 with OAuth2: the mail.session.mail=true layout whose session 7.4's MailServiceImpl
        # hands to the token providers (liferay/oauth2.py)
        props, secret = oauth2.legacy_properties(settings)
        return _with_server_wide(settings, props, secret, part)
    props = {}
    secret = set()

    # Outgoing: mail.transport.protocol and mail.<smtp|smtps>.*
    security = model.security(settings, "smtp")
    transport = PROTOCOL[("smtp", security)]
    base = "%smail.%s." % (PREFIX, transport)
    props[PREFIX + "mail.transport.protocol"] = transport
    props[base + "host"] = settings.get("smtp_host") or ""
    props[base + "port"] = str(effective_port(settings, "smtp"))
    user = settings.get("smtp_user") or ""
    password = settings.get("smtp_password") or ""
    props[base + "auth"] = "true" if user and password else "false"
    if user:
        props[base + "user"] = user
    if password:
        props[base + "password"] = password
        secret.add(base + "password")
    if transport == "smtp":
        # Liferay's default is starttls.enable=true (opportunistic): say what is meant
        props[base + "starttls.enable"] = "true" if security == "starttls" else "false"
        if security == "starttls":
            props[base + "starttls.required"] = "true"

    # Incoming: mail.store.protocol and mail.<pop3|pop3s|imap|imaps>.*
    if settings.get("pop_host"):
        family = model.family(settings, "pop")
        security = model.security(settings, "pop")
        store = PROTOCOL[(family, security)]
        base = "%smail.%s." % (PREFIX, store)
        props[PREFIX + "mail.store.protocol"] = store
        props[base + "host"] = settings["pop_host"]
        props[base + "port"] = str(effective_port(settings, "pop"))
        if settings.get("pop_user"):
            props[base + "user"] = settings["pop_user"]
        if settings.get("pop_password"):
            props[base + "password"] = settings["pop_password"]
            secret.add(base + "password")
        if store in ("pop3", "imap"):
            props[base + "starttls.enable"] = "true" if security == "starttls" else "false"
            if security == "starttls":
                props[base + "starttls.required"] = "true"

    for key, value in model.javamail_properties(settings).items():
        props[PREFIX + key] = _text(value)
        if SECRET_KEY.search(key):
            secret.add(PREFIX + key)
    return _with_server_wide(settings, props, secret, part)


def _with_server_wide(settings, props, secret, part):
    """*props* with the server-wide settings and the sender, then the *part* asked for."""
    props.update(system_properties(settings))
    if settings.get("from_name"):
        props["admin.email.from.name"] = settings["from_name"]
    if settings.get("from_address"):
        props["admin.email.from.address"] = settings["from_address"]

    if part == "public":
        return {k: v for k, v in props.items() if k not in secret}
    if part == "secret":
        return {k: v for k, v in props.items() if k in secret}
    return props


def system_properties(settings):
    """The server-wide mail settings that are given, as Liferay 7.0 - 2025.Q3 portal properties.

    ``None`` or ``""`` leaves a setting alone; ``send_blacklist`` is a list (``[]`` is an
    empty blacklist) written as a list Liferay reads with ``PropsUtil.getArray``.
    """
    props = {}
    for setting, key in LEGACY_SYSTEM_PROPERTIES.items():
        value = settings.get(setting)
        if value is None or value == "":
            continue
        if setting == "send_blacklist":
            props[key] = [str(item) for item in value]
        else:
            props[key] = _text(value)
    return props


def verify_targets(settings):
    """The servers to check from the target, as verify's smtp / store options.

    Derived from the same settings and defaults as the properties written, so the
    check proves what Liferay will use. ``store`` is None when incoming mail is not
    configured.
    """
    smtp = {
        "host": settings.get("smtp_host") or "",
        "port": int(effective_port(settings, "smtp")),
        "security": model.security(settings, "smtp"),
        "user": settings.get("smtp_user") or "",
        "password": settings.get("smtp_password") or "",
    }
    if not is_literal(smtp["password"]):
        # {env: NAME}: only Liferay's process has the value; check the server without logging in
        smtp["user"] = smtp["password"] = ""
    store = None
    if settings.get("pop_host"):
        store = {
            "protocol": model.family(settings, "pop"),
            "host": settings["pop_host"],
            "port": int(effective_port(settings, "pop")),
            "security": model.security(settings, "pop"),
            "user": settings.get("pop_user") or "",
            "password": settings.get("pop_password") or "",
        }
        if not is_literal(store["password"]):
            store["user"] = store["password"] = ""
    targets = {"smtp": smtp, "store": store}
    target = oauth2.verify_target(settings)
    if target:
        # the probes log in with XOAUTH2 as the mailbox, with a token the module takes from the authority
        targets["oauth2"] = target
    return targets
