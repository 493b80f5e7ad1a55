package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.blinkstore.BlinkStore;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code AUTH} and {@code ACL DELUSER} of the same user, started together from two threads, many times: the
 * connection ends either refused or signed out (and closed) with the user, never signed in as a user that no longer
 * exists. The password is long, so that hashing it takes about as long as the other thread's {@code DELUSER}: when
 * the user was found under the users' lock and the connection signed in after, outside it, the connection was left
 * signed in as the deleted user in some rounds.
 */
@Timeout(120)
class AclSignInRaceTest {
  private static final String PASSWORD = "p".repeat(1 << 20);

  private static Result run(Dispatcher dispatcher, ClientState client, String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(UTF_8);
    }
    return dispatcher.dispatch(client, args);
  }

  @Test
  void aUserDeletedWhileAConnectionSignsInAsItNeverKeepsTheConnection() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      ClientState admin = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, new TestConnection(""));
      int signedIn = 0;
      for (int round = 0; round < 200; round++) {
        assertEquals(Result.OK, run(dispatcher, admin, "ACL", "SETUSER", "u", "on", ">" + PASSWORD, "+@all", "~*"));
        ClientState client =
            dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }, new TestConnection(""));
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Result> auth = threads.submit(() -> {
          together.await();
          return run(dispatcher, client, "AUTH", "u", PASSWORD);
        });
        Future<Result> delete = threads.submit(() -> {
          together.await();
          return run(dispatcher, admin, "ACL", "DELUSER", "u");
        });
        assertEquals(new Result.Int(1), delete.get());
        if (auth.get() == Result.OK) {
          signedIn++;
        }
        assertNotEquals("u", client.user().name(), "round " + round + ": signed in as a deleted user");
        dispatcher.closed(client);
      }
      System.out.println("AUTH answered OK before DELUSER in " + signedIn + " of 200 rounds");
    } finally {
      threads.shutdownNow();
    }
  }
}
