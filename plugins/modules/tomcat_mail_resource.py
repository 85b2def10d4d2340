#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: tomcat_mail_resource
short_description: Declare a JavaMail session as a JNDI resource in Tomcat's ROOT context file for Liferay
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
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
notes:
  - Tomcat replaces C(${name}) in attribute values with the system property C(name) and has no escape for a
    literal C(${); a value may be such a reference on purpose (for example a password from C(setenv.sh)).
  - The mail API jar must be on Tomcat's common class loader; M(liferay_ops.mail.appserver_info) checks that.
seealso:
  - module: liferay_ops.mail.appserver_info
  - module: liferay_ops.mail.portal_properties
attributes:
  diff_mode:
    details: Passwords are masked, also those of other resources in the file (for example the database's).
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
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
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
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
"""

import re
from typing import ClassVar

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import render_element, xml_problem
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import (
    WriterError,
    create_option,
    merge_properties,
    path_option,
    property_options,
    state_option,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.xml_writer import XmlFileWriter
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.appserver import (
    servers_from_tomcat_resource,
    tomcat_mail_resources,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK

_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
RESERVED = ("name", "auth", "type", "factory")
NEW_FILE = b'<?xml version="1.0" encoding="UTF-8"?>\n<Context>\n</Context>\n'


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_name(key):
    if not _ATTRIBUTE_NAME.match(key) or key in RESERVED:
        why = "reserved" if key in RESERVED else "not a valid XML attribute name"
        raise WriterError("attribute %r cannot be set: %s" % (key, why))


def _attribute_value(key, value, secret):
    if isinstance(value, (dict, list)) or value is None:
        raise WriterError("attribute %r: the value must be a string, number or boolean" % key)
    text = _text(value)
    problem = xml_problem(text)
    if problem:
        raise WriterError("attribute %r: %s %s" % (key, "the secret value" if secret else "the value", problem))
    return text


def desired_attributes(params):
    """The resource's attributes in the order they are written, and the names of the secret ones."""
    merged, secrets = merge_properties(params, _attribute_value, _check_name, "attribute %r")
    ordered = [("name", params["name"]), ("auth", "Container"), ("type", params["type"])]
    ordered.extend(sorted(merged.items()))
    return ordered, secrets


class TomcatMailResource(XmlFileWriter):
    """One <Resource> of a Tomcat context file, every other byte kept (codecs/xml_document.py)."""

    options: ClassVar[dict] = dict(
        path=path_option(),
        name=dict(type="str", default="mail/MailSession"),
        type=dict(type="str", choices=["javax.mail.Session", "jakarta.mail.Session"]),
        **property_options(),
        state=state_option(),
        create=create_option(),
    )
    module_options: ClassVar[dict] = dict(required_if=[("state", "present", ("type",))])
    new_document = NEW_FILE

    def start(self):
        super().start()
        self.present = self.params["state"] == "present"
        self.result.update(name=self.params["name"], removed=0)
        self.secrets = [_text(value) for value in self.params["secret_properties"].values()]

    def missing(self):
        if not self.present:
            self.exit()
        self.require_create()
        self.require_directory(
            "the directory %s does not exist: check CATALINA_BASE (Tomcat creates conf/<Engine>/<Host> "
            "on its first start)"
        )

    def edit(self, document):
        if document.root.name != "Context":
            self.fail(
                "%s is not a Tomcat context file: its root element is <%s>, not <Context>"
                % (self.path, document.root.name)
            )
        existing = tomcat_mail_resources(document, self.params["name"])
        if not self.present:
            self.result["removed"] = len(existing)
            return [(*document.removal_span(element), b"") for element in existing]
        ordered, secrets = desired_attributes(self.params)
        self.wanted = dict(ordered)
        self.result["resource"] = {key: (MASK if key in secrets else value) for key, value in ordered}
        self.result["servers"] = servers_from_tomcat_resource(self.wanted)
        if len(existing) == 1 and existing[0].attrs == self.wanted:
            return []
        unit = document.indent_unit()
        if existing:
            first = existing[0]
            indent = document.line_indent(first.start)
            indent = document.child_indent(document.root) if indent is None else indent
            edits = [(first.start, first.end, document.encode(render_element("Resource", ordered, indent, unit)))]
        else:
            # next to the other resources (jdbc/LiferayPool), else at the end of <Context>
            siblings = document.root.find_all("Resource")
            after = siblings[-1] if siblings else None
            indent = document.line_indent(after.start) if after is not None else None
            indent = document.child_indent(document.root) if indent is None else indent
            edits = [document.insertion(document.root, render_element("Resource", ordered, indent, unit), after=after)]
        stale = existing[1:]
        edits.extend((*document.removal_span(element), b"") for element in stale)
        self.result["removed"] = len(stale)
        return edits

    def check(self, document):
        found = tomcat_mail_resources(document, self.params["name"])
        if (self.present and (len(found) != 1 or found[0].attrs != self.wanted)) or (not self.present and found):
            self.not_read_back()


def main():
    TomcatMailResource.execute()


if __name__ == "__main__":
    main()
