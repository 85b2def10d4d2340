#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tomcat_mail_resource
short_description: Declare a JavaMail session as a JNDI resource in Tomcat's ROOT context file for Liferay
description:
  - Adds, updates or removes exactly one C(<Resource>) of the given name in a Tomcat context file, by default
    Liferay's C(CATALINA_BASE/conf/Catalina/localhost/ROOT.xml), with C(auth="Container"), the session O(type)
    and the JavaMail properties given as attributes.
  - Every other byte of the file is kept as it was (other resources such as C(jdbc/LiferayPool), comments,
    attribute order and line breaks). The file is parsed with expat and only the resource's own text is
    replaced. Further resources of the same name (stale copies) are removed. The result is parsed again
    before it is written and must read back exactly as requested.
  - Attribute values are XML-escaped, so any password (quotes, C(&), C(<), non-ASCII) reaches Tomcat unchanged;
    tabs and line breaks are written as character references. Values with characters XML cannot carry
    are refused.
  - Tomcat's mail session factory passes every attribute except C(factory) and C(password) to
    C(Session.getInstance); C(password) together with C(mail.smtp.user) or C(mail.user) makes it add an
    Authenticator, so C(Transport.send) authenticates without explicit credentials.
  - Runs with the Python standard library only.
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  path:
    description: The context file, for Liferay C(CATALINA_BASE/conf/Catalina/localhost/ROOT.xml).
    type: path
    required: true
    aliases: [dest]
  name:
    description: The resource name, relative to C(java:comp/env). Liferay's C(mail.session.jndi.name) is this name.
    type: str
    default: mail/MailSession
  type:
    description:
      - The session class. Tomcat 10 and later (Jakarta EE) serve only C(jakarta.mail.Session); Tomcat 9 and
        earlier (Liferay before DXP 2025.Q3) only C(javax.mail.Session).
      - Required with O(state=present).
    type: str
    choices: [javax.mail.Session, jakarta.mail.Session]
  properties:
    description:
      - JavaMail properties, written as attributes of the resource (for example C(mail.smtp.host)). Values are
        converted to strings (booleans to C(true)/C(false)).
      - C(name), C(auth), C(type) and C(factory) are set by the module and refused here.
    type: dict
    default: {}
  secret_properties:
    description:
      - Attributes whose values are secret, for example C(password) (Tomcat's Authenticator) and
        C(mail.smtp.password). Hidden from Ansible's output and masked in the diff.
    type: dict
    default: {}
  state:
    description: V(present) declares the resource as given; V(absent) removes every resource of that name.
    type: str
    choices: [present, absent]
    default: present
  create:
    description: Create the context file (C(<Context>) with just this resource) when it does not exist.
    type: bool
    default: true
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: Passwords are masked, also those of other resources in the file (for example the database's).
notes:
  - Tomcat replaces C(${name}) in attribute values with the system property C(name) and has no escape for a
    literal C(${); a value may be such a reference on purpose (for example a password from C(setenv.sh)).
  - The mail API jar must be on Tomcat's common class loader; M(liferay_ops.mail.appserver_info) checks that.
seealso:
  - module: liferay_ops.mail.appserver_info
  - module: liferay_ops.mail.portal_properties
"""

EXAMPLES = r"""
- name: Liferay 7.4 on Tomcat 9, SMTP with STARTTLS and a POP3S inbox
  liferay_ops.mail.tomcat_mail_resource:
    path: /opt/liferay/tomcat-9.0.83/conf/Catalina/localhost/ROOT.xml
    name: mail/MailSession
    type: javax.mail.Session
    properties:
      mail.transport.protocol: smtp
      mail.smtp.host: smtp.example.com
      mail.smtp.port: 587
      mail.smtp.auth: true
      mail.smtp.user: liferay@example.com
      mail.smtp.starttls.enable: true
      mail.smtp.starttls.required: true
      mail.store.protocol: pop3s
      mail.pop3s.host: pop.example.com
      mail.pop3s.port: 995
      mail.pop3s.user: liferay@example.com
    secret_properties:
      password: "{{ vault_smtp_password }}"
      mail.smtp.password: "{{ vault_smtp_password }}"
      mail.pop3s.password: "{{ vault_pop_password }}"
    owner: liferay
    group: liferay
    mode: "0640"
    backup: true

- name: Remove it again
  liferay_ops.mail.tomcat_mail_resource:
    path: /opt/liferay/tomcat-9.0.83/conf/Catalina/localhost/ROOT.xml
    name: mail/MailSession
    state: absent
"""

RETURN = r"""
path:
  description: The context file.
  returned: always
  type: str
name:
  description: The resource name.
  returned: always
  type: str
  sample: mail/MailSession
resource:
  description: The resource's attributes as written, secret ones masked.
  returned: state is present
  type: dict
servers:
  description: The SMTP and POP3/IMAP servers the resource names (protocol, host, port, security, user).
  returned: state is present
  type: dict
  sample: {smtp: {protocol: smtp, host: smtp.example.com, port: 587, security: starttls, user: liferay@example.com}}
removed:
  description: Number of resources of that name removed (stale duplicates, or all with O(state=absent)).
  returned: always
  type: int
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_appserver import (
    servers_from_tomcat_resource,
    tomcat_mail_resources,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_config_files import destination
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_xml import (
    MASK,
    Document,
    XMLFileError,
    commit,
    render_element,
    scrub_result,
    xml_problem,
)

_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
RESERVED = ("name", "auth", "type", "factory")
NEW_FILE = b'<?xml version="1.0" encoding="UTF-8"?>\n<Context>\n</Context>\n'


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def desired_attributes(module):
    p = module.params
    merged, secrets = {}, set()
    for source, secret in ((p["properties"], False), (p["secret_properties"], True)):
        for key, value in source.items():
            if not _ATTRIBUTE_NAME.match(key) or key in RESERVED:
                module.fail_json(
                    msg="attribute %r cannot be set: %s"
                    % (key, "reserved" if key in RESERVED else "not a valid XML attribute name")
                )
            if key in merged:
                module.fail_json(msg="attribute %r is given in both properties and secret_properties" % key)
            if isinstance(value, (dict, list)) or value is None:
                module.fail_json(msg="attribute %r: the value must be a string, number or boolean" % key)
            text = _text(value)
            problem = xml_problem(text)
            if problem:
                module.fail_json(
                    msg="attribute %r: %s %s" % (key, "the secret value" if secret else "the value", problem)
                )
            merged[key] = text
            if secret:
                secrets.add(key)
    ordered = [("name", p["name"]), ("auth", "Container"), ("type", p["type"])]
    ordered.extend(sorted(merged.items()))
    return ordered, secrets


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True, aliases=["dest"]),
            name=dict(type="str", default="mail/MailSession"),
            type=dict(type="str", choices=["javax.mail.Session", "jakarta.mail.Session"]),
            properties=dict(type="dict", default={}),
            secret_properties=dict(type="dict", default={}, no_log=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            create=dict(type="bool", default=True),
            backup=dict(type="bool", default=False),
        ),
        required_if=[("state", "present", ("type",))],
        add_file_common_args=True,
        supports_check_mode=True,
    )
    p = module.params
    path, name, present = p["path"], p["name"], p["state"] == "present"
    result = {"changed": False, "path": path, "name": name, "removed": 0}
    secret_values = [_text(value) for value in p["secret_properties"].values()]

    target = destination(module, path, result)  # a symlink is written through
    exists = os.path.exists(target)
    if exists and not os.path.isfile(target):
        module.fail_json(msg="%s exists but is not a regular file" % path, **result)
    if not exists:
        if not present:
            module.exit_json(**result)
        if not p["create"]:
            module.fail_json(msg="%s does not exist and create=false" % path, **result)
        if not os.path.isdir(os.path.dirname(target) or "."):
            module.fail_json(
                msg="the directory %s does not exist: check CATALINA_BASE (Tomcat creates conf/<Engine>/<Host> "
                "on its first start)" % os.path.dirname(target),
                **result,
            )
    before = None
    try:
        if exists:
            with open(target, "rb") as handle:
                before = handle.read()
        document = Document(before if exists else NEW_FILE, path)
    except OSError as exc:
        module.fail_json(msg="cannot read %s: %s" % (path, exc), **result)
    except XMLFileError as exc:
        module.fail_json(msg=str(exc), **result)
    if document.root.name != "Context":
        module.fail_json(
            msg="%s is not a Tomcat context file: its root element is <%s>, not <Context>" % (path, document.root.name),
            **result,
        )

    existing = tomcat_mail_resources(document, name)
    edits = []
    if present:
        ordered, secrets = desired_attributes(module)
        wanted = dict(ordered)
        if not (len(existing) == 1 and existing[0].attrs == wanted):
            unit = document.indent_unit()
            if existing:
                first = existing[0]
                indent = document.line_indent(first.start)
                indent = document.child_indent(document.root) if indent is None else indent
                edits.append(
                    (first.start, first.end, document.encode(render_element("Resource", ordered, indent, unit)))
                )
                stale = existing[1:]
            else:
                # next to the other resources (jdbc/LiferayPool), else at the end of <Context>
                siblings = document.root.find_all("Resource")
                after = siblings[-1] if siblings else None
                indent = document.line_indent(after.start) if after is not None else None
                indent = document.child_indent(document.root) if indent is None else indent
                element = render_element("Resource", ordered, indent, unit)
                edits.append(document.insertion(document.root, element, after=after))
                stale = []
            edits.extend((*document.removal_span(element), b"") for element in stale)
            result["removed"] = len(stale)
        result["resource"] = {key: (MASK if key in secrets else value) for key, value in ordered}
        result["servers"] = servers_from_tomcat_resource(wanted)
    else:
        edits.extend((*document.removal_span(element), b"") for element in existing)
        result["removed"] = len(existing)

    try:
        after = document.apply(edits)
        check = Document(after, path)
    except XMLFileError as exc:
        module.fail_json(
            msg="internal error, nothing written: the edited %s does not parse: %s" % (path, exc), **result
        )
    found = tomcat_mail_resources(check, name)
    if (present and (len(found) != 1 or found[0].attrs != dict(ordered))) or (not present and found):
        module.fail_json(
            msg="internal error, nothing written: the edited %s does not read back as requested" % path, **result
        )

    if module._diff:
        result["diff"] = {
            "before_header": path if exists else "%s (absent)" % path,
            "after_header": path,
            "before": document.masked_text(secret_values) if exists else "",
            "after": check.masked_text(secret_values),
        }
    commit(module, target, before, after, exists, result)
    module.exit_json(**scrub_result(result, secret_values))


if __name__ == "__main__":
    main()
