# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role's settings mapping, read from its variables by the table of settings."""

from __future__ import annotations

DOCUMENTATION = r"""
name: settings
short_description: The mail_session role's settings mapping, from its variables
version_added: 2.0.0
description:
  - Returns one mapping of the role's settings (names without the C(mail_session_) prefix) from the
    C(mail_session_*) variables of the current host, as the table of the role's variables
    (C(plugins/module_utils/liferay/settings_table.py)) names them. The role hands it to its validators and
    mapping filters.
  - Missing or null variables get their defaults; C(verify_roundtrip) is off when C(mail_session_verify=skip),
    C(verify_roundtrip_to) falls back to an address-shaped POP user, C(db) carries no password.
  - The mapping holds the passwords - pass it to modules and filters, never print it.
author:
  - liferay_ops.mail contributors (@liferay-ops)
options: {}
"""

EXAMPLES = r"""
- name: Write the built-in session (what the role does)
  liferay_ops.mail.portal_properties:
    path: /opt/liferay/portal-ext.properties
    properties: "{{ lookup('liferay_ops.mail.settings') | liferay_ops.mail.mail_session_portal_properties('public') }}"
"""

RETURN = r"""
_raw:
  description: One mapping, setting name (without prefix) to value.
  type: list
  elements: dict
"""

from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.settings import SETTINGS, role_settings


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        variables = variables or {}
        names = [setting.variable for setting in SETTINGS if not setting.task_only and setting.variable in variables]
        # ansible.builtin.vars templates each value the way this ansible-core version does
        values = lookup_loader.get("ansible.builtin.vars", loader=self._loader, templar=self._templar).run(
            names, variables
        )
        return [role_settings(dict(zip(names, values, strict=True)))]
