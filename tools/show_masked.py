#!/usr/bin/env python3
"""Print a properties file with the values of secret-looking keys masked (`make run` shows portal-ext.properties).

The mask and the pattern of secret names are the collection's own (plugins/module_utils/masking.py), so what
`make run` hides is what the modules hide in their diffs.

    python tools/show_masked.py .run/liferay/portal-ext.properties
"""

from __future__ import annotations

import re
import sys

from dev_collection import ensure

sys.path.insert(0, str(ensure()))

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, is_secret_key

# key, separator and value of a properties line (comments and continuation lines are printed as they are)
_LINE = re.compile(r"^(\s*)([^#!\s=:][^=:\s]*)(\s*[=:\s]\s*)(.*)$")


def _continues(line: str) -> bool:
    """An odd number of backslashes at the end: the value goes on on the next line."""
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def masked(text: str) -> str:
    out = []
    continued = secret = False
    for line in text.splitlines():
        if continued:
            # the rest of a value: dropped when it is a secret's
            continued = _continues(line)
            if not secret:
                out.append(line)
            continue
        match = None if line.lstrip().startswith(("#", "!")) else _LINE.match(line)
        continued = bool(match) and _continues(line)
        secret = bool(match) and is_secret_key(match.group(2))
        if secret:
            line = "%s%s%s%s" % (match.group(1), match.group(2), match.group(3).rstrip() or "=", MASK)
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def main(argv: list[str]) -> int:
    for path in argv:
        with open(path, encoding="iso-8859-1") as handle:
            sys.stdout.write(masked(handle.read()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
