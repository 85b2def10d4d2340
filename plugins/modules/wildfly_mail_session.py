#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wildfly_mail_session
short_description: Configure a mail session in WildFly's / JBoss EAP's standalone.xml offline
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
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
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
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Passwords are masked, also those elsewhere in the file (datasources, key stores).
notes:
  - Edit the file while the server is stopped, or restart it right after; a running WildFly writes its own
    model back to standalone.xml on the next management change and would undo the edit.
  - WildFly resolves C(${...}) expressions in attribute values, so a password can be given as
    C(${env.MAIL_PASSWORD}); a literal C(${) cannot be stored.
seealso:
  - module: liferay_ops.mail.appserver_info
  - module: liferay_ops.mail.portal_properties
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
servers:
  description: The servers as configured (protocol, host, port, security, user), as C(smtp) and C(store).
  returned: state is present
  type: dict
removed:
  description: Elements removed (stale sessions of the same name or JNDI name, unused bindings of the session).
  returned: always
  type: list
  elements: str
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_appserver import (
    MIN_MAIL_NAMESPACE,
    SERVER_ELEMENT,
    mail_namespace_version,
    wildfly_binding_name,
    wildfly_found_session,
    wildfly_mail_subsystems,
    wildfly_session_name,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_config_files import destination
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_xml import (
    Document,
    XMLFileError,
    commit,
    escape_attribute,
    render_element,
    scrub_result,
    xml_problem,
)


def _shape(element):
    """An element's attributes and element children, recursively: what 'the same configuration' means."""
    return (element.name, element.attrs, [_shape(child) for child in element.children])


def desired(module, name, jndi):
    """[(server element, attributes)] and {binding name: (host, port)} for the session."""
    servers, bindings = [], {}
    for kind, element_name in SERVER_ELEMENT.items():
        server = module.params["servers"].get(kind)
        if not server:
            continue
        if server["ssl"] and server["tls"]:
            module.fail_json(msg="servers.%s: ssl (implicit TLS) and tls (STARTTLS) exclude each other" % kind)
        if not 1 <= server["port"] <= 65535:
            module.fail_json(msg="servers.%s.port %d is outside 1-65535" % (kind, server["port"]))
        for key in ("host", "username", "password"):
            problem = xml_problem(server[key])
            if problem:
                module.fail_json(
                    msg="servers.%s.%s: %s %s"
                    % (kind, key, "the secret value" if key == "password" else "the value", problem)
                )
        binding = wildfly_binding_name(name, kind)
        attrs = [("outbound-socket-binding-ref", binding)]
        if server["ssl"]:
            attrs.append(("ssl", "true"))
        if server["tls"]:
            attrs.append(("tls", "true"))
        if server["username"]:
            attrs.append(("username", server["username"]))
        if server["password"]:
            attrs.append(("password", server["password"]))
        servers.append((element_name, attrs))
        bindings[binding] = (server["host"], str(server["port"]))
    return servers, bindings


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


def _attr(value):
    return escape_attribute(value)


def main():
    server_options = dict(
        host=dict(type="str", required=True),
        port=dict(type="int", required=True),
        ssl=dict(type="bool", default=False),
        tls=dict(type="bool", default=False),
        username=dict(type="str", default=""),
        password=dict(type="str", default="", no_log=True),
    )
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True, aliases=["dest"]),
            jndi_name=dict(type="str", default="java:jboss/mail/MailSession"),
            name=dict(type="str"),
            servers=dict(
                type="dict",
                default={},
                options=dict(
                    smtp=dict(type="dict", options=server_options),
                    pop3=dict(type="dict", options=server_options),
                    imap=dict(type="dict", options=server_options),
                ),
            ),
            socket_binding_group=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    p = module.params
    path, jndi = p["path"], p["jndi_name"]
    name = p["name"] or wildfly_session_name(jndi)
    present = p["state"] == "present"
    result = {"changed": False, "path": path, "name": name, "jndi_name": jndi, "removed": []}
    secrets = [server["password"] for server in p["servers"].values() if server and server["password"]]

    target = destination(module, path, result)  # a symlink is written through
    if not os.path.isfile(target):
        module.fail_json(msg="%s does not exist or is not a file: give WildFly's standalone.xml" % path, **result)
    try:
        with open(target, "rb") as handle:
            before = handle.read()
        document = Document(before, path)
    except OSError as exc:
        module.fail_json(msg="cannot read %s: %s" % (path, exc), **result)
    except XMLFileError as exc:
        module.fail_json(msg=str(exc), **result)

    subsystems = wildfly_mail_subsystems(document)
    if len(subsystems) != 1:
        module.fail_json(
            msg="%s has %s: this module edits a standalone configuration with one mail subsystem "
            '(<subsystem xmlns="urn:jboss:domain:mail:4.0">, extension org.jboss.as.mail)'
            % (path, "no mail subsystem" if not subsystems else "%d mail subsystems (a domain.xml?)" % len(subsystems)),
            **result,
        )
    subsystem = subsystems[0]
    result["mail_namespace"] = namespace = subsystem.attrs["xmlns"]
    if mail_namespace_version(namespace) < MIN_MAIL_NAMESPACE:
        module.fail_json(
            msg="%s uses the mail subsystem schema %s; this module writes urn:jboss:domain:mail:3.0 and later "
            "(WildFly 11+, JBoss EAP 7.1+). Upgrade the server or configure the session with jboss-cli"
            % (path, namespace),
            **result,
        )

    groups = list(document.root.iter("socket-binding-group"))
    if p["socket_binding_group"]:
        groups = [group for group in groups if group.attrs.get("name") == p["socket_binding_group"]]
    if len(groups) != 1:
        module.fail_json(
            msg="%s: expected one <socket-binding-group>%s, found %d; set socket_binding_group"
            % (path, " named %s" % p["socket_binding_group"] if p["socket_binding_group"] else "", len(groups)),
            **result,
        )
    group = groups[0]

    sessions = [
        element
        for element in subsystem.find_all("mail-session")
        if element.attrs.get("jndi-name") == jndi or element.attrs.get("name") == name
    ]
    unit = document.indent_unit()
    edits = []
    servers, bindings = desired(module, name, jndi) if present else ([], {})
    if present and not servers:
        module.fail_json(msg="servers must contain at least smtp", **result)

    if present:
        wanted_session = (
            "mail-session",
            {"name": name, "jndi-name": jndi},
            [(element, dict(attrs), []) for element, attrs in servers],
        )
        if not (len(sessions) == 1 and _shape(sessions[0]) == wanted_session):
            if sessions:
                first = sessions[0]
                indent = document.line_indent(first.start)
                indent = document.child_indent(subsystem) if indent is None else indent
                edits.append(
                    (first.start, first.end, document.encode(render_session(name, jndi, servers, indent, unit)))
                )
            else:
                indent = document.child_indent(subsystem)
                edits.append(document.insertion(subsystem, render_session(name, jndi, servers, indent, unit)))
        stale_sessions = sessions[1:]
    else:
        stale_sessions = sessions
    for element in stale_sessions:
        edits.append((*document.removal_span(element), b""))
        result["removed"].append("mail-session %s" % element.attrs.get("name"))

    # socket bindings: ours are <name>-<kind>; replace, add, or remove when unused
    existing = {element.attrs.get("name"): element for element in group.find_all("outbound-socket-binding")}
    own_session_elements = set(map(id, sessions))
    referenced_elsewhere = set()
    for element in document.root.iter():
        ref = element.attrs.get("outbound-socket-binding-ref")
        if ref and not _inside(element, own_session_elements):
            referenced_elsewhere.add(ref)
    new_bindings = []
    indent = document.child_indent(group)
    for binding, (host, port) in bindings.items():
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
            edits.append(
                (element.start, element.end, document.encode(render_binding(binding, host, port, line_indent, unit)))
            )
    if new_bindings:
        edits.append(document.insertion(group, ("\n" + indent).join(new_bindings)))
    for kind in SERVER_ELEMENT:
        binding = wildfly_binding_name(name, kind)
        if binding in existing and binding not in bindings and binding not in referenced_elsewhere:
            edits.append((*document.removal_span(existing[binding]), b""))
            result["removed"].append("outbound-socket-binding %s" % binding)

    try:
        after = document.apply(edits)
        check = Document(after, path)
    except XMLFileError as exc:
        module.fail_json(
            msg="internal error, nothing written: the edited %s does not parse: %s" % (path, exc), **result
        )
    found = wildfly_found_session(check, jndi)
    if present:
        if found is None or found["problems"]:
            module.fail_json(
                msg="internal error, nothing written: the edited %s does not read back as requested" % path, **result
            )
        result["bindings"] = list(bindings)
        result["servers"] = found["servers"]
    elif found is not None:
        module.fail_json(msg="internal error, nothing written: the session is still in the edited %s" % path, **result)

    if module._diff:
        result["diff"] = {
            "before_header": path,
            "after_header": path,
            "before": document.masked_text(secrets),
            "after": check.masked_text(secrets),
        }
    commit(module, target, before, after, True, result)
    module.exit_json(**scrub_result(result, secrets))


def _inside(element, ancestors):
    while element is not None:
        if id(element) in ancestors:
            return True
        element = element.parent
    return False


if __name__ == "__main__":
    main()
