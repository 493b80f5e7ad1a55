package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code COMMAND DOCS} from the table and Redis's documentation ({@code command-docs.txt}): a command's entry as
 * Redis writes it, a container's with the subcommands we have, ours alone with its group. (Every command both
 * have is compared byte for byte with redis-server in {@code RedisParityIT}.)
 */
class CommandDocsTest {
  @RegisterExtension final RespTester tester = new RespTester();

  private List<Result> docs(String... names) {
    String[] args = new String[names.length + 2];
    args[0] = "COMMAND";
    args[1] = "DOCS";
    System.arraycopy(names, 0, args, 2, names.length);
    return ((Result.Map) tester.run(args)).keysAndValues();
  }

  @Test
  void getIsDocumentedAsRedisDocumentsIt() {
    Result key = new Result.Map(List.of(bulk("name"), bulk("key"), bulk("type"), bulk("key"),
        bulk("key_spec_index"), new Result.Int(0)));
    assertEquals(List.of(bulk("get"), new Result.Map(List.of(bulk("summary"), bulk("Get the value of a key"),
        bulk("since"), bulk("1.0.0"), bulk("group"), bulk("string"), bulk("complexity"), bulk("O(1)"),
        bulk("arguments"), new Result.Array(List.of(key))))), docs("GET"));
  }

  @Test
  void unknownNamesAreLeftOutAndSubcommandsFoundByFullName() {
    List<Result> found = docs("nope", "client|reply", "get|x");
    assertEquals(2, found.size());
    assertEquals(bulk("client|reply"), found.get(0));
    assertTrue(((Result.Map) found.get(1)).keysAndValues().contains(bulk("Instruct the server whether to reply"
        + " to commands")), found::toString);
  }

  @Test
  void aContainerListsTheSubcommandsWeHaveAndOursAloneHaveTheirGroup() {
    List<Result> client = ((Result.Map) docs("client").get(1)).keysAndValues();
    assertEquals(bulk("subcommands"), client.get(client.size() - 2));
    List<Result> subcommands = ((Result.Map) client.get(client.size() - 1)).keysAndValues();
    assertTrue(subcommands.contains(bulk("client|list")) && subcommands.contains(bulk("client|pause")));
    assertTrue(subcommands.contains(bulk("client|tracking")) && subcommands.contains(bulk("client|trackinginfo")));
    assertEquals(List.of(bulk("getl"), new Result.Map(List.of(bulk("group"), bulk("generic")))), docs("getl"));
  }
}
