package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape issue 22 gave blink-server, checked on its sources so that a new command or class cannot quietly undo
 * it: the command layer names neither codec nor the transport, and the two codecs never name each other (an import or a fully
 * qualified name, in code or javadoc), no main class is over 500 lines, and every package states its nullness
 * ({@code @NullMarked} in its {@code package-info.java}, which NullAway, an error in this module, then checks).
 */
class PackageShapeTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final String SERVER = "io/blinkstore/server/";
  private static final String TEXT = "io.blinkstore.server.protocol.text";
  private static final String RESP = "io.blinkstore.server.protocol.resp";
  private static final String TRANSPORT = "io.blinkstore.server.transport";
  private static final int MAX_LINES = 500;

  @Test
  void theCommandLayerNamesNeitherCodec() throws IOException {
    assertEquals(Map.of(), naming(SERVER + "command", TEXT, RESP));
  }

  /** Command execution apart from transport: the transport runs the command layer, never the other way round. */
  @Test
  void theCommandLayerDoesNotNameTheTransport() throws IOException {
    assertEquals(Map.of(), naming(SERVER + "command", TRANSPORT));
  }

  @Test
  void theTextCodecDoesNotNameTheRespCodec() throws IOException {
    assertEquals(Map.of(), naming(SERVER + "protocol/text", RESP));
  }

  @Test
  void theRespCodecDoesNotNameTheTextCodec() throws IOException {
    assertEquals(Map.of(), naming(SERVER + "protocol/resp", TEXT));
  }

  @Test
  void noMainClassIsOver500Lines() throws IOException {
    Map<String, Integer> over = new TreeMap<>();
    for (Path file : javaFiles(SOURCES)) {
      int lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
      if (lines > MAX_LINES) {
        over.put(SOURCES.relativize(file).toString(), lines);
      }
    }
    assertEquals(Map.of(), over, "classes over " + MAX_LINES + " lines");
  }

  @Test
  void everyPackageIsNullMarked() throws IOException {
    List<Path> packages;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      packages = files.filter(f -> f.toString().endsWith(".java")).map(Path::getParent).distinct()
          .collect(Collectors.toList());
    }
    assertTrue(packages.size() >= 5, "found the sources: " + packages);
    for (Path dir : packages) {
      Path info = dir.resolve("package-info.java");
      assertTrue(Files.exists(info), "no package-info.java in " + dir);
      assertTrue(Files.readString(info).contains("@NullMarked"), info + " is not @NullMarked");
    }
  }

  /** The files under {@code dir} (and their lines) that name any of {@code packages}. */
  private static Map<String, List<String>> naming(String dir, String... packages) throws IOException {
    List<Path> files = javaFiles(SOURCES.resolve(dir));
    assertTrue(files.size() > 3, "found the sources of " + dir);
    Map<String, List<String>> found = new TreeMap<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(line -> Stream.of(packages).anyMatch(line::contains))
          .collect(Collectors.toList());
      if (!lines.isEmpty()) {
        found.put(file.getFileName().toString(), lines);
      }
    }
    return found;
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
    }
  }
}
