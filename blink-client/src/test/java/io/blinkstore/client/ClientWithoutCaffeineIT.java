package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client needs nothing of blink-core but its API, so blink-client's pom keeps Caffeine (the in-process
 * store's engine) off its users' class path. This runs a JVM whose class path is the client's classes and
 * blink-core's, and nothing else: it has no Caffeine, yet uses a server through {@link BlinkClient} and can
 * reflect on every public type of blink-core, as frameworks do. blink-core's public builder once took
 * Caffeine's {@code Ticker}, so reflecting on it failed there with {@link NoClassDefFoundError}.
 */
@Timeout(120)
class ClientWithoutCaffeineIT {
  /** Run by the JDK's source launcher: prints the public types it reflected on, then a value read back. */
  private static final String PROBE = """
      import io.blinkstore.BlinkStore;
      import io.blinkstore.client.BlinkClient;
      import java.lang.reflect.Modifier;
      import java.nio.file.FileSystem;
      import java.nio.file.FileSystems;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.util.ArrayList;
      import java.util.List;
      import java.util.stream.Stream;

      class Probe {
        public static void main(String[] args) throws Exception {
          try {
            Class.forName("com.github.benmanes.caffeine.cache.Caffeine");
            throw new AssertionError("Caffeine is on the class path");
          } catch (ClassNotFoundException expected) {
            // The point of the probe.
          }
          List<String> reflected = new ArrayList<>();
          for (String name : coreClassNames()) {
            Class<?> type = Class.forName(name, false, Probe.class.getClassLoader());
            if (Modifier.isPublic(type.getModifiers())) {
              type.getDeclaredMethods();
              type.getDeclaredFields();
              type.getDeclaredConstructors();
              reflected.add(name);
            }
          }
          String inProcess;
          try {
            BlinkStore.builder().build();
            inProcess = "built";
          } catch (IllegalStateException e) {
            inProcess = e.getMessage();
          }
          try { // the store's class now failed to initialise: a second attempt must say the same
            BlinkStore.builder().memoryLimit(1).build();
            inProcess = "built the second time";
          } catch (IllegalStateException e) {
            inProcess = e.getMessage().equals(inProcess) ? inProcess : "another message: " + e.getMessage();
          }
          try (BlinkClient client = BlinkClient.connect(args[0], Integer.parseInt(args[1]))) {
            client.set("probe", "works");
            System.out.println("reflected on " + reflected + "; read back " + client.getString("probe")
                + "; in-process store: " + inProcess);
          }
        }

        /** The classes of package io.blinkstore, in blink-core's classes folder or jar. */
        static List<String> coreClassNames() throws Exception {
          Path core = Path.of(BlinkStore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
          try (FileSystem jar = Files.isDirectory(core) ? null : FileSystems.newFileSystem(core);
              Stream<Path> files = Files.list((jar == null ? core : jar.getPath("/")).resolve("io/blinkstore"))) {
            return files.map(file -> file.getFileName().toString())
                .filter(file -> file.endsWith(".class"))
                .map(file -> "io.blinkstore." + file.substring(0, file.length() - ".class".length()))
                .sorted()
                .toList();
          }
        }
      }
      """;

  @TempDir Path dir;

  @Test
  void aJvmWithOnlyTheClientAndBlinkCoreOnItsClassPathUsesAServerAndReflectsOnBlinkCoresPublicTypes()
      throws Exception {
    String classPath = location(BlinkClient.class) + File.pathSeparator + location(BlinkStore.class);
    Path probe = Files.writeString(dir.resolve("Probe.java"), PROBE);
    Path output = dir.resolve("probe.out");
    try (BlinkServer server = Servers.start(dir, 1 << 20)) {
      Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", classPath, probe.toString(), server.tcpAddress().getHostString(),
          Integer.toString(server.tcpAddress().getPort()))
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      try {
        int exit = process.waitFor();
        String printed = Files.readString(output, StandardCharsets.UTF_8).trim();
        assertEquals(0, exit, printed);
        assertTrue(printed.startsWith("reflected on [") && printed.contains("]; read back works; "), printed);
        assertTrue(printed.endsWith("; in-process store: the in-process store needs Caffeine on the class path"
            + " (com.github.ben-manes.caffeine:caffeine, a dependency of blink-core that blink-client leaves out):"
            + " depend on blink-core itself to build one"), printed);
        assertTrue(printed.contains(" io.blinkstore.BlinkStore$Builder,"), printed);
      } finally {
        process.destroyForcibly();
      }
    }
  }

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
