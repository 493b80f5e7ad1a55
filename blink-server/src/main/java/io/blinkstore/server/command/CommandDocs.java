package io.blinkstore.server.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code COMMAND DOCS [name...]}: each command's documentation as Redis 7.0 answers it (summary, since, group,
 * complexity, doc flags, deprecation, history, arguments), for the commands of the {@link CommandTable}. The
 * documentation is Redis's description of its commands, kept as data: {@code command-docs.txt}, written once by
 * {@code blink-server/scripts/command-docs.py} from Redis 7.0.15's {@code src/commands/*.json} for every command
 * Redis has, so a command added to the table later is documented without another step. It is read at the first
 * {@code COMMAND DOCS} (about 145 KB), not at start-up. A container ({@code CLIENT}) lists the subcommands the
 * table has, in its order; a command Redis does not have ({@code GETL}) gets its group only.
 */
final class CommandDocs {
  private static final String RESOURCE = "command-docs.txt";

  private CommandDocs() {}

  /** Redis's documentation, by full name ({@code client|list}), read once at first use. */
  private static final class Loaded {
    static final Map<String, Result.Map> DOCS = load();
  }

  /** The reply to {@code COMMAND DOCS} for {@code commands}: a map of each one's name to its documentation. */
  static Result docs(List<CommandSpec> commands) {
    List<Result> pairs = new ArrayList<>();
    for (CommandSpec command : commands) {
      pairs.add(Result.bulk(command.name()));
      pairs.add(of(command));
    }
    return new Result.Map(pairs);
  }

  private static Result of(CommandSpec spec) {
    Result.Map docs = Loaded.DOCS.get(spec.name());
    List<Result> pairs = new ArrayList<>(docs == null
        ? List.of(Result.bulk("group"), Result.bulk(spec.name().startsWith("client|") ? "connection" : "generic"))
        : docs.keysAndValues());
    if (spec.subcommands() != null) {
      List<Result> subcommands = new ArrayList<>();
      for (CommandSpec sub : spec.subcommands().specs()) {
        subcommands.add(Result.bulk(sub.name()));
        subcommands.add(of(sub));
      }
      pairs.add(Result.bulk("subcommands"));
      pairs.add(new Result.Map(subcommands));
    }
    return new Result.Map(pairs);
  }

  private static Map<String, Result.Map> load() {
    Map<String, Result.Map> docs = new HashMap<>();
    try (InputStream in = Objects.requireNonNull(CommandDocs.class.getResourceAsStream(RESOURCE), RESOURCE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      Iterator<String> lines = reader.lines().filter(line -> !line.startsWith("#")).iterator();
      while (lines.hasNext()) {
        String name = lines.next();
        if (!name.startsWith("@")) {
          throw new IllegalStateException(RESOURCE + ": expected a command, got " + name);
        }
        docs.put(name.substring(1), (Result.Map) node(lines));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** One node of the resource's tree (its format: the script's header), its children read after it. */
  private static Result node(Iterator<String> lines) {
    String line = lines.next();
    String rest = line.substring(2);
    return switch (line.charAt(0)) {
      case 'B' -> Result.bulk(unescape(rest));
      case 'F' -> new Result.Simple(rest);
      case 'I' -> new Result.Int(Long.parseLong(rest));
      case 'M' -> new Result.Map(children(lines, 2 * Integer.parseInt(rest)));
      case 'A' -> new Result.Array(children(lines, Integer.parseInt(rest)));
      case 'S' -> new Result.Set(children(lines, Integer.parseInt(rest)));
      default -> throw new IllegalStateException(RESOURCE + ": not a node: " + line);
    };
  }

  private static List<Result> children(Iterator<String> lines, int count) {
    List<Result> children = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      children.add(node(lines));
    }
    return children;
  }

  private static String unescape(String text) {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

}
