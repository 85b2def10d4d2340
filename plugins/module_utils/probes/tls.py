# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS for the mail server checks: the SSL context, handshakes under a check's deadline, and what the
server certificate says (its expiry, read by a small DER parser: no third-party parser on the target).

Used by the probes of mail_session_verify. Standard library only.
"""

from __future__ import annotations

import datetime
import ssl

# datetime.UTC needs Python 3.11; targets may run 3.8
UTC = datetime.timezone.utc  # noqa: UP017


def make_ssl_context(tls_verify, ca_file):
    context = ssl.create_default_context(cafile=ca_file or None)
    if not tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class DeadlineTLSContext:
    """Stands in for an SSLContext in smtplib/poplib/imaplib: handshakes under the check's deadline.

    probe: the check (see session.Probe) with its ssl_context, deadline, phase and record_tls().
    """

    def __init__(self, probe):
        self._probe = probe

    def wrap_socket(self, sock, server_hostname=None, **_ignored):
        probe = self._probe
        probe.phase = "TLS handshake"
        tls = probe.ssl_context.wrap_socket(sock, server_hostname=server_hostname, do_handshake_on_connect=False)
        probe.deadline.watch(tls)
        tls.do_handshake()
        probe.record_tls(tls)
        return tls


def _der_item(der, pos):
    """(tag, content start, content end) of the DER item at pos."""
    tag = der[pos]
    length = der[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    return tag, pos, pos + length


def cert_not_after(der):
    """notAfter of a DER certificate as an aware UTC datetime (no third-party parser on the target)."""
    _dummy, pos, _dummy = _der_item(der, 0)  # Certificate
    _dummy, pos, _dummy = _der_item(der, pos)  # TBSCertificate
    tag, _dummy, end = _der_item(der, pos)
    if tag == 0xA0:  # [0] version
        tag, _dummy, end = _der_item(der, end)
    for _dummy in range(2):  # after serialNumber: signature, issuer
        tag, _dummy, end = _der_item(der, end)
    _dummy, start, _dummy = _der_item(der, end)  # validity
    _dummy, _dummy, not_before_end = _der_item(der, start)
    tag, value_start, value_end = _der_item(der, not_before_end)
    text = der[value_start:value_end].decode("ascii")
    if tag == 0x17:  # UTCTime YYMMDDHHMMSSZ
        year = int(text[:2])
        text = ("19" if year >= 50 else "20") + text
    return datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def tls_report(tls, warn_days):
    """What an established TLS connection tells: (result fields, warning about the certificate or None)."""
    fields = {"tls_version": tls.version()}
    try:
        not_after = cert_not_after(tls.getpeercert(binary_form=True))
    except Exception:  # an unparsable certificate only loses the expiry report
        return fields, None
    days = int((not_after - datetime.datetime.now(UTC)).total_seconds() // 86400)
    fields["cert_not_after"] = not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
    fields["cert_days_left"] = days
    warning = None
    if days < 0:
        warning = "the server certificate expired on %s" % not_after.date()
    elif days < warn_days:
        warning = "the server certificate expires on %s (in %d days)" % (not_after.date(), days)
    return fields, warning
