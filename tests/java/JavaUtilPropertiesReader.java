import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.io.StringReader;
import java.util.Base64;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads a text the way Liferay reads additionalJavaMailProperties: MailServiceImpl
 * (mail-messaging-impl) calls PropertiesUtil.load(String), which is
 * java.util.Properties.load(Reader) on a reader of the string. The file named by
 * args[0] holds the text in UTF-8; for every key this prints
 *
 *   base64(key) TAB base64(value)
 *
 * sorted by key. Base64 keeps every character, control characters included, intact.
 */
public class JavaUtilPropertiesReader {

    public static void main(String[] args) throws Exception {
        String text = new String(Files.readAllBytes(Paths.get(args[0])), StandardCharsets.UTF_8);

        Properties properties = new Properties();
        properties.load(new StringReader(text));

        Base64.Encoder encoder = Base64.getEncoder();
        StringBuilder out = new StringBuilder();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            out.append(encoder.encodeToString(key.getBytes(StandardCharsets.UTF_8)))
               .append('\t')
               .append(encoder.encodeToString(properties.getProperty(key).getBytes(StandardCharsets.UTF_8)))
               .append('\n');
        }
        System.out.print(out);
    }
}
