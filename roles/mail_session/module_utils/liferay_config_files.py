# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing a whole file the way the role's modules do: check mode, backup, atomic, private from the start.

The same rules as liferay_portal_properties: a new file gets mode 0640 unless a mode is
given; the temporary file is created next to the destination with the final mode
already applied and then renamed over it, so a file holding a password is never
readable by others, not even for an instant; an existing file is tightened
(owner/group/mode) before the new content arrives.
"""

from __future__ import annotations

import os
import re
import tempfile

DEFAULT_MODE = 0o640


def read_text(path):
    """(exists, text) of *path*; bytes that are not UTF-8 survive as surrogate escapes."""
    if not os.path.exists(path):
        return False, ""
    with open(path, "rb") as handle:
        return True, handle.read().decode("utf-8", "surrogateescape")


def octal_mode(mode):
    if isinstance(mode, int):
        return mode
    if re.fullmatch(r"0?[0-7]{3,4}", str(mode)):
        return int(str(mode), 8)
    # symbolic modes: start private, set_fs_attributes applies the symbolic change after
    return 0o600


def write_atomically(module, path, text, mode):
    """Write *text* next to *path* with *mode* already set, then rename it over *path*."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8", "surrogateescape"))
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            # keeps the existing file's owner, group and SELinux context
            module.atomic_move(tmp, path, unsafe_writes=module.params.get("unsafe_writes", False))
        else:
            # atomic_move would reset a new file to 0666 & ~umask until the end of the run
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def put_file(module, path, exists, content_changed, text, backup, result):
    """Apply *text* to *path* (or only owner/group/mode when the content is right); sets result['changed'].

    Honours check mode. Returns the result dict.
    """
    file_args = module.load_file_common_arguments(module.params, path=path)
    if file_args["mode"] is None and not exists:
        file_args["mode"] = DEFAULT_MODE
    if module.check_mode:
        changed = content_changed
        if exists:
            changed = module.set_fs_attributes_if_different(file_args, changed)
        result["changed"] = changed
        return result
    if content_changed:
        if exists and backup:
            result["backup_file"] = module.backup_local(path)
        if exists:
            module.set_fs_attributes_if_different(file_args, False)
            mode = os.stat(path).st_mode & 0o7777
        else:
            mode = octal_mode(file_args["mode"])
        write_atomically(module, path, text, mode)
    result["changed"] = module.set_fs_attributes_if_different(file_args, content_changed)
    return result


def remove_file(module, path, backup, result):
    """Delete *path* if it exists (after an optional backup); honours check mode."""
    if not os.path.lexists(path):
        result["changed"] = False
        return result
    result["changed"] = True
    if module.check_mode:
        return result
    if backup:
        result["backup_file"] = module.backup_local(path)
    os.unlink(path)
    return result
