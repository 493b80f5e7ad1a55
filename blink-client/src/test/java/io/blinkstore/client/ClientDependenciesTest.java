package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What blink-client brings onto its users' class path is blink-core and nothing else (but the nullness
 * annotations of blink-core's API): no Netty (whose 4.1 and 4.2 cannot share a class path), and not blink-core's
 * own engine, Caffeine. {@link ClientWithoutCaffeineIT}
 * proves that the client runs on that class path, which it builds itself; this reads the poms, so that a
 * dependency added to blink-client, or to blink-core without an exclusion here, fails the build.
 */
class ClientDependenciesTest {
  /** What blink-core's API is annotated with ({@code @Nullable}): it reaches the client's users, as it should. */
  private static final String NULLNESS_ANNOTATIONS = "org.jspecify:jspecify";

  /** The module's folder: Surefire runs tests there and says so in {@code basedir}. */
  private static final Path MODULE = Path.of(System.getProperty("basedir", "."));

  /** A {@code <dependency>} of a pom: its coordinates, scope, and the artifacts it excludes. */
  private record Dependency(String id, String scope, boolean optional, Set<String> exclusions) {
    boolean reachesUsers() {
      return !optional && (scope.equals("compile") || scope.equals("runtime"));
    }
  }

  @Test
  void theClientsOnlyDependencyOutsideItsTestsIsBlinkCore() throws Exception {
    List<String> shipped = new ArrayList<>();
    for (Dependency dependency : dependencies(MODULE.resolve("pom.xml"))) {
      if (dependency.reachesUsers()) {
        shipped.add(dependency.id());
      }
    }
    assertEquals(List.of("io.blinkstore:blink-core"), shipped);
  }

  @Test
  void everyDependencyThatBlinkCoreShipsIsExcludedByTheClient() throws Exception {
    Set<String> excluded = dependencies(MODULE.resolve("pom.xml")).stream()
        .filter(d -> d.id().equals("io.blinkstore:blink-core") && d.reachesUsers())
        .findFirst()
        .orElseThrow()
        .exclusions();
    Set<String> coreShips = new TreeSet<>();
    for (Dependency dependency : dependencies(MODULE.resolveSibling("blink-core").resolve("pom.xml"))) {
      if (dependency.reachesUsers() && !dependency.id().equals(NULLNESS_ANNOTATIONS)) {
        coreShips.add(dependency.id());
      }
    }
    assertEquals(coreShips, new TreeSet<>(excluded),
        "blink-core's own dependencies but its API's annotations, all excluded by the client");
  }

  /** The {@code <dependencies>} of the project in {@code pom} (not those of its dependency management). */
  private static List<Dependency> dependencies(Path pom) throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile())
        .getDocumentElement();
    List<Dependency> dependencies = new ArrayList<>();
    for (Element list : children(project, "dependencies")) {
      for (Element dependency : children(list, "dependency")) {
        Set<String> exclusions = new TreeSet<>();
        for (Element excludes : children(dependency, "exclusions")) {
          for (Element exclusion : children(excludes, "exclusion")) {
            exclusions.add(id(exclusion));
          }
        }
        String scope = text(dependency, "scope");
        dependencies.add(new Dependency(id(dependency), scope == null ? "compile" : scope,
            "true".equals(text(dependency, "optional")), exclusions));
      }
    }
    return dependencies;
  }

  private static String id(Element element) {
    return text(element, "groupId") + ":" + text(element, "artifactId");
  }

  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0).getTextContent().strip();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE && nodes.item(i).getNodeName().equals(name)) {
        found.add((Element) nodes.item(i));
      }
    }
    return found;
  }
}
