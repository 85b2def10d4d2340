# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Office 365 / Exchange Online with OAuth2: Liferay's Outlook connector, from the role's settings.

What Liferay does (liferay/liferay-portal; facts, not its code):

* ``modules/apps/mail/mail-outlook-auth-connector-provider/.../token/provider/
  MailOutlookMailAuthTokenProvider.java``: an OSGi ``MailAuthTokenProvider`` registered with
  ``mail.server.name=outlook.office365.com`` and ``mail.server.name=smtp.office365.com`` only. It takes
  a token by the client-credentials grant (MSAL4J ``ConfidentialClientApplication``, authority
  ``https://login.microsoftonline.com/<tenantId>/``, scope ``https://outlook.office365.com/.default``),
  the secret passed through ``SecretResolver.resolve``. ``isProtocolSupported`` is true for ``pop3s``
  when ``pop3ConnectionEnabled`` and for ``smtp`` when ``smtpConnectionEnabled``: never ``smtps``,
  ``pop3`` or IMAP. A failure is logged as "Unable to acquire access token" and an empty token is used.
* ``.../configuration/MailOutlookAuthConnectorCompanyConfiguration.java``: company scope, PID
  :data:`CONNECTOR_PID`; ``clientId``, ``clientSecret`` (``Meta.Type.Password``), ``tenantId`` (strings),
  ``pop3ConnectionEnabled``, ``smtpConnectionEnabled`` (booleans, default false).
* ``portal-impl/src/com/liferay/mail/service/impl/MailServiceImpl.java`` (7.4): ``getSession(companyId)``
  consults the token providers only when ``mail.session.mail`` is true (company preference, then
  system preference, then portal property); the session is then built from the Control Panel keys
  (:data:`LEGACY_KEYS`; ``mail.session.mail.pop3.*`` even for POP3S), the provider's token replaces the
  password, ``mail.<proto>.auth.mechanisms=XOAUTH2`` and ``auth.xoauth2.two.line.authentication.format``
  (true for the store, false for SMTP) are set, and the advanced properties
  (``mail.session.mail.advanced.properties``, ``java.util.Properties`` text) are applied last - they can
  undo XOAUTH2. A session with a token is not cached.
* ``modules/apps/mail/mail-messaging-impl/.../MailServiceImpl.java`` (DXP 2025.Q4+ / Portal 2026): the
  same provider lookup on every session built from ``MailSettingCompanyConfiguration`` (no switch), then
  ``additionalJavaMailProperties`` applied last.

Python standard library only; used on the controller (mapping, validation, verification targets).
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    SECRET_REFERENCE_PREFIXES,
    java_properties_text,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY

CONNECTOR_PID = (
    "com.liferay.mail.outlook.auth.connector.provider.internal.configuration."
    "MailOutlookAuthConnectorCompanyConfiguration"
)
PROVIDERS = ("microsoft",)
SMTP_HOST = "smtp.office365.com"
POP_HOST = "outlook.office365.com"
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
SCOPE = "https://outlook.office365.com/.default"
# Liferay DXP 7.4 U79 / Portal 7.4 GA79 ship the connector (shared/reference/liferay-mail.md section 7)
MINIMUM_UPDATE = 79
MECHANISMS_KEY_RE = re.compile(r"\.auth\.(mechanisms|xoauth2\.)")

PREFIX = "mail.session."
# The keys 7.4's MailServiceImpl reads when mail.session.mail is true (PropsKeys.MAIL_SESSION_MAIL_*).
LEGACY_KEYS = {
    "switch": PREFIX + "mail",
    "advanced": PREFIX + "mail.advanced.properties",
    "pop_host": PREFIX + "mail.pop3.host",
    "pop_port": PREFIX + "mail.pop3.port",
    "pop_user": PREFIX + "mail.pop3.user",
    "smtp_host": PREFIX + "mail.smtp.host",
    "smtp_port": PREFIX + "mail.smtp.port",
    "smtp_user": PREFIX + "mail.smtp.user",
    "starttls": PREFIX + "mail.smtp.starttls.enable",
    "store": PREFIX + "mail.store.protocol",
    "transport": PREFIX + "mail.transport.protocol",
}


def enabled(settings):
    """Whether the settings use Liferay's Outlook connector (mail_session_oauth2_provider)."""
    return (settings.get("oauth2_provider") or "") in PROVIDERS


def serves_smtp(settings):
    return (settings.get("smtp_host") or "").lower() == SMTP_HOST


def serves_pop(settings):
    return bool(settings.get("pop_host")) and settings["pop_host"].lower() == POP_HOST


def _port(settings, kind, family):
    port = settings.get(kind + "_port")
    return port if port not in (None, "") else DEFAULT_PORT[(family, model.security(settings, kind))]


def connector_configuration(settings):
    """MailOutlookAuthConnectorCompanyConfiguration attributes: (attributes, secret attribute names)."""
    attributes = {
        "clientId": str(settings.get("oauth2_client_id") or ""),
        "clientSecret": str(settings.get("oauth2_client_secret") or ""),
        "tenantId": str(settings.get("oauth2_tenant_id") or ""),
        "smtpConnectionEnabled": serves_smtp(settings),
        "pop3ConnectionEnabled": serves_pop(settings),
    }
    return attributes, {"clientSecret"}


def role_javamail(settings):
    """The JavaMail properties the role adds to the advanced properties (before the inventory's)."""
    extra = {"mail.smtp.starttls.required": "true"}
    return extra


def legacy_properties(settings):
    """The ``mail.session.mail=true`` layout of 7.4 for OAuth2: (properties, secret keys).

    No password is written: the connector's token is the password. The JavaMail properties of the
    inventory (and STARTTLS required) go into ``mail.session.mail.advanced.properties``, which 7.4
    applies last (for a container: ordinary ``mail.session.*`` keys, which an env file can hold).
    """
    props = {
        LEGACY_KEYS["switch"]: "true",
        LEGACY_KEYS["transport"]: "smtp",
        LEGACY_KEYS["smtp_host"]: settings.get("smtp_host") or "",
        LEGACY_KEYS["smtp_port"]: str(_port(settings, "smtp", "smtp")),
        LEGACY_KEYS["starttls"]: "true",
    }
    if settings.get("smtp_user"):
        props[LEGACY_KEYS["smtp_user"]] = str(settings["smtp_user"])
    if settings.get("pop_host"):
        props[LEGACY_KEYS["store"]] = model.PROTOCOL[("pop3", model.security(settings, "pop"))]
        props[LEGACY_KEYS["pop_host"]] = settings["pop_host"]
        props[LEGACY_KEYS["pop_port"]] = str(_port(settings, "pop", "pop3"))
        if settings.get("pop_user"):
            props[LEGACY_KEYS["pop_user"]] = str(settings["pop_user"])
    extra = role_javamail(settings)
    for key, value in model.javamail_properties(settings).items():
        extra.setdefault(key, value if isinstance(value, str) else _text(value))
    secret = set()
    if (settings.get("deployment") or "host") == "docker":
        # An env file cannot hold the line breaks of the advanced properties. Both 7.4 MailServiceImpl
        # versions start the mail.session.mail=true session from the properties of the mail.session.*
        # session (InfrastructureUtil.getMailSession(), later PropsUtil.getProperties("mail.session.",
        # true)) and overwrite only host, port, user, password, auth, starttls.enable and the XOAUTH2
        # keys: the extras work as ordinary mail.session.<key> properties there.
        for key, value in extra.items():
            props[PREFIX + key] = value
            if SECRET_KEY.search(key):
                secret.add(PREFIX + key)
        return props, secret
    props[LEGACY_KEYS["advanced"]] = java_properties_text(extra)
    if any(SECRET_KEY.search(key) for key in extra):
        secret.add(LEGACY_KEYS["advanced"])
    return props, secret


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def verify_target(settings):
    """The ``oauth2`` option of the verify module (None when OAuth2 is off)."""
    if not enabled(settings):
        return None
    return {
        "authority": settings.get("oauth2_authority") or DEFAULT_AUTHORITY,
        "tenant_id": settings.get("oauth2_tenant_id") or "",
        "client_id": settings.get("oauth2_client_id") or "",
        "client_secret": settings.get("oauth2_client_secret") or "",
        "scope": SCOPE,
    }


# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------


def validate(findings, settings, label=""):
    """What Liferay's connector cannot serve, refused before any host is touched (added to *findings*).

    *label*: ``mail_session_instances[<name>] `` for an instance's merged settings.
    """
    provider = settings.get("oauth2_provider") or ""
    if provider and provider not in PROVIDERS:
        findings.error("oauth2_provider", "%s%r is not one of '' (off), microsoft" % (label, provider))
        return
    if not provider:
        return
    err = findings.error
    if model.value(settings, "method") == "app_server":
        err(
            "oauth2_provider",
            "%scannot be combined with mail_session_method: app_server: Liferay consults its token providers only "
            "for its built-in session" % label,
        )
    for name in ("oauth2_client_id", "oauth2_tenant_id", "oauth2_client_secret"):
        value = settings.get(name)
        if not isinstance(value, str) or not value.strip():
            err(name, "%sis empty: Liferay's Outlook connector needs it (from the app registration in Entra)" % label)
        elif value != value.strip() or any(ord(ch) < 0x20 for ch in value):
            err(name, "%smust not have leading/trailing whitespace or control characters" % label)
        elif name == "oauth2_client_secret" and value.startswith(SECRET_REFERENCE_PREFIXES):
            err(
                name,
                "%sstarts with ${secretRef: or ${keyRef:, which Liferay's SecretResolver reads as a reference into "
                "its secret store, not as the secret" % label,
            )
    smtp_host = settings.get("smtp_host") or ""
    if smtp_host.lower() != SMTP_HOST:
        err(
            "smtp_host",
            "%s%r: with mail_session_oauth2_provider: microsoft, Liferay's Outlook connector serves only %s "
            "(its MailAuthTokenProvider is registered for smtp.office365.com and outlook.office365.com)"
            % (label, smtp_host, SMTP_HOST),
        )
    elif model.security(settings, "smtp") != "starttls":
        err(
            "smtp_security",
            "%s%r: the connector gives a token to protocol smtp only (STARTTLS on 587), not smtps; use starttls"
            % (label, model.security(settings, "smtp")),
        )
    if settings.get("pop_host"):
        if settings["pop_host"].lower() != POP_HOST:
            err(
                "pop_host",
                "%s%r: with OAuth2, Liferay's Outlook connector serves only %s (POP3S); leave it empty or use %s"
                % (label, settings["pop_host"], POP_HOST, POP_HOST),
            )
        elif model.family(settings, "pop") != "pop3" or model.security(settings, "pop") != "ssl":
            err(
                "pop_security",
                "%sthe connector gives a token to protocol pop3s only (implicit TLS, 995): use store protocol pop3 "
                "with mail_session_pop_security: ssl (IMAP and POP3 STARTTLS get no token)" % label,
            )
    if not settings.get("smtp_user"):
        err("smtp_user", "%sis empty: with OAuth2 it is the mailbox Liferay sends as (e.g. portal@contoso.com)" % label)
    if settings.get("pop_host") and not settings.get("pop_user"):
        err("pop_user", "%sis empty: with OAuth2 it is the mailbox Liferay reads" % label)
    for name in ("smtp_password", "pop_password"):
        if settings.get(name):
            err(name, "%smust be empty with OAuth2: the connector's token is the password" % label)
    extra = settings.get("javamail_properties") or {}
    if isinstance(extra, dict):
        own = role_javamail(settings)
        for key in extra:
            if isinstance(key, str) and MECHANISMS_KEY_RE.search(key):
                err(
                    "javamail_properties",
                    "%skey %r: Liferay applies the additional JavaMail properties after it set XOAUTH2, so this key "
                    "would undo OAuth2; remove it" % (label, key),
                )
            elif key in own:
                err("javamail_properties", "%skey %r is set by the role itself with OAuth2; remove it" % (label, key))


def version_problem(version):
    """Why *version* (a LiferayVersion) has no Outlook connector, or None."""
    if version.kind != "7.x":
        return None  # the quarterly releases (2023.Q3+) carry it
    key = version.key[1:]
    major, minor, rest = key[0], key[1], list(key[2:])
    if (major, minor) < (7, 4):
        return "Liferay %s has no Outlook OAuth2 connector: it needs 7.4 U79 / GA79 or later" % version.text
    update = rest[1] if len(rest) > 1 else 0
    if update < MINIMUM_UPDATE:
        return (
            "Liferay %s is older than DXP 7.4 U79 / Portal 7.4 GA79, the first with the Outlook OAuth2 connector "
            "(modules/apps/mail/mail-outlook-auth-connector-provider)" % version.text
        )
    return None
