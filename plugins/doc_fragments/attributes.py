# Copyright: contributors to the liferay_ops.mail collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check-mode and diff-mode attributes every module of the collection documents.

``liferay_ops.mail.attributes`` describes them; a module then says how far it supports them:
``liferay_ops.mail.attributes.read_only`` for a module that changes nothing (check mode, no diff),
``liferay_ops.mail.files`` for one that writes a file (check mode and diff), or its own
``attributes:`` block. A module's own keys (``details``) are merged into the fragments'.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return what it would change, without changing anything.
  diff_mode:
    description: Returns details on what it changed (or would change in check mode) with C(--diff), secrets masked.
"""

    # Changes nothing: runs in check mode as it does otherwise, and has no diff to show.
    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""
