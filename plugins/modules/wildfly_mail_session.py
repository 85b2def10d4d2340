#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wildfly_mail_session
short_description: Configure a mail session in WildFly's / JBoss EAP's standalone.xml offline
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
description:
  - Adds or updates one C(<mail-session>) in the mail subsystem of a WildFly or JBoss EAP configuration file
    (C(standalone.xml)) with its C(<smtp-server>), C(<pop3-server>) or C(<imap-server>), and the
    C(<outbound-socket-binding>) elements with the servers' C(<remote-destination>) host and port in the
    socket binding group. The equivalent of C(/subsystem=mail/mail-session=NAME:add(jndi-name=...)) and
    C(.../server=smtp:add(outbound-socket-binding-ref=..., ssl=..., tls=..., username=..., password=...)) in
    jboss-cli, without a running server.
  - The session is found by its JNDI name or its name and owned entirely (its attributes and servers are
    replaced); its socket bindings are named C(<name>-smtp), C(<name>-pop3), C(<name>-imap). A binding of
    this session that is no longer used (switching from POP3 to IMAP) is removed unless something else
    refers to it. Everything else in the file stays byte for byte as it was, for example the default
    session C(java:jboss/mail/Default) and its C(mail-smtp) binding, comments and other subsystems.
  - Accepts the mail subsystem namespaces C(urn:jboss:domain:mail:3.0) (WildFly 11+, JBoss EAP 7.1+) and later.
  - V(ssl) is implicit TLS (C(mail.<protocol>.ssl.enable)), V(tls) is STARTTLS (C(mail.<protocol>.starttls.enable));
    WildFly has no attribute that makes STARTTLS required.
  - Runs with the Python standard library only.
options:
  path:
    description: WildFly's configuration file, usually C(standalone/configuration/standalone.xml).
    type: path
    required: true
    aliases: [dest]
  jndi_name:
    description: JNDI name of the session; Liferay's C(mail.session.jndi.name) is this name.
    type: str
    default: java:jboss/mail/MailSession
  name:
    description: Name of the C(<mail-session>). Default the last segment of O(jndi_name) (C(MailSession)).
    type: str
  servers:
    description: The session's servers; at least C(smtp) with O(state=present).
    type: dict
    default: {}
    suboptions:
      smtp: &server
        description: A mail server of the session.
        type: dict
        suboptions:
          host:
            description: Host name or IP address (C(<remote-destination host>)); a C(${...}) expression is allowed.
            type: str
            required: true
          port:
            description: TCP port (C(<remote-destination port>)).
            type: int
            required: true
          ssl:
            description: Implicit TLS (SMTPS 465, POP3S 995, IMAPS 993).
            type: bool
            default: false
          tls:
            description: STARTTLS.
            type: bool
            default: false
          username:
            description: User to authenticate as; empty for none.
            type: str
            default: ""
          password:
            description: Password of O(servers.smtp.username). Hidden from Ansible's output and masked in the diff.
            type: str
            default: ""
      pop3: *server
      imap: *server
  socket_binding_group:
    description: Name of the C(<socket-binding-group>) for the bindings. Default the only one in the file.
    type: str
  state:
    description: V(present) configures the session; V(absent) removes it and the bindings only it used.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Edit the file while the server is stopped, or restart it right after; a running WildFly writes its own
    model back to standalone.xml on the next management change and would undo the edit.
  - WildFly resolves C(${...}) expressions in attribute values, so a password can be given as
    C(${env.MAIL_PASSWORD}); a literal C(${) cannot be stored.
seealso:
  - module: liferay_ops.mail.appserver_info
  - module: liferay_ops.mail.portal_properties
attributes:
  diff_mode:
    details: Passwords are masked, also those elsewhere in the file (datasources, key stores).
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
"""

EXAMPLES = r"""
- name: Liferay on WildFly, SMTPS and IMAPS
  liferay_ops.mail.wildfly_mail_session:
    path: /opt/liferay/wildfly-30.0.1/standalone/configuration/standalone.xml
    jndi_name: java:jboss/mail/MailSession
    servers:
      smtp:
        host: smtp.example.com
        port: 465
        ssl: true
        username: liferay@example.com
        password: "{{ vault_smtp_password }}"
      imap:
        host: imap.example.com
        port: 993
        ssl: true
        username: liferay@example.com
        password: "{{ vault_imap_password }}"
    owner: liferay
    group: liferay
    mode: "0640"
    backup: true
"""

RETURN = r"""
path:
  description: The configuration file.
  returned: always
  type: str
name:
  description: Name of the mail session.
  returned: always
  type: str
  sample: MailSession
jndi_name:
  description: JNDI name of the mail session.
  returned: always
  type: str
  sample: java:jboss/mail/MailSession
mail_namespace:
  description: Namespace of the file's mail subsystem.
  returned: always
  type: str
  sample: urn:jboss:domain:mail:4.0
bindings:
  description: The outbound socket bindings of the session.
  returned: state is present
  type: list
  elements: str
  sample: [MailSession-smtp, MailSession-imap]
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
servers:
  description: The servers as configured (protocol, host, port, security, user), as C(smtp) and C(store).
  returned: state is present
  type: dict
removed:
  description: Elements removed (stale sessions of the same name or JNDI name, unused bindings of the session).
  returned: always
  type: list
  elements: str
"""

from typing import ClassVar

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import (
    escape_attribute,
    render_element,
    xml_problem,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import path_option, state_option
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.xml_writer import XmlFileWriter
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    MIN_MAIL_NAMESPACE,
    SERVER_ELEMENT,
    mail_namespace_version,
    wildfly_binding_name,
    wildfly_found_session,
    wildfly_mail_subsystems,
    wildfly_session_name,
)

SERVER_OPTIONS = dict(
    host=dict(type="str", required=True),
    port=dict(type="int", required=True),
    ssl=dict(type="bool", default=False),
    tls=dict(type="bool", default=False),
    username=dict(type="str", default=""),
    password=dict(type="str", default="", no_log=True),
)


def _shape(element):
    """An element's attributes and element children, recursively: what 'the same configuration' means."""
    return (element.name, element.attrs, [_shape(child) for child in element.children])


def _attr(value):
    return escape_attribute(value)


def render_session(name, jndi, servers, indent, unit):
    lines = ['<mail-session name="%s" jndi-name="%s">' % (_attr(name), _attr(jndi))]
    lines.extend(
        indent + unit + render_element(element, attrs, "", "", one_per_line=False) for element, attrs in servers
    )
    lines.append(indent + "</mail-session>")
    return "\n".join(lines)


def render_binding(binding, host, port, indent, unit):
    return "\n".join(
        [
            '<outbound-socket-binding name="%s">' % _attr(binding),
            indent
            + unit
            + render_element("remote-destination", [("host", host), ("port", port)], "", "", one_per_line=False),
            indent + "</outbound-socket-binding>",
        ]
    )


def _inside(element, ancestors):
    while element is not None:
        if id(element) in ancestors:
            return True
        element = element.parent
    return False


class WildflyMailSession(XmlFileWriter):
    """One <mail-session> of standalone.xml and its outbound socket bindings, every other byte kept."""

    options: ClassVar[dict] = dict(
        path=path_option(),
        jndi_name=dict(type="str", default="java:jboss/mail/MailSession"),
        name=dict(type="str"),
        servers=dict(
            type="dict",
            default={},
            options={kind: dict(type="dict", options=SERVER_OPTIONS) for kind in ("smtp", "pop3", "imap")},
        ),
        socket_binding_group=dict(type="str"),
        state=state_option(),
    )
    not_a_file = "%s does not exist or is not a file: give WildFly's standalone.xml"

    def start(self):
        super().start()
        params = self.params
        self.jndi = params["jndi_name"]
        self.name = params["name"] or wildfly_session_name(self.jndi)
        self.present = params["state"] == "present"
        self.result.update(name=self.name, jndi_name=self.jndi, removed=[])
        self.secrets = [server["password"] for server in params["servers"].values() if server and server["password"]]

    def missing(self):
        self.fail(self.not_a_file % self.path)

    def edit(self, document):
        subsystem = self.mail_subsystem(document)
        group = self.socket_binding_group(document)
        sessions = [
            element
            for element in subsystem.find_all("mail-session")
            if element.attrs.get("jndi-name") == self.jndi or element.attrs.get("name") == self.name
        ]
        servers, self.bindings = self.desired() if self.present else ([], {})
        if self.present and not servers:
            self.fail("servers must contain at least smtp")
        edits = self.session_edits(document, subsystem, sessions, servers)
        edits.extend(self.binding_edits(document, group, sessions))
        return edits

    def check(self, document):
        found = wildfly_found_session(document, self.jndi)
        if self.present:
            if found is None or found["problems"]:
                self.not_read_back()
            self.result["bindings"] = list(self.bindings)
            self.result["servers"] = found["servers"]
        elif found is not None:
            self.fail("internal error, nothing written: the session is still in the edited %s" % self.path)

    # -- reading the file -----------------------------------------------------------

    def mail_subsystem(self, document):
        path = self.path
        subsystems = wildfly_mail_subsystems(document)
        if len(subsystems) != 1:
            found = "no mail subsystem" if not subsystems else "%d mail subsystems (a domain.xml?)" % len(subsystems)
            self.fail(
                "%s has %s: this module edits a standalone configuration with one mail subsystem "
                '(<subsystem xmlns="urn:jboss:domain:mail:4.0">, extension org.jboss.as.mail)' % (path, found)
            )
        subsystem = subsystems[0]
        self.result["mail_namespace"] = namespace = subsystem.attrs["xmlns"]
        if mail_namespace_version(namespace) < MIN_MAIL_NAMESPACE:
            self.fail(
                "%s uses the mail subsystem schema %s; this module writes urn:jboss:domain:mail:3.0 and later "
                "(WildFly 11+, JBoss EAP 7.1+). Upgrade the server or configure the session with jboss-cli"
                % (path, namespace)
            )
        return subsystem

    def socket_binding_group(self, document):
        wanted = self.params["socket_binding_group"]
        groups = list(document.root.iter("socket-binding-group"))
        if wanted:
            groups = [group for group in groups if group.attrs.get("name") == wanted]
        if len(groups) != 1:
            self.fail(
                "%s: expected one <socket-binding-group>%s, found %d; set socket_binding_group"
                % (self.path, " named %s" % wanted if wanted else "", len(groups))
            )
        return groups[0]

    def desired(self):
        """[(server element, attributes)] and {binding name: (host, port)} for the session."""
        servers, bindings = [], {}
        for kind, element_name in SERVER_ELEMENT.items():
            server = self.params["servers"].get(kind)
            if not server:
                continue
            if server["ssl"] and server["tls"]:
                self.fail("servers.%s: ssl (implicit TLS) and tls (STARTTLS) exclude each other" % kind)
            if not 1 <= server["port"] <= 65535:
                self.fail("servers.%s.port %d is outside 1-65535" % (kind, server["port"]))
            for key in ("host", "username", "password"):
                problem = xml_problem(server[key])
                if problem:
                    what = "the secret value" if key == "password" else "the value"
                    self.fail("servers.%s.%s: %s %s" % (kind, key, what, problem))
            binding = wildfly_binding_name(self.name, kind)
            attrs = [("outbound-socket-binding-ref", binding)]
            attrs.extend((flag, "true") for flag in ("ssl", "tls") if server[flag])
            attrs.extend((key, server[key]) for key in ("username", "password") if server[key])
            servers.append((element_name, attrs))
            bindings[binding] = (server["host"], str(server["port"]))
        return servers, bindings

    # -- the edits --------------------------------------------------------------------

    def session_edits(self, document, subsystem, sessions, servers):
        """Replace (or add) the session when it is not as wanted; remove stale copies (all with state=absent)."""
        edits = []
        if self.present:
            wanted = (
                "mail-session",
                {"name": self.name, "jndi-name": self.jndi},
                [(element, dict(attrs), []) for element, attrs in servers],
            )
            if not (len(sessions) == 1 and _shape(sessions[0]) == wanted):
                unit = document.indent_unit()
                if sessions:
                    first = sessions[0]
                    indent = document.line_indent(first.start)
                    indent = document.child_indent(subsystem) if indent is None else indent
                    text = render_session(self.name, self.jndi, servers, indent, unit)
                    edits.append((first.start, first.end, document.encode(text)))
                else:
                    indent = document.child_indent(subsystem)
                    text = render_session(self.name, self.jndi, servers, indent, unit)
                    edits.append(document.insertion(subsystem, text))
            stale = sessions[1:]
        else:
            stale = sessions
        for element in stale:
            edits.append((*document.removal_span(element), b""))
            self.result["removed"].append("mail-session %s" % element.attrs.get("name"))
        return edits

    def binding_edits(self, document, group, sessions):
        """The socket bindings: ours are <name>-<kind>; replace, add, or remove when unused."""
        edits = []
        existing = {element.attrs.get("name"): element for element in group.find_all("outbound-socket-binding")}
        own_session_elements = set(map(id, sessions))
        referenced_elsewhere = set()
        for element in document.root.iter():
            ref = element.attrs.get("outbound-socket-binding-ref")
            if ref and not _inside(element, own_session_elements):
                referenced_elsewhere.add(ref)
        new_bindings = []
        unit = document.indent_unit()
        indent = document.child_indent(group)
        for binding, (host, port) in self.bindings.items():
            wanted = (
                "outbound-socket-binding",
                {"name": binding},
                [("remote-destination", {"host": host, "port": port}, [])],
            )
            element = existing.get(binding)
            if element is None:
                new_bindings.append(render_binding(binding, host, port, indent, unit))
            elif _shape(element) != wanted:
                line_indent = document.line_indent(element.start)
                line_indent = indent if line_indent is None else line_indent
                text = render_binding(binding, host, port, line_indent, unit)
                edits.append((element.start, element.end, document.encode(text)))
        if new_bindings:
            edits.append(document.insertion(group, ("\n" + indent).join(new_bindings)))
        for kind in SERVER_ELEMENT:
            binding = wildfly_binding_name(self.name, kind)
            if binding in existing and binding not in self.bindings and binding not in referenced_elsewhere:
                edits.append((*document.removal_span(existing[binding]), b""))
                self.result["removed"].append("outbound-socket-binding %s" % binding)
        return edits


def main():
    WildflyMailSession.execute()


if __name__ == "__main__":
    main()
