import java.io.File;
import java.util.Properties;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.sun.mail.smtp.SMTPTransport;

import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * Sends one message with the mail session that a portal-ext.properties file describes, and reads
 * it back, the way Liferay does:
 *
 * - the file is read with Apache Commons Configuration 1.10 like ClassLoaderAggregateProperties
 *   (UTF-8, lists merged with ','), and every "mail.session." key becomes a JavaMail session
 *   property without that prefix (PropsUtil.getProperties("mail.session.", true)): both in
 *   tests/java/LiferayProperties.java, compiled with this program;
 * - MailEngine sends through session.getTransport(mail.transport.protocol) connected with
 *   mail.<smtp|smtps>.host/port/user/password; the sender is admin.email.from.name/.address;
 * - the POP/IMAP listener opens session.getStore(mail.store.protocol) with
 *   mail.<store protocol>.host/port/user/password and reads INBOX.
 *
 * Usage: LiferayMailRoundTrip PORTAL_EXT_PROPERTIES RECIPIENT SUBJECT DEADLINE_SECONDS
 *
 * Prints "key=value" lines (never a password) and exits 0 once the message was read back and
 * deleted; exits 1 with the reason otherwise.
 */
public class LiferayMailRoundTrip {

    private static final String PREFIX = "mail.session.";

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LiferayMailRoundTrip PORTAL_EXT_PROPERTIES RECIPIENT SUBJECT DEADLINE_SECONDS");
            System.exit(2);
        }
        PropertiesConfiguration configuration = LiferayProperties.load(new File(args[0]));
        String recipient = args[1];
        String subject = args[2];
        long deadline = System.currentTimeMillis() + 1000L * Integer.parseInt(args[3]);

        Properties properties = LiferayProperties.withoutPrefix(configuration, PREFIX);
        if (properties.containsKey("jndi.name")) {
            fail("mail.session.jndi.name is set: Liferay would look the session up in JNDI instead");
        }
        Session session = Session.getInstance(properties);

        // MailEngine: send
        String transportProtocol = session.getProperty("mail.transport.protocol");
        if (transportProtocol == null) {
            transportProtocol = "smtp";
        }
        String smtp = "mail." + transportProtocol + ".";
        String smtpHost = session.getProperty(smtp + "host");
        int smtpPort = Integer.parseInt(session.getProperty(smtp + "port"));

        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(
            configuration.getString("admin.email.from.address"),
            LiferayProperties.merge(configuration.getList("admin.email.from.name")), "UTF-8"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        message.setSubject(subject, "UTF-8");
        message.setText("Sent by LiferayMailRoundTrip with the session in " + args[0] + "\n", "UTF-8");
        message.saveChanges();

        Transport transport = session.getTransport(transportProtocol);
        transport.connect(smtpHost, smtpPort,
            session.getProperty(smtp + "user"), session.getProperty(smtp + "password"));
        try {
            transport.sendMessage(message, message.getAllRecipients());
            System.out.println("message_id=" + message.getMessageID());
            System.out.println("transport=" + transportProtocol);
            System.out.println("smtp=" + smtpHost + ":" + smtpPort);
            System.out.println("smtp_tls=" + ((SMTPTransport) transport).isSSL());
            System.out.println("smtp_auth=" + ((SMTPTransport) transport).getExtensionParameter("AUTH"));
            System.out.println("smtp_reply=" + ((SMTPTransport) transport).getLastServerResponse().trim());
        } finally {
            transport.close();
        }

        // POP/IMAP: read it back and delete it
        String storeProtocol = session.getProperty("mail.store.protocol");
        String pop = "mail." + storeProtocol + ".";
        String popHost = session.getProperty(pop + "host");
        int popPort = Integer.parseInt(session.getProperty(pop + "port"));
        System.out.println("store=" + storeProtocol);
        System.out.println("pop=" + popHost + ":" + popPort);
        Store store = session.getStore(storeProtocol);
        store.connect(popHost, popPort, session.getProperty(pop + "user"), session.getProperty(pop + "password"));
        try {
            int polls = 0;
            while (true) {
                polls++;
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_WRITE);
                boolean found = false;
                for (Message received : inbox.getMessages()) {
                    if (subject.equals(received.getSubject())) {
                        InternetAddress from = (InternetAddress) received.getFrom()[0];
                        System.out.println("received_from=" + from.getAddress());
                        System.out.println("received_from_name=" + from.getPersonal());
                        System.out.println("received_subject=" + received.getSubject());
                        received.setFlag(Flags.Flag.DELETED, true);
                        found = true;
                    }
                }
                inbox.close(true);
                if (found) {
                    System.out.println("deleted=true");
                    System.out.println("polls=" + polls);
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    fail("the message did not arrive in " + storeProtocol + " INBOX before the deadline");
                }
                Thread.sleep(250);
            }
        } finally {
            store.close();
        }
    }

    private static void fail(String reason) {
        System.out.println("error=" + reason);
        System.exit(1);
    }
}
