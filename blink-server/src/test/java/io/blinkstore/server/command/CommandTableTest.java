package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.transport.ClientMemory;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The command table: lookup by the bytes of a name in any case, subcommands, and the dispatcher's order. */
class CommandTableTest {
  private static final CommandSpec.Operation OK = (client, args) -> Result.OK;

  private static byte[] bytes(String text) {
    return text.getBytes(ISO_8859_1);
  }

  @Test
  void aNameIsFoundInAnyAsciiCaseAndNothingElseMatchesIt() {
    CommandTable table = new CommandTable();
    table.add("get", 2, CommandSpec.Keys.ONE, OK, CommandFlag.READONLY);
    table.add("getdel", 2, CommandSpec.Keys.ONE, OK, CommandFlag.WRITE);
    CommandSpec get = table.find(bytes("get"));
    assertEquals("get", get.name());
    assertSame(get, table.find(bytes("GET")));
    assertSame(get, table.find(bytes("gEt")));
    assertEquals("getdel", table.find(bytes("GETDEL")).name());
    assertNull(table.find(bytes("ge")));
    assertNull(table.find(bytes("gett")));
    assertNull(table.find(bytes("g\u00c5t"))); // a byte only a Unicode case mapping would fold
    assertNull(table.find(new byte[0]));
    table.add("a@", 1, CommandSpec.Keys.NONE, OK);
    assertNull(table.find(bytes("a`")), "only letters fold: '`' is not '@' in another case");
    assertNull(table.find(bytes("GE\u0014")), "nor a control byte 0x20 below a letter");
  }

  @Test
  void manyCommandsStayFindableAsTheTableGrows() {
    CommandTable table = new CommandTable();
    for (int i = 0; i < 500; i++) {
      table.add("cmd" + i, 1, CommandSpec.Keys.NONE, OK);
    }
    for (int i = 0; i < 500; i++) {
      assertEquals("cmd" + i, table.find(bytes("CMD" + i)).name());
    }
    assertEquals(500, table.count());
  }

  @Test
  void aSubcommandLivesInItsContainerAndIsNotCountedAtTheTop() {
    CommandTable table = new CommandTable();
    table.addContainer("client", -2, null);
    table.add("client|id", 2, CommandSpec.Keys.NONE, OK, CommandFlag.NOSCRIPT);
    assertNull(table.find(bytes("client|id")));
    assertEquals("client|id", table.find(bytes("CLIENT")).subcommands().find(bytes("Id")).name());
    assertEquals(1, table.count());
    assertThrows(IllegalArgumentException.class, () -> table.add("config|get", -3, CommandSpec.Keys.NONE, OK));
    assertThrows(IllegalArgumentException.class, () -> table.add("client", 1, CommandSpec.Keys.NONE, OK));
  }

  /** A container without an operation of its own is never run alone: its arity must ask for a subcommand. */
  @Test
  void aContainerWithoutItsOwnOperationMustAskForASubcommand() {
    CommandTable table = new CommandTable();
    assertThrows(IllegalArgumentException.class, () -> table.addContainer("any", -1, null));
    assertThrows(IllegalArgumentException.class, () -> table.addContainer("one", 1, null));
    table.addContainer("client", -2, null);
    table.addContainer("exactly", 2, null);
    table.addContainer("command", -1, OK);
    assertEquals(3, table.count());
  }

  @Test
  void flagsAreTheDeclaredOnes() {
    CommandTable table = new CommandTable();
    table.add("set", -3, CommandSpec.Keys.ONE, OK, CommandFlag.WRITE, CommandFlag.DENYOOM);
    CommandSpec set = table.find(bytes("set"));
    assertTrue(set.has(CommandFlag.WRITE));
    assertTrue(set.has(CommandFlag.DENYOOM));
    assertFalse(set.has(CommandFlag.READONLY));
    assertFalse(set.has(CommandFlag.NO_AUTH));
  }

  /** Redis checks the arity before the heap (processCommand): a malformed write is told so, not -OOM. */
  @Test
  void theDispatcherChecksArityBeforeTheHeapGuard() {
    HeapGuard full = new HeapGuard(0.5);
    full.afterCollection(90, 100);
    try (BlinkStore store = BlinkStore.builder().build()) {
      Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(), full,
          null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
      ClientState client = dispatcher.newClient(RespKeys::of, ClientMemory.Account.DETACHED, () -> { });
      assertEquals(Dispatcher.wrongArity("set"), dispatcher.dispatch(client, new byte[][] {bytes("SET"), bytes("k")}));
      assertEquals(Dispatcher.OOM,
          dispatcher.dispatch(client, new byte[][] {bytes("set"), bytes("k"), bytes("v")}));
      assertEquals(Result.NULL, dispatcher.dispatch(client, new byte[][] {bytes("get"), bytes("k")}));
    }
  }
}
