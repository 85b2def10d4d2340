#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: liferay_osgi_config
short_description: Write one Liferay OSGi configuration file (.config) exactly as Liferay reads it
description:
  - Writes C(<configs_dir>/<pid>.config), or C(<configs_dir>/<pid>.scoped~<scope_name>.config) for one
    instance, in the typed C(.config) syntax Liferay's file installer reads (DXP 2025.Q4+ / Portal 2026+
    keep their mail settings there, in C(LIFERAY_HOME/osgi/configs)).
  - "Types come from the values: a string is written C(\"...\"), a boolean C(B\"true\"), an integer
    C(L\"20097\") (Long), a list of strings C([\"a\",\"b\"]). A value C({env: NAME}) is written
    C(\"${env:NAME}\"): Liferay reads it from its environment at startup, so the secret never lands on disk."
  - Every other C($), C({), C(}), C(\), C(\"), C(=), space, control and non-ASCII character is escaped, so a
    password containing C(${) is read literally and never interpolated (see module_utils/liferay_osgi.py
    for the evidence behind each escape). The file is pure ASCII.
  - The module owns the whole file. Attributes not given are removed (reported in RV(removed)); the
    one comment line Liferay accepts at the top is the O(header). The file is compared by meaning, not
    bytes; a file that already means the same is left alone (a different header or layout alone does not
    rewrite it), otherwise it is rewritten in canonical form (sorted, one C(name=value) per line).
  - Runs with the Python standard library only.
version_added: "1.1.0"
author:
  - mail_session role contributors
options:
  configs_dir:
    description: Directory of the configuration files, usually C(LIFERAY_HOME/osgi/configs).
    type: path
    required: true
  pid:
    description: The configuration PID, e.g. C(com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration).
    type: str
    required: true
  scope_name:
    description:
      - Write the instance-scoped file C(<pid>.scoped~<scope_name>.config) instead of C(<pid>.config).
        The properties must then name the instance (C(companyWebId) or C(companyId)).
    type: str
  state:
    description: C(present) writes the file, C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  properties:
    description:
      - The configuration's attributes (OSGi calls them properties) and their values - string, boolean, integer,
        list of strings, or C({env NAME}).
    type: dict
    default: {}
  secret_properties:
    description:
      - Attributes whose values are secret (passwords). Hidden from Ansible's output and masked in the diff.
    type: dict
    default: {}
  header:
    description: The single comment line written at the top of the file; empty for none.
    type: str
    default: "Managed by Ansible (mail_session role): change the inventory, not this file"
  create_dir:
    description:
      - Create O(configs_dir) (mode 0750, owner and group as given) when it is missing, for example a
        directory that is mounted into a Liferay container. When false a missing directory is an error.
    type: bool
    default: false
  backup:
    description: Keep a timestamped copy of the file before changing or removing it.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - A new file is created with mode C(0640) unless O(mode) is given; the temporary file already has the
    final mode when it is renamed into place.
  - Liferay reads a changed file while running, but MailServiceImpl caches mail sessions; restart Liferay
    (or save the settings once in the UI) for a change to take effect.
  - A value read through C(${env:NAME}) is parsed by Liferay as C(.config) text after substitution, so such a
    secret must not contain C(\") or C(\\); an unset variable gives an empty value.
"""

EXAMPLES = r"""
- name: Outgoing mail for every instance of a Liferay DXP 2026 server
  liferay_osgi_config:
    configs_dir: /opt/liferay/osgi/configs
    pid: com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration
    properties:
      transportProtocol: smtp
      outgoingSMTPServer: smtp.example.com
      outgoingSMTPPort: "587"
      enableStartTLS: true
      smtpUserName: liferay@example.com
      additionalJavaMailProperties: mail.smtp.starttls.required=true
    secret_properties:
      smtpPassword: {env: LIFERAY_SMTP_PASSWORD}
    owner: liferay
    group: liferay

- name: Another SMTP server for the instance intranet.example.com
  liferay_osgi_config:
    configs_dir: /opt/liferay/osgi/configs
    pid: com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration
    scope_name: intranet.example.com
    properties:
      companyWebId: intranet.example.com
      outgoingSMTPServer: relay.intranet.example.com
      outgoingSMTPPort: "25"
      enableStartTLS: false
"""

RETURN = r"""
path:
  description: The configuration file.
  returned: always
  type: str
  sample: /opt/liferay/osgi/configs/com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration.config
added:
  description: Attributes that were not in the file.
  returned: always
  type: list
  elements: str
updated:
  description: Attributes whose value changed.
  returned: always
  type: list
  elements: str
removed:
  description: Attributes that were in the file and are no longer written.
  returned: always
  type: list
  elements: str
problems:
  description: What Liferay would complain about in the file as it was (several comment lines, unreadable lines).
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
from ansible.module_utils.liferay_config_files import put_file, read_text, remove_file
from ansible.module_utils.liferay_osgi import (
    OsgiError,
    as_value,
    check_attribute,
    comparable,
    config_file_name,
    masked_config,
    parse_config,
    render_config,
)


def _normalise(value, name, secret):
    value = as_value(value)
    if isinstance(value, float):
        raise OsgiError("%s: floating point values are not supported; write the number as a string" % name)
    if isinstance(value, list):
        return [as_value(item) for item in value]
    if value is None:
        what = "the secret value" if secret else "the value"
        raise OsgiError("%s: %s is empty (null); give a string, or leave the attribute out" % (name, what))
    return value


def run(module):
    params = module.params
    result = {"changed": False, "added": [], "updated": [], "removed": [], "problems": []}
    try:
        path = os.path.join(params["configs_dir"], config_file_name(params["pid"], params["scope_name"]))
    except OsgiError as exc:
        module.fail_json(msg=to_native(exc), **result)
    result["path"] = path

    desired, secret_names = {}, set()
    try:
        for source, secret in ((params["properties"], False), (params["secret_properties"], True)):
            for name, value in source.items():
                check_attribute(name)
                if name in desired:
                    raise OsgiError("attribute '%s' is given in both properties and secret_properties" % name)
                desired[name] = _normalise(value, name, secret)
                if secret:
                    secret_names.add(name)
        if (
            params["scope_name"]
            and params["state"] == "present"
            and not ("companyWebId" in desired or "companyId" in desired)
        ):
            raise OsgiError(
                "scope_name is set but no companyWebId or companyId property names the instance: "
                "Liferay would not know which instance the file is for"
            )
        new_text = render_config(desired, params["header"]) if params["state"] == "present" else ""
    except OsgiError as exc:
        module.fail_json(msg=to_native(exc), **result)

    directory = params["configs_dir"]
    if not os.path.isdir(directory):
        if params["state"] == "absent":
            module.exit_json(**result)
        if not params["create_dir"]:
            module.fail_json(
                msg="the directory %s does not exist: it is LIFERAY_HOME/osgi/configs (check the Liferay home), "
                "or set create_dir for a directory to mount into a container" % directory,
                **result,
            )
        if not module.check_mode:
            os.makedirs(directory, mode=0o750)
            module.set_owner_if_different(directory, params["owner"], False)
            module.set_group_if_different(directory, params["group"], False)
        result["changed"] = True

    if os.path.lexists(path) and not os.path.isfile(path):
        module.fail_json(msg="%s exists but is not a regular file" % path, **result)
    exists, before_text = read_text(path)
    current, problems = parse_config(before_text) if exists else ({}, [])
    result["problems"] = problems

    wanted = {name: comparable(value) for name, value in desired.items()}
    result["added"] = sorted(name for name in wanted if name not in current)
    result["updated"] = sorted(name for name in wanted if name in current and current[name] != wanted[name])
    result["removed"] = sorted(name for name in current if name not in wanted)

    if module._diff:
        changed_secrets = set(result["added"]) | set(result["updated"])
        result["diff"] = {
            "before_header": path if exists else "%s (absent)" % path,
            "after_header": path if params["state"] == "present" else "%s (absent)" % path,
            "before": masked_config(before_text, secret_names) if exists else "",
            "after": masked_config(new_text, secret_names, changed_secrets),
        }

    if params["state"] == "absent":
        remove_file(module, path, params["backup"], result)
        module.exit_json(**result)

    same_meaning = exists and not problems and current == wanted
    content_changed = not same_meaning
    dir_changed = result["changed"]
    put_file(module, path, exists, content_changed, new_text, params["backup"], result)
    result["changed"] = result["changed"] or dir_changed
    module.exit_json(**result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            configs_dir=dict(type="path", required=True),
            pid=dict(type="str", required=True),
            scope_name=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            properties=dict(type="dict", default={}),
            secret_properties=dict(type="dict", default={}, no_log=True),
            header=dict(
                type="str", default="Managed by Ansible (mail_session role): change the inventory, not this file"
            ),
            create_dir=dict(type="bool", default=False),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    run(module)


if __name__ == "__main__":
    main()
