# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one skeleton of the modules that write a configuration file: read, plan, diff, check mode, write.

Every file-writing module of the collection (portal_properties, osgi_config, docker_env_file,
tomcat_mail_resource, wildfly_mail_session) is a subclass of :class:`FileWriter` and its ``main`` is
``Subclass.execute()``. :meth:`FileWriter.run` is the flow they share, in this order:

1. :meth:`~FileWriter.start` - check the parameters and work out what to write, before the file is
   looked at (sets ``self.path``, the file as given);
2. :meth:`~FileWriter.locate` - resolve ``self.path`` through its symbolic links as
   files/config_files.py does (a link is written through, never replaced) and refuse what is not a
   regular file;
3. :meth:`~FileWriter.missing` - only when the file does not exist: leave (nothing to do), fail, or
   go on and create it;
4. read the current text (``""`` for a missing file) and :meth:`~FileWriter.plan` the new text from
   it (the module parses, edits, renders and reads its result back; ``None`` removes the file);
5. the diff, every secret masked by :meth:`~FileWriter.masked` (masking.MASK);
6. config_files.put_file (check mode, backup, atomic write with mode/owner/group applied first) or
   config_files.remove_file, then exit with the result (through :meth:`~FileWriter.finish`).

A subclass supplies only what is its own: ``options`` (its argument spec; ``backup`` and the file
arguments mode/owner/group/... are added here), ``results`` (its result keys and their starting
values), ``errors`` (the exceptions of its codec, whose message becomes the module's ``msg``) and
the hooks above. The result always holds ``changed`` and ``path``, ``diff`` with ``--diff``, and
``backup_file`` when a backup was made; a failure returns the result as far as it got.

The argument-spec pieces several modules share are here too (:func:`path_option`,
:func:`state_option`, :func:`property_options`, :func:`create_option`, :func:`header_option`), and so is the merge of
``properties`` and ``secret_properties`` that refuses a name given in both (:func:`merge_properties`).

Runs on the targets: standard library and ansible.module_utils only.
"""

from __future__ import annotations

import copy
import os
from typing import ClassVar

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.liferay_ops.mail.plugins.module_utils.files.config_files import (
    destination,
    put_file,
    read_text,
    remove_file,
)


class WriterError(Exception):
    """A request the module refuses; the message is the module's ``msg``."""


def path_option(aliases=("dest",)):
    """The ``path`` option: the file to write (a symlink is written through)."""
    spec = dict(type="path", required=True)
    if aliases:
        spec["aliases"] = list(aliases)
    return spec


def state_option():
    return dict(type="str", default="present", choices=["present", "absent"])


def create_option():
    """The ``create`` option: whether a missing file may be created (see FileWriter.require_create)."""
    return dict(type="bool", default=True)


def header_option():
    """The ``header`` option of a module that owns the whole file: its one comment line."""
    return dict(type="str", default="Managed by Ansible (mail_session role): change the inventory, not this file")


def property_options():
    """``properties`` and ``secret_properties`` (hidden from Ansible's output)."""
    return dict(
        properties=dict(type="dict", default={}),
        secret_properties=dict(type="dict", default={}, no_log=True),
    )


def merge_properties(params, convert, check_name=None, name="key '%s'"):
    """``({name: value}, {secret names})`` of ``properties`` followed by ``secret_properties``.

    For each name: ``check_name(name)`` first (it raises the module's own error), then a name given
    in both options raises WriterError "<name> is given in both properties and secret_properties"
    (*name* is how the message names it: ``key '%s'``, ``attribute %r``), then the value is
    ``convert(name, value, secret)``.
    """
    merged, secret_names = {}, set()
    for source, secret in ((params["properties"], False), (params["secret_properties"], True)):
        for key, value in source.items():
            if check_name is not None:
                check_name(key)
            if key in merged:
                raise WriterError("%s is given in both properties and secret_properties" % (name % (key,)))
            merged[key] = convert(key, value, secret)
            if secret:
                secret_names.add(key)
    return merged, secret_names


class FileWriter:
    """One run of a file-writing module; subclass it and override the hooks (see the module docstring)."""

    options: ClassVar[dict] = {}  # the module's own argument spec
    module_options: ClassVar[dict] = {}  # further keywords of AnsibleModule (required_if, ...)
    results: ClassVar[dict] = {}  # the module's own result keys with their starting values
    errors = ()  # exceptions whose message is the module's msg
    not_a_file = "%s exists but is not a regular file"
    new_file_mode = None  # mode of a new file when no mode is given; None: config_files.DEFAULT_MODE

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.result = dict(changed=False, **copy.deepcopy(self.results))
        self.path = None  # the file as given: messages, diff headers, result['path']
        self.target = None  # the file that is read and written: self.path with its links resolved
        self.exists = False

    @classmethod
    def argument_spec(cls):
        return dict(copy.deepcopy(cls.options), backup=dict(type="bool", default=False))

    @classmethod
    def execute(cls):
        """The module's main: build the AnsibleModule and run."""
        module = AnsibleModule(
            argument_spec=cls.argument_spec(),
            add_file_common_args=True,
            supports_check_mode=True,
            **copy.deepcopy(cls.module_options),
        )
        cls(module).run()

    # -- the flow -----------------------------------------------------------------

    def run(self):
        try:
            self.start()
            self.target = self.locate()
            self.exists = self.target is not None and os.path.exists(self.target)
            if not self.exists:
                self.missing()
            before = self.read() if self.exists else ""
            after = self.plan(before)
        except (WriterError, *self.errors) as exc:
            self.fail(to_native(exc))
        if self.module._diff:
            self.result["diff"] = self.diff(before, after)
        self.write(before, after)
        self.exit()

    def read(self):
        try:
            return read_text(self.target)[1]
        except OSError as exc:
            self.fail("cannot read %s: %s" % (self.path, exc))

    def diff(self, before, after):
        absent = "%s (absent)" % self.path
        return {
            "before_header": self.path if self.exists else absent,
            "after_header": self.path if after is not None else absent,
            "before": self.masked(before) if self.exists else "",
            "after": self.masked(after, self.changed_names()) if after is not None else "",
        }

    def write(self, before, after):
        if after is None:
            remove_file(self.module, self.path, self.params["backup"], self.result)
            return
        if self.new_file_mode is not None and self.params["mode"] is None and not self.exists:
            self.params["mode"] = self.new_file_mode
        changed = self.result["changed"]  # what start() changed already (a directory it created)
        content_changed = self.content_changed(before, after)
        put_file(self.module, self.target, self.exists, content_changed, after, self.params["backup"], self.result)
        self.result["changed"] = self.result["changed"] or changed

    def fail(self, msg):
        self.module.fail_json(msg=msg, **self.result)

    def exit(self):
        self.module.exit_json(**self.finish(self.result))

    # -- the hooks ----------------------------------------------------------------

    def start(self):
        """Check the parameters and work out what to write; sets self.path (default: the path option)."""
        self.path = self.result["path"] = self.params["path"]

    def locate(self):
        """The file to read and write (None: none to read); a symlink resolves to the file it points to."""
        target = destination(self.module, self.path, self.result)
        if os.path.lexists(target) and not os.path.isfile(target):
            self.fail(self.not_a_file % self.path)
        return target

    def missing(self):
        """The file does not exist: return to create it, or exit / fail (default: create it)."""

    def plan(self, before):
        """The new text of the file from its current text *before* (None removes the file)."""
        raise NotImplementedError

    def masked(self, text, changed=()):
        """*text* for the diff, every secret masked; *changed*: the names whose value changes."""
        raise NotImplementedError

    def compare(self, current, wanted):
        """Set the result's added, updated and removed from the *current* and *wanted* {name: value} of a whole file."""
        self.result["added"] = sorted(name for name in wanted if name not in current)
        self.result["updated"] = sorted(name for name in wanted if name in current and current[name] != wanted[name])
        self.result["removed"] = sorted(name for name in current if name not in wanted)

    def changed_names(self):
        """The names whose value changes, marked in the masked diff: added and updated."""
        return set(self.result.get("added", ())) | set(self.result.get("updated", ()))

    def content_changed(self, before, after):
        return not self.exists or before != after

    def finish(self, result):
        """The result the module exits with."""
        return result

    # -- helpers for the hooks ----------------------------------------------------

    def require_create(self):
        """In missing(): fail unless the create option allows a new file."""
        if not self.params["create"]:
            self.fail("%s does not exist and create=false" % self.path)

    def require_directory(self, message):
        """In missing(): fail with *message* (``%s`` is the directory) when the file's directory is missing."""
        parent = os.path.dirname(self.target) or "."
        if not os.path.isdir(parent):
            self.fail(message % parent)
