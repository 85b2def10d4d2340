#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: container_env_info
short_description: Tell which variables of an env file a container was not created with
description:
  - Compares the environment a Docker container was created with (C(docker inspect), C(.Config.Env)) with the
    variables of an env file on the Docker host, read the way C(docker run --env-file) reads it (one C(NAME=value)
    a line, the value as written; blank lines and lines starting with C(#) skipped; a C(NAME) without C(=) is
    taken from the environment and not compared here).
  - Returns the names that differ, never a value. C(docker restart) keeps the environment a container was created
    with, so a container whose environment differs from its env file must be created again (C(docker compose up
    -d), or C(docker rm) and C(docker run --env-file)) for the file to take effect; the role's rolling restart
    (M(liferay_ops.mail.restart_node)) asks this before it restarts a container.
  - Read-only; runs with the Python standard library only (and the Docker CLI).
version_added: "2.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  container:
    description: Name or ID of the container.
    type: str
    required: true
  env_file:
    description: The env file on the Docker host.
    type: path
    required: true
  docker:
    description: The Docker CLI (a name looked up on C(PATH), or a path); C(podman) works too.
    type: str
    default: docker
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
"""

EXAMPLES = r"""
- name: Is the container's environment what the env file says?
  liferay_ops.mail.container_env_info:
    container: liferay
    env_file: /srv/liferay/liferay-mail.env
  register: liferay_env

- name: Tell what to do
  ansible.builtin.debug:
    msg: "create the container again: {{ liferay_env.differ | join(', ') }} differ"
  when: liferay_env.differ | length > 0
"""

RETURN = r"""
differ:
  description: The names of the env file whose value in the container differs or that the container lacks, sorted.
  returned: always
  type: list
  elements: str
  sample: [LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_HOST]
compared:
  description: How many variables of the env file were compared.
  returned: always
  type: int
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule


def parse_env_file(text):
    """{name: value} as `docker run --env-file` reads the text (docker/cli opts/envfile.go)."""
    values = {}
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.lstrip("\ufeff")
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if equals:
            values[name] = value
    return values


def differing(file_values, container_env):
    current = {}
    for entry in container_env or []:
        name, _equals, value = entry.partition("=")
        current[name] = value
    return sorted(name for name, value in file_values.items() if current.get(name) != value)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            container=dict(type="str", required=True),
            env_file=dict(type="path", required=True),
            docker=dict(type="str", default="docker"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        with open(params["env_file"], encoding="utf-8") as handle:
            file_values = parse_env_file(handle.read())
    except (OSError, UnicodeDecodeError) as error:
        module.fail_json(msg="cannot read the env file %s: %s" % (params["env_file"], error))
    docker = params["docker"] if os.sep in params["docker"] else module.get_bin_path(params["docker"])
    if not docker:
        module.fail_json(msg="the Docker CLI %r is not on PATH on this host" % params["docker"])
    rc, out, err = module.run_command(
        [docker, "inspect", "--type", "container", "--format", "{{json .Config.Env}}", params["container"]]
    )
    if rc != 0:
        # stderr only: what inspect printed on stdout may be the container's environment, secrets included
        reason = err.strip() or "exit status %d" % rc
        module.fail_json(msg="%s inspect %s failed: %s" % (params["docker"], params["container"], reason))
    try:
        container_env = json.loads(out)
    except ValueError:
        module.fail_json(
            msg="%s inspect %s did not print the environment as JSON" % (params["docker"], params["container"])
        )
    module.exit_json(changed=False, differ=differing(file_values, container_env), compared=len(file_values))


if __name__ == "__main__":
    main()
