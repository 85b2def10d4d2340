#!/usr/bin/env python3
"""This checkout as the installed collection liferay_ops.mail, for `make run` and the tests.

Ansible finds a collection only as ansible_collections/<namespace>/<name> in a collections path.
This makes .run/collections/ansible_collections/liferay_ops/mail a symlink to the checkout, so
ANSIBLE_COLLECTIONS_PATH=.run/collections runs the working tree's code (and Python can import
ansible_collections.liferay_ops.mail.plugins...). Prints the collections path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / ".run" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "liferay_ops" / "mail"


def ensure():
    """Create (or repair) the link; return the collections path."""
    target = os.path.relpath(ROOT, LINK.parent)
    if LINK.is_symlink() and os.readlink(LINK) == target:
        return COLLECTIONS
    LINK.parent.mkdir(parents=True, exist_ok=True)
    if LINK.is_symlink() or LINK.exists():
        LINK.unlink()
    LINK.symlink_to(target, target_is_directory=True)
    return COLLECTIONS


if __name__ == "__main__":
    sys.stdout.write("%s\n" % ensure())
