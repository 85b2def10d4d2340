# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Application-server (JNDI) mail sessions for Liferay: what Tomcat and WildFly expect.

The JavaMail mapping (which key for which protocol and security) is the one of
liferay/portal_keys.py; this file adds what the application servers do with it.

Sources:

* Liferay ``MailServiceImpl``: with ``mail.session.jndi.name`` set, Liferay looks
  the name up (``JNDIUtil.lookup`` tries the bare name, ``java:`` + name and
  ``java:comp/env/`` + name) and, when that fails, logs "Unable to lookup" and
  silently falls back to the session built from ``mail.session.*`` properties.
  ``MailEngine`` then reads ``mail.<transport>.host/port/auth/user/password``
  from the session's properties and authenticates explicitly when auth is true
  and user and password are set; otherwise ``Transport.send`` uses the session's
  Authenticator.
* Tomcat ``org.apache.naming.factory.MailSessionFactory``: every attribute of
  the ``<Resource>`` except ``factory`` and ``password`` becomes a session
  property; ``password`` together with ``mail.smtp.user`` (or ``mail.user``)
  adds an Authenticator. Tomcat 10+ serves only ``jakarta.mail.Session``,
  Tomcat 9 and older only ``javax.mail.Session``. The factory runs on Tomcat's
  common class loader (``common.loader`` in ``conf/catalina.properties``), so
  the mail API must be there, not in a web application.
  Tomcat's digester replaces ``${name}`` in attribute values with system
  properties and has no escape for a literal ``${``.
* WildFly ``org.jboss.as.mail.extension`` (``SessionProviderFactory``,
  ``wildfly-mail_3_0.xsd`` / ``wildfly-mail_4_0.xsd``): ``<smtp-server>``,
  ``<pop3-server>``, ``<imap-server>`` with ``outbound-socket-binding-ref``,
  ``ssl`` (``mail.<p>.ssl.enable``: implicit TLS), ``tls``
  (``mail.<p>.starttls.enable``: STARTTLS, not required), ``username`` and
  ``password`` (an Authenticator per protocol; the password is not a session
  property). Host and port come from an ``<outbound-socket-binding>`` of the
  socket binding group. Attribute values may be ``${...}`` expressions.

Standard library only.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import xml_problem
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    PREFIX,
    effective_port,
    is_literal,
    portal_properties,
    system_properties,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY

APP_SERVERS = ("tomcat", "wildfly")
METHODS = ("builtin", "app_server")

DEFAULT_JNDI_NAME = {
    "tomcat": "mail/MailSession",  # relative to java:comp/env, Liferay's own default
    "wildfly": "java:jboss/mail/MailSession",
}

# -- Tomcat ------------------------------------------------------------------------

SESSION_CLASS = {"javax": "javax.mail.Session", "jakarta": "jakarta.mail.Session"}
FIRST_JAKARTA_TOMCAT = 10  # Tomcat 10 moved to jakarta.*; Liferay with it (DXP 2025.Q3 / Portal 2026.Q1)

# What must be visible from Tomcat's common class loader for each session type:
# (description, class files of which one must exist, required). javax.activation
# is part of Java 8, so its absence is only a warning for javax.
MAIL_CLASSES = {
    "jakarta": (
        ("the Jakarta Mail API (jakarta.mail.Session)", ("jakarta/mail/Session.class",), True),
        (
            "a Jakarta Mail SMTP provider (com.sun.mail or org.eclipse.angus.mail)",
            ("com/sun/mail/smtp/SMTPTransport.class", "org/eclipse/angus/mail/smtp/SMTPTransport.class"),
            True,
        ),
        ("the Jakarta Activation API (jakarta.activation)", ("jakarta/activation/DataHandler.class",), True),
    ),
    "javax": (
        ("the JavaMail API (javax.mail.Session)", ("javax/mail/Session.class",), True),
        ("a JavaMail SMTP provider (com.sun.mail.smtp)", ("com/sun/mail/smtp/SMTPTransport.class",), True),
        (
            "the JavaBeans Activation Framework (javax.activation; built into Java 8 only)",
            ("javax/activation/DataHandler.class",),
            False,
        ),
    ),
}

# Jars that provide them, for the messages.
MAIL_JAR_HINT = {
    "jakarta": "jakarta.mail-2.x.jar (or jakarta.mail-api + angus-mail) and jakarta.activation-2.x.jar "
    "(Debian: libjakarta-mail-java, libjakarta-activation-java)",
    "javax": "javax.mail-1.6.x.jar (com.sun.mail:javax.mail) and, on Java 11+, javax.activation-1.2.x.jar",
}

# Tomcat's built-in default when conf/catalina.properties does not set common.loader.
DEFAULT_COMMON_LOADER = (
    '"${catalina.base}/lib","${catalina.base}/lib/*.jar","${catalina.home}/lib","${catalina.home}/lib/*.jar"'
)


def mail_type_for_tomcat(version):
    """``jakarta`` for Tomcat 10+, ``javax`` before, None when *version* (``"9.0.83"``) is unknown."""
    match = re.match(r"^\s*(\d+)\.", version or "")
    if not match:
        return None
    return "jakarta" if int(match.group(1)) >= FIRST_JAKARTA_TOMCAT else "javax"


def tomcat_version_from_server_info(text):
    """``server.number`` of ``org/apache/catalina/util/ServerInfo.properties`` (catalina.jar)."""
    for line in text.splitlines():
        key, _dummy, value = line.partition("=")
        if key.strip() == "server.number" and value.strip():
            return value.strip()
    return None


def tomcat_version_from_dirname(name):
    """``9.0.83`` from a Liferay bundle's ``tomcat-9.0.83`` folder."""
    match = re.match(r"^(?:apache-)?tomcat-(\d+\.\d+(?:\.\d+)*)", name)
    return match.group(1) if match else None


def common_loader_entries(catalina_properties_text, base, home):
    """The entries of ``common.loader`` with ``${catalina.base}`` / ``${catalina.home}`` expanded.

    Returns (entries, unresolved): each entry is a directory (classes), a ``dir/*.jar``
    glob or a jar path; entries with other ``${...}`` references are returned apart.
    """
    value = None
    if catalina_properties_text is not None:
        logical = re.sub(r"\\\r?\n[ \t]*", "", catalina_properties_text)
        for line in logical.splitlines():
            stripped = line.strip()
            if stripped.startswith(("#", "!")):
                continue
            match = re.match(r"^common\.loader\s*[=:]\s*(.*)$", stripped)
            if match:
                value = match.group(1)
    if value is None:
        value = DEFAULT_COMMON_LOADER
    entries, unresolved = [], []
    for raw in re.findall(r'"([^"]*)"|([^,]+)', value):
        item = (raw[0] or raw[1]).strip()
        if not item:
            continue
        item = item.replace("${catalina.base}", base).replace("${catalina.home}", home)
        (unresolved if "${" in item else entries).append(item)
    return entries, unresolved


def missing_mail_classes(mail_type, present):
    """(errors, warnings): descriptions of MAIL_CLASSES[mail_type] of which no class file is in *present*."""
    errors, warnings = [], []
    for description, classes, required in MAIL_CLASSES[mail_type]:
        if not any(name in present for name in classes):
            (errors if required else warnings).append(description)
    return errors, warnings


def missing_mail_message(mail_type, missing, class_path, lib_dir):
    """The error for a Tomcat whose common class loader lacks what a *mail_type* session needs."""
    return (
        "Tomcat's common class loader lacks %s, which a %s resource needs. Tomcat's mail session factory "
        "loads them from there (a jar in a web application's WEB-INF/lib does not count); without them the "
        "lookup fails and Liferay silently falls back to its built-in session. Searched: %s. Put %s into %s, "
        "or give the jars to the role in mail_session_tomcat_mail_jars to have them installed there"
        % (" and ".join(missing), SESSION_CLASS[mail_type], ", ".join(class_path), MAIL_JAR_HINT[mail_type], lib_dir)
    )


def tomcat_resource(settings, part="all"):
    """The JavaMail attributes of the Tomcat ``<Resource>`` (without name/auth/type), from role settings.

    The same keys as the built-in session (portal_keys.portal_properties without the
    ``mail.session.`` prefix), so Liferay's MailEngine reads the same
    ``mail.<protocol>.*`` properties either way, plus what Tomcat's factory needs for
    its Authenticator: ``password`` and, for ``smtps``, ``mail.user`` (the factory
    only looks at ``mail.smtp.user`` and ``mail.user``), and for ``smtps``
    ``mail.transport.protocol.rfc822`` (``Transport.send`` chooses the transport by
    address type, which JavaMail maps to ``smtp`` otherwise).
    *part*: ``public``, ``secret`` or ``all``.
    """
    props = portal_properties(dict(settings, from_name="", from_address=""), part="all")
    attrs = {key[len(PREFIX) :]: value for key, value in props.items() if key.startswith(PREFIX)}
    secret = {key for key in attrs if SECRET_KEY.search(key)}
    transport = attrs["mail.transport.protocol"]
    user = settings.get("smtp_user") or ""
    password = settings.get("smtp_password") or ""
    if transport == "smtps":
        # Transport.send(message) picks the transport by address type (rfc822 -> smtp), not by
        # mail.transport.protocol; without this it would go to mail.smtp.host (localhost:25)
        attrs["mail.transport.protocol.rfc822"] = "smtps"
    if user and password:
        attrs["password"] = password
        secret.add("password")
        if transport != "smtp":
            attrs["mail.user"] = user
    if part == "public":
        return {k: v for k, v in attrs.items() if k not in secret}
    if part == "secret":
        return {k: v for k, v in attrs.items() if k in secret}
    return attrs


# JavaMail's own default ports, used when a resource written by hand names none.
JAVAMAIL_DEFAULT_PORT = {"smtp": 25, "smtps": 465, "pop3": 110, "pop3s": 995, "imap": 143, "imaps": 993}
FAMILY = {"smtp": "smtp", "smtps": "smtp", "pop3": "pop3", "pop3s": "pop3", "imap": "imap", "imaps": "imap"}


def servers_from_tomcat_resource(attrs):
    """The servers a Tomcat mail ``<Resource>`` names, as verify targets (no passwords)."""

    def server(protocol, default_host):
        if protocol != FAMILY[protocol] or _true(attrs.get("mail.%s.ssl.enable" % protocol)):
            security = "ssl"
        elif _true(attrs.get("mail.%s.starttls.enable" % protocol)):
            security = "starttls"
        else:
            security = "none"
        port = attrs.get("mail.%s.port" % protocol) or ""
        return {
            "protocol": FAMILY[protocol],
            "host": attrs.get("mail.%s.host" % protocol) or attrs.get("mail.host") or default_host,
            "port": int(port) if port.isdigit() else JAVAMAIL_DEFAULT_PORT[protocol],
            "security": security,
            "user": attrs.get("mail.%s.user" % protocol) or attrs.get("mail.user") or "",
        }

    transport = attrs.get("mail.transport.protocol") or "smtp"
    servers = {}
    if transport in ("smtp", "smtps"):
        servers["smtp"] = server(transport, "localhost")  # Tomcat's factory defaults mail.smtp.host to localhost
    store = attrs.get("mail.store.protocol")
    if store in FAMILY and FAMILY[store] != "smtp":
        found = server(store, "")
        if found["host"]:
            servers["store"] = found
    return servers


def _true(value):
    return (value or "").strip().lower() == "true"


# -- WildFly / JBoss EAP ----------------------------------------------------------

MAIL_NAMESPACE = re.compile(r"^urn:jboss:domain:mail:(\d+)\.(\d+)$")
MIN_MAIL_NAMESPACE = (3, 0)  # WildFly 11+ / JBoss EAP 7.1+; older schemas are not written
SERVER_ELEMENT = {"smtp": "smtp-server", "pop3": "pop3-server", "imap": "imap-server"}


def mail_namespace_version(namespace):
    match = MAIL_NAMESPACE.match(namespace or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def wildfly_session_name(jndi_name):
    """The mail-session's ``name``: the last segment of its JNDI name (``MailSession``)."""
    return re.split(r"[/:]", jndi_name.rstrip("/"))[-1] or "MailSession"


def wildfly_binding_name(session_name, kind):
    """The outbound-socket-binding the role owns for one server of the session."""
    return "%s-%s" % (session_name, kind)


def wildfly_servers(settings):
    """``{smtp: {...}, pop3|imap: {...}}`` for the wildfly_mail_session module, from role settings."""
    servers = {
        "smtp": {
            "host": settings.get("smtp_host") or "",
            "port": int(effective_port(settings, "smtp")),
            "ssl": model.security(settings, "smtp") == "ssl",
            "tls": model.security(settings, "smtp") == "starttls",
            "username": settings.get("smtp_user") or "",
            "password": settings.get("smtp_password") or "",
        }
    }
    if settings.get("pop_host"):
        security = model.security(settings, "pop")
        servers[model.family(settings, "pop")] = {
            "host": settings["pop_host"],
            "port": int(effective_port(settings, "pop")),
            "ssl": security == "ssl",
            "tls": security == "starttls",
            "username": settings.get("pop_user") or "",
            "password": settings.get("pop_password") or "",
        }
    return servers


def expression_default(value):
    """``${name:default}`` -> ``default`` (what WildFly uses when *name* is not set); other values as they are."""
    match = re.match(r"^\$\{[^:}]+:(.*)\}$", value or "")
    return match.group(1) if match else value


# -- Liferay ---------------------------------------------------------------------


def jndi_name(settings):
    """The JNDI name Liferay looks up: mail_session_jndi_name, or the server's usual one."""
    return settings.get("jndi_name") or DEFAULT_JNDI_NAME[model.value(settings, "app_server")]


def jndi_portal_properties(settings):
    """portal-ext.properties for Liferay 7.0 - DXP 2025.Q3 with an application-server session.

    Only ``mail.session.jndi.name`` in the ``mail.session.`` namespace: with it set,
    Liferay takes the session from JNDI and ignores ``mail.session.mail.*``, so the
    role removes those keys rather than leave settings that would mislead a reader.
    The default sender is a portal property either way.
    """
    props = {PREFIX + "jndi.name": jndi_name(settings)}
    props.update(system_properties(settings))
    if settings.get("from_name"):
        props["admin.email.from.name"] = settings["from_name"]
    if settings.get("from_address"):
        props["admin.email.from.address"] = settings["from_address"]
    return props


def verify_targets(targets, found):
    """verify targets (from settings) with host, port and security replaced by those the
    application server's configuration names (*found*: servers from appserver_info)."""
    targets = {name: (dict(value) if value else value) for name, value in targets.items()}
    for name in ("smtp", "store"):
        server = (found or {}).get(name)
        if server and targets.get(name):
            for key in ("host", "port", "security") + (("protocol",) if name == "store" else ()):
                if server.get(key) not in (None, ""):
                    targets[name][key] = server[key]
    return targets


# -- validation --------------------------------------------------------------------

_TOMCAT_JNDI = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
_WILDFLY_JNDI = re.compile(r"^java:(/|jboss/)[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$")
_WHOLE_EXPRESSION = re.compile(r"^\$\{[^${}]+\}$")


def _check_xml_value(findings, name, value, secret, app_server):
    shown = "the value" if secret else "%r" % (value,)
    problem = xml_problem(value)
    if problem:
        findings.error(name, "%s %s; it cannot be written to the application server's configuration" % (shown, problem))
    elif "${" in value and not _WHOLE_EXPRESSION.match(value):
        where = (
            "Tomcat replaces ${...} in context files with system properties"
            if app_server == "tomcat"
            else ("WildFly resolves ${...} expressions in standalone.xml")
        )
        findings.error(
            name,
            "%s contains '${': %s and has no escape for a literal '${', so it would not arrive as written. "
            "Use a value without '${', or exactly one reference such as ${mail.password} that the server resolves"
            % (shown, where),
        )


def validate_app_server(settings, findings):
    """Add the findings for ``mail_session_method: app_server`` to *findings* (validation.Findings)."""
    method = model.value(settings, "method")
    if method not in METHODS:
        findings.error("method", "%r is not one of %s" % (method, ", ".join(METHODS)))
        return findings
    if method != "app_server":
        return findings
    server = model.value(settings, "app_server")
    if server not in APP_SERVERS:
        findings.error("app_server", "%r is not one of %s" % (server, ", ".join(APP_SERVERS)))
        return findings

    name = jndi_name(settings)
    if server == "tomcat":
        if name.startswith("java:"):
            findings.error(
                "jndi_name",
                "%r: on Tomcat give the name relative to java:comp/env (the <Resource> name), "
                "for example mail/MailSession; Liferay adds java:comp/env/ when it looks it up" % name,
            )
        elif not _TOMCAT_JNDI.match(name):
            findings.error("jndi_name", "%r is not a JNDI name such as mail/MailSession" % name)
    elif not _WILDFLY_JNDI.match(name):
        findings.error(
            "jndi_name",
            "%r: WildFly binds mail sessions under java:jboss/ or java:/, for example java:jboss/mail/MailSession"
            % name,
        )

    for key in ("smtp_host", "smtp_user", "pop_host", "pop_user"):
        value = settings.get(key)
        if value not in (None, ""):
            _check_xml_value(findings, key, str(value), False, server)
    for key in ("smtp_password", "pop_password"):
        value = settings.get(key)
        if not is_literal(value):
            findings.error(
                key,
                "{env: NAME} is for Liferay's own .config files (DXP 2025.Q4+ with mail_session_method: builtin); "
                "with an application-server session give the server's own reference as a string, such as "
                "${env.MAIL_PASSWORD} on WildFly or ${mail.password} (a system property) on Tomcat",
            )
        elif value not in (None, ""):
            _check_xml_value(findings, key, str(value), True, server)

    extra = settings.get("javamail_properties") or {}
    if server == "tomcat" and isinstance(extra, dict):
        for key, value in extra.items():
            if isinstance(value, str):
                secret = bool(SECRET_KEY.search(str(key)))
                _check_xml_value(findings, "javamail_properties[%s]" % key, value, secret, server)
            if key in ("mail.user", "password"):
                findings.error(
                    "javamail_properties",
                    "key %r is set by the role for Tomcat's Authenticator; use mail_session_smtp_user and "
                    "mail_session_smtp_password" % key,
                )
    for name, _server in model.unsupported_by_app_server(settings):
        findings.error(
            name,
            "cannot be written for %s: its mail subsystem has no JavaMail properties for a standard server "
            "(only per-protocol custom-server properties, which the role does not manage); leave it at its "
            "default, or use Tomcat or the built-in session" % server,
        )
    if server == "wildfly":
        if extra:
            findings.warn(
                "javamail_properties",
                "is not written for WildFly: its mail subsystem has no session-wide JavaMail properties "
                "(only per-protocol custom-server properties, which the role does not manage); %s would be ignored"
                % ", ".join(sorted(map(str, extra))),
            )
        for kind in ("smtp", "pop"):
            if model.security(settings, kind) == "starttls" and (kind == "smtp" or settings.get("pop_host")):
                findings.warn(
                    kind + "_security",
                    "is 'starttls': WildFly's tls=\"true\" turns STARTTLS on but cannot require it "
                    "(no mail.%s.starttls.required), so a server that stops offering it would receive the "
                    "password in clear text. Prefer ssl (implicit TLS) with WildFly"
                    % ("smtp" if kind == "smtp" else model.family(settings, "pop")),
                )
    return findings


# -- reading the servers' files (xml_document.Document) ----------------------------


def tomcat_mail_resources(doc, name):
    """The ``<Resource>`` children of the context file's ``<Context>`` named *name*."""
    if doc.root.name != "Context":
        return []
    return [element for element in doc.root.find_all("Resource") if element.attrs.get("name") == name]


def tomcat_found_session(doc, name, mail_type=None):
    """What a context file holds for JNDI *name*: ``{"servers", "type", "problems"}``, or None when absent."""
    resources = tomcat_mail_resources(doc, name)
    if not resources:
        return None
    attrs = resources[0].attrs
    problems = []
    if len(resources) > 1:
        problems.append(
            "%s declares %d <Resource> elements named %s; Tomcat refuses duplicate names"
            % (doc.path, len(resources), name)
        )
    if mail_type and attrs.get("type") != SESSION_CLASS[mail_type]:
        problems.append(
            "the <Resource> %s in %s has type %r, but this Tomcat serves %s: the lookup would return nothing"
            % (name, doc.path, attrs.get("type"), SESSION_CLASS[mail_type])
        )
    return {"type": attrs.get("type"), "servers": servers_from_tomcat_resource(attrs), "problems": problems}


def wildfly_mail_subsystems(doc):
    """The mail ``<subsystem>`` elements (any ``urn:jboss:domain:mail:*`` namespace)."""
    return [element for element in doc.root.iter("subsystem") if MAIL_NAMESPACE.match(element.attrs.get("xmlns", ""))]


def wildfly_outbound_bindings(doc):
    """``{name: element}`` of every outbound-socket-binding in the file."""
    return {element.attrs.get("name"): element for element in doc.root.iter("outbound-socket-binding")}


def wildfly_found_session(doc, jndi):
    """What standalone.xml holds for JNDI name *jndi*: ``{"name", "servers", "problems"}``, or None."""
    sessions = [
        element
        for subsystem in wildfly_mail_subsystems(doc)
        for element in subsystem.find_all("mail-session")
        if element.attrs.get("jndi-name") == jndi
    ]
    if not sessions:
        return None
    session = sessions[0]
    bindings = wildfly_outbound_bindings(doc)
    servers, problems = {}, []
    for kind, element_name in SERVER_ELEMENT.items():
        for server in session.find_all(element_name):
            ref = server.attrs.get("outbound-socket-binding-ref", "")
            binding = bindings.get(ref)
            destination = binding.find_all("remote-destination") if binding is not None else []
            if not destination:
                problems.append(
                    "the %s of mail-session %s refers to outbound-socket-binding %r, which %s"
                    % (
                        element_name,
                        session.attrs.get("name"),
                        ref,
                        "is not defined" if binding is None else "has no remote-destination",
                    )
                )
                continue
            port = expression_default(destination[0].attrs.get("port", ""))
            security = (
                "ssl" if _true(server.attrs.get("ssl")) else "starttls" if _true(server.attrs.get("tls")) else "none"
            )
            found = {
                "protocol": kind,
                "host": expression_default(destination[0].attrs.get("host", "")),
                "port": int(port)
                if port.isdigit()
                else JAVAMAIL_DEFAULT_PORT[kind if security != "ssl" else kind + "s"],
                "security": security,
                "user": server.attrs.get("username", ""),
            }
            servers["smtp" if kind == "smtp" else "store"] = found
    return {"name": session.attrs.get("name"), "servers": servers, "problems": problems}
