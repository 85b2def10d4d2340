import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

import org.apache.commons.configuration.CompositeConfiguration;
import org.apache.commons.configuration.ConfigurationException;
import org.apache.commons.configuration.PropertiesConfiguration;
import org.apache.commons.configuration.SystemConfiguration;

/**
 * The portal properties of a LIFERAY_HOME, aggregated with the real Apache Commons
 * Configuration 1.10 the way Liferay's ClassLoaderAggregateProperties (portal-impl) builds
 * them: portal.properties' include-and-override list (here the LIFERAY_HOME copies of
 * portal-bundle.properties, portal-ext.properties, portal-setup-wizard.properties) walked in
 * reverse; each file's own include-and-override names (read through a composite of the file
 * and the system properties, so ${liferay.home} is interpolated by the library) added before
 * the file itself; a CompositeConfiguration answering from the first configuration that has
 * a key. A file that does not parse is skipped whole. Classpath (relative) names are not
 * followed. Written independently of the role's Python resolver, as its oracle; files are loaded and
 * values read as LiferayProperties does.
 *
 * Usage: LiferayChainReader LIFERAY_HOME...
 * Prints, for every LIFERAY_HOME and key: index TAB base64(key) TAB base64(getString), where
 * getString merges a list with ',' (not interpolated) and interpolates a single value, as
 * Liferay's getString does.
 */
public class LiferayChainReader {

    private static CompositeConfiguration all;
    private static Set<String> seen;

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int index = 0; index < args.length; index++) {
            read(index, args[index], out);
        }
        System.out.print(out);
    }

    private static void read(int index, String home, StringBuilder out) {
        all = new CompositeConfiguration();
        seen = new HashSet<>();
        System.setProperty("liferay.home", home);
        String[] base = {
            home + "/portal-bundle.properties",
            home + "/portal-ext.properties",
            home + "/portal-setup-wizard.properties",
        };
        addIncluded(base);

        Base64.Encoder encoder = Base64.getEncoder();
        Iterator<String> keys = all.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.equals("include-and-override")) {
                continue;
            }
            String string = LiferayProperties.getString(all, key);
            out.append(index).append('\t')
               .append(encoder.encodeToString(key.getBytes(StandardCharsets.UTF_8)))
               .append('\t')
               .append(encoder.encodeToString(string.getBytes(StandardCharsets.UTF_8)))
               .append('\n');
        }
    }

    private static void addIncluded(String[] names) {
        for (int i = names.length - 1; i >= 0; i--) {
            addSource(names[i]);
        }
    }

    private static void addSource(String name) {
        if (!name.startsWith("/")) {
            System.err.println("not followed (classpath): " + name);
            return;
        }
        File file = new File(name);
        if (!file.isFile() || !seen.add(file.getAbsolutePath())) {
            return;
        }
        PropertiesConfiguration configuration;
        try {
            configuration = LiferayProperties.load(file);
        } catch (ConfigurationException exception) {
            System.err.println("ignored: " + name + ": " + exception.getMessage());
            return;
        }
        CompositeConfiguration names = new CompositeConfiguration();
        names.addConfiguration(configuration);
        names.addConfiguration(new SystemConfiguration());
        addIncluded(names.getStringArray("include-and-override"));
        all.addConfiguration(configuration);
    }
}
