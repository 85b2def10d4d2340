# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's checks of its settings, each message worded for the administrator (Findings).

* :func:`validate`: the mail settings themselves (hosts, ports and security, credentials, the
  sender, JavaMail keys, values that must read back from portal-ext.properties);
* :func:`validate_settings` and :func:`validate_for_generation` (where Liferay keeps the settings,
  instances, deployment, database check) are liferay/validation_generation.py.

The application-server session's checks are liferay/appserver.py's ``validate_app_server``.
Used on the controller (the validate and validate_generation action plugins); Python standard
library only.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import PropertiesError, encode_value
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import oauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    DEFAULT_BLACKLIST,
    PREFIX,
    PROTOCOL,
    SECURITY_CHOICES,
    STORE_CHOICES,
    _text,
    is_literal,
    portal_properties,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.ports import DEFAULT_PORT, WELL_KNOWN
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY

_HOST_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9_][A-Za-z0-9_\-]{0,62}(\.[A-Za-z0-9_\-]{1,63})*\.?$"  # DNS name / IPv4
    r"|^\[?[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?$"  # IPv6: at least two colons
)
_JAVAMAIL_KEY_RE = re.compile(r"^mail\.[A-Za-z0-9_.\-]+$")


def var(name):
    return "mail_session_" + name


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


# ---------------------------------------------------------------------------
# The mail settings (validate)
# ---------------------------------------------------------------------------


def _check_port(findings, settings, kind, unusual_is_error):
    family = model.family(settings, kind)
    security = model.security(settings, kind)
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
    if (user or password_set) and model.security(settings, kind) == "none":
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
        security = model.security(settings, kind)
        if security not in SECURITY_CHOICES:
            findings.error(kind + "_security", "%r is not one of %s" % (security, ", ".join(SECURITY_CHOICES)))
            return findings
    if model.family(settings, "pop") not in STORE_CHOICES:
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

    # Office 365 with OAuth2 (liferay/oauth2.py): the mailbox logs in with the connector's token, no password
    with_oauth2 = oauth2.enabled(settings)
    oauth2.validate(findings, settings)
    if _check_host(findings, settings, "smtp_host", required=True):
        _check_port(findings, settings, "smtp", not allow_unusual_ports)
    if not with_oauth2:
        _check_credentials(findings, settings, "smtp", needs_login=False)
    if _check_host(findings, settings, "pop_host", required=False):
        _check_port(findings, settings, "pop", not allow_unusual_ports)
        if not with_oauth2:
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
    # the per-value checks the table of settings names (liferay/settings_table.py: check=)
    for name, problem in model.check_values(settings):
        findings.error(name, problem)

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
    appserver.validate_app_server checks the rest. While the generation is not
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
        or model.family(settings, "pop") != "pop3"
        or not isinstance(password, str)
        or password.isascii()
    ):
        return
    store = PROTOCOL[("pop3", model.security(settings, "pop"))]
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
    return model.value(settings, "method") != "app_server" and generation(settings) == "legacy"


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
                "(the role adds it), e.g. mail.smtp.writetimeout" % (key,),
            )
            continue
        if not _JAVAMAIL_KEY_RE.match(key):
            findings.error(where, "key %r is not a JavaMail property name (they look like mail.smtp.timeout)" % (key,))
            continue
        if PREFIX + key in generated:
            owner = model.first_class_javamail_keys(settings).get(key, "the role's own variables")
            findings.error(
                where,
                "key %r is already set from %s; change that instead of overriding it here" % (key, owner),
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
