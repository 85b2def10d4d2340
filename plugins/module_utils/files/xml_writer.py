# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""files/writer.py's skeleton for the application servers' XML files (Tomcat's context, WildFly's standalone.xml).

What tomcat_mail_resource and wildfly_mail_session share on top of :class:`writer.FileWriter`:
the file's bytes parsed with codecs/xml_document.py (expat, byte offsets), the edits spliced in and
the result parsed again before anything is written, the diff masked by ``Document.masked_text``
(secret attributes and elements, and the secret values given), and every string of the result
scrubbed of those values. Bytes that are not UTF-8 (an ISO-8859-1 file) pass through unchanged as
surrogate escapes. Standard library and ansible.module_utils only (it runs on the targets).
"""

from __future__ import annotations

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.xml_document import (
    Document,
    XMLFileError,
    scrub_result,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.files.writer import FileWriter


def _bytes(text):
    return text.encode("utf-8", "surrogateescape")


def _text(data):
    return data.decode("utf-8", "surrogateescape")


class XmlFileWriter(FileWriter):
    """A FileWriter whose module plans edits of a parsed XML document: it implements :meth:`edit`."""

    errors = (XMLFileError,)
    new_document = None  # the bytes of a new file (None: the file must exist)

    def __init__(self, module):
        super().__init__(module)
        self.secrets = []  # the secret values given: masked in the diff, scrubbed from the result

    def plan(self, before):
        document = Document(_bytes(before) if self.exists else self.new_document, self.path)
        edits = self.edit(document)
        try:
            after = document.apply(edits)
            check = Document(after, self.path)
        except XMLFileError as exc:
            self.fail("internal error, nothing written: the edited %s does not parse: %s" % (self.path, exc))
        self.check(check)
        return _text(after)

    def edit(self, document):
        """The edits ((start, end, replacement bytes)) that make *document* say what was asked."""
        raise NotImplementedError

    def check(self, document):
        """Read the edited *document* back; fail ("internal error, nothing written") unless it says what was asked."""
        raise NotImplementedError

    def not_read_back(self):
        self.fail("internal error, nothing written: the edited %s does not read back as requested" % self.path)

    def masked(self, text, changed=()):
        return Document(_bytes(text), self.path).masked_text(self.secrets)

    def finish(self, result):
        return scrub_result(result, self.secrets)
