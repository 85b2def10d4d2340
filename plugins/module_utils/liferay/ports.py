# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail ports: the default of each protocol and security, and what the well-known ports speak.

Its own module so that mail_session_verify, which needs only this, does not load (and
compile, on every run on the target) the whole of liferay/portal_keys.py.
"""

from __future__ import annotations

# The port an administrator means when leaving the port unset.
DEFAULT_PORT = {
    ("smtp", "none"): 25,
    ("smtp", "starttls"): 587,
    ("smtp", "ssl"): 465,
    ("pop3", "none"): 110,
    ("pop3", "starttls"): 110,
    ("pop3", "ssl"): 995,
    ("imap", "none"): 143,
    ("imap", "starttls"): 143,
    ("imap", "ssl"): 993,
}

# Well-known ports: protocol family and whether the port speaks implicit TLS.
WELL_KNOWN = {
    25: ("smtp", False),
    587: ("smtp", False),
    465: ("smtp", True),
    110: ("pop3", False),
    995: ("pop3", True),
    143: ("imap", False),
    993: ("imap", True),
}
