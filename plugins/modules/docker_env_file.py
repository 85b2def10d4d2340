#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_env_file
short_description: Write Liferay portal properties as LIFERAY_* variables into a Docker env file
description:
  - Writes a file for C(docker run --env-file) or Compose's C(env_file) that sets each portal property as the
    environment variable Liferay's Docker image decodes into it (C(ComponentPropertiesUtil)) - C(LIFERAY_) and
    the key with every character that is not a lower-case letter encoded by its C(CharPool) name
    (C(.) C(_PERIOD_), C(F) C(_UPPERCASEF_), C(3) C(_NUMBER3_)), for example
    C(LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST).
  - Values are encoded so that Liferay reads back exactly the string given (C(${) as C($${); commas and
    backslashes escaped for Commons Configuration's two list splits), and a list of strings becomes a list
    Liferay reads with C(PropsUtil.getArray). Docker's env-file reader has no quoting or escaping, so a value
    with a line break cannot be stored and is refused, naming the key, never the value.
  - The module owns the whole file - one variable per line, sorted, under a single comment line. It is rewritten
    only when its content differs. New files get mode C(0600) unless O(mode) is given; the temporary file has the
    final mode before it is renamed into place.
  - Check and diff mode; secret values are hidden from Ansible's output and masked in the diff (also secrets
    already in the file, recognised by the decoded key).
  - Runs with the Python standard library only.
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  path:
    description: The env file. Its directory must exist.
    type: path
    required: true
  properties:
    description:
      - Portal properties and their values (strings, numbers, booleans, or lists of simple strings such as
        addresses).
    type: dict
    default: {}
  secret_properties:
    description: Portal properties whose values are secret (passwords); hidden from output, masked in the diff.
    type: dict
    default: {}
  header:
    description: The comment line at the top of the file; empty for none.
    type: str
    default: "Managed by Ansible (mail_session role): change the inventory, not this file"
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The variables reach Liferay only when the container is created again (C(docker compose up -d) recreates it
    when the file changed; a restart of the same container keeps its old environment).
  - Environment variables beat C(portal-ext.properties), and values saved in the Control Panel beat both.
"""

EXAMPLES = r"""
- name: The mail session of a Liferay 7.4 container
  liferay_ops.mail.docker_env_file:
    path: /srv/liferay/liferay-mail.env
    properties:
      mail.session.mail.transport.protocol: smtp
      mail.session.mail.smtp.host: smtp.example.com
      mail.session.mail.smtp.port: "587"
      mail.session.mail.smtp.starttls.enable: "true"
      mail.send.blacklist: [noreply@example.com]
    secret_properties:
      mail.session.mail.smtp.password: "{{ vault_smtp_password }}"
    mode: "0600"
"""

RETURN = r"""
path:
  description: The env file.
  returned: always
  type: str
added:
  description: Variables that were not in the file.
  returned: always
  type: list
  elements: str
  sample: [LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST]
updated:
  description: Variables whose value changed.
  returned: always
  type: list
  elements: str
removed:
  description: Variables that were in the file and are no longer written.
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
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_config_files import (
    destination,
    put_file,
    read_text,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_mail import SECRET_KEY
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_osgi import (
    MASK,
    OsgiError,
    decode_env_name,
    env_file_lines,
    render_env_file,
)

NEW_FILE_MODE = "0600"


def parse_env_file(text):
    """{name: value} as docker/cli's env-file reader sees it (opts/file.go: no quotes, no escapes)."""
    result = {}
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, _dummy, value = line.partition("=")
        result[name] = value
    return result


def is_secret_name(name, secret_names):
    if name in secret_names:
        return True
    key = decode_env_name(name)
    return bool(SECRET_KEY.search(key if key is not None else name))


def masked(text, secret_names, changed=()):
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.lstrip()
        if stripped and not stripped.startswith("#") and "=" in stripped:
            name = stripped.split("=", 1)[0]
            if is_secret_name(name, secret_names):
                marker = " (changed)" if name in changed else ""
                line = "%s=%s%s%s" % (name, MASK, marker, line[len(body) :])
        out.append(line)
    return "".join(out)


def run(module):
    params = module.params
    path = params["path"]
    result = {"changed": False, "path": path, "added": [], "updated": [], "removed": []}

    desired, secret_keys = {}, set()
    for source, secret in ((params["properties"], False), (params["secret_properties"], True)):
        for key, value in source.items():
            if key in desired:
                module.fail_json(msg="key '%s' is given in both properties and secret_properties" % key, **result)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = str(value)
            elif isinstance(value, list) and not secret:
                value = [str(item) for item in value]
            elif not isinstance(value, str):
                what = "a secret value" if secret else "the value"
                module.fail_json(msg="key '%s': %s is not a string, number, boolean or list" % (key, what), **result)
            desired[key] = value
            if secret:
                secret_keys.add(key)
    try:
        text = render_env_file(desired, secret_keys, header=params["header"] or None)
        lines = env_file_lines(desired, secret_keys)
    except OsgiError as exc:
        module.fail_json(msg=to_native(exc), **result)
    secret_names = {name for name, _value, secret in lines if secret}
    wanted = {name: value for name, value, _secret in lines}

    target = destination(module, path, result)  # a symlink is written through
    parent = os.path.dirname(target) or "."
    if not os.path.isdir(parent):
        module.fail_json(
            msg="the directory %s does not exist; create it first (it is where the env file goes)" % parent
        )
    if os.path.lexists(target) and not os.path.isfile(target):
        module.fail_json(msg="%s exists but is not a regular file" % path, **result)
    exists, before = read_text(target)
    current = parse_env_file(before) if exists else {}
    result["added"] = sorted(name for name in wanted if name not in current)
    result["updated"] = sorted(name for name in wanted if name in current and current[name] != wanted[name])
    result["removed"] = sorted(name for name in current if name not in wanted)

    if module._diff:
        changed_names = set(result["added"]) | set(result["updated"])
        result["diff"] = {
            "before_header": path if exists else "%s (absent)" % path,
            "after_header": path,
            "before": masked(before, secret_names) if exists else "",
            "after": masked(text, secret_names, changed_names),
        }

    if params["mode"] is None and not exists:
        params["mode"] = NEW_FILE_MODE
    put_file(module, target, exists, not exists or before != text, text, params["backup"], result)
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            properties=dict(type="dict", default={}),
            secret_properties=dict(type="dict", default={}, no_log=True),
            header=dict(
                type="str", default="Managed by Ansible (mail_session role): change the inventory, not this file"
            ),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
