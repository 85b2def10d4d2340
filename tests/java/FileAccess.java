import java.io.File;

/**
 * Prints "canRead canWrite" of a file as java.io.File answers them for the user running it: what
 * Liferay's ConfigurationFileInstaller and FileSyncConfigurationListener ask (portal-file-install-impl)
 * before reading a .config file or writing a System/Instance Settings save back into it.
 */
public class FileAccess {
    public static void main(String[] args) {
        File file = new File(args[0]);
        System.out.println(file.canRead() + " " + file.canWrite());
    }
}
