# Copyright: contributors to the liferay_ops.mail collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every file-writing module of the collection shares: the backup option, how it writes, check and diff mode.

The modules are files/writer.py's FileWriter; they list ``ansible.builtin.files`` (mode, owner, group,
...) and ``liferay_ops.mail.attributes`` (what check and diff mode mean) with this fragment.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  backup:
    description: Keep a timestamped copy of the file before changing (or removing) it.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - A new file is created with mode C(0640) unless O(mode) is given. The temporary file is created next to the
    destination (the target of a symlink) with the final mode already applied, written, synced and renamed over it,
    so a file holding a password is never readable by others, not even for an instant.
  - A symlink is followed - the file it points to is rewritten in place and the link stays. Owner, group and mode
    are those of that file (and O(mode), O(owner), O(group) are applied to it); its backup and the temporary file are
    made in its directory. A dangling link creates the file it points to when that file's directory exists.
"""
