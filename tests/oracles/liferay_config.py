"""Liferay's reader of OSGi ``.config`` files, rewritten in Python from Liferay's source: a test oracle.

What is modelled, step by step (liferay/liferay-portal, ``modules/apps/static/portal-file-install``):

1. ``portal-file-install-api``, ``com.liferay.portal.file.install.properties.TypedProperties``
   (``PropertiesReader``): lines as ``BufferedReader.readLine`` splits them (LF, CR, CRLF); an empty
   line is skipped; a line whose trimmed text starts with ``#`` is a comment (the first one before any
   attribute is the header, any other is logged as an error), also in the middle of a continued line;
   a line ending in ``\\`` continues (the ``\\`` dropped, every piece trimmed, the pieces joined); a
   line of whitespace only makes ``_isCommentLine`` throw (``"".charAt(0)``), so the file is not
   installed; the joined line must match
   ``(\\s*[0-9a-zA-Z-_\\.]+\\s*)=(\\s*[TILFDXSCBilfdxscb]?(\\[…\\]|\\{…\\}|\\(…\\)|"…")\\s*)`` as a whole,
   and the first one that does not is logged (``Unable to parse config line: …``) and **ends the
   reading**: later attributes are dropped. A key given twice keeps its first place and its last value.
2. ``InterpolationUtil.substVars`` on the trimmed *raw* value text, before any unescaping: the first
   ``}`` not preceded by ``\\``, the last ``${`` before it; the name between them is looked up with
   ``SystemProperties.get`` (here: *system_properties*), else, only when it starts with ``LIFERAY_``,
   ``System.getenv`` (here: *environ*); not found, or an empty name, gives ``""``; then the whole
   substitution runs again on the result. ``${env:NAME}`` is just a name that is never found. A
   ``\\}`` can make the search loop forever (``ReaderHangs``); a reference that keeps producing
   references recurses until the stack overflows (``ReaderThrows``).
3. ``ConfigurationHandler.read`` on the substituted text, when ``ConfigurationFileInstaller.transformURL``
   (portal-file-install-impl) asks ``TypedProperties.get`` for every key: whitespace
   (``Character.isWhitespace``), an optional type code (``T`` String, ``B`` Boolean, ``I`` Integer,
   ``L`` Long, ``S`` Short, ``X`` Byte, ``C`` Character, ``D`` Double, ``F`` Float, either case), then
   ``"…"`` a value, ``[…]`` an array (``String[]``, ``Long[]``…) or ``(…)`` a collection
   (``ArrayList``) of quoted values separated by ``,`` (whitespace and ``\\`` + line break between them
   ignored); anything else (``{…}`` included) reads as ``null``. Inside quotes ``\\b \\t \\n \\f \\r``
   and ``\\uXXXX`` are escapes, any other ``\\X`` is ``X``, the string ends at the first unescaped ``"``
   and whatever follows the closing quote is ignored. ``B`` is ``Boolean.valueOf`` (``true`` in any
   case, anything else false); numbers are ``Long.valueOf`` & co. (a bad number throws).

Java's view of text is modelled with it: strings are UTF-16 (a character outside the BMP is two
``char``s; ``\\uXXXX`` makes one, and an escaped surrogate pair makes the character), ``String.trim``
strips every character up to U+0020, ``\\s`` is ASCII whitespace, ``PushbackReader.unread(-1)`` pushes
back U+FFFF, ``Integer.parseInt(…, 16)`` for ``\\uXXXX`` accepts a sign and non-ASCII digits.

Sources read: ``TypedProperties.java``, ``InterpolationUtil.java`` (liferay-core-infra/liferay-portal and
ling-alan-huang/liferay-portal, forks of liferay/liferay-portal), ``ConfigurationHandler.java``
(ling-alan-huang/liferay-portal), ``ConfigurationFileInstaller.java`` and ``TypedPropertiesTest.java``
(liferay/liferay-portal), ``ConfigurationHandlerTest.java`` and ``InterpolationUtilTest.java``
(ling-alan-huang/liferay-portal); tests/oracles/test_liferay_config_passes_liferays_tests.py replays Liferay's test
cases.

Not modelled: the reader of Liferay 7.3/7.4 (``portal-file-install-impl``, package
``…file.install.internal.properties``, derived from Apache Felix: its interpolation also unescaped
``\\{`` ``\\}`` ``\\\\`` and knew ``${name:-default}``), ``.cfg`` files, hexadecimal floating-point
literals; ``F"…"`` rounds through a double (Java parses straight to float). What Configuration Admin
does with a ``null`` value is inferred (refused), not read. Nothing here comes from the collection.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "JavaArray",
    "JavaByte",
    "JavaChar",
    "JavaCollection",
    "JavaDouble",
    "JavaFloat",
    "JavaInteger",
    "JavaLong",
    "JavaShort",
    "ReadProblems",
    "ReaderFailure",
    "ReaderHangs",
    "ReaderThrows",
    "Reading",
    "decode_value",
    "java_type",
    "load",
    "load_file",
    "read",
    "read_file",
    "subst_vars",
]


class ReaderFailure(Exception):
    """Liferay's reader does not return a configuration for the file: it throws, or never returns."""


class ReaderThrows(ReaderFailure):
    """The reader throws (the Java exception is named): ConfigurationFileInstaller installs nothing."""


class ReaderHangs(ReaderFailure):
    """``InterpolationUtil.substVars`` would loop forever on this value (the file installer thread hangs)."""


class ReadProblems(Exception):
    """:func:`load` (strict): Liferay reads the file but logs errors, drops lines or gets null values.

    The message names the kinds of problem and line numbers, never the file's text (which may hold a
    password); the whole :class:`Reading` is in ``.reading``.
    """

    def __init__(self, reading):
        self.reading = reading
        what = []
        if reading.errors:
            what.append("%d error(s) logged (%s)" % (len(reading.errors), ", ".join(sorted(reading.error_kinds()))))
        if reading.stopped_at is not None:
            what.append("reading stops at line %d: later attributes are dropped" % reading.stopped_at)
        nulls = sorted(key for key, value in reading.values.items() if value is None)
        if nulls:
            what.append("null values for %s" % ", ".join(nulls))
        super().__init__("Liferay does not read this file cleanly: " + "; ".join(what))


# --------------------------------------------------------------------------
# Java values
# --------------------------------------------------------------------------


class _JavaNumber:
    java = "Number"

    def __repr__(self):
        return "%s(%s)" % (self.java, super().__repr__())


def _java_number(name, base):
    """The class of Java's boxed *name* (Long, Integer...): a Python *base* that says its Java type."""
    return type("Java" + name, (_JavaNumber, base), {"java": name, "__module__": __name__})


JavaLong = _java_number("Long", int)
JavaInteger = _java_number("Integer", int)
JavaShort = _java_number("Short", int)
JavaByte = _java_number("Byte", int)
JavaDouble = _java_number("Double", float)
JavaFloat = _java_number("Float", float)


class JavaChar(str):
    java = "Character"

    def __repr__(self):
        return "Character(%s)" % super().__repr__()


class JavaArray(list):
    """A Java array (``String[]``, ``Long[]``…): a list that knows its component type."""

    def __init__(self, items, component):
        super().__init__(items)
        self.component = component

    @property
    def java(self):
        return self.component + "[]"

    def __repr__(self):
        return "%s%s" % (self.java, super().__repr__())


class JavaCollection(list):
    """The ``ArrayList`` a ``(…)`` value reads as."""

    java = "ArrayList"

    def __repr__(self):
        return "ArrayList%s" % super().__repr__()


def java_type(value):
    """The Java class of a value read by the oracle: String, Boolean, Long, String[], ArrayList, null…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if hasattr(value, "java"):
        return value.java
    if isinstance(value, str):
        return "String"
    raise TypeError("not a value the oracle returns: %r" % (value,))


# --------------------------------------------------------------------------
# Java's text: UTF-16 code units, trim, whitespace, digits
# --------------------------------------------------------------------------

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def to_units(text):
    """*text* as a Java String holds it: each character outside the BMP as its two surrogates."""

    def pair(match):
        code = ord(match.group()) - 0x10000
        return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))

    return _ASTRAL.sub(pair, text)


def from_units(units):
    """Back to a Python string: surrogate pairs joined, a lone surrogate kept (a Java String may hold one)."""
    if not _SURROGATE.search(units):
        return units
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


# what String.trim() strips: every character up to U+0020
_TRIMMED = "".join(map(chr, range(0x21)))


def java_trim(text):
    """``String.trim()``: strip every character up to U+0020 at both ends."""
    return text.strip(_TRIMMED)


def java_is_whitespace(ch):
    """``Character.isWhitespace``: Unicode space separators except the no-break ones, and nine controls."""
    if ch in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f":
        return True
    if ch in "\u00a0\u2007\u202f":
        return False
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _java_upper(code):
    """``Character.toUpperCase(int)`` for the type codes (a simple mapping; -1 stays -1)."""
    if code < 0:
        return code
    upper = chr(code).upper()
    return ord(upper) if len(upper) == 1 else code


def _java_digit(ch, radix):
    """``Character.digit(ch, radix)``: ASCII and full-width letters, and every Unicode decimal digit."""
    code = ord(ch)
    if "0" <= ch <= "9":
        value = code - 0x30
    elif "a" <= ch <= "z":
        value = code - 0x61 + 10
    elif "A" <= ch <= "Z":
        value = code - 0x41 + 10
    elif 0xFF21 <= code <= 0xFF3A:
        value = code - 0xFF21 + 10
    elif 0xFF41 <= code <= 0xFF5A:
        value = code - 0xFF41 + 10
    elif unicodedata.category(ch) == "Nd":
        value = unicodedata.decimal(ch)
    else:
        return -1
    return value if value < radix else -1


def _number_format(what):
    return ReaderThrows("NumberFormatException (%s)" % what)


def _parse_int(text, bits, radix=10, what="Integer.parseInt"):
    """``Integer.parseInt`` / ``Long.parseLong`` (with ``Short`` and ``Byte`` range checks)."""
    if not text:
        raise _number_format(what + " of an empty string")
    index, negative = 0, False
    if text[0] < "0":
        if text[0] == "-":
            negative = True
        elif text[0] != "+":
            raise _number_format(what)
        if len(text) == 1:
            raise _number_format(what + " of a lone sign")
        index = 1
    result = 0
    for ch in text[index:]:
        digit = _java_digit(ch, radix)
        if digit < 0:
            raise _number_format(what + " of a non-digit")
        result = result * radix + digit
    value = -result if negative else result
    if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise _number_format(what + " out of range")
    return value


def _parse_strict(text, bits, what):
    """``GetterUtil.getLongStrict`` / ``getIntegerStrict``: ASCII digits only, an optional sign."""
    if not re.fullmatch(r"[+-]?[0-9]+", text, re.ASCII):
        raise _number_format(what)
    value = int(text)
    if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise _number_format(what + " out of range")
    return value


_JAVA_DECIMAL = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)",
    re.ASCII,
)


def _parse_floating(text, what):
    """``Double.valueOf`` / ``Float.valueOf`` for decimal text (hexadecimal literals are not modelled)."""
    text = java_trim(text)
    if re.match(r"[+-]?0[xX]", text):
        raise NotImplementedError("hexadecimal floating-point literals are not modelled")
    if not _JAVA_DECIMAL.fullmatch(text):
        raise _number_format(what)
    if text[-1] in "fFdD":  # the optional type suffix of a decimal literal
        text = text[:-1]
    return float(text.replace("Infinity", "inf").replace("NaN", "nan"))


# --------------------------------------------------------------------------
# InterpolationUtil.substVars
# --------------------------------------------------------------------------

LIFERAY_PREFIX = "LIFERAY_"
# Java's stack depth is not known here: past this many nested rounds the oracle calls it an overflow
SUBSTITUTION_DEPTH = 5000


def _index_of(text, sub, start=0):
    """``String.indexOf(sub, fromIndex)``: a negative fromIndex counts as 0."""
    return text.find(sub, max(start, 0))


def _innermost_reference(value):
    """(start, stop) of the ``${`` and ``}`` substVars replaces first, or None."""
    start, stop = _index_of(value, "${"), _index_of(value, "}")
    seen = set()
    while start >= 0 and stop >= 0:
        if (start, stop) in seen:
            raise ReaderHangs("InterpolationUtil.substVars loops forever (a '}' preceded by '\\')")
        seen.add((start, stop))
        while stop > 0 and value[stop - 1] == "\\":
            stop = _index_of(value, "}", stop + 1)
        while stop >= 0:
            index = _index_of(value, "${", start + 2)
            if index < 0 or index > stop:
                break
            if index < stop:
                start = index
        if start < stop:
            return start, stop
        stop = _index_of(value, "}", stop + 1)
        start = _index_of(value, "${")
    return None


def subst_vars(value, system_properties=None, environ=None):
    """``InterpolationUtil.substVars(value)`` of DXP 2025.Q4+ / Portal 2026 (see the module docstring).

    *system_properties* stands for ``SystemProperties.get``, *environ* for ``System.getenv`` (asked
    only for names starting with ``LIFERAY_``). Works on Python strings; Java's UTF-16 makes no
    difference here (only ASCII delimiters are searched).
    """
    system_properties = system_properties or {}
    environ = environ or {}
    seen = set()
    for _round in range(SUBSTITUTION_DEPTH):
        found = _innermost_reference(value)
        if found is None:
            return value
        if value in seen:
            raise ReaderThrows("StackOverflowError: the substitution produces the same text again")
        seen.add(value)
        start, stop = found
        name = value[start + 2 : stop]
        substituted = None
        if name:
            substituted = system_properties.get(name)
            if substituted is None and name.startswith(LIFERAY_PREFIX):
                substituted = environ.get(name)
        value = value[:start] + ("" if substituted is None else substituted) + value[stop + 1 :]
    raise ReaderThrows("StackOverflowError (assumed): more than %d nested substitutions" % SUBSTITUTION_DEPTH)


# --------------------------------------------------------------------------
# ConfigurationHandler.read
# --------------------------------------------------------------------------

_CR, _LF, _BACKSLASH, _QUOTE = 13, 10, ord("\\"), ord('"')
_CODE_TO_TYPE = {
    ord("B"): "Boolean",
    ord("X"): "Byte",
    ord("C"): "Character",
    ord("D"): "Double",
    ord("F"): "Float",
    ord("I"): "Integer",
    ord("L"): "Long",
    ord("S"): "Short",
    ord("T"): "String",
}


class _PushbackReader:
    """``java.io.PushbackReader(reader, 1)`` over UTF-16 units; ``unread(-1)`` stores U+FFFF, as Java does."""

    def __init__(self, units):
        self.units, self.index, self.back = units, 0, None

    def read(self):
        if self.back is not None:
            c, self.back = self.back, None
            return c
        if self.index >= len(self.units):
            return -1
        c = ord(self.units[self.index])
        self.index += 1
        return c

    def unread(self, c):
        if self.back is not None:
            raise ReaderThrows("IOException: Pushback buffer overflow")
        self.back = c & 0xFFFF


def _read(reader):
    """``ConfigurationHandler._read``: CR and CRLF read as LF."""
    c1 = reader.read()
    if c1 == _CR:
        c2 = reader.read()
        if c2 != _LF:
            reader.unread(c2)
        c1 = _LF
    return c1


def _ignorable_white_space(reader):
    c = _read(reader)
    while c >= 0 and java_is_whitespace(chr(c)):
        c = _read(reader)
    return c


def _ignorable_page_break_and_white_space(reader):
    c1 = _ignorable_white_space(reader)
    while c1 == _BACKSLASH:
        c2 = reader.read()
        if c2 in (_LF, _CR):
            c1 = _ignorable_white_space(reader)
        else:
            reader.unread(c2)
            break
    return c1


_NAMED_ESCAPES = {ord("b"): "\b", ord("t"): "\t", ord("n"): "\n", ord("f"): "\f", ord("r"): "\r"}


def _read_quoted(reader):
    """``ConfigurationHandler._readQuoted``: from after the opening quote to (not past) the closing one."""
    out = []
    while True:
        c = _read(reader)
        if c == _BACKSLASH:
            c = _read(reader)
            if c in _NAMED_ESCAPES:
                out.append(_NAMED_ESCAPES[c])
            elif c == ord("u"):
                digits = []
                for _ in range(4):
                    d = _read(reader)
                    if d < 0:
                        break
                    digits.append(chr(d))
                if len(digits) == 4:  # fewer (the end of the text): nothing is appended
                    code = _parse_int("".join(digits), 32, 16, "Integer.parseInt(\\u escape, 16)")
                    out.append(chr(code & 0xFFFF))
            else:
                out.append(chr(c & 0xFFFF))  # a backslash at the end: (char) -1, U+FFFF
        elif c in (-1, _QUOTE):
            reader.unread(c)
            return "".join(out)
        else:
            out.append(chr(c))


def _boolean(text):
    return text.isascii() and text.lower() == "true"  # Boolean.valueOf: "true".equalsIgnoreCase(text)


def _read_simple(code, reader):
    if code == -1:
        return None
    code = _java_upper(code)
    kind = _CODE_TO_TYPE.get(code)
    if kind is None:
        return None
    text = _read_quoted(reader)
    if kind == "String":
        return text
    if kind == "Boolean":
        return _boolean(text)
    if kind == "Character":
        return JavaChar(text[0]) if text else None
    if kind == "Long":
        return JavaLong(_parse_int(text, 64, what="Long.valueOf"))
    if kind == "Integer":
        return JavaInteger(_parse_int(text, 32, what="Integer.valueOf"))
    if kind == "Short":
        return JavaShort(_parse_int(text, 16, what="Short.valueOf"))
    if kind == "Byte":
        return JavaByte(_parse_int(text, 8, what="Byte.valueOf"))
    if kind == "Double":
        if "." in text:
            return JavaDouble(_parse_floating(text, "Double.valueOf"))
        bits = _parse_strict(text, 64, "GetterUtil.getLongStrict")
        return JavaDouble(struct.unpack(">d", struct.pack(">q", bits))[0])
    # Float
    if "." in text:
        return JavaFloat(struct.unpack(">f", struct.pack(">f", _parse_floating(text, "Float.valueOf")))[0])
    bits = _parse_strict(text, 32, "GetterUtil.getIntegerStrict")
    return JavaFloat(struct.unpack(">f", struct.pack(">i", bits))[0])


def _read_sequence(type_code, reader, closing):
    objects = []
    while True:
        token = _ignorable_page_break_and_white_space(reader)
        if token == _QUOTE:
            value = _read_simple(type_code, reader)
            if value is None:
                return None  # "abort due to error"
            _read(reader)
            objects.append(value)
            token = _ignorable_page_break_and_white_space(reader)
        if token == ord(closing):
            if closing == ")":
                return JavaCollection(objects)
            component = _CODE_TO_TYPE.get(type_code)  # the raw code: a lower-case one is not in the map
            if component is None:
                raise ReaderThrows(
                    "NullPointerException: Array.newInstance(null, …) for the type code %r" % chr(type_code)
                )
            return JavaArray(objects, component)
        if token != ord(","):  # the end of the text (-1) included
            return None


def _decode_units(units):
    reader = _PushbackReader(units)
    type_code = _ignorable_white_space(reader)
    code = type_code
    if _java_upper(type_code) in _CODE_TO_TYPE:
        code = _read(reader)
    else:
        type_code = ord("T")
    if code == ord("["):
        return _read_sequence(type_code, reader, "]")
    if code == ord("("):
        return _read_sequence(type_code, reader, ")")
    if code == _QUOTE:
        value = _read_simple(type_code, reader)
        _read(reader)  # the closing quote; what follows is never read
        return value
    return None


def _to_python(value):
    if isinstance(value, JavaArray):
        return JavaArray([_to_python(item) for item in value], value.component)
    if isinstance(value, JavaCollection):
        return JavaCollection(_to_python(item) for item in value)
    if isinstance(value, JavaChar):
        return JavaChar(from_units(value))
    if isinstance(value, str):
        return from_units(value)
    return value


def decode_value(text):
    """``ConfigurationHandler.read(text)``: the Java value a typed value text stands for (None for null)."""
    return _to_python(_decode_units(to_units(text)))


# --------------------------------------------------------------------------
# TypedProperties.load + ConfigurationFileInstaller.transformURL
# --------------------------------------------------------------------------

LINE_PATTERN = re.compile(
    r'(\s*[0-9a-zA-Z\-_.]+\s*)=(\s*[TILFDXSCBilfdxscb]?(\[[\S\s]*\]|\{[\S\s]*\}|\([\S\s]*\)|"[\S\s]*")\s*)',
    re.ASCII,
)


@dataclass
class Reading:
    """What Liferay makes of a ``.config`` file."""

    values: dict = field(default_factory=dict)  # attribute -> value given to Configuration Admin (None: null)
    raw: dict = field(default_factory=dict)  # attribute -> its value text after substitution
    header: str | None = None  # the comment line Liferay keeps at the top (and writes back)
    errors: list = field(default_factory=list)  # what Liferay logs at ERROR level while loading, in its words
    stopped_at: int | None = None  # the line that did not parse (reading ends there), 1-based

    def error_kinds(self):
        return {error.split(":", 1)[0] for error in self.errors}

    @property
    def clean(self):
        return not self.errors and self.stopped_at is None and None not in self.values.values()


def _physical_lines(units):
    """``BufferedReader.readLine`` until null: split on CRLF, CR or LF; no last empty line."""
    lines = re.split("\r\n|\r|\n", units)
    if lines[-1] == "":
        lines.pop()
    return lines


def _is_comment_line(line, number):
    stripped = java_trim(line)
    if not stripped:
        raise ReaderThrows(
            "StringIndexOutOfBoundsException: line %d holds only whitespace (TypedProperties._isCommentLine "
            "calls charAt(0) on the trimmed line)" % number
        )
    return stripped[0] == "#"


def _read_property(lines, position, reading, storage, comment):
    """``PropertiesReader._readProperty``: (pieces, comments, first line number, position, header) or
    pieces None when ``readLine()`` returns null (a line still continued at the end is dropped)."""
    pieces, comments, first = [], [], None
    while position < len(lines):
        line, number = lines[position], position + 1
        position += 1
        if not line:
            continue
        if _is_comment_line(line, number):
            comments.append(line)
            if storage:
                reading.errors.append("Comment must be at beginning of config file: " + from_units(line))
            elif comment is None:
                comment = line
            continue
        combine = line.endswith("\\")
        if combine:
            line = line[:-1]
        pieces.append(java_trim(line))
        first = first or number
        if not combine:
            return pieces, comments, first, position, comment
    return None, comments, first, position, comment


def read(text, system_properties=None, environ=None):
    """Read *text* as Liferay does; a :class:`Reading`. Raises ReaderFailure where Liferay's reader fails.

    *system_properties* and *environ* are what ``${NAME}`` may resolve to (JVM system properties, and
    environment variables, of which only ``LIFERAY_*`` are asked); both empty by default.
    """
    system_properties = {to_units(k): to_units(v) for k, v in (system_properties or {}).items()}
    environ = {to_units(k): to_units(v) for k, v in (environ or {}).items()}
    lines = _physical_lines(to_units(text))
    reading = Reading()
    storage, comment, position = {}, None, 0
    while True:  # TypedProperties.load: while (propertiesReader.nextProperty())
        pieces, comments, first, position, comment = _read_property(lines, position, reading, storage, comment)
        if pieces is None:
            break
        if len(comments) > 1:
            reading.errors.append("Multiple comment lines found: [%s]" % ", ".join(map(from_units, comments)))
        joined = "".join(pieces)
        match = LINE_PATTERN.fullmatch(joined)
        if not match:
            reading.errors.append("Unable to parse config line: " + from_units(joined))
            reading.stopped_at = first
            break
        storage[java_trim(match.group(1))] = subst_vars(java_trim(match.group(2)), system_properties, environ)
    reading.header = from_units(comment) if comment is not None else None
    for key, raw in storage.items():  # ConfigurationFileInstaller: dictionary.put(key, get(key))
        try:
            value = _to_python(_decode_units(raw))
        except ReaderThrows as exc:
            raise ReaderThrows("%s: %s" % (key, exc)) from None
        reading.raw[key] = from_units(raw)
        reading.values[key] = value
    return reading


def load(text, system_properties=None, environ=None):
    """``{attribute: value}`` as Liferay reads *text*, or ReadProblems if it logs errors, drops lines or
    gets null values (ReaderFailure where its reader fails). The check every read-back uses."""
    reading = read(text, system_properties, environ)
    if not reading.clean:
        raise ReadProblems(reading)
    return reading.values


def read_file(path, system_properties=None, environ=None, encoding="utf-8"):
    """:func:`read` on a file, decoded like Java's InputStreamReader (bad bytes become U+FFFD, a BOM stays)."""
    return read(Path(path).read_bytes().decode(encoding, "replace"), system_properties, environ)


def load_file(path, system_properties=None, environ=None, encoding="utf-8"):
    """:func:`load` on a file (see read_file)."""
    reading = read_file(path, system_properties, environ, encoding)
    if not reading.clean:
        raise ReadProblems(reading)
    return reading.values
