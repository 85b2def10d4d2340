# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Edit application-server XML files in place: only the elements this role owns change.

Tomcat's context files and WildFly's ``standalone.xml`` are maintained by people:
comments, attribute order, one attribute per line, tabs. A DOM round trip
(minidom, ElementTree) rewrites every tag of the file (and ElementTree drops the
comments), so this module never serialises a document. It parses the bytes with
expat (standard library), which reports where each element starts, and splices
new text in at exactly those byte offsets. Every byte outside an edited element
stays as it was, and the edited text is parsed again before it is written.

Writing is files/xml_writer.py's (the skeleton of files/writer.py: check mode, backup,
atomic write with the final mode applied first, new files 0640).

Standard library only; used by modules on the target.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from ansible_collections.liferay_ops.mail.plugins.module_utils.masking import MASK, SECRET_WORDS

# Attribute and element names whose values are secrets (jdbc passwords in
# ROOT.xml, keystore passwords and credential-reference clear-text in standalone.xml).
SECRET_NAME = re.compile(r"(?i)(%s|clear-text)" % SECRET_WORDS)

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(\s*=\s*)("[^"]*"|'[^']*')""")


class XMLFileError(Exception):
    """The file cannot be read or edited as XML; the message says where and why."""


class Element:
    """An element of the parsed file and the byte offsets of its text.

    ``start`` is the offset of ``<``, ``start_tag_end`` the offset after the start
    tag's ``>``, ``end`` the offset after the element's last byte (after ``/>`` for
    an empty element, after ``</name>`` otherwise).
    """

    def __init__(self, name, attrs, start, parent):
        self.name = name
        self.attrs = attrs
        self.start = start
        self.start_tag_end = None
        self.end = None
        self.empty = False
        self._close_tag_start = None
        self.parent = parent
        self.children = []

    def iter(self, name=None):
        """This element and its descendants, in document order."""
        if name is None or self.name == name:
            yield self
        for child in self.children:
            yield from child.iter(name)

    def find_all(self, name):
        return [child for child in self.children if child.name == name]

    @property
    def close_tag_start(self):
        """Offset of ``</name>`` (None for an empty element)."""
        if self.empty:
            return None
        return self._close_tag_start

    def __repr__(self):
        return "<Element %s %r at %d>" % (self.name, self.attrs, self.start)


def _tag_end(data, pos):
    """Offset after the ``>`` that closes the tag starting at *pos* (quotes respected)."""
    quote = None
    length = len(data)
    while pos < length:
        char = data[pos : pos + 1]
        if quote:
            if char == quote:
                quote = None
        elif char in (b'"', b"'"):
            quote = char
        elif char == b">":
            return pos + 1
        pos += 1
    raise XMLFileError("unterminated tag")


class Document:
    """The bytes of an XML file and its element tree with offsets."""

    def __init__(self, data, path="the file"):
        self.data = data
        self.path = path
        self.encoding = declared_encoding(data)
        self.root = self._parse()

    def _parse(self):
        data = self.data
        parser = xml.parsers.expat.ParserCreate()
        parser.ordered_attributes = True
        stack = []
        roots = []

        def start(name, attributes):
            pos = parser.CurrentByteIndex
            attrs = dict(zip(attributes[0::2], attributes[1::2], strict=True))
            element = Element(name, attrs, pos, stack[-1] if stack else None)
            element.start_tag_end = _tag_end(data, pos)
            element.empty = data[element.start_tag_end - 2 : element.start_tag_end] == b"/>"
            if stack:
                stack[-1].children.append(element)
            else:
                roots.append(element)
            stack.append(element)

        def end(_name):
            element = stack.pop()
            if element.empty:
                element.end = element.start_tag_end
            else:
                pos = parser.CurrentByteIndex
                element._close_tag_start = pos
                element.end = _tag_end(data, pos)

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            parser.Parse(data, True)
        except xml.parsers.expat.ExpatError as exc:
            raise XMLFileError(
                "%s is not well-formed XML (%s); fix it by hand first"
                % (self.path, xml.parsers.expat.ErrorString(exc.code))
                + " at line %d, column %d" % (exc.lineno, exc.offset + 1)
            ) from None
        except LookupError as exc:  # unknown encoding
            raise XMLFileError("%s: %s" % (self.path, exc)) from None
        if not roots:
            raise XMLFileError("%s has no root element" % self.path)
        return roots[0]

    # -- text helpers --------------------------------------------------------------

    def line_indent(self, offset):
        """The whitespace between the start of the line and *offset*, or None if other text precedes it."""
        line_start = self.data.rfind(b"\n", 0, offset) + 1
        indent = self.data[line_start:offset]
        return indent.decode("ascii") if indent.strip() == b"" else None

    def indent_unit(self):
        """One level of indentation as the file uses it: a tab, or as many spaces as its first indented line."""
        match = re.search(rb"\n([ \t]+)<", self.data)
        if not match:
            return "\t"
        indent = match.group(1)
        return "\t" if indent.startswith(b"\t") else " " * len(indent)

    def child_indent(self, parent):
        """Indentation for a new child of *parent*: that of its existing children, else one level deeper."""
        for child in parent.children:
            indent = self.line_indent(child.start)
            if indent is not None:
                return indent
        return (self.line_indent(parent.start) or "") + self.indent_unit()

    def encode(self, text):
        """*text* in the file's encoding; characters it cannot hold become character references."""
        return text.encode(self.encoding, "xmlcharrefreplace")

    def removal_span(self, element):
        """Offsets that delete *element* together with its own line, when it is alone on it."""
        start, end = element.start, element.end
        line_start = self.data.rfind(b"\n", 0, start) + 1
        line_end = self.data.find(b"\n", end)
        line_end = len(self.data) if line_end < 0 else line_end
        if not self.data[line_start:start].strip() and not self.data[end:line_end].strip():
            return line_start, min(line_end + 1, len(self.data))
        return start, end

    def insertion(self, parent, text, after=None):
        """An edit that adds *text* (one element, unindented first line) as the last child of *parent*,
        or right after the element *after*."""
        indent = self.child_indent(parent)
        if after is not None:
            indent = self.line_indent(after.start) or indent
            line_end = self.data.find(b"\n", after.end)
            if line_end >= 0 and not self.data[after.end : line_end].strip():
                # after the line of *after*; keep a blank line between siblings when the file does
                next_end = self.data.find(b"\n", line_end + 1)
                blank = next_end >= 0 and not self.data[line_end + 1 : next_end].strip()
                return (line_end + 1, line_end + 1, self.encode(("\n" if blank else "") + indent + text + "\n"))
            return (after.end, after.end, self.encode("\n" + indent + text))
        if parent.empty:
            # <Context/> becomes <Context>...</Context>
            parent_indent = self.line_indent(parent.start) or ""
            close = "</%s>" % parent.name
            text = ">\n" + indent + text + "\n" + parent_indent + close
            return (parent.start_tag_end - 2, parent.start_tag_end, self.encode(text))
        close = parent.close_tag_start
        before_close = self.line_indent(close)
        if before_close is not None:
            line_start = close - len(before_close)
            return (line_start, line_start, self.encode(indent + text + "\n"))
        return (close, close, self.encode("\n" + indent + text + "\n" + (self.line_indent(parent.start) or "")))

    def apply(self, edits):
        """New bytes with *edits* ((start, end, replacement bytes), non-overlapping) applied."""
        data = self.data
        last = None
        for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
            if last is not None and end > last:
                raise XMLFileError("internal error: overlapping edits in %s" % self.path)
            data = data[:start] + replacement + data[end:]
            last = start
        return data

    # -- secrets -------------------------------------------------------------------

    def masked_text(self, secrets=()):
        """The file as text with every secret replaced by ``********``: values of attributes
        named like a password, the text of elements named like one, and any occurrence of
        the strings in *secrets* (raw or XML-escaped)."""
        edits = []
        for element in self.root.iter():
            tag = self.data[element.start : element.start_tag_end].decode(self.encoding, "replace")
            masked_tag = _ATTRIBUTE.sub(
                lambda m: (
                    m.group(0)
                    if not SECRET_NAME.search(m.group(1)) or m.group(3) in ('""', "''")
                    else "%s%s%s%s%s" % (m.group(1), m.group(2), m.group(3)[0], MASK, m.group(3)[0])
                ),
                tag,
            )
            if masked_tag != tag:
                edits.append((element.start, element.start_tag_end, self.encode(masked_tag)))
            if (
                SECRET_NAME.search(element.name)
                and not element.empty
                and not element.children
                and self.data[element.start_tag_end : element.close_tag_start].strip()
            ):
                edits.append((element.start_tag_end, element.close_tag_start, MASK.encode("ascii")))
        text = self.apply(edits).decode(self.encoding, "replace")
        return scrub(text, secrets)


def scrub(text, secrets):
    """Replace each secret of three or more characters in *text*, raw and in its XML-escaped forms."""
    forms = set()
    for secret in secrets:
        if secret and len(secret) >= 3:
            forms.update({secret, escape_attribute(secret), escape_attribute(secret, ascii_only=True)})
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def scrub_result(value, secrets):
    """*value* (a module result) with every secret scrubbed from every string in it: defence in depth."""
    if isinstance(value, dict):
        return {key: scrub_result(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_result(item, secrets) for item in value]
    if isinstance(value, str):
        return scrub(value, secrets)
    return value


def declared_encoding(data):
    match = _DECLARED_ENCODING.match(data)
    if match:
        return match.group(1).decode("ascii").lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"


# Characters XML 1.0 cannot carry at all, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_problem(value):
    """Why *value* cannot be an XML attribute value, or None."""
    match = _NOT_XML.search(value)
    if match:
        return "contains the character U+%04X, which XML 1.0 cannot represent" % ord(match.group(0))
    return None


def escape_attribute(value, ascii_only=False):
    """*value* escaped for a double-quoted XML attribute, so a parser reads back exactly *value*.

    Whitespace other than the space is written as character references: a literal
    tab or line break would be normalised to a space by every XML parser.
    """
    out = []
    for char in value:
        if char == "&":
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char == '"':
            out.append("&quot;")
        elif char in "\t\n\r" or (ascii_only and ord(char) > 126):
            out.append("&#%d;" % ord(char))
        else:
            out.append(char)
    return "".join(out)


def render_element(name, attributes, indent, unit, one_per_line=True):
    """An empty element ``<name a="v" .../>`` for insertion at *indent* (its first line unindented)."""
    if not one_per_line or len(attributes) <= 2:
        return "<%s %s/>" % (name, " ".join('%s="%s"' % (key, escape_attribute(value)) for key, value in attributes))
    lines = ["<%s" % name]
    lines.extend('%s%s%s="%s"' % (indent, unit, key, escape_attribute(value)) for key, value in attributes)
    lines.append("%s/>" % indent)
    return "\n".join(lines)
