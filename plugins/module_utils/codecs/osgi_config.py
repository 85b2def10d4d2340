# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The typed OSGi ``.config`` format as Liferay reads it: writing, reading, comparing values.

Pure functions, Python standard library only, used on the controller (rendering) and by
modules on the targets (encoding, reading). The errors of the OSGi side, OsgiError and
EnvNameError, are defined here. What the role writes into these files (the mail settings'
PIDs and attributes) is liferay/osgi_keys.py; the ``LIFERAY_*`` environment variables are
codecs/env_names.py.

Sources (liferay/liferay-portal):

* the ``.config`` reader, ``com.liferay.portal.file.install`` (in
  ``modules/apps/static/portal-file-install/portal-file-install-api``, see
  docs/osgi-environment-references.md): ``TypedProperties`` splits
  ``key=value`` lines (key ``[0-9a-zA-Z-_.]+``, a line ending in ``\\`` continues, only
  one leading comment line is accepted: more are logged as errors), runs
  ``InterpolationUtil.substVars`` on the *raw* value text (``${NAME}`` is the system
  property NAME, else, only when NAME starts with ``LIFERAY_``, the environment variable
  NAME; anything unresolved, ``${env:NAME}`` included, becomes empty; the result is
  substituted again), and only then ``ConfigurationHandler.read`` decodes the typed value (``"..."``,
  ``B"true"``, ``L"1"``, ``["a","b"]``; inside quotes ``\\b \\t \\n \\f \\r \\uXXXX`` are
  escapes and any other ``\\X`` is ``X``; the string ends at the first unescaped ``"``);
* ``modules/apps/mail/mail-messaging-impl/.../MailServiceImpl.java`` (2025+):
  ``additionalJavaMailProperties`` is read with ``PropertiesUtil.load``, i.e.
  ``java.util.Properties.load(Reader)`` (:func:`java_properties_text`). Passwords go through
  ``SecretResolver.resolve`` (2026 builds), which treats a value starting with ``${secretRef:``
  or ``${keyRef:`` as a reference into Liferay's secret store
  (``KeyReferenceUtil.isKeyReference``; :func:`check_secret_literal`).
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, is_secret_key


class OsgiError(ValueError):
    """A value or a request that cannot be handled exactly; the message never holds a secret."""


class EnvNameError(OsgiError):
    """An ``{env: NAME}`` whose NAME Liferay would not read from its environment (the message says why)."""


# ---------------------------------------------------------------------------
# The typed .config format: writing
# ---------------------------------------------------------------------------

ATTRIBUTE_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")  # TypedProperties' key pattern
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Liferay 2026's SecretResolver takes a password starting with these as a reference
SECRET_REFERENCE_PREFIXES = ("${secretRef:", "${keyRef:")

_NAMED_CONTROLS = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


# InterpolationUtil (DXP 2025.Q4+ / Portal 2026) calls System.getenv only for names with this prefix
ENV_REFERENCE_PREFIX = "LIFERAY_"


class EnvRef:
    """An environment variable Liferay substitutes into a ``.config`` file: written ``${LIFERAY_NAME}``.

    ``InterpolationUtil.substVars`` resolves ``${NAME}`` as the system property NAME, else,
    only for names starting with ``LIFERAY_``, the environment variable NAME; everything
    else (``${env:NAME}``, which older Felix-based readers resolved, included) becomes an
    empty string. So the name must start with ``LIFERAY_``.
    """

    __slots__ = ("name",)

    def __init__(self, name):
        if not isinstance(name, str) or not ENV_NAME_RE.match(name):
            raise OsgiError(
                "%r is not an environment variable name: use letters, digits and '_' (not starting with a digit)"
                % (name,)
            )
        if not name.startswith(ENV_REFERENCE_PREFIX) or name == ENV_REFERENCE_PREFIX:
            rest = name[len(ENV_REFERENCE_PREFIX) :] if name.upper().startswith(ENV_REFERENCE_PREFIX) else name
            raise EnvNameError(
                "{env: %s}: Liferay DXP 2025.Q4+ / Portal 2026 reads only environment variables whose names start "
                "with LIFERAY_ into a .config file (InterpolationUtil: ${NAME} is a system property, else "
                "System.getenv only for LIFERAY_ names); any other name would give an empty password. Name the "
                "variable %s%s and set it in Liferay's environment"
                % (name, ENV_REFERENCE_PREFIX, rest or "MAIL_PASSWORD")
            )
        self.name = name

    def __eq__(self, other):
        return isinstance(other, EnvRef) and other.name == self.name

    def __hash__(self):
        return hash(("env", self.name))

    def __repr__(self):
        return "EnvRef(%r)" % self.name

    def raw(self):
        return "${%s}" % self.name


def as_value(value):
    """Turn a module/inventory value into what encode_value takes: ``{"env": NAME}`` -> EnvRef."""
    if isinstance(value, dict):
        if set(value) != {"env"}:
            raise OsgiError("a structured value must be {env: NAME}; got the keys %s" % ", ".join(sorted(value)))
        return EnvRef(value["env"])
    return value


def _u(code_unit):
    return "\\u%04x" % code_unit


def escape_string(text):
    """The characters between the quotes of a ``.config`` string so that Liferay reads *text*.

    Evidence for each rule (see the module docstring for the sources):

    * ``"`` ends the string in ``ConfigurationHandler._readQuoted``: written ``\\"``;
    * ``\\`` starts an escape: written ``\\u005c``. Not ``\\\\``: ``InterpolationUtil`` runs on
      the raw text *before* ``ConfigurationHandler`` and, if it behaves like the Apache
      Felix ``InterpolationHelper`` it was ported from, its ``unescape`` turns ``\\\\`` into
      ``\\`` (and ``\\{`` ``\\}`` into ``{`` ``}``), after which ``ConfigurationHandler`` would
      read ``\\`` plus the next character as an escape. ``\\u005c`` means a backslash
      either way;
    * ``$``, ``{`` and ``}``: written ``\\u0024``, ``\\u007b``, ``\\u007d``. The interpolator
      looks for ``${`` in the raw text, so a literal ``${`` must not appear there; the
      ``\\uXXXX`` escape is only decoded afterwards by ``ConfigurationHandler``. (Liferay's
      own writer escapes ``{`` and ``}`` for the same reason.) A ``.config`` file written
      by this function therefore never contains a raw ``$``, ``{`` or ``}`` except in a
      deliberate ``${LIFERAY_NAME}`` reference;
    * ``=``: written ``\\u003d``, so that a line holds exactly one ``=`` (older
      ``TypedProperties`` split lines with the greedy pattern ``(.+)=(.+)``);
    * space: written ``\\ `` as Felix's writer does (its reader stops at a raw space);
    * control characters: ``\\b \\t \\n \\f \\r`` or ``\\uXXXX``; ``DEL`` and every non-ASCII
      character: ``\\uXXXX`` (UTF-16 code units), so the file is pure ASCII and does not
      depend on ``module.framework.file.install.config.encoding``.
    """
    if not isinstance(text, str):
        raise OsgiError("values must be strings here, got %s" % type(text).__name__)
    out = []
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == " ":
            out.append("\\ ")
        elif ch in _NAMED_CONTROLS:
            out.append(_NAMED_CONTROLS[ch])
        elif ch in "\\${}=" or code < 0x20 or code >= 0x7F:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(_u(0xD800 + (code >> 10)) + _u(0xDC00 + (code & 0x3FF)))
            else:
                out.append(_u(code))
        else:
            out.append(ch)
    return "".join(out)


def encode_value(value):
    """The typed ``.config`` text for *value*.

    ``str`` -> ``"..."`` (String), :class:`EnvRef` -> ``"${LIFERAY_NAME}"``, ``bool`` ->
    ``B"true"``, ``int`` -> ``L"..."`` (Long), a list of strings -> ``["a","b"]``
    (String[], no spaces). Raises OsgiError for anything else.
    """
    if isinstance(value, bool):
        return 'B"%s"' % ("true" if value else "false")
    if isinstance(value, int):
        # Liferay reads L"..." with Long.valueOf: a number outside Java's long makes it drop the whole file
        if not JAVA_LONG_MIN <= value <= JAVA_LONG_MAX:
            raise OsgiError("%d is outside the range of a Java long, which Liferay cannot read" % value)
        return 'L"%d"' % value
    if isinstance(value, EnvRef):
        return '"%s"' % value.raw()
    if isinstance(value, str):
        return '"%s"' % escape_string(value)
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, EnvRef):
                items.append('"%s"' % item.raw())
            elif isinstance(item, str):
                items.append('"%s"' % escape_string(item))
            else:
                raise OsgiError("array elements must be strings, got %s" % type(item).__name__)
        return "[%s]" % ",".join(items)
    raise OsgiError("cannot write a value of type %s to a .config file" % type(value).__name__)


def check_attribute(name):
    if not isinstance(name, str) or not ATTRIBUTE_RE.match(name):
        raise OsgiError(
            "the attribute name %r is not allowed: Liferay reads only names made of letters, digits, "
            "'.', '-' and '_'" % (name,)
        )


def check_secret_literal(name, value):
    """Refuse a literal password that Liferay 2026's SecretResolver would take for a reference."""
    if isinstance(value, str) and value.startswith(SECRET_REFERENCE_PREFIXES):
        raise OsgiError(
            "%s: the value starts with ${secretRef: or ${keyRef:, which Liferay 2026 reads as a reference "
            "into its secret store, not as a password. Store such a password in an environment variable "
            "({env: NAME}) or change it" % name
        )


def render_config(attributes, header=None):
    """The canonical text of a ``.config`` file: one ``name=value`` line per attribute, sorted.

    *header* becomes the one comment line Liferay accepts at the top (more than one
    comment line makes Liferay log an error). Lines end with ``\\n``.
    """
    lines = []
    if header:
        if "\n" in header or "\r" in header:
            raise OsgiError("the header comment must be a single line")
        lines.append("# " + header.lstrip("# "))
    for name in sorted(attributes):
        check_attribute(name)
        lines.append("%s=%s" % (name, encode_value(attributes[name])))
    return "\n".join(lines) + "\n" if lines else ""


def masked_config(text, secret_names, changed=()):
    """*text* (a .config file) with the value of every secret attribute replaced by a mask."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        key = body.split("=", 1)[0].strip() if "=" in body and not body.lstrip().startswith("#") else None
        if key is not None and is_secret_key(key, secret_names):
            marker = " (changed)" if key in changed else ""
            out.append('%s="%s"%s%s' % (key, MASK, marker, ending))
        else:
            out.append(line)
    return "".join(out)


# ---------------------------------------------------------------------------
# The typed .config format: reading (what the module compares against)
# ---------------------------------------------------------------------------


class Interpolated(tuple):
    """A string value with ``${...}`` references: a tuple of ("lit", text) / ("ref", name)."""

    __slots__ = ()


def _decode_quoted(raw, start):
    """ConfigurationHandler._readQuoted from *start* (after the opening quote): (text, end index)."""
    out = []
    i, size = start, len(raw)
    while i < size:
        ch = raw[i]
        if ch == "\\" and i + 1 < size:
            nxt = raw[i + 1]
            i += 2
            if nxt in "btnfr":
                out.append({"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}[nxt])
            elif nxt == "u":
                digits = raw[i : i + 4]
                if len(digits) == 4 and re.fullmatch(r"[0-9A-Fa-f]{4}", digits):
                    out.append(chr(int(digits, 16)))
                    i += 4
                else:
                    raise OsgiError("malformed \\u escape")
            else:
                out.append(nxt)
        elif ch == '"':
            return _join_surrogates("".join(out)), i
        else:
            out.append(ch)
            i += 1
    raise OsgiError("a quoted value is not closed")


def _join_surrogates(text):
    if not re.search("[\ud800-\udbff][\udc00-\udfff]", text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


JAVA_LONG_MIN, JAVA_LONG_MAX = -(2**63), 2**63 - 1

_TYPE_CODES = {"B": "boolean", "L": "long", "I": "integer", "S": "short", "X": "byte", "C": "char", "D": "double"}
_TYPE_CODES.update({"F": "float", "T": "string"})


def _convert(code, text):
    kind = _TYPE_CODES.get(code.upper(), "string") if code else "string"
    if kind == "boolean":
        return text.lower() == "true"  # Boolean.valueOf
    if kind in ("long", "integer", "short", "byte"):
        return int(text)
    return text


def _read_string_token(raw, i):
    """A quoted string at raw[i] == '"', with ${...} references kept apart: (value, end)."""
    # references are resolved on the raw text before the quotes are decoded
    j = i + 1
    parts = []
    literal_raw = []
    while j < len(raw):
        if raw.startswith("${", j):
            end = raw.find("}", j)
            if end < 0:
                raise OsgiError("an unclosed ${ reference")
            if literal_raw:
                parts.append(("lit", "".join(literal_raw)))
                literal_raw = []
            parts.append(("ref", raw[j + 2 : end]))
            j = end + 1
            continue
        ch = raw[j]
        if ch == "\\" and j + 1 < len(raw):
            literal_raw.append(raw[j : j + 2])
            j += 2
            continue
        if ch == '"':
            break
        literal_raw.append(ch)
        j += 1
    else:
        raise OsgiError("a quoted value is not closed")
    if literal_raw:
        parts.append(("lit", "".join(literal_raw)))
    decoded = []
    for kind, text in parts:
        if kind == "lit":
            value, _dummy = _decode_quoted(text + '"', 0)
            decoded.append(("lit", value))
        else:
            decoded.append(("ref", text))
    if any(kind == "ref" for kind, _dummy in decoded):
        return Interpolated(decoded), j + 1
    return "".join(text for _dummy, text in decoded), j + 1


def parse_value(raw):
    """Decode one typed value text (after ``key=``) into Python data; see encode_value."""
    raw = raw.strip()
    if not raw:
        raise OsgiError("empty value")
    code = ""
    i = 0
    if raw[0] not in '"[(' and raw[0].upper() in _TYPE_CODES:
        code = raw[0]
        i = 1
    if i >= len(raw):
        raise OsgiError("a type code without a value")
    if raw[i] == '"':
        value, end = _read_string_token(raw, i)
        if raw[end:].strip():
            raise OsgiError("text after the closing quote")
        if isinstance(value, Interpolated):
            return value
        return _convert(code, value)
    if raw[i] in "[(":
        closing = "]" if raw[i] == "[" else ")"
        items = []
        j = i + 1
        while True:
            while j < len(raw) and raw[j] in " \t\r\n\\":
                j += 1
            if j < len(raw) and raw[j] == closing:
                j += 1
                break
            if j >= len(raw) or raw[j] != '"':
                raise OsgiError("malformed array")
            value, j = _read_string_token(raw, j)
            items.append(value if isinstance(value, Interpolated) else _convert(code, value))
            while j < len(raw) and raw[j] in " \t\r\n\\":
                j += 1
            if j < len(raw) and raw[j] == ",":
                j += 1
        if raw[j:].strip():
            raise OsgiError("text after the array")
        return items
    raise OsgiError("a value must be quoted")


def parse_config(text):
    """Read a ``.config`` file as Liferay's TypedProperties does.

    Returns (attributes, problems): attributes maps names to Python values
    (strings, booleans, ints, lists, or :class:`Interpolated` for values with ``${...}``
    references); problems lists what Liferay would complain about or read differently
    (more than one comment line, lines it cannot parse, escapes whose meaning depends on
    the interpolator). Never raises for a malformed file.
    """
    attributes, problems = {}, []
    comments = 0
    logical, pending = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        # TypedProperties skips blank and comment lines everywhere, inside continued lines too
        if not stripped:
            continue
        if stripped.startswith("#"):
            comments += 1
            if attributes or pending:
                problems.append("line %d: a comment after the first attribute" % number)
            continue
        pending = line.endswith("\\")
        logical.append((line[:-1] if pending else line).strip())
        if pending:
            continue
        entry = "".join(logical)
        logical = []
        match = re.match(r"^\s*([0-9A-Za-z_.\-]+)\s*=(.*)$", entry, re.DOTALL)
        if not match:
            problems.append("line %d: not a name=value line Liferay can read" % number)
            continue
        name, raw = match.group(1), match.group(2)
        if "\\\\" in raw:
            problems.append(
                "line %d: %s writes a backslash as \\\\, whose meaning depends on Liferay's interpolator"
                % (number, name)
            )
        try:
            attributes[name] = parse_value(raw)
        except (OsgiError, ValueError) as exc:
            problems.append("line %d: %s: %s" % (number, name, exc))
            continue
        value = attributes[name]
        items = value if isinstance(value, list) else [value]
        refs = [text for item in items if isinstance(item, Interpolated) for kind, text in item if kind == "ref"]
        if any(ref.startswith("env:") for ref in refs):
            problems.append(
                "line %d: %s uses ${env:NAME}, which Liferay DXP 2025.Q4+ / Portal 2026 reads as an empty value "
                "(only ${LIFERAY_NAME} comes from the environment)" % (number, name)
            )
    if pending:
        problems.append("the file ends inside a continued line")
    if comments > 1:
        problems.append("%d comment lines: Liferay accepts one, at the top" % comments)
    return attributes, problems


def comparable(value):
    """The form parse_config returns for a value given to encode_value (for comparison)."""
    if isinstance(value, EnvRef):
        return Interpolated((("ref", value.name),))
    if isinstance(value, (list, tuple)):
        return [comparable(item) for item in value]
    return value


# ---------------------------------------------------------------------------
# java.util.Properties text (additionalJavaMailProperties)
# ---------------------------------------------------------------------------


def _java_properties_escape(text, key):
    """Escape *text* for ``java.util.Properties.load(Reader)`` (key or value)."""
    out = []
    for index, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\t\n\r\f":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f"}[ch])
        elif ch == " " and (key or index == 0):
            out.append("\\ ")
        elif (key and ch in "=:#!") or (not key and index == 0 and ch in "#!"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(_u(ord(ch)))
        else:
            out.append(ch)
    return "".join(out)


def java_properties_text(properties):
    """``java.util.Properties`` text (what ``additionalJavaMailProperties`` holds), sorted keys."""
    return "\n".join(
        "%s=%s" % (_java_properties_escape(key, True), _java_properties_escape(value, False))
        for key, value in sorted(properties.items())
    )
