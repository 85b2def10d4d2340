# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeping the passwords out of what mail_session_verify reports, even when a server echoes them back.

Standard library only.
"""

from __future__ import annotations

import base64

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK


def secret_forms(secrets, users):
    """Every way a password may show up in a server's or library's text: raw, escaped, quoted, base64."""
    forms = set()
    for secret in secrets:
        if not secret:
            continue
        raw = secret.encode("utf-8")
        forms.update(
            {
                secret,
                secret.encode("unicode_escape").decode("ascii"),
                repr(secret)[1:-1],
                repr(raw)[2:-1],
                secret.replace("\\", "\\\\").replace('"', '\\"'),
                raw.decode("latin-1"),
                base64.b64encode(raw).decode("ascii"),
            }
        )
        for user in {*users, ""}:
            for blob in ("\0%s\0%s" % (user, secret), "%s\0%s" % (user, secret)):
                forms.add(base64.b64encode(blob.encode("utf-8")).decode("ascii"))
    return sorted((form for form in forms if form), key=len, reverse=True)


def scrub(value, forms):
    if isinstance(value, str):
        for form in forms:
            if form in value:
                value = value.replace(form, MASK)
        return value
    if isinstance(value, dict):
        return {key: scrub(item, forms) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, forms) for item in value]
    return value
