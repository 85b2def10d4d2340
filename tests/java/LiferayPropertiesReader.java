import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;

import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * Reads a portal-ext.properties file with the real Apache Commons Configuration
 * 1.10 the way Liferay's ClassLoaderAggregateProperties does (LiferayProperties:
 * UTF-8, list splitting on ',' on, interpolation on). For every key it prints
 *
 *   base64(key) TAB base64(getString) TAB base64(getProperties)
 *
 * where getString is ClassLoaderAggregateProperties.getString (a list is
 * merged with ',' and not interpolated, a single value is interpolated) and
 * getProperties is what PropsUtil.getProperties("mail.session.", true) builds
 * the JavaMail session from (getList, interpolated, merged with ',').
 * Base64 keeps every character, control characters included, intact.
 */
public class LiferayPropertiesReader {

    public static void main(String[] args) throws Exception {
        PropertiesConfiguration configuration = LiferayProperties.load(new File(args[0]));

        Base64.Encoder encoder = Base64.getEncoder();
        Iterator<String> keys = configuration.getKeys();
        StringBuilder out = new StringBuilder();
        while (keys.hasNext()) {
            String key = keys.next();
            String string = LiferayProperties.getString(configuration, key);
            String properties = LiferayProperties.merge(configuration.getList(key));
            out.append(encoder.encodeToString(key.getBytes(StandardCharsets.UTF_8)))
               .append('\t')
               .append(encoder.encodeToString(string.getBytes(StandardCharsets.UTF_8)))
               .append('\t')
               .append(encoder.encodeToString(properties.getBytes(StandardCharsets.UTF_8)))
               .append('\n');
        }
        System.out.print(out);
    }
}
