#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done on the controller by plugins/action/validate.py;
# this file carries its documentation, as Ansible's own action plugins do.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: validate
short_description: Check Liferay mail settings before anything is changed
description:
  - Runs on the controller (an action plugin); contacts no host and changes nothing.
  - Fails with one line per problem, each naming the role variable, the value (never a password)
    and the likely fix; returns warnings for settings that work but are probably not meant.
  - Errors are port numbers outside 1-65535, empty or malformed host names, the SMTP/POP port swaps
    published in Liferay's own documentation, a security setting that contradicts a well-known port
    (for example SMTP 465 without implicit TLS), a user without a password, JavaMail keys written
    with the C(mail.session.) prefix or overriding the role's own keys, and values that
    C(portal-ext.properties) cannot store exactly.
  - Warnings are credentials sent without TLS, and a sender address on Liferay's default blacklist.
  - "Also checks the settings of the Liferay generations (a Liferay version it understands, per-instance settings,
    server-wide settings, passwords given as C({env: NAME}), the database check, the Docker deployment) and, when
    the version is in the settings (C(liferay_version)), what that generation cannot store - the checks
    M(liferay_ops.mail.validate_generation) makes for a generation detected on the host."
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  settings:
    description:
      - The role's mail settings, keyed by the variable name without the C(mail_session_) prefix
        (C(smtp_host), C(smtp_port), C(smtp_security), C(smtp_user), C(smtp_password),
        C(store_protocol), C(pop_host), C(pop_port), C(pop_security), C(pop_user), C(pop_password),
        C(javamail_properties), C(from_name), C(from_address), C(method), C(app_server), C(jndi_name),
        C(liferay_version), C(deployment), C(instances), C(batch_size), C(audit_trail), C(send_blacklist),
        C(throws_exception_on_failure), C(pop_server_notifications), C(db_check), C(db), ...).
      - With C(method=app_server) the values are checked for the application server's file instead of
        C(portal-ext.properties) (JNDI name, C(${) references, characters XML cannot carry).
    type: dict
    required: true
  allow_unusual_ports:
    description: Report a security setting that contradicts a well-known port as a warning, not an error.
    type: bool
    default: false
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
"""

EXAMPLES = r"""
- name: Check the settings
  liferay_ops.mail.validate:
    settings:
      smtp_host: smtp.example.com
      smtp_port: 465
      smtp_security: ssl
"""

RETURN = r"""
errors:
  description: One message per problem found; the task fails when it is not empty.
  returned: always
  type: list
  elements: str
  sample: ["mail_session_smtp_port: 110 is the well-known POP3 port, not a SMTP port ..."]
"""
