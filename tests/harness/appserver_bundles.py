"""Liferay-bundle-shaped application servers on disk for the app_server tests (no pytest in here).

A Tomcat bundle is LIFERAY_HOME/tomcat-<version>/ with conf/server.xml, the ROOT
context of tests/fixtures/tomcat/, and a lib/ whose catalina.jar carries the
version the way Tomcat's does (org/apache/catalina/util/ServerInfo.properties);
the mail jars hold empty class files under the names the role looks for. A
WildFly bundle is LIFERAY_HOME/wildfly-<version>/standalone/configuration/
with one of the standalone.xml files of tests/fixtures/wildfly/.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from harness import FIXTURES

JAVAX_MAIL_CLASSES = ("javax/mail/Session.class", "com/sun/mail/smtp/SMTPTransport.class")
JAVAX_ACTIVATION_CLASSES = ("javax/activation/DataHandler.class",)
JAKARTA_MAIL_CLASSES = ("jakarta/mail/Session.class", "com/sun/mail/smtp/SMTPTransport.class")
JAKARTA_ACTIVATION_CLASSES = ("jakarta/activation/DataHandler.class",)

SERVER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000" redirectPort="8443" URIEncoding="UTF-8"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true"/>
    </Engine>
  </Service>
</Server>
"""

# Liferay's bundles add lib/ext to the common class loader.
CATALINA_PROPERTIES = """# Liferay bundle, abridged
package.access=sun.,org.apache.catalina.,org.apache.coyote.,org.apache.jasper.,org.apache.tomcat.
common.loader="${catalina.base}/lib","${catalina.base}/lib/*.jar","${catalina.home}/lib","${catalina.home}/lib/*.jar",\\
    "${catalina.home}/lib/ext/global","${catalina.home}/lib/ext/global/*.jar","${catalina.home}/lib/ext","${catalina.home}/lib/ext/*.jar"
server.loader=
shared.loader=
"""


def make_jar(path, class_names, extra=None):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        for name in class_names:
            archive.writestr(name, b"\xca\xfe\xba\xbe")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def tomcat_bundle(home, version="9.0.83", mail_jars=True, context="ROOT.xml", mail_jar_dir="lib/ext"):
    """LIFERAY_HOME/tomcat-<version> with the fixture context *context* (None: no ROOT.xml)."""
    base = Path(home) / ("tomcat-%s" % version)
    (base / "conf" / "Catalina" / "localhost").mkdir(parents=True)
    (base / "conf" / "server.xml").write_text(SERVER_XML, encoding="utf-8")
    (base / "conf" / "catalina.properties").write_text(CATALINA_PROPERTIES, encoding="utf-8")
    if context:
        shutil.copyfile(FIXTURES / "tomcat" / context, base / "conf" / "Catalina" / "localhost" / "ROOT.xml")
    make_jar(
        base / "lib" / "catalina.jar",
        ["org/apache/catalina/startup/Catalina.class"],
        {
            "org/apache/catalina/util/ServerInfo.properties": "server.info=Apache Tomcat/%s\nserver.number=%s.0\n"
            % (version, version)
        },
    )
    if mail_jars:
        jakarta = int(version.split(".")[0]) >= 10
        if jakarta:
            make_jar(base / mail_jar_dir / "jakarta.mail-2.0.1.jar", JAKARTA_MAIL_CLASSES)
            make_jar(base / mail_jar_dir / "jakarta.activation-2.0.1.jar", JAKARTA_ACTIVATION_CLASSES)
        else:
            make_jar(base / mail_jar_dir / "mail.jar", JAVAX_MAIL_CLASSES)
            make_jar(base / mail_jar_dir / "activation.jar", JAVAX_ACTIVATION_CLASSES)
    return base


def root_xml(base):
    return Path(base) / "conf" / "Catalina" / "localhost" / "ROOT.xml"


def wildfly_bundle(home, fixture="standalone-wildfly30-mail4.xml", version="30.0.1.Final"):
    """LIFERAY_HOME/wildfly-<version>/standalone/configuration/standalone.xml from a fixture; returns that path."""
    config = Path(home) / ("wildfly-%s" % version) / "standalone" / "configuration" / "standalone.xml"
    config.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "wildfly" / fixture, config)
    return config
