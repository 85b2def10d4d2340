# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read and edit Liferay's portal-ext.properties the way Liferay reads it.

Liferay loads portal-ext.properties with Apache Commons Configuration 1.10
(``PropertiesConfiguration``, patched by Liferay, read as UTF-8), wrapped in
``portal-impl/src/com/liferay/portal/configuration/ClassLoaderAggregateProperties.java``.
That is *not* ``java.util.Properties``:

* a value containing a comma becomes a list (each piece trimmed) unless the
  comma is escaped as ``\\,``; when the value holds a comma its backslashes are
  processed twice (``PropertiesConfiguration.unescapeJava`` then
  ``PropertyConverter.split``);
* ``${...}`` is interpolated; ``$${`` yields a literal ``${``;
* a key defined twice becomes a list, ``v1,v2``;
* a malformed ``\\u`` escape makes Liferay skip the whole file.

This module has two halves, both pure standard-library Python so that they
run on any target:

* :func:`encode_value` / :func:`decode_value`: the value codec, and its inverse
  written from the Commons Configuration 1.10 sources (the tests check both
  against the real jar);
* :class:`PropertiesDocument`: a line-preserving model of the file that finds
  entries however they were written and edits only the managed ones.
"""

from __future__ import annotations

import re

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK

# Keys this code will never write: Commons Configuration and Liferay treat them
# as instructions to load other files (newer Liferay builds skip the whole file).
FORBIDDEN_KEYS = frozenset(("include", "include-and-override"))

# Keys we write must need no escaping at all, so they read back identically
# with Liferay's patched parser (key = text before the first '=') and with the
# stock one (key ends at '=', ':' or whitespace).
KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")

# what Integer.parseInt(s, 16) accepts
_JAVA_HEX = re.compile(r"[+-]?[0-9A-Fa-f]+")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class PropertiesError(ValueError):
    """A value or a file that cannot be handled exactly; the message is safe to show."""


def jtrim(text):
    """Java's ``String.trim()``: strips every character up to U+0020 at both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


# --------------------------------------------------------------------------
# Value codec
# --------------------------------------------------------------------------


def check_key(key):
    """Raise PropertiesError unless *key* is safe to write as ``key=value``."""
    if key in FORBIDDEN_KEYS:
        raise PropertiesError(
            "refusing to write the key '%s': Liferay treats it as an instruction to load other files" % key
        )
    if not KEY_RE.match(key or ""):
        raise PropertiesError(
            "the key %r is not a plain property name: use letters, digits, '.', '-' and '_' "
            "(it must not start with '.' or '-')" % (key,)
        )


def _u(code_unit):
    return "\\u%04X" % code_unit


def _escape_char(ch):
    """Escape one character that must not appear raw in the file."""
    code = ord(ch)
    if code > 0xFFFF:  # Java strings are UTF-16: write the surrogate pair
        code -= 0x10000
        return _u(0xD800 + (code >> 10)) + _u(0xDC00 + (code & 0x3FF))
    return _u(code)


def encode_value(value):
    """Return the text to write after ``key=`` so that Liferay reads back *value*.

    Raises PropertiesError when no encoding exists: Commons Configuration trims
    every piece of a value that contains a comma, so a value with a comma whose
    first or last character is whitespace or a control character (anything up
    to U+0020) cannot survive. The message never contains the value.
    """
    if not isinstance(value, str):
        raise PropertiesError("values must be strings, got %s" % type(value).__name__)
    has_comma = "," in value
    if has_comma and (value[0] <= " " or value[-1] <= " "):
        raise PropertiesError(
            "the value contains a comma and starts or ends with whitespace or a control "
            "character; Liferay's parser (Commons Configuration) trims such values, so it "
            "cannot be stored exactly. Remove the surrounding whitespace"
        )
    out = []
    last = len(value) - 1
    for i, ch in enumerate(value):
        if ch == "\\":
            # processed once by unescapeJava, and once more by the list splitter
            # when the value contains a comma
            out.append("\\\\\\\\" if has_comma else "\\\\")
        elif ch == ",":
            out.append("\\,")
        elif ch == "$" and value.startswith("{", i + 1):
            out.append("$$")  # the interpolator's escape: $${ reads as ${
        elif ch == " ":
            # the line is trimmed: protect spaces at either end
            out.append(_u(0x20) if i == 0 or i == last else " ")
        elif ord(ch) < 0x20 or ord(ch) >= 0x7F:
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    return "".join(out)


def encode_list(items):
    """Return the text after ``key=`` that Liferay reads as the list *items* (``PropsUtil.getArray``).

    Commons Configuration splits an unescaped ``,`` into list elements and trims each
    one, so the elements are joined with ``,``. Only elements that need no escaping
    beyond ``\\uXXXX`` are accepted (no whitespace, control character, ``,``, ``\\``
    or ``${``): enough for lists of addresses such as ``mail.send.blacklist``. An empty
    list is an empty value. The message never contains an element.
    """
    out = []
    for item in items:
        if not isinstance(item, str) or not item:
            raise PropertiesError("list elements must be non-empty strings")
        if "${" in item or any(ch <= " " or ch in ",\\" for ch in item):
            raise PropertiesError(
                "a list element contains whitespace, a control character, ',', '\\' or '${'; "
                "only simple elements such as email addresses can be written as a list"
            )
        out.append(encode_value(item))
    return ",".join(out)


def format_entry(key, value):
    """The single line (without line ending) that stores *key* = *value* (a string, or a list of strings)."""
    check_key(key)
    try:
        if isinstance(value, (list, tuple)):
            return "%s=%s" % (key, encode_list(value))
        return "%s=%s" % (key, encode_value(value))
    except PropertiesError as exc:
        raise PropertiesError("key '%s': %s" % (key, exc)) from None


def unescape_java(text, delimiter=","):
    """``PropertiesConfiguration.unescapeJava(String, char)`` of Commons Configuration 1.10.

    Raises PropertiesError for a malformed ``\\u`` escape, the case in which
    Liferay ignores the whole file.
    """
    out = []
    i, size = 0, len(text)
    simple = {"\\": "\\", "'": "'", '"': '"', "r": "\r", "f": "\f", "t": "\t", "n": "\n", "b": "\b"}
    while i < size:
        ch = text[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= size:  # a trailing backslash is kept
            out.append("\\")
            break
        nxt = text[i + 1]
        i += 2
        if nxt in simple:
            out.append(simple[nxt])
        elif nxt == delimiter:
            out.append("\\" + delimiter)  # left for the list splitter
        elif nxt == "u":
            digits = text[i : i + 4]
            i += 4
            if len(digits) < 4:
                break  # a \u cut short by the end of the value is dropped
            if not _JAVA_HEX.fullmatch(digits):
                raise PropertiesError("malformed \\u escape")
            out.append(chr(int(digits, 16) & 0xFFFF))  # Java casts the int to a char
        else:
            out.append(nxt)
    return _join_surrogates("".join(out))


def _join_surrogates(text):
    """Combine UTF-16 surrogate pairs produced by \\u escapes into code points."""
    if not re.search("[\ud800-\udbff][\udc00-\udfff]", text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def split_list(text, delimiter=","):
    """``PropertyConverter.split(s, delimiter, true)`` of Commons Configuration 1.10."""
    tokens, token, escape = [], [], False
    for ch in text:
        if escape:
            if ch not in (delimiter, "\\"):
                token.append("\\")
            token.append(ch)
            escape = False
        elif ch == delimiter:
            tokens.append(jtrim("".join(token)))
            token = []
        elif ch == "\\":
            escape = True
        else:
            token.append(ch)
    if escape:
        token.append("\\")
    tokens.append(jtrim("".join(token)))
    return tokens


def decode_value(raw):
    """What Liferay's ``PropsUtil.get`` returns for the value text *raw* (after ``key=``).

    References to other keys (``${other}``) are left as written: this function
    knows one value, not the file. Only the ``$${`` escape is resolved, which is
    all :func:`encode_value` produces.
    """
    text = unescape_java(jtrim(raw))
    if text.find(",") > 0:
        pieces = split_list(text)
        if len(pieces) > 1:
            # ClassLoaderAggregateProperties.getString merges a list with ','
            # and does not interpolate it
            return ",".join(pieces)
        text = pieces[0]
    return text.replace("$${", "${")


# --------------------------------------------------------------------------
# Document model
# --------------------------------------------------------------------------


class Entry:
    """One logical property: its key, raw value text and the physical lines it spans."""

    __slots__ = ("first", "key", "last", "logical", "raw_value")

    def __init__(self, key, raw_value, first, last, logical):
        self.key = key
        self.raw_value = raw_value
        self.first = first  # index of the first physical line
        self.last = last  # index of the last physical line (inclusive)
        self.logical = logical  # the joined logical line, as the parser sees it

    def value(self):
        return decode_value(self.raw_value)


def split_lines(text):
    """Physical lines with their endings, split like Java's BufferedReader (\\n, \\r, \\r\\n)."""
    return _LINE_RE.findall(text)


def _is_comment(line):
    stripped = jtrim(line)
    return not stripped or stripped[0] in "#!"


def _ends_continued(stripped):
    count = len(stripped) - len(stripped.rstrip("\\"))
    return count % 2 == 1


def split_key_value(logical):
    """Split a logical line into (key, raw value).

    The key ends at the first unescaped '=', ':' or whitespace, as in
    java.util.Properties and stock Commons Configuration. Liferay's patched
    parser only splits at '=', so ``key: value`` is not what the administrator
    meant it to be for Liferay; finding it here lets the module rewrite it as
    ``key=value`` instead of adding a duplicate.
    """
    key = []
    i, size = 0, len(logical)
    while i < size:
        ch = logical[i]
        if ch == "\\" and i + 1 < size:
            key.append(logical[i + 1])
            i += 2
            continue
        if ch in "=:" or ch <= " ":
            break
        key.append(ch)
        i += 1
    # skip whitespace, at most one separator, whitespace
    while i < size and logical[i] <= " " and logical[i] not in "\r\n":
        i += 1
    if i < size and logical[i] in "=:":
        i += 1
    return "".join(key), logical[i:]


class PropertiesDocument:
    """A properties file as physical lines plus the logical entries found in them."""

    def __init__(self, text="", newline=None):
        self.lines = split_lines(text)
        self.newline = newline or self._detect_newline()
        self.entries = []
        self.dangling = None  # index of a line whose continuation never ends
        self._parse()

    def _detect_newline(self):
        for line in self.lines:
            if line.endswith("\r\n"):
                return "\r\n"
            if line.endswith("\n"):
                return "\n"
            if line.endswith("\r"):
                return "\r"
        return "\n"

    def _parse(self):
        self.entries = []
        self.dangling = None
        i, count = 0, len(self.lines)
        while i < count:
            if _is_comment(self.lines[i]):
                i += 1
                continue
            first = i
            buffer = []
            while True:
                stripped = jtrim(self.lines[i])
                if _ends_continued(stripped):
                    buffer.append(stripped[:-1])
                    i += 1
                    while i < count and _is_comment(self.lines[i]):
                        i += 1
                    if i >= count:
                        # Commons Configuration drops an entry cut off by EOF
                        self.dangling = first
                        return
                    continue
                buffer.append(stripped)
                break
            logical = "".join(buffer)
            key, raw = split_key_value(logical)
            self.entries.append(Entry(key, raw, first, i, logical))
            i += 1

    def text(self):
        return "".join(self.lines)

    def find(self, key):
        return [entry for entry in self.entries if entry.key == key]

    def keys(self):
        return [entry.key for entry in self.entries]

    def malformed_entries(self):
        """Keys whose value has a malformed \\u escape (Liferay then ignores the file)."""
        bad = []
        for entry in self.entries:
            try:
                unescape_java(jtrim(entry.raw_value))
            except PropertiesError:
                bad.append(entry.key)
        return bad

    def values(self):
        """key -> value as Liferay reads it (duplicates merged with ',', as Liferay does)."""
        result = {}
        for entry in self.entries:
            value = entry.value()
            result[entry.key] = value if entry.key not in result else result[entry.key] + "," + value
        return result

    # -- editing ---------------------------------------------------------

    def _line(self, content):
        return content + self.newline

    def apply(self, desired, remove=(), block_name="managed by Ansible"):
        """Set every key of *desired* (key -> value) and delete the keys in *remove*.

        Existing entries are rewritten in place (first occurrence kept, later
        duplicates deleted); new keys go, sorted, at the end of the block
        delimited by ``# BEGIN <block_name>`` / ``# END <block_name>``, created at
        the end of the file when missing. Every other line is left as it is.
        Returns a dict of key lists: added, updated, removed.
        """
        for key in desired:
            check_key(key)
        if FORBIDDEN_KEYS & set(remove):
            raise PropertiesError("refusing to remove the keys include / include-and-override")
        if self.dangling is not None:
            raise PropertiesError(
                "line %d ends with a '\\' continuation that the file never completes; "
                "Liferay drops that entry and anything appended after it would be swallowed. "
                "Fix the line by hand first" % (self.dangling + 1)
            )
        wanted = {key: format_entry(key, value) for key, value in desired.items()}
        remove = set(remove) - set(wanted)
        replace = {}  # first line index -> new content (None deletes)
        drop = set()
        seen = set()
        added, updated, removed = [], [], []
        for entry in self.entries:
            span = range(entry.first, entry.last + 1)
            if entry.key in wanted:
                if entry.key in seen:  # a duplicate: Liferay would merge it into a list
                    drop.update(span)
                    if entry.key not in updated:
                        updated.append(entry.key)
                    continue
                seen.add(entry.key)
                current = "".join(self.lines[entry.first : entry.last + 1])
                if current.rstrip("\r\n") != wanted[entry.key]:
                    replace[entry.first] = wanted[entry.key]
                    drop.update(span[1:])
                    if entry.key not in updated:
                        updated.append(entry.key)
            elif entry.key in remove:
                drop.update(span)
                if entry.key not in removed:
                    removed.append(entry.key)
        new_keys = sorted(key for key in wanted if key not in seen)
        added.extend(new_keys)

        begin, end = "# BEGIN " + block_name, "# END " + block_name
        lines = []
        block_end = None
        for index, line in enumerate(self.lines):
            if index in replace:
                ending = line[len(line.rstrip("\r\n")) :] or self.newline
                lines.append(replace[index] + ending)
            elif index not in drop:
                if jtrim(line) == end and block_end is None:
                    block_end = len(lines)
                lines.append(line)
        if new_keys:
            new_lines = [self._line(wanted[key]) for key in new_keys]
            if block_end is not None:
                lines[block_end:block_end] = new_lines
            else:
                if lines and not lines[-1].endswith(("\n", "\r")):
                    lines[-1] += self.newline
                lines.extend([self._line(begin), *new_lines, self._line(end)])
        result = PropertiesDocument("".join(lines), self.newline)
        result._verify(desired, remove)
        self.lines, self.entries = result.lines, result.entries
        return {"added": added, "updated": updated, "removed": removed}

    def _verify(self, desired, remove):
        """Re-read the edited text and prove it says exactly what was asked."""
        for key, value in desired.items():
            found = self.find(key)
            if isinstance(value, (list, tuple)):
                value = ",".join(value)  # what PropsUtil.get returns for a list
            if len(found) != 1 or found[0].value() != value:
                raise PropertiesError(
                    "internal check failed for key '%s': the edited file would not read back "
                    "as requested; nothing was written" % key
                )
        for key in remove:
            if self.find(key):
                raise PropertiesError("internal check failed: key '%s' is still present" % key)

    def masked_text(self, secret_keys, secret_pattern=None, changed=()):
        """The file with the value of every secret entry replaced by a mask.

        *secret_keys* are masked by name, *secret_pattern* (a compiled regex) by
        search on the key. Entries whose key is in *changed* get a marker, so a
        diff still shows that a secret changed without showing it.
        """

        def is_secret(key):
            return key in secret_keys or bool(secret_pattern and secret_pattern.search(key))

        starts = {entry.first: entry for entry in self.entries if is_secret(entry.key)}
        skip = set()
        out = []
        for index, line in enumerate(self.lines):
            if index in skip:
                continue
            entry = starts.get(index)
            if entry is None:
                out.append(line)
                continue
            skip.update(range(entry.first + 1, entry.last + 1))
            ending = self.lines[entry.last][len(self.lines[entry.last].rstrip("\r\n")) :]
            marker = " (changed)" if entry.key in changed else ""
            out.append("%s=%s%s%s" % (entry.key, MASK, marker, ending))
        return "".join(out)
