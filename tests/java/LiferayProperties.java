import java.io.File;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;

import org.apache.commons.configuration.Configuration;
import org.apache.commons.configuration.ConfigurationException;
import org.apache.commons.configuration.PropertiesConfiguration;

/**
 * What every program here that reads portal properties shares: a file loaded, and its values read,
 * with the real Apache Commons Configuration 1.10 the way Liferay's ClassLoaderAggregateProperties
 * and PropsUtil do. Compiled with each of those programs (tests/harness/java.py, molecule/conftest.py).
 */
final class LiferayProperties {

    private LiferayProperties() {
    }

    /** A properties file as Liferay loads it: UTF-8, list splitting on ',' and interpolation on. */
    static PropertiesConfiguration load(File file) throws ConfigurationException {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        configuration.setEncoding("UTF-8");
        configuration.load(file);
        return configuration;
    }

    /**
     * ClassLoaderAggregateProperties.getString: a list merged with ',' (not interpolated), a single
     * value interpolated.
     */
    static String getString(Configuration configuration, String key) {
        Object value = configuration.getProperty(key);
        if (value instanceof List) {
            return merge((List<?>) value);
        }
        return configuration.getString(key);
    }

    /**
     * PropsUtil.getProperties(prefix, true), what Liferay builds a JavaMail session from: every key
     * under the prefix, without it, its getList (interpolated) merged with ','.
     */
    static Properties withoutPrefix(Configuration configuration, String prefix) {
        Properties properties = new Properties();
        Iterator<String> keys = configuration.getKeys();
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.startsWith(prefix)) {
                properties.setProperty(key.substring(prefix.length()), merge(configuration.getList(key)));
            }
        }
        return properties;
    }

    /** The elements joined with ','. */
    static String merge(List<?> list) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(String.valueOf(list.get(i)));
        }
        return sb.toString();
    }
}
