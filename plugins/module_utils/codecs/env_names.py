# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``LIFERAY_*`` environment variables: portal properties the way Liferay reads them from its environment.

The name codec (portal property key <-> ``LIFERAY_*`` name), the value codec (what Commons
Configuration makes of the value) and the ``docker run --env-file`` file that carries them
(Docker deployments). Pure functions, Python standard library only, used on the controller
(validation, rendering) and by modules on the targets (encoding, reading).

Sources:

* ``ComponentPropertiesUtil._decode`` (liferay/liferay-portal, portal-impl) and ``CharPool`` (petra-string): how
  ``LIFERAY_*`` environment variable names are decoded into portal property keys;
* docker/cli ``opts/file.go``: how ``docker run --env-file`` reads the file (:func:`env_file_lines`).
"""

from __future__ import annotations

import re
import unicodedata

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, is_secret_key

# CharPool's char constants by character, field names without '_' as the decoder
# looks them up. Where CharPool has two names for a character the first one listed is
# written ('-' as MINUS, as in the reference; '/' as SLASH); the decoder accepts every name.
_CHARPOOL = {
    "&": ["AMPERSAND"],
    "'": ["APOSTROPHE"],
    "\u066b": ["ARABICDECIMALSEPARATOR"],
    "@": ["AT"],
    "\\": ["BACKSLASH"],
    "^": ["CARET"],
    "]": ["CLOSEBRACKET"],
    "}": ["CLOSECURLYBRACE"],
    ")": ["CLOSEPARENTHESIS"],
    ":": ["COLON"],
    ",": ["COMMA"],
    "-": ["MINUS", "DASH"],
    "\u007f": ["DELETE"],
    "$": ["DOLLAR"],
    "=": ["EQUAL"],
    "!": ["EXCLAMATION"],
    "\u2007": ["FIGURESPACE"],
    "/": ["SLASH", "FORWARDSLASH"],
    ">": ["GREATERTHAN"],
    "<": ["LESSTHAN"],
    "\u202f": ["NARROWNOBREAKSPACE"],
    "\n": ["NEWLINE"],
    "\u00a0": ["NOBREAKSPACE"],
    "[": ["OPENBRACKET"],
    "{": ["OPENCURLYBRACE"],
    "(": ["OPENPARENTHESIS"],
    "%": ["PERCENT"],
    ".": ["PERIOD"],
    "|": ["PIPE"],
    "+": ["PLUS"],
    "#": ["POUND"],
    "`": ["PRIME"],
    "?": ["QUESTION"],
    '"': ["QUOTE"],
    "\u00bb": ["RAQUO"],
    "\r": ["RETURN"],
    ";": ["SEMICOLON"],
    " ": ["SPACE"],
    "*": ["STAR"],
    "\t": ["TAB"],
    "~": ["TILDE"],
    "_": ["UNDERLINE"],
}
for _letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _CHARPOOL[_letter] = ["UPPERCASE" + _letter]
    _CHARPOOL[_letter.lower()] = ["LOWERCASE" + _letter]
for _digit in "0123456789":
    _CHARPOOL[_digit] = ["NUMBER" + _digit]
CHARPOOL_CHARS = {name: char for char, names in _CHARPOOL.items() for name in names}

ENV_PREFIX = "LIFERAY_"


def env_name(key):
    """The ``LIFERAY_*`` environment variable Liferay decodes into the portal property *key*.

    Lower-case letters are written upper-case (the decoder lower-cases the whole name);
    every other character is written ``_<CharPool name>_`` (``.`` ``_PERIOD_``, ``F``
    ``_UPPERCASEF_``, ``3`` ``_NUMBER3_``), or ``_<decimal code point>_`` when CharPool
    has no name for it.
    """
    if not isinstance(key, str) or not key:
        raise OsgiError("a portal property key is needed")
    out = [ENV_PREFIX]
    for ch in key:
        if "a" <= ch <= "z":
            out.append(ch.upper())
        elif ch in _CHARPOOL:
            out.append("_%s_" % _CHARPOOL[ch][0])
        else:
            out.append("_%d_" % ord(ch))
    return "".join(out)


def _java_is_defined(code):
    if code < 0 or code > 0x10FFFF:
        return False
    return unicodedata.category(chr(code)) != "Cn"


def decode_env_name(name):
    """The portal property Liferay reads from environment variable *name* (None if not LIFERAY_*).

    A transcription of ``ComponentPropertiesUtil._decode``: strip ``LIFERAY_``,
    lower-case, then every ``_token_`` pair is a CharPool name (compared upper-case) or
    a decimal code point; an undecodable token is kept literally, underscores included.
    """
    if not name.startswith(ENV_PREFIX):
        return None
    s = name[len(ENV_PREFIX) :].lower()
    out = []
    index, open_underline, position = -1, -1, 0
    while True:
        index = s.find("_", index + 1)
        if index == -1:
            break
        if open_underline == -1:
            out.append(s[position:index])
            open_underline = index
            position = index
            continue
        encoded = s[open_underline + 1 : index]
        character = CHARPOOL_CHARS.get(encoded.upper())
        if character is None:
            value = int(encoded) if re.fullmatch(r"-?[0-9]+", encoded.strip()) else -1
            if _java_is_defined(value):
                out.append(chr(value))
            else:
                out.append(s[open_underline : index + 1])
        else:
            out.append(character)
        open_underline = -1
        position = index + 1
    out.append(s[position:])
    return "".join(out)


def _split_escape(text):
    return text.replace("\\", "\\\\").replace(",", "\\,")


def encode_env_value(value):
    """The environment variable value that Liferay reads back as the portal property *value*.

    ``ComponentPropertiesUtil`` calls ``setProperty(key, value)`` on Commons Configuration:
    no file escapes apply, but a value with a comma is split into a list (pieces trimmed,
    ``\\,`` and ``\\\\`` unescaped) *twice* (once by the composite configuration, once by
    its in-memory configuration), and a single value is interpolated (``$${`` reads as
    ``${``). So ``${`` is written ``$${``, and when the value holds a comma its
    backslashes and commas are escaped for both splits. A value with a comma whose first
    or last character is whitespace or a control character cannot be stored.
    """
    if isinstance(value, (list, tuple)):
        # a list (mail.send.blacklist): Commons Configuration splits the unescaped commas
        for item in value:
            if not isinstance(item, str) or not item or "${" in item or any(ch <= " " or ch in ",\\" for ch in item):
                raise OsgiError(
                    "list elements must be non-empty and hold no whitespace, control character, ',', '\\' or '${'"
                )
        return ",".join(value)
    if not isinstance(value, str):
        raise OsgiError("environment values must be strings")
    text = value.replace("${", "$${")
    if "," not in value:
        return text
    if value[0] <= " " or value[-1] <= " ":
        raise OsgiError(
            "the value contains a comma and starts or ends with whitespace or a control character; "
            "Liferay trims such values, so it cannot be stored exactly"
        )
    return _split_escape(_split_escape(text))


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_ENV_LINE_MAX = 64 * 1024 - 1  # bufio.Scanner's default token limit in docker/cli's env-file reader


def env_file_lines(properties, secret_keys=()):
    """[(name, value, secret)] for a ``docker run --env-file`` file setting *properties*.

    The Docker CLI reads such a file line by line (``opts/file.go``): no quotes, no
    escapes, no trimming of values; a value cannot contain a line break (nor end in a
    carriage return, nor be invalid UTF-8, nor hold NUL, which no environment can).
    Such values are refused with the key named, never the value.
    """
    out = []
    for key in sorted(properties):
        what = "the value of %s" % key
        raw = properties[key]
        try:
            value = encode_env_value(list(raw) if isinstance(raw, (list, tuple)) else _text(raw))
        except OsgiError as exc:
            raise OsgiError("%s: %s" % (what, exc)) from None
        secret = is_secret_key(key, secret_keys)
        if any(ch in value for ch in "\n\r\x00"):
            raise OsgiError(
                "%s contains a line break or NUL: a Docker env file cannot hold it. Set it in "
                "portal-ext.properties or an OSGi .config file instead" % what
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise OsgiError("%s is not valid Unicode text" % what) from None
        name = env_name(key)
        if len(("%s=%s" % (name, value)).encode("utf-8")) > _ENV_LINE_MAX:
            raise OsgiError("%s is too long for a Docker env file line (64 KiB)" % what)
        out.append((name, value, secret))
    return out


def render_env_file(properties, secret_keys=(), header=None, mask=False):
    """The text of a Docker env file setting *properties* as ``LIFERAY_*`` variables.

    With *mask*, secret values are replaced by a mask (for diffs and logs).
    """
    lines = []
    if header:
        lines.append("# " + header.lstrip("# "))
    for name, value, secret in env_file_lines(properties, secret_keys):
        lines.append("%s=%s" % (name, MASK if (mask and secret) else value))
    return "\n".join(lines) + "\n" if lines else ""
