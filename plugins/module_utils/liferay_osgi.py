# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The current Liferay generation's mail settings: OSGi ``.config`` files, versions, ``LIFERAY_*`` names.

Pure functions, Python standard library only, used on the controller (mapping,
validation, rendering) and by modules on the targets (encoding, reading).

Sources (liferay/liferay-portal unless named otherwise):

* ``modules/apps/mail/mail-settings-api/.../MailSettingCompanyConfiguration.java`` and
  ``MailSettingSystemConfiguration.java``: the attributes, their types and defaults
  (ports are *strings*; ``sendBlacklist`` is ``String[]``);
* ``modules/apps/mail/mail-messaging-impl/.../MailServiceImpl.java`` (2025+): JNDI first
  (``jndiName``), else ``mail.<store>.*`` / ``mail.<transport>.*`` built from the company
  configuration, then ``additionalJavaMailProperties`` (``PropertiesUtil.load``, i.e.
  ``java.util.Properties.load(Reader)``) applied last. ``storeProtocol`` other than
  ``pop3s`` becomes ``pop3`` and ``transportProtocol`` other than ``smtps`` becomes
  ``smtp``: IMAP cannot be configured in this generation. ``auth`` is true when a user
  *or* a password is set. Passwords go through ``SecretResolver.resolve`` (2026 builds),
  which treats a value starting with ``${secretRef:`` or ``${keyRef:`` as a reference
  into Liferay's secret store (``KeyReferenceUtil.isKeyReference``);
* ``MailSettingCompanyConfigurationUpgradeProcess``: only values saved in the database
  (Control Panel) are migrated, never portal-ext.properties;
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
* ``ConfigurationFileInstaller._parsePid``: ``<pid>~<name>.config`` is an instance of the
  factory ``<pid>``; Liferay's scoped configurations use the factory ``<pid>.scoped``
  with ``companyWebId`` (or ``companyId`` as a Long) naming the instance;
* ``ComponentPropertiesUtil._decode`` (portal-impl) and ``CharPool`` (petra-string): how
  ``LIFERAY_*`` environment variable names are decoded into portal property keys;
* liferay/liferay-docker ``release/_package.sh``: every bundle built by Liferay's release
  tool carries ``.liferay-version`` (the product version), ``.githash`` and
  ``.liferay-home`` in LIFERAY_HOME, and Docker images are built from those bundles.
"""

from __future__ import annotations

import re
import unicodedata

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay_mail import (
    PROTOCOL,
    SECRET_KEY,
    Findings,
    check_storable_properties,
    effective_port,
    is_literal,
    portal_properties,
    validate,
)

COMPANY_PID = "com.liferay.mail.settings.configuration.MailSettingCompanyConfiguration"
SYSTEM_PID = "com.liferay.mail.settings.configuration.MailSettingSystemConfiguration"
# Liferay's factory PID for instance-scoped copies of a company-scoped configuration
SCOPED_SUFFIX = ".scoped"

LEGACY = "legacy"  # 7.0 - 7.4, DXP up to 2025.Q3: mail.session.* portal properties
OSGI = "osgi"  # DXP 2025.Q4+ / Portal 2026+: OSGi configuration MailSetting*Configuration
# The first quarterly release whose MailServiceImpl reads MailSettingCompanyConfiguration
# (shared/reference/liferay-mail.md section 1: "DXP 2025.Q4+ / Portal 2026+"; the
# configuration interfaces and the upgrade step carry a 2025 copyright).
OSGI_SINCE = (2025, 4)

MASK = "********"


class OsgiError(ValueError):
    """A value or a request that cannot be handled exactly; the message never holds a secret."""


class EnvNameError(OsgiError):
    """An ``{env: NAME}`` whose NAME Liferay would not read from its environment (the message says why)."""


# ---------------------------------------------------------------------------
# Liferay versions and generations
# ---------------------------------------------------------------------------

_QUARTERLY_RE = re.compile(r"(?<![0-9])(20[2-9][0-9])\.[qQ]([1-4])(?:\.([0-9]+))?")
_SEVEN_RE = re.compile(r"(?<![0-9.])([67])\.([0-9]+)((?:[.\-](?:ga|GA|u|U|sp|SP|dxp-|de-|fp-)?[0-9]+)*)")
_PREFIX_RE = re.compile(r"^(?:liferay/)?(?:dxp|portal)[:\- ]+", re.IGNORECASE)


class LiferayVersion:
    """A parsed Liferay version: ``generation`` (legacy|osgi), a sort ``key`` and the text."""

    __slots__ = ("generation", "key", "kind", "text")

    def __init__(self, text, kind, key, generation):
        self.text = text
        self.kind = kind  # "7.x" or "quarterly"
        self.key = key
        self.generation = generation

    def __repr__(self):
        return "LiferayVersion(%r, %s)" % (self.text, self.generation)

    def __eq__(self, other):
        return isinstance(other, LiferayVersion) and self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __lt__(self, other):
        return self.key < other.key

    def __le__(self, other):
        return self.key <= other.key

    def __gt__(self, other):
        return self.key > other.key

    def __ge__(self, other):
        return self.key >= other.key


def parse_version(text):
    """Parse a Liferay version as written in inventory, a Docker tag or ``.liferay-version``.

    Accepted: ``7.0.x`` ... ``7.4.3.132``, ``7.4.3.132-ga132``, ``7.4.13-u92``,
    ``7.4.13.u92``, ``7.3.10-u36``, and quarterly releases ``2023.q1.0`` ...
    ``2025.q3.5``, ``2025.q4.0``, ``2026.q1.0-lts`` (any case, optional ``dxp-`` /
    ``portal-`` / ``liferay/dxp:`` prefix, optional ``-lts`` / ``-slim`` suffix).
    Quarterly releases sort after every 7.x release; the generation is ``osgi`` from
    2025.Q4 on, ``legacy`` before. Raises OsgiError for anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise OsgiError("the Liferay version is empty; give e.g. 7.4.3.132, 2025.q3.5 or 2026.q1.0")
    raw = text.strip()
    candidate = _PREFIX_RE.sub("", raw)
    match = _QUARTERLY_RE.match(candidate)
    if match and _rest_is_suffix(candidate[match.end() :]):
        year, quarter = int(match.group(1)), int(match.group(2))
        patch = int(match.group(3) or 0)
        if year < 2023:
            raise OsgiError("%r: quarterly releases start with 2023.q1" % raw)
        generation = OSGI if (year, quarter) >= OSGI_SINCE else LEGACY
        return LiferayVersion(raw, "quarterly", (1, year, quarter, patch), generation)
    match = _SEVEN_RE.match(candidate)
    if match and _rest_is_suffix(candidate[match.end() :]):
        major, minor = int(match.group(1)), int(match.group(2))
        if major < 7:
            raise OsgiError("%r: Liferay 6.x is not supported by this role (it needs 7.0 or later)" % raw)
        if minor > 4:
            raise OsgiError(
                "%r is not a Liferay version: after 7.4 Liferay numbers releases by quarter (e.g. 2025.q4.0)" % raw
            )
        rest = [int(n) for n in re.findall(r"[0-9]+", match.group(3) or "")]
        return LiferayVersion(raw, "7.x", (0, major, minor, *rest), LEGACY)
    raise OsgiError(
        "%r is not a Liferay version this role knows: use 7.0 - 7.4 (e.g. 7.4.3.132, 7.4.13-u92) "
        "or a quarterly release (e.g. 2025.q3.5, 2026.q1.0)" % raw
    )


def _rest_is_suffix(rest):
    return re.fullmatch(r"(?:[\- ](?:lts|LTS|slim|SLIM|d[0-9.]+-[0-9]+))*", rest) is not None


def compare_versions(a, b):
    """-1, 0 or 1 as version *a* is older than, equal to or newer than *b* (strings or parsed)."""
    a = a if isinstance(a, LiferayVersion) else parse_version(a)
    b = b if isinstance(b, LiferayVersion) else parse_version(b)
    return (a.key > b.key) - (a.key < b.key)


def generation_of(text):
    """``legacy`` or ``osgi`` for a version string (see parse_version)."""
    return parse_version(text).generation


def version_in_text(text):
    """The first Liferay version found in free text (a manifest's release info), or None.

    ``Liferay Digital Experience Platform 2025.Q1.0 LTS (...)`` gives 2025.Q1.0;
    ``Liferay DXP Digital Enterprise 7.0.10 GA1 (Wilberforce / Build 7010 ...)`` gives
    7.0.10. A quarterly version wins over a 7.x number in the same text.
    """
    if not text:
        return None
    match = _QUARTERLY_RE.search(text)
    if match:
        found = match.group(0)
        try:
            return parse_version(found)
        except OsgiError:
            return None
    for match in re.finditer(r"(?<![0-9.])7\.[0-4](?:\.[0-9]+)*", text):
        try:
            return parse_version(match.group(0))
        except OsgiError:
            continue
    return None


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
        if key is not None and (key in secret_names or SECRET_KEY.search(key)):
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
# Role settings -> MailSetting*Configuration attributes
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


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _secret(value, name):
    value = as_value(value)
    if isinstance(value, EnvRef):
        return value
    value = "" if value is None else str(value)
    check_secret_literal(name, value)
    return value


def company_configuration(settings):
    """MailSettingCompanyConfiguration attributes for role *settings* (same shape as
    liferay_mail.portal_properties takes). Returns (attributes, secret attribute names).

    Incoming mail is POP3 only in this generation (MailServiceImpl turns every store
    protocol other than pop3s into pop3): ``store_protocol: imap`` is refused. STARTTLS
    details the attributes cannot say (``starttls.required``, POP3 STARTTLS) and
    ``javamail_properties`` go into ``additionalJavaMailProperties``, which Liferay applies
    last. Attributes not produced keep Liferay's defaults.
    """
    if (settings.get("store_protocol") or "pop3") != "pop3" and settings.get("pop_host"):
        raise OsgiError(
            "mail_session_store_protocol: IMAP cannot be configured for Liferay DXP 2025.Q4+ / Portal 2026+: "
            "its MailServiceImpl only uses pop3 or pop3s. Use pop3, or leave mail_session_pop_host empty"
        )
    attributes, secrets = {}, set()
    extra = {}

    security = settings.get("smtp_security") or "none"
    transport = PROTOCOL[("smtp", security)]
    attributes["transportProtocol"] = transport
    attributes["outgoingSMTPServer"] = settings.get("smtp_host") or ""
    attributes["outgoingSMTPPort"] = str(effective_port(settings, "smtp"))
    attributes["enableStartTLS"] = security == "starttls"
    if security == "starttls":
        extra["mail.smtp.starttls.required"] = "true"
    if settings.get("smtp_user"):
        attributes["smtpUserName"] = str(settings["smtp_user"])
    if settings.get("smtp_password"):
        attributes["smtpPassword"] = _secret(settings["smtp_password"], "mail_session_smtp_password")
        secrets.add("smtpPassword")

    if settings.get("pop_host"):
        security = settings.get("pop_security") or "none"
        store = PROTOCOL[("pop3", security)]
        attributes["storeProtocol"] = store
        attributes["incomingPOPServer"] = settings["pop_host"]
        attributes["incomingPOPPort"] = str(effective_port(settings, "pop"))
        if settings.get("pop_user"):
            attributes["popUserName"] = str(settings["pop_user"])
        if settings.get("pop_password"):
            attributes["popPassword"] = _secret(settings["pop_password"], "mail_session_pop_password")
            secrets.add("popPassword")
        if security == "starttls":
            extra["mail.pop3.starttls.enable"] = "true"
            extra["mail.pop3.starttls.required"] = "true"
    if settings.get("pop_server_notifications") is not None:
        attributes["enablePOPServerNotifications"] = bool(settings["pop_server_notifications"])

    for key, value in (settings.get("javamail_properties") or {}).items():
        if key in extra:
            raise OsgiError("javamail_properties[%s] is set by the role itself; change the role's variables" % key)
        extra[key] = _text(value)
    if extra:
        attributes["additionalJavaMailProperties"] = java_properties_text(extra)
        if any(SECRET_KEY.search(key) for key in extra):
            secrets.add("additionalJavaMailProperties")
    return attributes, secrets


def module_args(attributes, secrets):
    """Split mapped attributes into osgi_config's ``properties`` and ``secret_properties``.

    :class:`EnvRef` values become ``{"env": NAME}`` so they travel as plain data.
    """

    def plain(value):
        if isinstance(value, EnvRef):
            return {"env": value.name}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    properties = {k: plain(v) for k, v in attributes.items() if k not in secrets}
    secret_properties = {k: plain(v) for k, v in attributes.items() if k in secrets}
    return properties, secret_properties


# role setting -> (attribute, kind)
SYSTEM_ATTRIBUTES = {
    "jndi_name": ("jndiName", "string"),
    "batch_size": ("batchSize", "string"),
    "audit_trail": ("auditTrail", "string"),
    "send_blacklist": ("sendBlacklist", "list"),
    "throws_exception_on_failure": ("throwsExceptionOnFailure", "boolean"),
    "pop_server_subdomain": ("popServerSubdomain", "string"),
}


def system_configuration(settings):
    """MailSettingSystemConfiguration attributes for the settings that are given (not None).

    ``jndi_name`` points Liferay at an application-server mail session (the JNDI lookup
    comes first in MailServiceImpl); ``batch_size`` is a String attribute (``"0"``);
    ``send_blacklist`` a list of addresses (String[]). Returns (attributes, set()).
    """
    attributes = {}
    for setting, (attribute, kind) in SYSTEM_ATTRIBUTES.items():
        value = settings.get(setting)
        if value is None:
            continue
        if kind == "list":
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                raise OsgiError("mail_session_%s must be a list of addresses" % setting)
            attributes[attribute] = [str(item) for item in value]
        elif kind == "boolean":
            attributes[attribute] = bool(value)
        else:
            attributes[attribute] = _text(value)
    return attributes, set()


WEB_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


def instance_attributes(instance):
    """The attributes that scope a company configuration to one instance: companyWebId or companyId."""
    web_id = instance.get("web_id")
    company_id = instance.get("company_id")
    if bool(web_id) == bool(company_id):
        raise OsgiError("each instance needs exactly one of web_id (e.g. liferay.com) or company_id")
    if web_id:
        return {"companyWebId": str(web_id)}
    if isinstance(company_id, bool) or not str(company_id).isdigit():
        raise OsgiError("company_id %r is not a number" % (company_id,))
    if int(company_id) > JAVA_LONG_MAX:
        raise OsgiError("company_id %s is larger than any Liferay company id (a Java long)" % company_id)
    return {"companyId": int(company_id)}


def scope_name(instance):
    """The ``<name>`` of ``<pid>.scoped~<name>.config`` for an instance (safe as a file name)."""
    name = instance.get("name") or instance.get("web_id") or str(instance.get("company_id") or "")
    if not WEB_ID_RE.match(name):
        raise OsgiError(
            "%r cannot be part of a file name: use letters, digits, '.', '-' and '_' for the instance name" % (name,)
        )
    return name


def config_file_name(pid, name=None):
    """``<pid>.config`` or, for one instance, ``<pid>.scoped~<name>.config``."""
    check_attribute(pid)
    if name is None:
        return pid + ".config"
    if not WEB_ID_RE.match(name):
        raise OsgiError("%r cannot be part of a configuration file name" % (name,))
    return "%s%s~%s.config" % (pid, SCOPED_SUFFIX, name)


# ---------------------------------------------------------------------------
# LIFERAY_* environment variables (Docker)
# ---------------------------------------------------------------------------

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


def configuration_override_key(pid, attribute):
    """The portal property that overrides one attribute of a configuration (section 8 of the reference)."""
    check_attribute(pid)
    check_attribute(attribute)
    return "configuration.override.%s_%s" % (pid, attribute)


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
        secret = key in secret_keys or bool(SECRET_KEY.search(key))
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


# ---------------------------------------------------------------------------
# The role's settings per generation: instances, server-wide settings, validation
# ---------------------------------------------------------------------------

# What an entry of mail_session_instances may set for its instance, merged key by key
# over the role's global settings (names without the mail_session_ prefix).
INSTANCE_SETTINGS = (
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
    "smtp_password",
    "store_protocol",
    "pop_host",
    "pop_port",
    "pop_security",
    "pop_user",
    "pop_password",
    "javamail_properties",
    "pop_server_notifications",
)
INSTANCE_KEYS = ("name", "web_id", "company_id", "state", *INSTANCE_SETTINGS)
INSTANCE_STATES = ("present", "absent")
DEPLOYMENTS = ("host", "docker")
DB_ENGINES = ("postgresql", "mysql", "mariadb")
SENDER_PROPERTIES = ("admin.email.from.name", "admin.email.from.address")
_ADDRESS_RE = re.compile(r"^[^@\s,\\\"'$]+@[^@\s,\\\"'$]+$")


def instances(settings):
    """The entries of mail_session_instances (a list of mappings; anything else is left to validation)."""
    value = settings.get("instances") or []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def instance_settings(settings, instance):
    """The settings of one instance: its own keys over the global settings."""
    merged = dict(settings, instances=[])
    for key in INSTANCE_SETTINGS:
        if key in instance:
            merged[key] = instance[key]
    return merged


def find_instance(settings, scope):
    for instance in instances(settings):
        if scope_name(instance) == scope:
            return instance
    raise OsgiError("no entry of mail_session_instances is named %r" % (scope,))


def instance_scopes(settings):
    """[{"scope": name, "state": present|absent}] for the instances: public data, safe to loop over."""
    return [
        {"scope": scope_name(instance), "state": instance.get("state") or "present"} for instance in instances(settings)
    ]


def company_module_args(settings, scope=None):
    """osgi_config's (properties, secret_properties) for the company PID, or for one instance's file."""
    if scope is None:
        attributes, secrets = company_configuration(settings)
    else:
        instance = find_instance(settings, scope)
        attributes, secrets = company_configuration(instance_settings(settings, instance))
        attributes.update(instance_attributes(instance))
    return module_args(attributes, secrets)


def system_settings(settings, jndi_name=None):
    """The MailSettingSystemConfiguration settings that are given; *jndi_name* for an application-server session.

    ``None`` or ``""`` leaves a setting out (Liferay's default applies); ``[]`` is an empty blacklist.
    """
    given = {}
    for setting in ("batch_size", "audit_trail", "send_blacklist", "throws_exception_on_failure"):
        value = settings.get(setting)
        if value is not None and value != "":
            given[setting] = value
    if jndi_name:
        given["jndi_name"] = jndi_name
    return given


def system_module_args(settings, jndi_name=None):
    """osgi_config's properties for MailSettingSystemConfiguration ({} when nothing is given)."""
    attributes, _dummy = system_configuration(system_settings(settings, jndi_name))
    return module_args(attributes, set())[0]


def portal_properties_for(settings, generation, part="all"):
    """The portal properties *generation* reads the mail settings from (in portal-ext.properties or, in a
    container, as ``LIFERAY_*`` variables).

    7.0 - 2025.Q3: the whole built-in session with the server-wide settings
    (liferay_mail.portal_properties); 2025.Q4+: only the sender (``admin.email.from.*``), the
    rest being in OSGi .config files.
    """
    props = portal_properties(settings, part)
    if generation == OSGI:
        props = {key: value for key, value in props.items() if key in SENDER_PROPERTIES}
    return props


def generation_for(version, detected=None):
    """``legacy`` or ``osgi``: from the version in inventory, else from generation_info's result.

    Nothing to go by (a LIFERAY_HOME without Liferay in it yet) means ``legacy``, what the role
    wrote before it knew the new generation; validation warns about it.
    """
    if version:
        return parse_version(version).generation
    found = (detected or {}).get("generation")
    return found if found in (LEGACY, OSGI) else LEGACY


def _raise_into(findings, exc, context=""):
    message = str(exc)
    if not message.startswith("mail_session_"):
        message = "%s: %s" % (context or "mail_session_settings", message)
    elif context:
        message = "%s: %s" % (context, message)
    findings.errors.append(message)


def _check_env_ref(findings, name, value, label=None):
    if is_literal(value):
        return True
    try:
        if not isinstance(as_value(value), EnvRef):
            raise OsgiError("not an {env: NAME} reference")
    except EnvNameError as exc:
        findings.errors.append("%s: %s" % (label or "mail_session_" + name, exc))
        return False
    except OsgiError as exc:
        findings.errors.append(
            "%s: %s; give the password as a string, or as {env: NAME} to read it from Liferay's environment"
            % (label or "mail_session_" + name, exc)
        )
        return False
    return True


def _check_optional(findings, settings, name, kind):
    value = settings.get(name)
    if value is None or value == "":
        return
    if kind == "bool" and not isinstance(value, bool):
        findings.error(name, "%r is not true or false (leave it empty for Liferay's default)" % (value,))
    elif kind == "count":
        text = str(value)
        if isinstance(value, bool) or not text.isdigit():
            findings.error(name, "%r is not a whole number >= 0 (0 sends to every recipient at once)" % (value,))
    elif kind == "address" and not (isinstance(value, str) and _ADDRESS_RE.match(value)):
        findings.error(name, "%r is not an email address (expected name@domain)" % (value,))
    elif kind == "address_list":
        pieces = value.split(",") if isinstance(value, str) else [value]
        bad = [piece for piece in pieces if not (isinstance(piece, str) and _ADDRESS_RE.match(piece))]
        if bad:
            findings.error(
                name,
                "%r is not an email address or a list of them separated by ',' without spaces "
                "(expected name@domain or a@example.com,b@example.com)" % (value,),
            )
    elif kind == "addresses":
        if not isinstance(value, list):
            findings.error(name, "must be a list of email addresses (an empty list blocks nothing)")
            return
        bad = [item for item in value if not (isinstance(item, str) and _ADDRESS_RE.match(item))]
        if bad:
            findings.error(
                name,
                "%s: not email addresses (name@domain, no spaces, commas, quotes, '\\\\' or '$')"
                % ", ".join(repr(item) for item in bad),
            )


def _check_db(findings, settings):
    if not settings.get("db_check"):
        return
    db = settings.get("db")
    if not isinstance(db, dict) or not db:
        findings.error(
            "db",
            "mail_session_db_check is true but mail_session_db is empty: give engine (postgresql, mysql or "
            "mariadb), host, port, database and user, and the password in Vault",
        )
        return
    if db.get("engine") not in DB_ENGINES:
        findings.error("db.engine", "%r is not one of %s" % (db.get("engine"), ", ".join(DB_ENGINES)))
    for key in ("database", "user"):
        if not isinstance(db.get(key), str) or not db.get(key):
            findings.error("db." + key, "is empty; the check needs the Liferay database's %s" % key)
    port = db.get("port")
    if port not in (None, "") and (isinstance(port, bool) or not str(port).isdigit() or not 1 <= int(port) <= 65535):
        findings.error("db.port", "%r is not a port number (1-65535)" % (port,))
    host = db.get("host")
    if host not in (None, "") and (not isinstance(host, str) or "://" in host or "/" in host):
        findings.error("db.host", "%r is not a host name or address (a socket goes in unix_socket)" % (host,))
    unknown = sorted(set(db) - {"engine", "host", "port", "database", "user", "password", "unix_socket"})
    if unknown:
        findings.error(
            "db",
            "unknown keys %s (allowed: engine, host, port, database, user, password, unix_socket)"
            % ", ".join(map(str, unknown)),
        )


def _check_instances(findings, settings, allow_unusual_ports):
    value = settings.get("instances")
    if value in (None, []):
        return
    if not isinstance(value, list):
        findings.error("instances", "must be a list of instances, each with web_id or company_id")
        return
    if (settings.get("method") or "builtin") == "app_server":
        findings.error(
            "instances",
            "per-instance settings need mail_session_method: builtin; an application-server session is "
            "looked up by one JNDI name for every instance",
        )
        return
    base = validate(dict(settings, instances=[]), allow_unusual_ports)
    seen_scopes, seen_ids = {}, {}
    for index, instance in enumerate(value):
        label = "mail_session_instances[%d]" % index
        if not isinstance(instance, dict):
            findings.errors.append("%s: must be a mapping with web_id or company_id" % label)
            continue
        unknown = sorted(str(key) for key in instance if key not in INSTANCE_KEYS)
        if unknown:
            findings.errors.append(
                "%s: unknown keys %s; an instance may set %s" % (label, ", ".join(unknown), ", ".join(INSTANCE_KEYS))
            )
            continue
        try:
            identity = instance_attributes(instance)
            scope = scope_name(instance)
        except OsgiError as exc:
            findings.errors.append("%s: %s" % (label, exc))
            continue
        label = "mail_session_instances[%s]" % scope
        if (instance.get("state") or "present") not in INSTANCE_STATES:
            findings.errors.append("%s: state %r is not present or absent" % (label, instance.get("state")))
        if scope in seen_scopes:
            findings.errors.append("%s: the name is used twice; give each instance its own name" % label)
        seen_scopes[scope] = True
        identity_key = tuple(identity.items())
        if identity_key in seen_ids:
            findings.errors.append("%s: %s=%s is listed twice" % ((label,) + identity_key[0]))
        seen_ids[identity_key] = True
        for name in ("smtp_password", "pop_password"):
            if name in instance:
                _check_env_ref(findings, name, instance[name], "%s.%s" % (label, name))
        if (instance.get("state") or "present") == "absent":
            continue
        merged = instance_settings(settings, instance)
        own = validate(merged, allow_unusual_ports)
        for message in own.errors:
            if message not in base.errors:
                findings.errors.append("%s: %s" % (label, message))
        for message in own.warnings:
            if message not in base.warnings:
                findings.warnings.append("%s: %s" % (label, message))
        for kind in ("smtp", "pop"):
            host = kind + "_host"
            if (
                host in instance
                and instance[host] != settings.get(host)
                and settings.get(kind + "_password")
                and kind + "_password" not in instance
            ):
                findings.warnings.append(
                    "%s: %s is %r but %s and the password are the global ones: they would be sent to that "
                    "server. Give the instance its own %s and %s"
                    % (label, host, instance[host], kind + "_user", kind + "_user", kind + "_password")
                )


def validate_settings(settings, findings=None, allow_unusual_ports=False):
    """Checks of the settings that do not depend on the Liferay generation (added to *findings*)."""
    findings = findings if findings is not None else Findings()
    version = settings.get("liferay_version") or ""
    if version:
        try:
            parse_version(version)
        except OsgiError as exc:
            findings.error("liferay_version", str(exc))
    deployment = settings.get("deployment") or "host"
    if deployment not in DEPLOYMENTS:
        findings.error("deployment", "%r is not one of %s" % (deployment, ", ".join(DEPLOYMENTS)))
    elif deployment == "docker":
        if not version:
            findings.error(
                "liferay_version",
                "is needed with mail_session_deployment: docker (there is no installation on the Docker host to "
                "detect): give the image's version, e.g. 7.4.3.132-ga132 or liferay/dxp:2026.q1.0-lts",
            )
        if (settings.get("method") or "builtin") == "app_server":
            findings.error(
                "deployment",
                "docker cannot be combined with mail_session_method: app_server; declare the server's session in "
                "your image and use mail_session_jndi_name with mail_session_deployment: host, or use builtin",
            )
    env_refs = []
    for name in ("smtp_password", "pop_password"):
        value = settings.get(name)
        if not _check_env_ref(findings, name, value):
            continue
        if not is_literal(value):
            env_refs.append(name)
    if env_refs and settings.get("verify_roundtrip") and "pop_password" in env_refs:
        findings.error(
            "verify_roundtrip",
            "needs the POP password to fetch the probe, but mail_session_pop_password comes from Liferay's "
            "environment ({env: NAME}); turn the round trip off or give the password from Vault",
        )
    elif env_refs and (settings.get("verify") or "skip") != "skip":
        findings.warn(
            env_refs[0],
            "comes from Liferay's environment ({env: NAME}): the verification checks that the server answers "
            "(and TLS) but cannot log in with it",
        )
    _check_optional(findings, settings, "pop_server_notifications", "bool")
    _check_optional(findings, settings, "throws_exception_on_failure", "bool")
    _check_optional(findings, settings, "batch_size", "count")
    # mail.audit.trail / auditTrail is a comma-separated list of addresses (MailEngine and the
    # 2026 MailServiceImpl split it on ',')
    _check_optional(findings, settings, "audit_trail", "address_list")
    if settings.get("send_blacklist") is not None:
        _check_optional(findings, settings, "send_blacklist", "addresses")
    _check_instances(findings, settings, allow_unusual_ports)
    _check_db(findings, settings)
    return findings


def validate_for_generation(settings, generation, findings=None, detected=None):
    """Checks that depend on where *generation* (legacy | osgi) keeps the settings.

    *detected*: generation_info's result when it ran (for the warning when nothing identified
    the installation).
    """
    findings = findings if findings is not None else Findings()
    settings = dict(settings, generation=generation)
    method = settings.get("method") or "builtin"
    docker = (settings.get("deployment") or "host") == "docker"
    present = [instance for instance in instances(settings) if (instance.get("state") or "present") == "present"]
    if detected and detected.get("generation") not in (LEGACY, OSGI) and not settings.get("liferay_version"):
        findings.warnings.append(
            "mail_session_liferay_version: nothing in %s tells which Liferay is installed (%s); writing for "
            "Liferay 7.0 - DXP 2025.Q3 (mail.session.* in portal-ext.properties). Set mail_session_liferay_version "
            "(e.g. 2026.q1.0) if this host runs DXP 2025.Q4+ / Portal 2026+"
            % (settings.get("liferay_home") or "LIFERAY_HOME", "; ".join(detected.get("evidence") or []) or "nothing")
        )

    if generation == LEGACY:
        where = "Liferay %s" % (settings.get("liferay_version") or "7.0 - DXP 2025.Q3")
        if present:
            findings.error(
                "instances",
                "per-instance mail settings need Liferay DXP 2025.Q4+ / Portal 2026+ (.config files); %s keeps "
                "them only in its database (Control Panel > Instance Settings). Remove the list, or fix "
                "mail_session_liferay_version" % where,
            )
        for name in ("smtp_password", "pop_password"):
            if not is_literal(settings.get(name)) and method == "builtin":
                findings.error(
                    name,
                    "{env: NAME} is written as a ${LIFERAY_NAME} reference into OSGi .config files, which %s does not "
                    "read for its mail settings; give the password from Vault (or fix mail_session_liferay_version)"
                    % where,
                )
        if method == "builtin":
            check_storable_properties(findings, settings)
        if docker and not settings.get("docker_env_file"):
            findings.error(
                "docker_env_file",
                "is empty: with mail_session_deployment: docker, %s gets its mail settings as LIFERAY_* "
                "variables from this env file (docker run --env-file, compose env_file)" % where,
            )
    else:
        if method == "builtin":
            try:
                company_configuration(settings)
            except OsgiError as exc:
                _raise_into(findings, exc)
            for instance in present:
                try:
                    company_configuration(instance_settings(settings, instance))
                except OsgiError as exc:
                    _raise_into(findings, exc, "mail_session_instances[%s]" % scope_name(instance))
        try:
            system_configuration(system_settings(settings))
        except OsgiError as exc:
            _raise_into(findings, exc)
        if docker and not settings.get("docker_configs_dir"):
            findings.error(
                "docker_configs_dir",
                "is empty: with mail_session_deployment: docker, Liferay DXP 2025.Q4+ reads its mail settings "
                "from .config files in a directory you mount (e.g. to /opt/liferay/osgi/configs)",
            )
        sender = [name for name in ("from_name", "from_address") if settings.get(name)]
        if docker and sender and not settings.get("docker_env_file"):
            findings.error(
                "docker_env_file",
                "is empty but %s is set: the default sender is a portal property, which a container gets as a "
                "LIFERAY_* variable from this env file" % " and ".join("mail_session_" + name for name in sender),
            )
    if docker and settings.get("docker_env_file") and not findings.errors:
        try:
            env_file_lines(portal_properties_for(settings, generation))
        except OsgiError as exc:
            _raise_into(findings, exc, "mail_session_docker_env_file")
    return findings
