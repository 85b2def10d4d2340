import java.io.File;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.Transport;

import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * Connects to the SMTP server a portal-ext.properties file describes, with the JavaMail session
 * Liferay 7.x builds from it, and says how long that took:
 *
 * - the file is read with Apache Commons Configuration 1.10 (UTF-8, lists joined with ','), as
 *   ClassLoaderAggregateProperties does, and every "mail.session." key becomes a session property
 *   without the prefix (MailServiceImpl: PropsUtil.getProperties("mail.session.", true));
 * - MailEngine opens session.getTransport(mail.transport.protocol) and connects with
 *   mail.<protocol>.host/port/user/password.
 *
 * Usage: LiferaySmtpConnect PORTAL_EXT_PROPERTIES
 * Prints "connected MILLIS" or "failed MILLIS EXCEPTION [caused by ...]", and the session's
 * timeout properties as "property KEY=VALUE" lines first.
 */
public class LiferaySmtpConnect {

    private static final String PREFIX = "mail.session.";

    public static void main(String[] args) throws Exception {
        PropertiesConfiguration configuration = LiferayProperties.load(new File(args[0]));
        Properties properties = LiferayProperties.withoutPrefix(configuration, PREFIX);
        Session session = Session.getInstance(properties);
        String protocol = session.getProperty("mail.transport.protocol");
        String p = "mail." + protocol + ".";
        for (String name : new String[] {"timeout", "connectiontimeout"}) {
            if (session.getProperty(p + name) != null) {
                System.out.println("property " + p + name + "=" + session.getProperty(p + name));
            }
        }
        System.out.flush();
        long start = System.nanoTime();
        try {
            Transport transport = session.getTransport(protocol);
            transport.connect(session.getProperty(p + "host"), Integer.parseInt(session.getProperty(p + "port")),
                session.getProperty(p + "user"), session.getProperty(p + "password"));
            System.out.println("connected " + (System.nanoTime() - start) / 1000000);
            transport.close();
        } catch (Exception e) {
            StringBuilder text = new StringBuilder("failed " + (System.nanoTime() - start) / 1000000 + " " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                text.append(" caused by ").append(c);
            }
            System.out.println(text);
        }
    }
}
