# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Liferay expects of its mail settings: the one place this role keeps that knowledge.

Used on the controller (validation and the inventory -> portal properties
mapping) and by modules on the targets. Standard library only.

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

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT, WELL_KNOWN
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_properties import PropertiesError, encode_value

PREFIX = "mail.session."

SECURITY_CHOICES = ("none", "starttls", "ssl")
STORE_CHOICES = ("pop3", "imap")

# JavaMail protocol name for (family, security): implicit TLS has its own
# protocol name and its own key namespace (mail.smtps.*, mail.pop3s.*).
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

SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|credential|token)")

_HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_][A-Za-z0-9_\-]{0,62}(\.[A-Za-z0-9_\-]{1,63})*\.?$"  # DNS name / IPv4
    r"|^\[?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?$"  # IPv6: at least two colons
)
_JAVAMAIL_KEY_RE = re.compile(r"^mail\.[A-Za-z0-9_.\-]+$")


def var(name):
    return "mail_session_" + name


def is_literal(value):
    """A password given as text (not a structured value such as ``{env: NAME}``)."""
    return not isinstance(value, (dict, list))


def generation(settings):
    """The Liferay generation the settings are for: ``legacy``, ``osgi``, or ``""`` while not known yet
    (detected on the host later). Without the key: ``legacy``, the only generation of role 1.0."""
    value = settings.get("generation", "legacy")
    return value or ""


class Findings:
    """Validation errors and warnings, each worded for the administrator."""

    def __init__(self):
        self.errors = []
        self.warnings = []

    def error(self, name, message):
        self.errors.append("%s: %s" % (var(name), message))

    def warn(self, name, message):
        self.warnings.append("%s: %s" % (var(name), message))


def _family(settings, kind):
    return "smtp" if kind == "smtp" else settings.get("store_protocol") or "pop3"


def effective_port(settings, kind):
    port = settings.get(kind + "_port")
    if port in (None, ""):
        return DEFAULT_PORT[(_family(settings, kind), settings.get(kind + "_security") or "none")]
    return port


def _check_port(findings, settings, kind, unusual_is_error):
    family = _family(settings, kind)
    security = settings.get(kind + "_security") or "none"
    name = kind + "_port"
    raw = settings.get(name)
    if raw in (None, ""):
        return
    try:
        if isinstance(raw, float) or (isinstance(raw, str) and not raw.strip().isdigit()):
            raise ValueError(raw)
        port = int(raw)
    except (TypeError, ValueError):
        findings.error(name, "%r is not a port number; use an integer from 1 to 65535" % (raw,))
        return
    if isinstance(raw, bool) or not 1 <= port <= 65535:
        findings.error(
            name,
            "%r is outside 1-65535; use the port the %s server listens on "
            "(usually %d)" % (raw, family.upper(), DEFAULT_PORT[(family, security)]),
        )
        return
    known = WELL_KNOWN.get(port)
    if known is None:
        return
    known_family, implicit_tls = known
    if known_family != family:
        if family == "smtp" or known_family == "smtp":
            # SMTP and POP/IMAP ports swapped, as in Liferay's own published examples
            findings.error(
                name,
                "%d is the well-known %s port, not a %s port: the incoming and "
                "outgoing ports look swapped. For %s with security '%s' use %d"
                % (
                    port,
                    known_family.upper(),
                    family.upper(),
                    family.upper(),
                    security,
                    DEFAULT_PORT[(family, security)],
                ),
            )
        else:
            findings.error(
                name,
                "%d is the well-known %s port but mail_session_store_protocol is "
                "'%s'; set mail_session_store_protocol: %s or use port %d"
                % (port, known_family.upper(), family, known_family, DEFAULT_PORT[(family, security)]),
            )
        return
    report = findings.error if unusual_is_error else findings.warn
    hint = (
        ""
        if not unusual_is_error
        else (" (set mail_session_allow_unusual_ports: true if your server really does this)")
    )
    if implicit_tls and security != "ssl":
        report(
            name,
            "port %d expects TLS from the first byte (implicit TLS) but %s is '%s': the "
            "connection would hang or fail. Set %s: ssl, or use port %d%s"
            % (
                port,
                var(kind + "_security"),
                security,
                var(kind + "_security"),
                DEFAULT_PORT[(family, security)],
                hint,
            ),
        )
    elif not implicit_tls and security == "ssl":
        report(
            name,
            "port %d speaks plain text first (use STARTTLS there) but %s is 'ssl' "
            "(implicit TLS): the TLS handshake would fail. Use port %d, or set %s: "
            "starttls%s"
            % (port, var(kind + "_security"), DEFAULT_PORT[(family, "ssl")], var(kind + "_security"), hint),
        )


def _check_host(findings, settings, name, required):
    host = settings.get(name)
    if host in (None, ""):
        if required:
            findings.error(name, "is empty; set it to the host name or IP address of the mail server")
        return False
    if not isinstance(host, str) or not _HOST_RE.match(host):
        hint = ""
        if isinstance(host, str) and "://" in host:
            hint = " (give the bare host name, without a scheme such as smtp://)"
        elif isinstance(host, str) and ":" in host and not host.startswith("["):
            hint = " (give the port in its own variable, not as host:port)"
        findings.error(name, "%r is not a valid host name or IP address%s" % (host, hint))
        return False
    return True


def _check_credentials(findings, settings, kind, needs_login):
    user = settings.get(kind + "_user") or ""
    password_set = bool(settings.get(kind + "_password"))
    if needs_login and not (user and password_set):
        findings.error(
            kind + "_user",
            "the %s server needs a login: set both %s and %s"
            % ("POP/IMAP", var(kind + "_user"), var(kind + "_password")),
        )
    elif bool(user) != password_set:
        missing = kind + "_password" if user else kind + "_user"
        findings.error(
            missing,
            "is empty while %s is set; Liferay only authenticates when both "
            "are given. Set both, or neither for an unauthenticated relay"
            % var(kind + ("_user" if missing.endswith("password") else "_password")),
        )
    if (user or password_set) and (settings.get(kind + "_security") or "none") == "none":
        findings.warn(
            kind + "_security",
            "is 'none' while credentials are configured: the password travels in clear text. Prefer starttls or ssl",
        )


def _check_storable(findings, name, value, secret):
    try:
        encode_value(value)
    except PropertiesError as exc:
        shown = "the value" if secret else "%r" % (value,)
        findings.error(name, "%s cannot be written to portal-ext.properties exactly: %s" % (shown, exc))


def validate(settings, allow_unusual_ports=False):
    """Check *settings* (role variables without the prefix); return a Findings object.

    Messages name the variable and, except for secrets, the value.
    """
    findings = Findings()
    for kind in ("smtp", "pop"):
        security = settings.get(kind + "_security") or "none"
        if security not in SECURITY_CHOICES:
            findings.error(kind + "_security", "%r is not one of %s" % (security, ", ".join(SECURITY_CHOICES)))
            return findings
    if (settings.get("store_protocol") or "pop3") not in STORE_CHOICES:
        findings.error("store_protocol", "%r is not one of pop3, imap" % (settings.get("store_protocol"),))
        return findings
    if settings.get("store_protocol") == "imap":
        # MailServiceImpl.getSession (portal-impl up to 2025.Q3, mail-messaging-impl after) and the
        # POP notifications job (POPNotificationsMessageListener) turn every store protocol but
        # pop3s into pop3: with imap, Liferay would speak POP3 to the IMAP settings' host
        findings.error(
            "store_protocol",
            "'imap' is not what Liferay uses: for its own incoming mail Liferay forces the store protocol "
            "to pop3 or pop3s (MailServiceImpl and the POP notifications job), so it would connect by POP3. "
            "Use pop3 (with mail_session_pop_security: ssl for POP3S on 995). Message-board mailing lists "
            "that read an IMAP mailbox have their own settings per category, in the message board",
        )
        return findings

    if _check_host(findings, settings, "smtp_host", required=True):
        _check_port(findings, settings, "smtp", not allow_unusual_ports)
    _check_credentials(findings, settings, "smtp", needs_login=False)
    if _check_host(findings, settings, "pop_host", required=False):
        _check_port(findings, settings, "pop", not allow_unusual_ports)
        _check_credentials(findings, settings, "pop", needs_login=True)

    check_storable_properties(findings, settings)

    address = settings.get("from_address") or ""
    if address:
        if not re.match(r"^[^@\s]+@[^@\s]+$", address):
            findings.error("from_address", "%r is not an email address (expected name@domain)" % address)
        elif settings.get("send_blacklist") is None and address.lower() in DEFAULT_BLACKLIST:
            findings.warn(
                "from_address",
                "%s is on Liferay's default mail.send.blacklist: Liferay "
                "silently drops mail from it. Use a real sender address" % address,
            )
        elif address.lower() in [str(item).lower() for item in settings.get("send_blacklist") or ()]:
            findings.warn(
                "from_address",
                "%s is on mail_session_send_blacklist: Liferay silently drops mail from it" % address,
            )

    _check_javamail(findings, settings)
    _check_pop3_login_encoding(findings, settings)

    if settings.get("verify_roundtrip"):
        if not settings.get("pop_host"):
            findings.error(
                "verify_roundtrip", "needs mail_session_pop_host: the probe message is fetched back by POP3/IMAP"
            )
        elif not settings.get("verify_roundtrip_to"):
            findings.error(
                "verify_roundtrip_to",
                "is empty and mail_session_pop_user is not an address; set "
                "the address the POP/IMAP account receives mail for",
            )
    return findings


def check_storable_properties(findings, settings):
    """Values that go to portal-ext.properties must read back exactly (Liferay 7.0 - 2025.Q3).

    With an application-server session only the sender (and the JNDI name) go there;
    liferay_appserver.validate_app_server checks the rest. While the generation is not
    known yet (it is detected on the host) only the sender is checked: the session may
    end up in an OSGi .config file, which stores any value.
    """
    in_properties = _session_in_properties(settings)
    for name in ("smtp_user", "pop_user", "from_name", "from_address", "audit_trail"):
        value = settings.get(name)
        if value not in (None, "") and (in_properties or name.startswith("from_")):
            _check_storable(findings, name, str(value), secret=False)
    for name in ("smtp_password", "pop_password"):
        value = settings.get(name)
        if value not in (None, "") and in_properties and is_literal(value):
            _check_storable(findings, name, str(value), secret=True)
    extra = settings.get("javamail_properties") or {}
    if in_properties and isinstance(extra, dict):
        for key, value in extra.items():
            if isinstance(key, str) and _JAVAMAIL_KEY_RE.match(key) and not isinstance(value, (dict, list, type(None))):
                _check_storable(findings, "javamail_properties[%s]" % key, _text(value), SECRET_KEY.search(key))
    return findings


def _check_pop3_login_encoding(findings, settings):
    """JavaMail logs in to POP3 with USER/PASS (its "LOGIN" mechanism) first and sends the password as
    ISO-8859-1; servers that expect UTF-8 (Dovecot) reject a non-ASCII password then. Its SASL PLAIN
    is UTF-8. (Seen with Jakarta Mail 2.0 against Dovecot in this role's Tomcat test.)"""
    password = settings.get("pop_password") or ""
    if (
        not settings.get("pop_host")
        or (settings.get("store_protocol") or "pop3") != "pop3"
        or not isinstance(password, str)
        or password.isascii()
    ):
        return
    store = PROTOCOL[("pop3", settings.get("pop_security") or "none")]
    key = "mail.%s.auth.mechanisms" % store
    if key not in (settings.get("javamail_properties") or {}):
        findings.warn(
            "pop_password",
            "contains non-ASCII characters: JavaMail sends the POP3 USER/PASS login as ISO-8859-1, so a server "
            "expecting UTF-8 (Dovecot, most others) rejects it. Add %s: PLAIN to mail_session_javamail_properties "
            "(SASL PLAIN is sent as UTF-8), or use an ASCII password" % key,
        )


def _session_in_properties(settings):
    """The built-in session of Liferay 7.0 - 2025.Q3 (mail.session.* portal properties), not an
    application-server one, nor an OSGi configuration (2025.Q4+), nor a generation still to be detected."""
    return (settings.get("method") or "builtin") != "app_server" and generation(settings) == "legacy"


def _check_javamail(findings, settings):
    extra = settings.get("javamail_properties") or {}
    if not isinstance(extra, dict):
        findings.error("javamail_properties", "must be a mapping of JavaMail keys to values")
        return
    generated = portal_properties(dict(settings, javamail_properties={}), part="all")
    in_use = {
        generated[PREFIX + name]
        for name in ("mail.transport.protocol", "mail.store.protocol")
        if PREFIX + name in generated
    }
    for key, value in extra.items():
        where = "javamail_properties"
        if not isinstance(key, str) or key.startswith(PREFIX):
            findings.error(
                where,
                "key %r: write JavaMail keys without the 'mail.session.' prefix "
                "(the role adds it), e.g. mail.smtp.connectiontimeout" % (key,),
            )
            continue
        if not _JAVAMAIL_KEY_RE.match(key):
            findings.error(where, "key %r is not a JavaMail property name (they look like mail.smtp.timeout)" % (key,))
            continue
        if PREFIX + key in generated:
            findings.error(
                where,
                "key %r is already set from the role's own variables; change those instead of overriding it here" % key,
            )
            continue
        if isinstance(value, (dict, list)) or value is None:
            findings.error(where, "key %r: the value must be a string, number or boolean" % key)
            continue
        protocol = key.split(".")[1] if key.count(".") >= 2 else ""
        if protocol in set(PROTOCOL.values()) and protocol not in in_use:
            findings.warn(
                where,
                "key %r has no effect: JavaMail reads mail.%s.* only for protocol %s, and the "
                "role configures %s" % (key, protocol, protocol, " and ".join(sorted(in_use))),
            )


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
    props = {}
    secret = set()

    # Outgoing: mail.transport.protocol and mail.<smtp|smtps>.*
    security = settings.get("smtp_security") or "none"
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
        family = settings.get("store_protocol") or "pop3"
        security = settings.get("pop_security") or "none"
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

    for key, value in (settings.get("javamail_properties") or {}).items():
        props[PREFIX + key] = _text(value)
        if SECRET_KEY.search(key):
            secret.add(PREFIX + key)

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
        "security": settings.get("smtp_security") or "none",
        "user": settings.get("smtp_user") or "",
        "password": settings.get("smtp_password") or "",
    }
    if not is_literal(smtp["password"]):
        # {env: NAME}: only Liferay's process has the value; check the server without logging in
        smtp["user"] = smtp["password"] = ""
    store = None
    if settings.get("pop_host"):
        store = {
            "protocol": settings.get("store_protocol") or "pop3",
            "host": settings["pop_host"],
            "port": int(effective_port(settings, "pop")),
            "security": settings.get("pop_security") or "none",
            "user": settings.get("pop_user") or "",
            "password": settings.get("pop_password") or "",
        }
        if not is_literal(store["password"]):
            store["user"] = store["password"] = ""
    return {"smtp": smtp, "store": store}
