# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The round trip of mail_session_verify: a tagged probe message sent through the SMTP check's server,
looked for in the store check's mailbox until it arrives or the deadline passes, then deleted.

Standard library only.
"""

from __future__ import annotations

import time
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.deadline import RETRYABLE


def probe_message(token, sender, recipient, smtp_probe, store_probe):
    """(subject, Message-ID, the message as bytes) of the probe tagged token."""
    domain = sender.rpartition("@")[2] or "localhost"
    subject = "Liferay mail session check %s" % token
    message_id = "<mail-session-check.%s@%s>" % (token, domain)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        "Sent by the mail_session role (verify) to check that mail sent through\n"
        "%s reaches the mailbox read through %s.\n"
        "It is deleted as soon as it arrives; if you read this, the deletion failed.\n"
        % (smtp_probe.label, store_probe.label)
    )
    return subject, message_id, message.as_bytes(policy=SMTP_POLICY)


def roundtrip(smtp_probe, store_probe, sender, recipient, deadline_seconds):
    """Send the probe with smtp_probe (smtp.SMTPProbe), poll with store_probe (store.StoreProbe); -> the result."""
    token = uuid.uuid4().hex
    subject, message_id, data = probe_message(token, sender, recipient, smtp_probe, store_probe)
    result = {
        "ok": False,
        "subject": subject,
        "message_id": message_id,
        "latency_ms": None,
        "polls": 0,
        "deleted": False,
        "error_class": None,
        "error": None,
    }

    started = time.monotonic()
    sent = smtp_probe.attempt(lambda smtp: smtp_probe.send(smtp, sender, recipient, data))
    if not sent["ok"]:
        result.update(error_class=sent["error_class"], error="round trip: sending the probe failed: " + sent["error"])
        return result

    delay = 0.2
    while True:
        found = {}
        result["polls"] += 1
        polled = store_probe.attempt(lambda client, found=found: store_probe.find_and_delete(client, token, found))
        elapsed = time.monotonic() - started
        if found.get("found"):
            result.update(ok=True, latency_ms=round(elapsed * 1000), deleted=bool(found.get("deleted")))
            if not result["deleted"]:
                store_probe.warn("the round-trip probe %s arrived but could not be deleted" % message_id)
            return result
        if not polled["ok"] and polled["error_class"] not in RETRYABLE:
            result.update(
                error_class=polled["error_class"],
                error="round trip: searching the mailbox failed: " + polled["error"],
            )
            return result
        if elapsed >= deadline_seconds:
            result.update(
                error_class="timeout",
                error="round trip: the probe sent through %s to %s was not in the mailbox of %r on %s after %g s "
                "(%d searches); does %s deliver to that account?"
                % (
                    smtp_probe.label,
                    recipient,
                    store_probe.user,
                    store_probe.label,
                    deadline_seconds,
                    result["polls"],
                    recipient,
                ),
            )
            return result
        time.sleep(min(delay, max(0.0, deadline_seconds - elapsed)))
        delay = min(delay * 1.5, 2.0)
