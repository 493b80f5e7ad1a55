package io.blinkstore.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are code that a test compiles and runs: each snippet's lines stand, in order, in one
 * test source (or a runnable example), and each of its imports names a class that exists. Its Maven coordinates
 * name this version and modules that exist.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern BLOCK = Pattern.compile("(?m)^( *)```(\\w+)\\n(.*?)^\\1```$", Pattern.DOTALL);

  /**
   * What a test cannot take as the README writes it: the server's address (a test's server has an ephemeral port
   * and a socket in a temporary folder) and the 500 ms command timeout (too short for a loaded test machine).
   */
  private static final Map<String, String> IN_TESTS = Map.of(
      "BlinkClient.connect(\"127.0.0.1\", 8765)", "BlinkClient.connect(\"127.0.0.1\", port)",
      "UnixDomainSocketAddress.of(\"/tmp/blink.sock\")", "UnixDomainSocketAddress.of(socketPath)",
      ".commandTimeout(Duration.ofMillis(500))", ".commandTimeout(COMMAND_TIMEOUT)");

  @Test
  void everyJavaSnippetIsInATestAndItsImportsExist() throws Exception {
    List<List<String>> sources = sources();
    List<String> blocks = blocks("java");
    assertTrue(blocks.size() >= 4, "the README's Java snippets: " + blocks.size());
    for (String block : blocks) {
      List<String> code = new ArrayList<>();
      for (String line : block.split("\n")) {
        String text = normalized(line);
        if (text.startsWith("import ")) {
          String type = text.substring("import ".length(), text.length() - 1);
          Class.forName(type, false, getClass().getClassLoader()); // fails if the README imports what is not there
        } else if (!text.isEmpty()) {
          code.add(text);
        }
      }
      assertTrue(sources.stream().anyMatch(source -> inOrder(code, source)),
          "no test source holds this README snippet, line by line:\n" + block);
    }
  }

  @Test
  void theMavenCoordinatesNameThisVersionAndModulesThatExist() throws Exception {
    String version = System.getProperty("blink.release").substring("blink-store-".length());
    List<String> blocks = blocks("xml");
    assertFalse(blocks.isEmpty());
    for (String block : blocks) {
      assertTrue(block.contains("<groupId>io.blinkstore</groupId>"), block);
      assertEquals(version, between(block, "<version>", "</version>"), block);
      String module = between(block, "<artifactId>", "</artifactId>");
      assertTrue(Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml")), "no module " + module);
    }
  }

  private static List<String> blocks(String language) throws IOException {
    Matcher blocks = BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
    List<String> found = new ArrayList<>();
    while (blocks.find()) {
      if (blocks.group(2).equals(language)) {
        found.add(blocks.group(3));
      }
    }
    return found;
  }

  /** Each test source's lines, and the examples' (which ExamplesTest runs), normalized. */
  private static List<List<String>> sources() throws IOException {
    List<List<String>> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String path = ROOT.relativize(file).toString();
        if (path.endsWith(".java") && (path.contains("/src/test/java/") || path.startsWith("blink-examples/src/main/"))) {
          sources.add(Files.readAllLines(file).stream().map(ReadmeSnippetsTest::normalized).toList());
        }
      }
    }
    return sources;
  }

  /** Whether {@code code} is a subsequence of {@code source}, each README line standing for a test's. */
  private static boolean inOrder(List<String> code, List<String> source) {
    int at = 0;
    for (String line : code) {
      String expected = line;
      for (Map.Entry<String, String> substitution : IN_TESTS.entrySet()) {
        expected = expected.replace(substitution.getKey(), substitution.getValue());
      }
      while (at < source.size() && !source.get(at).equals(expected)) {
        at++;
      }
      if (at == source.size()) {
        return false;
      }
      at++;
    }
    return true;
  }

  private static String normalized(String line) {
    return line.strip().replaceAll("\\s+", " ");
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    if (from < 0) {
      fail("no " + start + " in " + text);
    }
    return text.substring(from + start.length(), text.indexOf(end, from));
  }
}
