package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockedClients} on lists kept in a map: clients are served in the order they blocked, one element each
 * while the list has elements; a client on several keys is served by the first that gets elements and leaves the
 * others; a timeout, {@code CLIENT UNBLOCK} and a close each end a request exactly once; a request registering
 * while older ones wait never takes their elements; what a request holds counts in its connection's memory only
 * while it waits.
 */
class BlockedClientsTest {
  private final BlinkStore store = BlinkStore.builder().build();
  private final Dispatcher dispatcher = new Dispatcher(store);
  private final BlockedClients blocked = new BlockedClients(null, task -> { });
  private final Map<String, ArrayDeque<String>> lists = new HashMap<>();
  private final AtomicLong held = new AtomicLong();
  private final ConnectionMemory memory = new ConnectionMemory() {
    @Override
    public void addRequests(long delta) {
      held.addAndGet(delta);
    }

    @Override
    public void name(long bytes) {}
  };

  @AfterEach
  void close() {
    store.close();
  }

  /** Pops the head of {@code key}'s list: {@code [key, element]}, or null if empty. */
  private final BlockedRequest.Attempt pop = key -> {
    ArrayDeque<String> list = lists.get(key);
    String element = list == null ? null : list.poll();
    return element == null ? null : new Result.Array(List.of(Result.bulk(key), Result.bulk(element)));
  };

  private void push(String key, String... elements) {
    lists.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(List.of(elements));
    blocked.signal(key);
  }

  private ClientState client() {
    return dispatcher.newClient(RespKeys::of, memory, () -> { });
  }

  /** Blocks a new client on {@code keys} and returns where its reply lands. */
  private AtomicReference<Result> block(List<ClientState> clients, String... keys) {
    ClientState client = client();
    clients.add(client);
    Object request = blocked.block(client, List.of(keys), pop, 0);
    AtomicReference<Result> reply = new AtomicReference<>();
    ((BlockedRequest) request).whenDone(reply::set);
    assertSame(request, client.takePending());
    return reply;
  }

  private static String element(AtomicReference<Result> reply) {
    Result.Array array = assertInstanceOf(Result.Array.class, reply.get());
    return Result.bulk("").getClass().cast(array.elements().get(1)).toString();
  }

  @Test
  void aPushOfTwoElementsServesTheTwoOldestWaitersInOrder() {
    List<ClientState> clients = new ArrayList<>();
    AtomicReference<Result> first = block(clients, "k");
    AtomicReference<Result> second = block(clients, "k");
    AtomicReference<Result> third = block(clients, "k");
    assertEquals(3, blocked.count());

    push("k", "a", "b");
    blocked.serveReady();

    assertEquals("Bulk[a]", element(first));
    assertEquals("Bulk[b]", element(second));
    assertNull(third.get());
    assertEquals(1, blocked.count());
    assertEquals(List.of(clients.get(2)), blocked.waitingOn("k"));
    assertNull(clients.get(0).blocked());
    assertSame(clients.get(2).blocked(), clients.get(2).blocked());
  }

  @Test
  void aClientOnSeveralKeysIsServedByTheFirstToGetElementsAndLeavesTheOthers() {
    List<ClientState> clients = new ArrayList<>();
    AtomicReference<Result> reply = block(clients, "k1", "k2");
    push("k2", "x");
    blocked.serveReady();
    assertEquals("Bulk[x]", element(reply));
    assertEquals(List.of(), blocked.waitingOn("k1"));
    assertEquals(0, blocked.count());
    push("k1", "y");
    blocked.serveReady();
    assertEquals(List.of("y"), List.copyOf(lists.get("k1")));
  }

  @Test
  void aTimeoutAnswersANullArrayOnceAndAServeAfterItFindsNobody() {
    List<ClientState> clients = new ArrayList<>();
    AtomicReference<Result> reply = block(clients, "k");
    clients.get(0).blocked().timeOut();
    assertInstanceOf(Result.NullArray.class, reply.get());
    assertEquals(0, blocked.count());
    push("k", "a");
    blocked.serveReady();
    assertEquals(List.of("a"), List.copyOf(lists.get("k")));
  }

  @Test
  void clientUnblockAndACloseEndTheRequestOnce() {
    List<ClientState> clients = new ArrayList<>();
    AtomicReference<Result> unblocked = block(clients, "k");
    AtomicReference<Result> closed = block(clients, "k");
    assertTrue(blocked.unblock(clients.get(0), Result.error("unblocked")));
    assertFalse(blocked.unblock(clients.get(0), Result.error("again")));
    assertEquals(Result.error("unblocked"), unblocked.get());
    assertTrue(blocked.unblock(clients.get(1), null));
    assertNull(closed.get());
    assertEquals(0, blocked.count());
  }

  @Test
  void aNewWaiterNeverTakesTheElementsOfOlderOnes() {
    List<ClientState> clients = new ArrayList<>();
    AtomicReference<Result> older = block(clients, "k");
    lists.computeIfAbsent("k", k -> new ArrayDeque<>()).add("a"); // pushed, not served yet
    AtomicReference<Result> newer = block(clients, "k");
    assertNull(newer.get());
    blocked.signal("k");
    blocked.serveReady();
    assertEquals("Bulk[a]", element(older));
    assertNull(newer.get());
  }

  @Test
  void aRequestServedWhileItRegistersAnswersAtOnce() {
    lists.computeIfAbsent("k", k -> new ArrayDeque<>()).add("a");
    Object reply = blocked.block(client(), List.of("k"), pop, 0);
    assertInstanceOf(Result.Array.class, reply);
    assertEquals(0, blocked.count());
  }

  @Test
  void whatARequestHoldsCountsInItsConnectionWhileItWaits() {
    List<ClientState> clients = new ArrayList<>();
    block(clients, "key1", "key2");
    assertEquals(2 * (BlockedClients.BYTES_PER_KEY + 8), held.get());
    push("key2", "v");
    blocked.serveReady();
    assertEquals(0, held.get());
  }
}
