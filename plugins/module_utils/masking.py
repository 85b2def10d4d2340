# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets in what the role shows: the one mask, and the one pattern of names that hold a secret.

A value is a secret when the caller names its key as one, or when the key (a portal property,
a ``.config`` attribute, a JavaMail key, an XML attribute) looks like a secret's name:
:data:`SECRET_KEY`. Diffs, module results and messages show a secret's value as :data:`MASK`.
Every codec and module takes both from here. Standard library only (it runs on the targets).
"""

from __future__ import annotations

import re

MASK = "********"

# The words that make a name a secret's, in any case: SECRET_KEY searches a key for them
# (codecs/xml_document.py adds WildFly's credential-reference clear-text for its attributes).
# Words of key names, not a password (S105).
SECRET_WORDS = "password|passwd|secret|credential|token"  # noqa: S105
SECRET_KEY = re.compile(r"(?i)(%s)" % SECRET_WORDS)


def is_secret_key(key, secret_keys=()):
    """Whether the value of *key* is a secret: *key* is one of *secret_keys*, or its name looks like a secret's."""
    return key in secret_keys or bool(SECRET_KEY.search(key))
