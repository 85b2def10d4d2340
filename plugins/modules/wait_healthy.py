#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: wait_healthy
short_description: Wait, on the target, until a URL answers with a 2xx status
description:
  - Requests O(url) from the target itself (a Liferay node asks its own C(127.0.0.1)) until it answers with a 2xx
    status, or fails when O(timeout) seconds have passed; returns how long that took and what the URL answered
    last.
  - The role's rolling restart (M(liferay_ops.mail.restart_node)) runs it after each restart; the default URL
    of the role, C(http://127.0.0.1:8080/c/portal/robots), is the path Liferay's own Helm chart probes.
  - Every answer but a 2xx counts as not healthy yet - a refused or reset connection, a time-out, a 5xx, also a
    redirect (redirects are not followed) - and the URL is requested again after O(interval) seconds. Proxies
    from the environment are not used.
  - Only requests the URL (C(GET)); changes nothing, so it also runs in check mode.
  - Runs with the Python standard library only.
version_added: "2.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  url:
    description:
      - The C(http://) or C(https://) URL to request. HTTPS certificates are verified against the system's CAs.
      - It must not hold a user or password (C(http://user:password@host/...)); a health URL needs none, and Ansible
        would show it.
    type: str
    required: true
  timeout:
    description: Seconds to wait in all; at least one request is made even when it is 0.
    type: float
    default: 900
  interval:
    description: Seconds between the end of one request and the next.
    type: float
    default: 2
  request_timeout:
    description: Seconds one request may take (shortened to what remains of O(timeout)).
    type: float
    default: 10
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
"""

EXAMPLES = r"""
- name: Wait until Liferay answers on this node
  liferay_ops.mail.wait_healthy:
    url: http://127.0.0.1:8080/c/portal/robots
    timeout: 900
"""

RETURN = r"""
healthy:
  description: Whether the URL answered with a 2xx status within O(timeout).
  returned: always
  type: bool
status:
  description: The HTTP status of the last answer; null when there was none (refused, time-out).
  returned: always
  type: int
  sample: 200
answer:
  description: The last answer in words, for example C(200 OK), C(503 Service Unavailable), C(connection refused).
  returned: always
  type: str
  sample: 503 Service Unavailable
attempts:
  description: How many requests were made.
  returned: always
  type: int
elapsed:
  description: Seconds from the module's start until the first 2xx answer (or until it gave up).
  returned: always
  type: float
url:
  description: The URL requested.
  returned: always
  type: str
"""

import errno
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from ansible.module_utils.basic import AnsibleModule


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is an answer of its own, raised as HTTPError


def masked(url):
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit((parts.scheme, "********@" + host, parts.path, parts.query, parts.fragment))


def _reason(error):
    """A failed request in a few words."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError) or getattr(reason, "errno", None) == errno.ECONNREFUSED:
        return "connection refused"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, ssl.SSLError):
        return "TLS error: %s" % (getattr(reason, "reason", None) or reason)
    if isinstance(reason, socket.gaierror):
        return "name not resolved: %s" % reason
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def request(opener, url, timeout):
    """One GET -> (status or None, answer in words)."""
    try:
        # the scheme is http or https (main checks it); the opener follows no redirect to another one
        with opener.open(urllib.request.Request(url, method="GET"), timeout=timeout) as response:  # noqa: S310
            response.read(65536)
            return response.status, ("%d %s" % (response.status, response.reason)).strip()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, ("%d %s" % (error.code, error.reason)).strip()
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, _reason(error)
    except Exception as error:  # http.client's BadStatusLine, RemoteDisconnected, ...
        return None, "%s: %s" % (type(error).__name__, error)


def wait(url, timeout, interval, request_timeout, clock=time.monotonic, sleep=time.sleep):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    start = clock()
    deadline = start + max(timeout, 0)
    attempts = 0
    while True:
        attempts += 1
        remaining = deadline - clock()
        status, answer = request(opener, url, max(1.0, min(request_timeout, remaining)))
        now = clock()
        if status is not None and 200 <= status < 300:
            return dict(healthy=True, status=status, answer=answer, attempts=attempts, elapsed=round(now - start, 3))
        if now >= deadline:
            return dict(healthy=False, status=status, answer=answer, attempts=attempts, elapsed=round(now - start, 3))
        sleep(min(interval, deadline - now))  # the last request is made at the deadline


def main():
    module = AnsibleModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            timeout=dict(type="float", default=900),
            interval=dict(type="float", default=2),
            request_timeout=dict(type="float", default=10),
        ),
        supports_check_mode=True,
    )
    url = module.params["url"]
    shown = masked(url)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        module.fail_json(msg="url must be an http:// or https:// URL with a host, not %r" % shown, url=shown)
    if "@" in parts.netloc:
        module.fail_json(msg="url must not hold a user or password: %s" % shown, url=shown)
    if module.params["interval"] < 0 or module.params["request_timeout"] <= 0:
        module.fail_json(msg="interval must be 0 or more and request_timeout more than 0", url=shown)
    result = wait(url, module.params["timeout"], module.params["interval"], module.params["request_timeout"])
    result["url"] = shown
    if not result["healthy"]:
        module.fail_json(
            msg="%s did not answer 2xx within %g s (last answer: %s, after %d requests)"
            % (shown, module.params["timeout"], result["answer"], result["attempts"]),
            **result,
        )
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
