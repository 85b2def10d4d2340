"""What the tests start, build and run, with no test in here (each module's docstring says more).

Real servers and the network, started and stopped by the tests on loopback or in namespaces they make:

- ``mailserver``: Debian's Postfix + Dovecot on free loopback ports, with a CA made per run (also run
  standalone by molecule's prepare: it imports nothing from here);
- ``oauth2_mail``: an OAuth2 token server (Authlib, signed JWTs, client credentials) with Dovecot (oauth2
  passdb, local JWT validation) and Postfix accepting XOAUTH2, for Office 365's OAuth2;
- ``dbserver``: throwaway PostgreSQL and MariaDB instances;
- ``netns``: network namespaces (veth pairs, nftables, a private /etc), and the verify module run
  as a process inside one;
- ``dns_server``: the DNS server run inside such a namespace (a script);
- ``packet_trace``: kernel timestamps of TCP packets on loopback;
- ``fake_servers``: tiny Python listeners for what a real server cannot be made to do on demand;
- ``liferay_standin``: a stand-in Liferay node and Docker CLI for the rolling restart (a script).

Files on disk, shaped like the real ones:

- ``liferay_homes``: LIFERAY_HOMEs of both generations (``.liferay-version``, ``portal-impl.jar``
  manifests, the mail settings module), and directories the Liferay user owns;
- ``appserver_bundles``: Tomcat and WildFly directories inside a LIFERAY_HOME.

Programs run by the tests:

- ``ansible_run``: the real ``ansible-playbook`` and ``ansible`` against local hosts, and inventories;
- ``java``: the Java readers of tests/java/ compiled and run on Debian's jars;
- ``properties_corpus``: the seeded corpus of hostile portal property values.

The in-process module runner is the ``run_module`` fixture of tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
