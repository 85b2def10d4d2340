#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: docker_env_file
short_description: Write Liferay portal properties as LIFERAY_* variables into a Docker env file
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
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
notes:
  - The variables reach Liferay only when the container is created again (C(docker compose up -d) recreates it
    when the file changed; a restart of the same container keeps its old environment).
  - Environment variables beat C(portal-ext.properties), and values saved in the Control Panel beat both.
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
"""

EXAMPLES = r"""
- name: The mail session of a Liferay 7.4 container
  liferay_ops.mail.docker_env_file:
    path: /srv/liferay/liferay-mail.env
    mode: "0600"
    properties:
      mail.session.mail.transport.protocol: smtp
      mail.session.mail.smtp.host: smtp.example.com
      mail.session.mail.smtp.port: "587"
      mail.session.mail.smtp.starttls.enable: "true"
      mail.send.blacklist: [noreply@example.com]
    secret_properties:
      mail.session.mail.smtp.password: "{{ vault_smtp_password }}"
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
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
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
"""

from typing import ClassVar

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import (
    decode_env_name,
    env_file_lines,
    render_env_file,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import (
    FileWriter,
    WriterError,
    header_option,
    merge_properties,
    path_option,
    property_options,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, is_secret_key


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
    """A variable given as secret, or one whose portal property (its decoded name) looks like a secret's."""
    if name in secret_names:
        return True
    key = decode_env_name(name)
    return is_secret_key(key if key is not None else name)


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


def _to_str(key, value, secret):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and not secret:
        return [str(item) for item in value]
    if not isinstance(value, str):
        what = "a secret value" if secret else "the value"
        raise WriterError("key '%s': %s is not a string, number, boolean or list" % (key, what))
    return value


class DockerEnvFile(FileWriter):
    """The whole env file: one LIFERAY_* variable a line, sorted (codecs/env_names.py)."""

    options: ClassVar[dict] = dict(path=path_option(aliases=()), **property_options(), header=header_option())
    results: ClassVar[dict] = dict(added=[], updated=[], removed=[])
    errors = (OsgiError,)
    new_file_mode = "0600"

    def start(self):
        super().start()
        desired, secret_keys = merge_properties(self.params, _to_str)
        self.text = render_env_file(desired, secret_keys, header=self.params["header"] or None)
        lines = env_file_lines(desired, secret_keys)
        self.secret_names = {name for name, _value, secret in lines if secret}
        self.wanted = {name: value for name, value, _secret in lines}

    def missing(self):
        self.require_directory("the directory %s does not exist; create it first (it is where the env file goes)")

    def plan(self, before):
        self.compare(parse_env_file(before) if self.exists else {}, self.wanted)
        return self.text

    def masked(self, text, changed=()):
        return masked(text, self.secret_names, changed)


def main():
    DockerEnvFile.execute()


if __name__ == "__main__":
    main()
