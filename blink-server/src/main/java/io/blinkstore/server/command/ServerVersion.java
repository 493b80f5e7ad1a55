package io.blinkstore.server.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The release this server is, as the build wrote it into {@code blink-store.properties}: for INFO and --version. */
public final class ServerVersion {
  private ServerVersion() {}

  /** The release, or {@code unknown} when the resource is missing or unreadable. */
  public static String get() {
    Properties properties = new Properties();
    try (InputStream in = ServerVersion.class.getResourceAsStream("/blink-store.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
