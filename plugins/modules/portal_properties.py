#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: portal_properties
short_description: Manage keys in Liferay's portal-ext.properties exactly as Liferay reads them
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
description:
  - Sets, updates and removes keys in a Liferay C(portal-ext.properties) file in place.
  - Liferay reads this file with Apache Commons Configuration 1.10, not C(java.util.Properties).
    Commas split values into lists, C(${...}) is interpolated, a repeated key becomes a list and a
    malformed C(\u) escape makes Liferay ignore the whole file. Values are encoded so that Liferay
    reads back exactly the string given; a value that cannot be stored exactly (a comma together
    with a first or last character up to U+0020) is refused and nothing is written.
  - >-
    Existing entries are found however they are written (C(key=value), C(key = value), C(key: value),
    continuation lines) and rewritten in place as C(key=value); later duplicates are deleted. New keys
    go into one block delimited by C(# BEGIN <block_name>) and C(# END <block_name>). Every other line
    is left byte for byte as it was.
  - The edited text is parsed again before it is written; if it would not read back as requested the
    module fails and writes nothing.
  - Never writes the keys C(include) or C(include-and-override).
  - Runs with the Python standard library only.
options:
  path:
    description: Path of the properties file, usually C(LIFERAY_HOME/portal-ext.properties).
    type: path
    required: true
    aliases: [dest]
  state:
    description:
      - C(present) sets the keys of O(properties) and O(secret_properties) and removes the keys
        matched by O(purge_prefixes) that are not set.
      - C(absent) removes the keys listed in O(keys).
    type: str
    choices: [present, absent]
    default: present
  properties:
    description:
      - Keys and values to set. Values are converted to strings; a list of strings is written as a list
        Liferay reads with C(PropsUtil.getArray) (elements joined by unescaped commas; only simple elements
        such as email addresses, without whitespace, C(,), C(\\) or C(${), are accepted).
    type: dict
    default: {}
  secret_properties:
    description:
      - Keys and values to set whose values are secret (passwords). They are hidden from Ansible's
        output and shown masked in the diff.
    type: dict
    default: {}
  keys:
    description: Keys to remove with O(state=absent).
    type: list
    elements: str
    default: []
  purge_prefixes:
    description:
      - With O(state=present), remove every key that starts with one of these prefixes and is not in
        O(properties) or O(secret_properties). This lets a caller own a namespace, for example
        C(mail.session.), so keys of a protocol no longer in use disappear.
      - C(include) and C(include-and-override) are never removed.
    type: list
    elements: str
    default: []
  obsolete_prefixes:
    description:
      - Keys starting with one of these prefixes are ignored by the Liferay being configured (for example
        C(mail.session.) on Liferay DXP 2025.Q4+, which reads its mail settings from OSGi configurations).
        Those left in the file are returned in RV(obsolete) and named in a warning; to remove them, list the
        prefix in O(purge_prefixes) too.
    type: list
    elements: str
    default: []
  obsolete_reason:
    description: Why the keys of O(obsolete_prefixes) are obsolete, appended to the warning.
    type: str
    default: the Liferay being configured ignores them; remove them so nobody edits the wrong place
  block_name:
    description: Name in the C(# BEGIN) and C(# END) marker comments around keys this module adds.
    type: str
    default: managed by Ansible
  secret_key_pattern:
    description:
      - Regular expression searched in every key of the file; matching entries are masked in the diff,
        even those this module does not manage (for example C(jdbc.default.password)).
    type: str
    default: (?i)(password|passwd|secret|credential|token)
  create:
    description: Create the file when it does not exist. When false a missing file is an error.
    type: bool
    default: true
notes:
  - A missing file is not created when there is nothing to set.
  - Keys must be plain property names (letters, digits, C(.), C(-), C(_)).
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
"""

EXAMPLES = r"""
- name: Point Liferay at an SMTP relay with STARTTLS
  liferay_ops.mail.portal_properties:
    path: /opt/liferay/portal-ext.properties
    properties:
      mail.session.mail.transport.protocol: smtp
      mail.session.mail.smtp.host: smtp.example.com
      mail.session.mail.smtp.port: "587"
      mail.session.mail.smtp.starttls.enable: "true"
    secret_properties:
      mail.session.mail.smtp.password: "{{ vault_smtp_password }}"
    purge_prefixes:
      - mail.session.
    owner: liferay
    group: liferay
    mode: "0640"
    backup: true

- name: Stop using an application-server mail session
  liferay_ops.mail.portal_properties:
    path: /opt/liferay/portal-ext.properties
    state: absent
    keys:
      - mail.session.jndi.name
"""

RETURN = r"""
path:
  description: The file that was managed.
  returned: always
  type: str
  sample: /opt/liferay/portal-ext.properties
added:
  description: Keys that were not in the file and were added to the managed block.
  returned: always
  type: list
  elements: str
  sample: [mail.session.mail.smtp.host]
updated:
  description: Keys whose entry was rewritten (other value, other syntax, or duplicates removed).
  returned: always
  type: list
  elements: str
  sample: [mail.session.mail.smtp.port]
removed:
  description: Keys that were deleted.
  returned: always
  type: list
  elements: str
  sample: [mail.session.mail.smtp.starttls.required]
obsolete:
  description: Keys matching O(obsolete_prefixes) that are in the file after the change.
  returned: always
  type: list
  elements: str
  sample: [mail.session.mail.smtp.host]
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
  sample: /opt/liferay/portal-ext.properties.12345.2026-11-21@10:00:00~
"""

import re
from typing import ClassVar

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import (
    FORBIDDEN_KEYS,
    PropertiesDocument,
    PropertiesError,
    check_key,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import (
    FileWriter,
    create_option,
    merge_properties,
    path_option,
    property_options,
    state_option,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import SECRET_KEY


def _to_str(key, value, secret):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and not secret and all(isinstance(item, (str, int)) for item in value):
        return [str(item) for item in value]
    what = "a secret value" if secret else "the value %r" % (value,)
    raise PropertiesError("key '%s': %s is not a string, number or boolean" % (key, what))


class PortalProperties(FileWriter):
    """Keys of portal-ext.properties edited in place (codecs/properties.py)."""

    options: ClassVar[dict] = dict(
        path=path_option(),
        state=state_option(),
        **property_options(),
        keys=dict(type="list", elements="str", default=[], no_log=False),
        purge_prefixes=dict(type="list", elements="str", default=[]),
        obsolete_prefixes=dict(type="list", elements="str", default=[]),
        obsolete_reason=dict(
            type="str",
            default="the Liferay being configured ignores them; remove them so nobody edits the wrong place",
        ),
        block_name=dict(type="str", default="managed by Ansible"),
        # masking's one pattern of secret names (the DOCUMENTATION states it: validate-modules compares)
        secret_key_pattern=dict(type="str", default=SECRET_KEY.pattern, no_log=False),
        create=create_option(),
    )
    results: ClassVar[dict] = dict(added=[], updated=[], removed=[], obsolete=[])
    errors = (PropertiesError,)

    def start(self):
        super().start()
        params = self.params
        try:
            self.secret_pattern = re.compile(params["secret_key_pattern"]) if params["secret_key_pattern"] else None
        except re.error as exc:
            self.fail("secret_key_pattern is not a valid regular expression: %s" % exc)
        self.desired, self.secret_keys, self.remove = {}, set(), set()
        if params["state"] == "present":
            self.desired, self.secret_keys = merge_properties(params, _to_str, check_key)
            return
        for key in params["keys"]:
            if key in FORBIDDEN_KEYS or not key:
                raise PropertiesError("refusing to remove the key %r" % (key,))
            self.remove.add(key)

    def missing(self):
        if not self.desired:
            self.exit()  # nothing to set and nothing to remove
        self.require_create()
        self.require_directory(
            "the directory %s does not exist: check the Liferay home (LIFERAY_HOME) this file should live in"
        )

    def plan(self, before):
        params, path = self.params, self.path
        document = PropertiesDocument(before)
        bad = document.malformed_entries()
        if bad:
            self.module.warn(
                "%s has a malformed \\u escape in the value of %s: Liferay ignores the whole "
                "file when it meets one. Fix it by hand." % (path, ", ".join(sorted(set(bad))))
            )
        if params["state"] == "present" and params["purge_prefixes"]:
            for key in document.keys():  # noqa: SIM118 (a method of PropertiesDocument, not dict)
                if key in self.desired or key in FORBIDDEN_KEYS:
                    continue
                if any(key.startswith(prefix) for prefix in params["purge_prefixes"]):
                    self.remove.add(key)
        try:
            edits = document.apply(self.desired, sorted(self.remove), block_name=params["block_name"])
        except PropertiesError as exc:
            self.fail("%s: %s" % (path, to_native(exc)))
        self.result.update(edits)
        if params["obsolete_prefixes"]:
            prefixes = tuple(params["obsolete_prefixes"])
            self.result["obsolete"] = sorted({key for key in document.keys() if key.startswith(prefixes)})  # noqa: SIM118
            if self.result["obsolete"]:
                obsolete = ", ".join(self.result["obsolete"])
                self.module.warn("%s holds %s: %s" % (path, obsolete, params["obsolete_reason"]))
        return document.text()

    def masked(self, text, changed=()):
        return PropertiesDocument(text).masked_text(self.secret_keys, self.secret_pattern, changed)


def main():
    PortalProperties.execute()


if __name__ == "__main__":
    main()
