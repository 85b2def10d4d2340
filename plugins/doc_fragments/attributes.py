# Copyright: contributors to the liferay_ops.mail collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check-mode and diff-mode attributes every module of the collection documents."""

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
