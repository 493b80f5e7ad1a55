package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code CLIENT REPLY ON|OFF|SKIP}: which replies a connection is sent, as Redis decides it (null: none). */
class ClientReplyTest {
  @RegisterExtension final RespTester tester = new RespTester();

  @Test
  void offDropsEveryReplyItsOwnIncludedUntilOn() {
    assertNull(tester.run("CLIENT", "REPLY", "OFF"));
    assertNull(tester.run("SET", "k", "v"), "the command runs, its reply is dropped");
    assertNull(tester.run("GET", "nope", "extra"), "errors too");
    assertNull(tester.run("CLIENT", "REPLY", "SKIP"), "SKIP while off changes nothing");
    assertEquals(Result.OK, tester.run("CLIENT", "REPLY", "ON"));
    assertEquals(bulk("v"), tester.run("GET", "k"));
  }

  @Test
  void skipDropsItsOwnReplyAndTheNextCommandsOnly() {
    assertNull(tester.run("CLIENT", "REPLY", "SKIP"));
    assertNull(tester.run("SET", "k", "v"));
    assertEquals(bulk("v"), tester.run("GET", "k"));
    assertNull(tester.run("CLIENT", "REPLY", "SKIP"));
    assertEquals(Result.OK, tester.run("CLIENT", "REPLY", "ON"), "ON cancels a skip, and answers");
    assertNull(tester.run("CLIENT", "REPLY", "SKIP"));
    assertNull(tester.run("CLIENT", "REPLY", "SKIP"), "a skip of a skip");
    assertNull(tester.run("GET", "k"));
    assertEquals(bulk("v"), tester.run("GET", "k"));
  }

  @Test
  void aWrongModeIsASyntaxErrorAndChangesNothing() {
    assertEquals(error("ERR syntax error"), tester.run("CLIENT", "REPLY", "MAYBE"));
    assertEquals(error("ERR wrong number of arguments for 'client|reply' command"), tester.run("CLIENT", "REPLY"));
    assertEquals(Result.PONG, tester.run("PING"));
  }
}
