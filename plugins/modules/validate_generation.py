#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done on the controller by plugins/action/validate_generation.py;
# this file carries its documentation, as Ansible's own action plugins do.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: validate_generation
short_description: Check Liferay mail settings against the Liferay generation of a host
description:
  - Runs on the controller (an action plugin); contacts no host and changes nothing. The role runs it for each
    host once the generation is known (from C(mail_session_liferay_version), or detected by
    M(liferay_ops.mail.generation_info)), before any host is changed.
  - "C(legacy) (Liferay 7.0 - DXP 2025.Q3, C(mail.session.*) portal properties): refuses per-instance settings
    (that generation keeps them only in its database), passwords given as C({env: NAME}), and values
    C(portal-ext.properties) cannot store exactly."
  - "C(osgi) (DXP 2025.Q4+ / Portal 2026+, OSGi C(.config) files): refuses IMAP (the new C(MailServiceImpl)
    only uses C(pop3) / C(pop3s)), a password that starts with C(${secretRef:) or C(${keyRef:) (Liferay 2026
    takes it for a reference into its secret store), JavaMail keys the role sets itself, for every instance too."
  - With C(deployment=docker), checks that the env file and the configuration directory are given and that every
    value fits into a Docker env file.
  - Warns when the generation was assumed because nothing in LIFERAY_HOME identified the installation.
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  settings:
    description: The role's settings, keyed by the variable name without the C(mail_session_) prefix.
    type: dict
    required: true
  generation:
    description: The generation the settings are written for.
    type: str
    choices: [legacy, osgi]
    required: true
  detected:
    description: The result of M(liferay_ops.mail.generation_info) when it ran on the host.
    type: dict
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
"""

EXAMPLES = r"""
- name: Check the settings for a Liferay DXP 2026 server
  liferay_ops.mail.validate_generation:
    settings:
      smtp_host: smtp.example.com
      smtp_security: starttls
      store_protocol: imap
      pop_host: imap.example.com
    generation: osgi
"""

RETURN = r"""
generation:
  description: The generation checked.
  returned: always
  type: str
errors:
  description: One message per problem found; the task fails when it is not empty.
  returned: always
  type: list
  elements: str
  sample: ["mail_session_store_protocol: IMAP cannot be configured for Liferay DXP 2025.Q4+ / Portal 2026+ ..."]
"""
