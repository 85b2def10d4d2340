# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing a whole file the way the role's modules do: check mode, backup, atomic, private from the start.

The same rules as portal_properties: a new file gets mode 0640 unless a mode is
given; the temporary file is created next to the destination with the final mode
already applied and then renamed over it, so a file holding a password is never
readable by others, not even for an instant; an existing file is tightened
(owner/group/mode) before the new content arrives.

Symbolic links are written through, never replaced: a ``portal-ext.properties`` that is a
link into a configuration repository stays a link and the file it points to gets the new
text. Every step works on the resolved target (``os.path.realpath``): its owner, group and
mode are read and set, its backup is made next to it, and the temporary file is created in
the target's directory so that the rename is atomic on the target's file system. A dangling
link creates its target when the target's directory exists; a link loop, or a dangling link
into a missing directory, fails with a message naming the link and the target.
``remove_file`` removes a link itself and leaves the file it points to alone.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile

DEFAULT_MODE = 0o640


class ConfigFileError(Exception):
    """The destination cannot be written (a symlink loop, a dangling link into a missing directory)."""


def resolve_destination(path):
    """The file a write to *path* changes: *path* itself, or the end of its chain of symbolic links.

    A missing *path* (or a dangling link) resolves to the path that would be created; a dangling
    link whose target directory does not exist, and a symlink loop, raise ConfigFileError.
    """
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigFileError(
                "%s is a symbolic link loop (%s): fix or remove the link" % (path, _link_chain(path))
            ) from None
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            raise ConfigFileError("cannot follow %s: %s" % (path, exc.strerror)) from None
    target = os.path.realpath(path)
    if os.path.islink(path) and not os.path.exists(target):
        directory = os.path.dirname(target)
        if not os.path.isdir(directory):
            raise ConfigFileError(
                "%s is a symbolic link to %s, which does not exist, and its directory %s does not exist "
                "either: create the directory or fix the link" % (path, target, directory)
            )
    return target


def _link_chain(path, limit=40):
    """'a -> b -> a' for a message about a link loop (up to the first link seen twice)."""
    chain, current = [path], path
    seen = {os.path.abspath(path)}
    for _dummy in range(limit):
        if not os.path.islink(current):
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
        chain.append(current)
        if os.path.abspath(current) in seen:
            break
        seen.add(os.path.abspath(current))
    else:
        chain.append("...")
    return " -> ".join(chain)


def destination(module, path, result):
    """resolve_destination(*path*), or fail the module with the reason (and *result*)."""
    try:
        return resolve_destination(path)
    except ConfigFileError as exc:
        module.fail_json(msg=str(exc), **result)


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
    """Write *text* next to *path* with *mode* already set, then rename it over *path*.

    A symbolic link is followed: the temporary file goes next to the file it points to and is
    renamed over that file; the link stays.
    """
    path = resolve_destination(path)
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

    Honours check mode. Returns the result dict. *path* may be a symbolic link: the file it points
    to is written (see resolve_destination), and owner/group/mode apply to that file.
    """
    path = destination(module, path, result)
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
    """Delete *path* if it exists (after an optional backup); honours check mode.

    A symbolic link (also a dangling one or a loop) is removed itself; the file it points to is
    left untouched and not backed up, since nothing of its content is lost.
    """
    if not os.path.lexists(path):
        result["changed"] = False
        return result
    result["changed"] = True
    if module.check_mode:
        return result
    if os.path.islink(path):
        os.unlink(path)
        return result
    if backup:
        result["backup_file"] = module.backup_local(path)
    os.unlink(path)
    return result
