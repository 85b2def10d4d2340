#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: osgi_config
short_description: Write one Liferay OSGi configuration file (.config) exactly as Liferay reads it
version_added: "1.1.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
description:
  - Writes C(<configs_dir>/<pid>.config), or C(<configs_dir>/<pid>.scoped~<scope_name>.config) for one
    instance, in the typed C(.config) syntax Liferay's file installer reads (DXP 2025.Q4+ / Portal 2026+
    keep their mail settings there, in C(LIFERAY_HOME/osgi/configs)).
  - "Types come from the values: a string is written C(\"...\"), a boolean C(B\"true\"), an integer
    C(L\"20097\") (Long), a list of strings C([\"a\",\"b\"]). A value C({env: LIFERAY_NAME}) is written
    C(\"${LIFERAY_NAME}\"): Liferay reads it from its environment at startup, so the secret never lands on disk.
    The name must start with C(LIFERAY_): DXP 2025.Q4+ / Portal 2026 substitute C(${NAME}) from the environment
    only for such names (otherwise from a system property, else with nothing; C(${env:NAME}) reads as empty)."
  - Every other C($), C({), C(}), C(\), C(\"), C(=), space, control and non-ASCII character is escaped, so a
    password containing C(${) is read literally and never interpolated (see module_utils/codecs/osgi_config.py
    for the evidence behind each escape). The file is pure ASCII.
  - The module owns the whole file. Attributes not given are removed (reported in RV(removed)); the
    one comment line Liferay accepts at the top is the O(header). The file is compared by meaning, not
    bytes, and written in canonical form (sorted, one C(name=value) per line). A file that means the same
    in another layout (Liferay's own writer uses CRLF and splits arrays over lines) is not drift, but is
    still normalised - rewritten in canonical form, reported in RV(normalised).
  - "Drift: when the file carries the role's O(header) (the mark of a file this module wrote; Liferay keeps
    that comment when it writes the file back) and its values differ from what the module writes, the
    module returns RV(drift) and the names in RV(drift_attributes) (never values) and warns, naming the
    file, before it rewrites it. Liferay 2026 writes a System or Instance Settings save back into the
    C(.config) it came from when it can write that file (C(FileSyncConfigurationListener),
    portal-file-install-impl); see O(read_only). Judged by content only, without state: a value changed in
    the inventory since the last run is listed too, and a file Liferay deleted (Reset Default Values
    deletes it) is simply written again."
  - Runs with the Python standard library only.
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
    description:
      - C(present) writes the file, C(absent) removes it.
      - When the file is a symlink, C(absent) removes the link only; the file it points to (for example in a
        configuration repository) is left untouched and is not backed up. A dangling link is removed too.
    type: str
    choices: [present, absent]
    default: present
  properties:
    description:
      - "The configuration's attributes (OSGi calls them properties) and their values - string, boolean, integer,
        list of strings, or C({env: LIFERAY_NAME})."
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
  read_only:
    description:
      - Make the file one Liferay can read but not write - owner C(root), group O(group) or else the group of
        O(configs_dir) (the Liferay user's), mode O(mode) or C(0640), never writable by group or others. A
        O(owner) other than root, or a mode that lets the group write or not read, is refused; so is a
        new O(configs_dir) without O(group).
      - "What Liferay then does: C(ConfigurationFileInstaller) marks a configuration whose file it cannot write
        C(READ_ONLY) (when it installs the file: at startup or when the file changes); System and Instance
        Settings show \"this configuration is read-only\" without a Save button (C(edit_configuration.jsp)),
        OSGi refuses C(update) and C(delete), and C(FileSyncConfigurationListener) writes nothing back.
        Liferay must not run as root (root can write any file)."
    type: bool
    default: false
notes:
  - Liferay reads a changed file while running, but MailServiceImpl caches mail sessions; restart Liferay
    (or save the settings once in the UI) for a change to take effect.
  - Liferay substitutes C(${LIFERAY_NAME}) into the raw line and parses the result as C(.config) text, and
    substitutes again, so the variable's value must not contain C("), C(\) or C(${). An unset variable gives
    an empty value; a JVM system property of the same name would win over the variable. See
    docs/osgi-environment-references.md.
extends_documentation_fragment:
  - ansible.builtin.files
  - liferay_ops.mail.attributes
  - liferay_ops.mail.files
"""

EXAMPLES = r"""
- name: Outgoing mail for every instance of a Liferay DXP 2026 server
  liferay_ops.mail.osgi_config:
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
  liferay_ops.mail.osgi_config:
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
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
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
drift:
  description:
    - True when the file carries the role's O(header) and its values differ from what the module writes
      (changed since the module wrote it, by Liferay's write-back of a UI save or by hand); a warning names
      the file. Always false for O(state=absent) and for a file without the header.
  returned: always
  type: bool
drift_attributes:
  description: The attributes whose values differ (added, changed or removed), when RV(drift); names only.
  returned: always
  type: list
  elements: str
normalised:
  description: The file meant the same but was laid out otherwise, and is rewritten in canonical form.
  returned: always
  type: bool
"""

import grp
import os
import re
from typing import ClassVar

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    OsgiError,
    as_value,
    check_attribute,
    comparable,
    masked_config,
    parse_config,
    render_config,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import (
    FileWriter,
    header_option,
    merge_properties,
    property_options,
    state_option,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import config_file_name


def _normalise(name, value, secret):
    try:
        value = as_value(value)
    except OsgiError as exc:
        raise OsgiError("%s: %s" % (name, exc)) from None
    if isinstance(value, float):
        raise OsgiError("%s: floating point values are not supported; write the number as a string" % name)
    if isinstance(value, list):
        return [as_value(item) for item in value]
    if value is None:
        what = "the secret value" if secret else "the value"
        raise OsgiError("%s: %s is empty (null); give a string, or leave the attribute out" % (name, what))
    return value


def written_by_module(text, header):
    """Whether *text* carries the comment line this module writes for *header* (its mark on the file).

    Liferay keeps the first comment line when it writes a file back (TypedProperties, portal-file-install);
    with an empty header the module writes no comment, so a file without any comment line counts.
    """
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    if not header:
        return not comments
    return bool(comments) and comments[0] == render_config({}, header).strip()


def drift_warning(path, names, check_mode):
    return (
        "%s was changed since the role wrote it: %s differ from what the role writes (a System or Instance "
        "Settings save that Liferay wrote back into the file, an edit by hand, or a change of your own in the "
        "inventory). The role %s the file, which reverts them; with mail_session_osgi_config_mode: read_only "
        "Liferay cannot write it" % (path, ", ".join(names), "would rewrite" if check_mode else "rewrites")
    )


_OCTAL_MODE_RE = re.compile(r"^0?[0-7]{3,4}$")


def apply_read_only(module, directory, result):
    """Owner root, group given or the directory's, mode readable but not writable by the group (read_only).

    ConfigurationFileInstaller (portal-file-install-impl) marks the configuration of a file that Liferay
    cannot write (File.canWrite) READ_ONLY; FileSyncConfigurationListener then writes nothing back.
    """
    params = module.params
    if params["owner"] not in (None, "", "root", "0"):
        module.fail_json(
            msg="read_only: the file belongs to root so that Liferay cannot write it, but owner %s was given"
            % params["owner"],
            **result,
        )
    params["owner"] = "root"
    if not params["group"]:
        if not os.path.isdir(directory):
            module.fail_json(
                msg="read_only: give the group Liferay runs with (group): the directory %s does not exist yet, so "
                "its group cannot be taken" % directory,
                **result,
            )
        gid = os.stat(directory).st_gid
        try:
            params["group"] = grp.getgrgid(gid).gr_name
        except KeyError:
            params["group"] = str(gid)
    mode = params["mode"]
    if mode is None:
        params["mode"] = "0640"
        return
    if isinstance(mode, int):
        value = mode
    elif _OCTAL_MODE_RE.match(str(mode)):
        value = int(str(mode), 8)
    else:
        module.fail_json(msg="read_only needs an octal mode such as 0640, not %s" % mode, **result)
    if value & 0o022 or not value & 0o040:
        module.fail_json(
            msg="read_only: mode %s must let the group (Liferay) read and nobody but root write, e.g. 0640" % mode,
            **result,
        )


class OsgiConfig(FileWriter):
    """One .config file, owned whole and written in canonical form (codecs/osgi_config.py)."""

    options: ClassVar[dict] = dict(
        configs_dir=dict(type="path", required=True),
        pid=dict(type="str", required=True),
        scope_name=dict(type="str"),
        state=state_option(),
        **property_options(),
        header=header_option(),
        create_dir=dict(type="bool", default=False),
        read_only=dict(type="bool", default=False),
    )
    results: ClassVar[dict] = dict(
        added=[], updated=[], removed=[], problems=[], drift=False, drift_attributes=[], normalised=False
    )
    errors = (OsgiError,)

    def start(self):
        params = self.params
        self.path = os.path.join(params["configs_dir"], config_file_name(params["pid"], params["scope_name"]))
        self.result["path"] = self.path
        self.present = params["state"] == "present"
        self.desired, self.secret_names = merge_properties(params, _normalise, check_attribute, "attribute '%s'")
        names_instance = "companyWebId" in self.desired or "companyId" in self.desired
        if params["scope_name"] and self.present and not names_instance:
            raise OsgiError(
                "scope_name is set but no companyWebId or companyId property names the instance: "
                "Liferay would not know which instance the file is for"
            )
        self.text = render_config(self.desired, params["header"]) if self.present else ""
        if params["read_only"] and self.present:
            apply_read_only(self.module, params["configs_dir"], self.result)
        self.make_directory()

    def make_directory(self):
        directory = self.params["configs_dir"]
        if os.path.isdir(directory):
            return
        if not self.present:
            self.exit()
        if not self.params["create_dir"]:
            self.fail(
                "the directory %s does not exist: it is LIFERAY_HOME/osgi/configs (check the Liferay home), "
                "or set create_dir for a directory to mount into a container" % directory
            )
        if not self.module.check_mode:
            os.makedirs(directory, mode=0o750)
            self.module.set_owner_if_different(directory, self.params["owner"], False)
            self.module.set_group_if_different(directory, self.params["group"], False)
        self.result["changed"] = True

    def locate(self):
        if not self.present and os.path.islink(self.path):
            # only the link is removed; what it points to is read for the diff when it is a file
            return self.path if os.path.isfile(self.path) else None
        return super().locate()  # a symlink is written through

    def plan(self, before):
        result = self.result
        current, problems = parse_config(before) if self.exists else ({}, [])
        result["problems"] = problems
        wanted = {name: comparable(value) for name, value in self.desired.items()}
        self.compare(current, wanted)
        if not self.present:
            return None

        differing = sorted(set(result["added"]) | set(result["updated"]) | set(result["removed"]))
        if self.exists and differing and written_by_module(before, self.params["header"]):
            result["drift"], result["drift_attributes"] = True, differing
            self.module.warn(drift_warning(self.path, differing, self.module.check_mode))

        same_meaning = self.exists and not problems and current == wanted
        # the same values in another layout: no drift, but the file is normalised to the canonical text
        result["normalised"] = same_meaning and before != self.text
        self.rewrite = not same_meaning or result["normalised"]
        return self.text

    def masked(self, text, changed=()):
        return masked_config(text, self.secret_names, changed)

    def content_changed(self, before, after):
        return self.rewrite


def main():
    OsgiConfig.execute()


if __name__ == "__main__":
    main()
