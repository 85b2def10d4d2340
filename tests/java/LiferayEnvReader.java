import java.io.BufferedReader;
import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.apache.commons.configuration.CompositeConfiguration;
import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * Applies LIFERAY_* environment values the way Liferay's ComponentPropertiesUtil
 * does: configuration.setProperty(decodedKey, value) on the aggregated (composite)
 * configuration that already holds portal-ext.properties. Reads lines
 *
 *   base64(key) TAB base64(value)
 *
 * and prints base64(key) TAB base64(what PropsUtil.get returns) for each, a list
 * being merged with ',' (not interpolated) and a single value interpolated
 * (LiferayProperties.getString, as LiferayPropertiesReader does for files).
 */
public class LiferayEnvReader {

    public static void main(String[] args) throws Exception {
        Base64.Decoder decoder = Base64.getDecoder();
        Base64.Encoder encoder = Base64.getEncoder();
        StringBuilder out = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new FileReader(args[0], StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] parts = line.split("\t", -1);
                String key = new String(decoder.decode(parts[0]), StandardCharsets.UTF_8);
                String value = new String(decoder.decode(parts[1]), StandardCharsets.UTF_8);

                CompositeConfiguration configuration = new CompositeConfiguration();
                PropertiesConfiguration file = new PropertiesConfiguration();
                file.addProperty(key, "value-from-portal-ext.properties");
                configuration.addConfiguration(file);

                configuration.setProperty(key, value);

                String string = LiferayProperties.getString(configuration, key);
                out.append(parts[0]).append('\t')
                   .append(encoder.encodeToString(string.getBytes(StandardCharsets.UTF_8))).append('\n');
            }
        }
        System.out.print(out);
    }
}
