# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The table of the role's variables: one :class:`Setting` each, the single definition of them.

Each entry says what a variable is (type, default, choices, secret or not, the words ``ansible-doc``
shows) and what it does (part of the settings mapping or used by the tasks only, whether an entry of
``mail_session_instances`` may set its own value, which JavaMail property it becomes, how its value is
checked, which application servers can honour it). ``liferay/settings.py`` derives the rest from it;
``tools/render_role.py`` renders ``meta/argument_specs.yml``, ``defaults/main.yml`` and
``docs/variables.md`` from it.

To add a setting: one ``Setting(...)`` in :data:`SETTINGS` (``javamail=`` for a plain JavaMail property),
then ``make generate`` and a test. See docs/layout.md.
"""

from __future__ import annotations

PREFIX = "mail_session_"


class _Required:
    def __repr__(self):
        return "REQUIRED"


REQUIRED = _Required()


class Setting:
    """One role variable (``mail_session_<name>``).

    *task_only*: used by the role's tasks directly, not part of the settings mapping.
    *per_instance*: an entry of ``mail_session_instances`` may set its own value.
    *javamail*: ``(family, suffix)``: a value other than the default becomes the JavaMail property
    ``mail.<protocol>.<suffix>``, the protocol being the one the settings select for the family
    (``smtp`` or ``smtps`` for ``smtp``).
    *check*: the name of a per-value check in :data:`CHECKS`.
    *app_servers*: the application servers that can honour it with ``mail_session_method: app_server``
    (``None``: all); a value other than the default for another one is refused.
    """

    __slots__ = (
        "app_servers",
        "check",
        "choices",
        "default",
        "description",
        "elements",
        "group",
        "javamail",
        "name",
        "options",
        "per_instance",
        "secret",
        "task_only",
        "type",
    )

    def __init__(
        self,
        name,
        type,
        default,
        description,
        group,
        choices=None,
        elements=None,
        secret=False,
        options=None,
        per_instance=False,
        task_only=False,
        javamail=None,
        check=None,
        app_servers=None,
    ):
        self.name = name
        self.type = type
        self.default = default
        self.description = description
        self.group = group
        self.choices = choices
        self.elements = elements
        self.secret = secret
        self.options = options
        self.per_instance = per_instance
        self.task_only = task_only
        self.javamail = javamail
        self.check = check
        self.app_servers = app_servers

    @property
    def variable(self):
        return PREFIX + self.name

    @property
    def required(self):
        return self.default is REQUIRED

    def argument_spec(self):
        """The entry of meta/argument_specs.yml."""
        spec = {"type": self.type}
        if self.required:
            spec["required"] = True
        elif self.default is not None:
            spec["default"] = self.default
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.elements:
            spec["elements"] = self.elements
        if self.secret:
            spec["no_log"] = True
        spec["description"] = self.description[0] if len(self.description) == 1 else list(self.description)
        if self.options:
            spec["options"] = self.options
        return spec


# The sections of docs/variables.md, in order.
G0 = "Liferay, and where the settings go"
G1 = "Outgoing mail (SMTP)"
G2 = "Incoming mail (POP3)"
G3 = "JavaMail properties, sender and server-wide settings"
G4 = "Files, restart and safety checks"
G5 = "Verification of the mail servers"
G6 = "Application-server session (Tomcat, WildFly / JBoss EAP)"
G7 = "DXP 2025.Q4+ / Portal 2026+ (OSGi .config files)"
G8 = "Docker"
G9 = "Database check"
G10 = "Office 365 / Exchange Online with OAuth2"
GROUPS = (G0, G1, G2, G3, G4, G5, G6, G7, G8, G9, G10)

# The keys of mail_session_db.
DB_OPTIONS = {
    "engine": {
        "type": "str",
        "choices": ["postgresql", "mysql", "mariadb"],
        "description": "The database engine.",
    },
    "host": {"type": "str", "description": "Host name or address (default 127.0.0.1)."},
    "port": {"type": "int", "description": "Port (default 5432 or 3306)."},
    "database": {"type": "str", "description": "Database name, e.g. C(lportal)."},
    "user": {"type": "str", "description": "A user that may read Liferay's tables."},
    "password": {"type": "str", "no_log": True, "description": "The user's password; keep it in Vault."},
    "unix_socket": {
        "type": "str",
        "description": "Connect through this socket (PostgreSQL - its directory) instead of TCP.",
    },
}

# fmt: off
SETTINGS = (
    Setting('liferay_home', 'path', '/opt/liferay', (
        'LIFERAY_HOME on the target, the folder that holds portal-ext.properties.',
    ), group=G0),
    Setting('properties_file', 'path', '{{ mail_session_liferay_home }}/portal-ext.properties', (
        'The properties file to manage. Created (mode O(mail_session_file_mode)) when missing.',
    ), group=G0, task_only=True),
    Setting('method', 'str', 'builtin', (
        "C(builtin) writes Liferay's built-in mail session into portal-ext.properties.",
        'C(app_server) declares the session as a JNDI resource of the application server '
        '(O(mail_session_app_server)) and sets C(mail.session.jndi.name) in portal-ext.properties; the built-in '
        'C(mail.session.mail.*) keys are removed, since Liferay ignores them then.',
    ), group=G0, choices=('builtin', 'app_server')),
    Setting('deployment', 'str', 'host', (
        'C(host) writes into LIFERAY_HOME on the target.',
        'C(docker) writes, on the Docker host, what a Liferay container is given - an env file with C(LIFERAY_*) '
        'variables (O(mail_session_docker_env_file)) and, for DXP 2025.Q4+, the C(.config) files in a directory '
        'to mount (O(mail_session_docker_configs_dir)). Needs O(mail_session_liferay_version).',
    ), group=G0, choices=('host', 'docker')),
    Setting('liferay_version', 'str', '', (
        'The Liferay version of the targets, e.g. C(7.4.3.132), C(7.4.13-u92), C(2025.q3.5), C(2026.q1.0) or a '
        'Docker image tag such as C(liferay/dxp:2026.q1.0-lts). It decides where the settings are written - '
        'C(mail.session.*) portal properties up to DXP 2025.Q3, OSGi C(.config) files from DXP 2025.Q4 / Portal '
        '2026 on.',
        'Empty means detect it on each host from LIFERAY_HOME (C(.liferay-version), the manifest of '
        'C(portal-impl.jar), the C(com.liferay.mail.settings.api) module), one more module call per host. '
        'Required with O(mail_session_deployment=docker).',
    ), group=G0),
    Setting('liferay_version_check', 'bool', False, (
        'With O(mail_session_liferay_version) set, still read the installation and warn when it belongs to the '
        'other generation (one more module call per host).',
    ), group=G0),
    Setting('smtp_host', 'str', REQUIRED, (
        'Outgoing SMTP server, a host name or IP address.',
    ), group=G1, per_instance=True),
    Setting('smtp_port', 'int', None, (
        'Port of the SMTP server. When unset, 25 for C(none), 587 for C(starttls), 465 for C(ssl).',
    ), group=G1, per_instance=True),
    Setting('smtp_security', 'str', 'starttls', (
        "C(none) plain SMTP (C(starttls.enable=false) is written, since Liferay's default is true).",
        'C(starttls) plain SMTP upgraded with STARTTLS, which is required (no silent fall-back).',
        'C(ssl) implicit TLS, Liferay\'s "Use a Secure Network Connection" (protocol C(smtps)).',
    ), group=G1, choices=('none', 'starttls', 'ssl'), per_instance=True),
    Setting('smtp_user', 'str', '', (
        'SMTP user. Set it with O(mail_session_smtp_password) to authenticate (C(auth=true)).',
    ), group=G1, per_instance=True),
    Setting('smtp_password', 'raw', '', (
        'SMTP password, a string. Keep it in Ansible Vault.',
        'For Liferay DXP 2025.Q4+ / Portal 2026+ it may be C({env: LIFERAY_NAME}) instead, written as a '
        'C(${LIFERAY_NAME}) reference that Liferay resolves from its environment at startup, so the secret is not '
        'on disk. The name must start with C(LIFERAY_): Liferay reads no other variable into a .config file.',
    ), group=G1, secret=True, per_instance=True),
    Setting('smtp_timeout', 'int', 0, (
        'How long Liferay waits for the SMTP server to answer a command, in milliseconds: the JavaMail property '
        'C(mail.smtp.timeout) (C(mail.smtps.timeout) with C(ssl)), written wherever the session is configured.',
        "C(0) writes nothing and keeps Liferay's default, which is JavaMail's: wait forever, so a server that "
        'stops answering holds the thread that sends the mail. C(10000) to C(60000) is usual.',
    ), group=G1, per_instance=True, javamail=('smtp', 'timeout'), check='milliseconds', app_servers=('tomcat',)),
    Setting('smtp_connection_timeout', 'int', 0, (
        'How long Liferay waits for the TCP connection to the SMTP server, in milliseconds: the JavaMail property '
        'C(mail.smtp.connectiontimeout) (C(mail.smtps.connectiontimeout) with C(ssl)).',
        "C(0) writes nothing and keeps Liferay's default, JavaMail's infinite wait (in practice the operating "
        "system's connect timeout, minutes).",
    ), group=G1, per_instance=True, javamail=('smtp', 'connectiontimeout'), check='milliseconds',
        app_servers=('tomcat',)),
    Setting('store_protocol', 'str', 'pop3', (
        'Protocol for incoming mail (message boards). C(ssl) security makes it C(pop3s).',
        'C(imap) is refused with the reason - Liferay forces its own store protocol to C(pop3) or C(pop3s) '
        '(C(MailServiceImpl), the POP notifications job). Message-board mailing lists have their own IMAP '
        'settings per category.',
    ), group=G2, choices=('pop3', 'imap'), per_instance=True),
    Setting('pop_host', 'str', '', (
        'Incoming POP3/IMAP server.',
        'Empty means incoming mail is not configured and no store keys are written.',
    ), group=G2, per_instance=True),
    Setting('pop_port', 'int', None, (
        'Port of the POP3/IMAP server. When unset, 110/995 (pop3) or 143/993 (imap) by security.',
    ), group=G2, per_instance=True),
    Setting('pop_security', 'str', 'ssl', (
        'C(none), C(starttls) (required) or C(ssl) (implicit TLS, C(pop3s) / C(imaps)).',
    ), group=G2, choices=('none', 'starttls', 'ssl'), per_instance=True),
    Setting('pop_user', 'str', '', (
        'POP3/IMAP user; required with O(mail_session_pop_host).',
    ), group=G2, per_instance=True),
    Setting('pop_password', 'raw', '', (
        'POP3/IMAP password, a string; required with O(mail_session_pop_host). Keep it in Ansible Vault.',
        'C({env: LIFERAY_NAME}) for DXP 2025.Q4+ / Portal 2026+, as for O(mail_session_smtp_password).',
    ), group=G2, secret=True, per_instance=True),
    Setting('pop_server_notifications', 'bool', None, (
        'Let Liferay pull mail from the POP server for message boards (C(enablePOPServerNotifications), or '
        "C(pop.server.notifications.enabled) up to 2025.Q3). Unset leaves Liferay's default.",
    ), group=G2, per_instance=True),
    Setting('javamail_properties', 'dict', {}, (
        'Additional JavaMail properties, keys WITHOUT the C(mail.session.) prefix (for example '
        'C(mail.smtp.writetimeout)). Keys the role sets itself, from this or another variable (such as '
        'O(mail_session_smtp_timeout)), are refused.',
        'Values of keys containing password, secret, credential or token are treated as secrets.',
    ), group=G3, per_instance=True),
    Setting('from_name', 'str', '', (
        "Default sender name (C(admin.email.from.name)); empty leaves the file's value alone.",
    ), group=G3),
    Setting('from_address', 'str', '', (
        "Default sender address (C(admin.email.from.address)); empty leaves the file's value alone.",
    ), group=G3),
    Setting('batch_size', 'int', None, (
        'Recipients per request to the mail server; 0 sends to all at once (C(batchSize) / C(mail.batch.size)). '
        "Unset leaves Liferay's default.",
    ), group=G3),
    Setting('audit_trail', 'str', None, (
        'Addresses that receive a copy of every mail (C(auditTrail) / C(mail.audit.trail)), a comma-separated '
        'list without spaces (C(a@example.com,b@example.com)). Unset leaves it alone.',
    ), group=G3),
    Setting('send_blacklist', 'list', None, (
        'Addresses Liferay never sends to or from (C(sendBlacklist) / C(mail.send.blacklist)); C([]) blocks '
        "nothing. Unset leaves Liferay's default list (C(noreply@liferay.com), C(test@domain.invalid), ...).",
    ), group=G3, elements='str'),
    Setting('throws_exception_on_failure', 'bool', None, (
        'Make a failed send an error instead of a log line (C(throwsExceptionOnFailure) / '
        "C(mail.throws.exception.on.failure)). Unset leaves Liferay's default (false).",
    ), group=G3),
    Setting('file_owner', 'str', '', (
        'Owner of the files written; empty keeps the current owner (root for a new file).',
    ), group=G4, task_only=True),
    Setting('file_group', 'str', '', (
        'Group of the files written; empty keeps the current group.',
    ), group=G4, task_only=True),
    Setting('file_mode', 'str', '0640', (
        'Mode of the files written. They hold passwords; keep it 0640 or tighter.',
    ), group=G4, task_only=True),
    Setting('backup', 'bool', False, (
        'Keep a timestamped copy of a file before changing it.',
    ), group=G4, task_only=True),
    Setting('allow_unusual_ports', 'bool', False, (
        'Downgrade "security contradicts a well-known port" from an error to a warning.',
    ), group=G4, task_only=True),
    Setting('effective', 'str', 'fail', (
        "What to do, before any host is changed, when a file Liferay reads after the role's "
        'C(portal-ext.properties) would beat a key the role writes (C(portal-setup-wizard.properties), a file '
        'named by C(include-and-override)), sets a C(mail.session.*) key inventory does not, or (DXP 2025.Q4+) '
        "overrides the role's OSGi configuration with C(configuration.override.*).",
        'C(fail) stops every host, naming host, key, file and line; C(warn) goes on with a warning; C(own) '
        'removes those keys from the files the role can write (every other line left as it was) and stops only '
        'for files it cannot write.',
    ), group=G4, choices=('fail', 'warn', 'own'), task_only=True),
    Setting('restart_service', 'str', '', (
        'Service restarted when the mail settings changed (Liferay reads them at startup).',
        'Empty never restarts; a converge that changed what Liferay reads at startup then warns, per host, that '
        'Liferay must be restarted; C(mail_session_restart_result.restart_pending) is then true.',
    ), group=G4, task_only=True),
    Setting('restart_health_url', 'str', 'http://127.0.0.1:8080/c/portal/robots', (
        'After a node is restarted (O(mail_session_restart_service), O(mail_session_docker_container)), the URL '
        'requested from the node itself until it answers with a 2xx status; only then does the next node go '
        "down. The default is the path Liferay's own Helm chart probes. Redirects are not followed.",
    ), group=G4, check='http_url'),
    Setting('restart_health_timeout', 'int', 900, (
        'Seconds a restarted node has, counted from its restart, to answer 2xx on '
        'O(mail_session_restart_health_url). A node that does not fails the play with a message naming it and '
        'its last answer; no node after it is restarted, the nodes before it keep running.',
    ), group=G4, check='positive_int'),
    Setting('restart_concurrency', 'int', 1, (
        'How many nodes may be down at once across the whole play (every batch of C(serial) and of forks). '
        'The hosts whose settings changed are restarted in play order; a node goes down only once every node '
        'restarted before it but the last O(mail_session_restart_concurrency) - 1 answered 2xx on '
        'O(mail_session_restart_health_url). The smallest value among the restarted hosts applies.',
    ), group=G4, check='positive_int'),
    Setting('verify', 'str', 'fail', (
        'After applying, check from each target that the SMTP and POP/IMAP servers answer and accept the '
        'credentials. C(fail) stops the play on a failure, C(warn) reports it, C(skip) does not check.',
    ), group=G5, choices=('fail', 'warn', 'skip')),
    Setting('verify_timeout', 'float', 5, (
        'Seconds each check (SMTP, POP/IMAP) may take as a whole, connection to logout.',
    ), group=G5, task_only=True),
    Setting('verify_retries', 'int', 0, (
        'Retries of a check that found the server unreachable (not of rejected credentials).',
    ), group=G5, task_only=True),
    Setting('verify_retry_delay', 'float', 1, (
        'Seconds before the first retry; doubled for each further one.',
    ), group=G5, task_only=True),
    Setting('verify_preflight', 'bool', False, (
        'Check the servers before writing anything too, so a broken configuration is never deployed.',
    ), group=G5),
    Setting('verify_roundtrip', 'bool', False, (
        'Send a uniquely tagged probe message through SMTP, fetch it back by POP3/IMAP and delete it.',
        'Needs O(mail_session_pop_host) and a recipient the POP/IMAP account receives.',
    ), group=G5),
    Setting('verify_roundtrip_to', 'str', '', (
        'Recipient of the probe; empty uses O(mail_session_pop_user) when it is an address.',
    ), group=G5),
    Setting('verify_roundtrip_from', 'str', '', (
        'Sender of the probe; empty uses O(mail_session_from_address), else the recipient.',
    ), group=G5, task_only=True),
    Setting('verify_roundtrip_deadline', 'float', 30, (
        'Seconds to wait for the probe to arrive in the mailbox.',
    ), group=G5, task_only=True),
    Setting('verify_tls_verify', 'bool', True, (
        'Verify server certificates and host names. Turning it off is logged as a warning.',
    ), group=G5, task_only=True),
    Setting('verify_ca_file', 'str', '', (
        "CA bundle (PEM, a path on the target) to verify the servers with; empty uses the system's.",
    ), group=G5, task_only=True),
    Setting('verify_cert_expiry_warn_days', 'int', 30, (
        'Warn when a server certificate expires within this many days.',
    ), group=G5, task_only=True),
    Setting('app_server', 'str', 'tomcat', (
        'The application server of O(mail_session_method=app_server); C(wildfly) includes JBoss EAP.',
    ), group=G6, choices=('tomcat', 'wildfly')),
    Setting('jndi_name', 'str', '', (
        'JNDI name of the application-server session, also written to C(mail.session.jndi.name).',
        'Empty means C(mail/MailSession) on Tomcat (relative to C(java:comp/env)) and '
        'C(java:jboss/mail/MailSession) on WildFly.',
    ), group=G6),
    Setting('tomcat_base', 'str', '', (
        "Tomcat's CATALINA_BASE; empty means the C(tomcat) or C(tomcat-<version>) folder in LIFERAY_HOME.",
    ), group=G6, task_only=True),
    Setting('tomcat_home', 'str', '', (
        "Tomcat's CATALINA_HOME (with C(lib/catalina.jar)) when it differs from the base; empty is the base.",
    ), group=G6, task_only=True),
    Setting('tomcat_mail_type', 'str', 'auto', (
        'Session type of the Tomcat resource. C(auto) is C(jakarta.mail.Session) for Tomcat 10 and later, '
        'C(javax.mail.Session) before, read from the Tomcat version.',
    ), group=G6, choices=('auto', 'javax', 'jakarta'), task_only=True),
    Setting('tomcat_mail_jars', 'list', [], (
        'Jar files on the controller to install into CATALINA_BASE/lib, for example the Jakarta Mail and '
        "Activation jars. The role fails with a message naming them when Tomcat's common class loader lacks the "
        'mail API.',
    ), group=G6, elements='str', task_only=True),
    Setting('wildfly_config', 'str', '', (
        "WildFly's / JBoss EAP's configuration file; empty means C(standalone/configuration/standalone.xml) "
        'in the C(wildfly-<version>) folder of LIFERAY_HOME.',
    ), group=G6, task_only=True),
    Setting('remove_obsolete_keys', 'bool', False, (
        'DXP 2025.Q4+ / Portal 2026+ ignore the C(mail.session.*) keys of portal-ext.properties. C(false) names '
        'them in a warning, C(true) removes them.',
    ), group=G7, task_only=True),
    Setting('osgi_configs_dir', 'path', '{{ mail_session_liferay_home }}/osgi/configs', (
        "Directory of Liferay's OSGi configuration files on the host (DXP 2025.Q4+ / Portal 2026+).",
    ), group=G7, task_only=True),
    Setting('osgi_config_mode', 'str', 'writable', (
        'DXP 2025.Q4+ / Portal 2026+, the C(.config) files the role writes (on the host and for Docker).',
        'C(writable) - owner, group and mode from O(mail_session_file_owner), O(mail_session_file_group) and '
        'O(mail_session_file_mode). Liferay can write the files - it writes a System or Instance Settings save '
        'back into the file and deletes it on Reset Default Values (C(FileSyncConfigurationListener)) - and the '
        'role reports such a change as drift before it rewrites the file.',
        'C(read_only) - owner root, group O(mail_session_file_group) or else the group of the configuration '
        "directory (the Liferay user's), mode 0640. Liferay reads the files, marks their configurations read-only "
        '(C(ConfigurationFileInstaller)) and shows them without a Save button; Liferay must not run as root. '
        'O(mail_session_file_owner) does not apply to these files.',
    ), group=G7, choices=('writable', 'read_only'), task_only=True),
    Setting('instances', 'list', [], (
        'DXP 2025.Q4+ / Portal 2026+ only. Instances with settings of their own, each written to '
        'C(MailSettingCompanyConfiguration.scoped~<name>.config).',
        'Each entry has C(web_id) (e.g. C(intranet.example.com)) or C(company_id), optionally C(name) (the file '
        'name part; default the web id or company id) and C(state) (C(present) or C(absent), which removes the '
        'file), and any of C(smtp_host), C(smtp_port), C(smtp_security), C(smtp_user), C(smtp_password), '
        'C(store_protocol), C(pop_host), C(pop_port), C(pop_security), C(pop_user), C(pop_password), '
        'C(javamail_properties), C(pop_server_notifications), merged over the global settings.',
    ), group=G7, elements='dict'),
    Setting('docker_env_file', 'str', '', (
        'With O(mail_session_deployment=docker), the env file (C(docker run --env-file), Compose C(env_file)), '
        'written with mode 0600. Up to 2025.Q3 it holds the whole mail session, from 2025.Q4 the default sender.',
    ), group=G8),
    Setting('docker_configs_dir', 'str', '', (
        'With O(mail_session_deployment=docker) and DXP 2025.Q4+, the directory for the C(.config) files, created '
        'when missing; mount it at C(/opt/liferay/osgi/configs) (or under C(/mnt/liferay/files/osgi/configs)).',
    ), group=G8),
    Setting('docker_container', 'str', '', (
        'With O(mail_session_deployment=docker), the container on the Docker host restarted (C(docker restart)) '
        'when the mail settings changed, one node at a time as for O(mail_session_restart_service), then '
        'O(mail_session_restart_health_url) is requested from the Docker host. Empty never restarts (a warning '
        'says a restart is pending).',
        'C(docker restart) keeps the environment the container was created with; when it differs from '
        'O(mail_session_docker_env_file), the container is not restarted and a warning says it must be '
        'created again (C(docker compose up -d)).',
    ), group=G8, task_only=True),
    Setting('db_check', 'bool', False, (
        'Look in the Liferay database (O(mail_session_db)) for mail settings saved in the Control Panel, which '
        'beat the files the role writes, and warn naming what overrides what. Read-only; needs the C(psql) or '
        'C(mysql)/C(mariadb) client on the Liferay hosts.',
    ), group=G9),
    Setting('db', 'dict', {}, (
        'The Liferay database for O(mail_session_db_check).',
    ), group=G9, options=DB_OPTIONS),
    Setting('db_check_fail', 'bool', False, (
        'Fail instead of warning when values saved in the database override the files.',
    ), group=G9, task_only=True),
    Setting('oauth2_provider', 'str', '', (
        "C(microsoft) configures Liferay's Outlook connector (DXP 7.4 U79 / Portal 7.4 GA79 and later): Liferay "
        'takes a token by the client-credentials grant and logs in to C(smtp.office365.com) (STARTTLS) and '
        'C(outlook.office365.com) (POP3S) with XOAUTH2 as O(mail_session_smtp_user) / O(mail_session_pop_user), '
        'without passwords. Empty is off. See docs/oauth2.md.',
        'Writes C(MailOutlookAuthConnectorCompanyConfiguration.config) in the OSGi configs directory and, up to '
        'DXP 2025.Q3, switches portal-ext.properties to the C(mail.session.mail=true) layout its token providers '
        'need (and back when it is turned off).',
    ), group=G10, choices=('', 'microsoft'), per_instance=True),
    Setting('oauth2_client_id', 'str', '', (
        'The application (client) ID of the app registration in Microsoft Entra (C(clientId)).',
    ), group=G10, per_instance=True),
    Setting('oauth2_client_secret', 'str', '', (
        "The app registration's client secret (C(clientSecret)). Keep it in Ansible Vault.",
    ), group=G10, secret=True, per_instance=True),
    Setting('oauth2_tenant_id', 'str', '', (
        'The directory (tenant) ID, or a verified domain of the tenant (C(tenantId)).',
    ), group=G10, per_instance=True),
    Setting('oauth2_authority', 'str', 'https://login.microsoftonline.com', (
        'Where the verification asks for a token: C(<authority>/<tenant>/oauth2/v2.0/token). Liferay itself always '
        "uses Microsoft's; change it only to test against another token server.",
    ), group=G10),
)
# fmt: on
