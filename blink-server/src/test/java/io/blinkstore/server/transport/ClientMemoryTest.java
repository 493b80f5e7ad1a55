package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.protocol.resp.RespDecoderTest;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientMemory}: what each connection holds, counted where it is held (decoders' buffers, requests held
 * back, names, replies waiting), and the bound on all of them together, enforced by closing the biggest holders
 * first. On {@link EmbeddedChannel}s, through the real pipeline where it matters.
 */
class ClientMemoryTest {
  private static final long KIB = 1024;
  private static final long LIMIT = ClientMemory.MIN_LIMIT; // 128 KiB

  private final ServerCounters counters = new ServerCounters();
  private final ClientMemory memory = new ClientMemory(LIMIT, counters);
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    store.close();
  }

  private ClientMemory.Account account() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    return memory.open(channel);
  }

  /** A connection as the server sets one up: its account, the connection limits, the HTTP check, the protocol. */
  private EmbeddedChannel connection() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    ClientMemory.Account account = memory.open(channel);
    new ConnectionLimits(counters, 100, 0, 0, 4 << 20).install(channel.pipeline());
    channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(1 << 20, account));
    new ProtocolPipeline(store, 1 << 20).install(channel.pipeline());
    return channel;
  }

  private static void send(EmbeddedChannel channel, String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  private static ClientMemory.Account accountOf(EmbeddedChannel channel) {
    return ClientMemory.accountOf(channel);
  }

  @Test
  void theConnectionHoldingTheMostIsClosedFirstOnceAllTogetherHoldMoreThanTheLimit() {
    ClientMemory.Account small = account();
    ClientMemory.Account big = account();
    ClientMemory.Account growing = account();
    small.addRequests(40 * KIB);
    big.addRequests(70 * KIB);
    growing.addRequests(10 * KIB);
    assertEquals(120 * KIB, memory.held());
    assertEquals(0, counters.evictedClients(), "within the limit, no one is closed");

    growing.addRequests(20 * KIB); // 140 KiB: the biggest, not the one that grew, goes
    assertFalse(channels.get(1).isOpen(), "the biggest holder was closed");
    assertTrue(channels.get(0).isOpen() && channels.get(2).isOpen(), "the others are kept");
    assertEquals(70 * KIB, memory.held());
    assertEquals(1, counters.evictedClients());
    assertEquals(70 * KIB, counters.clientBytes().get(), "the server's figure is the same count");

    big.addRequests(100 * KIB);
    assertEquals(70 * KIB, memory.held(), "an evicted connection counts for nothing");
  }

  /**
   * A change that finds the sum over the limit while another event loop evicts goes on instead of waiting for
   * it: the eviction was under one lock that every such change waited for, up to 9 ms at a time (JFR's
   * JavaMonitorEnter) under issue 16's attack on two busy cores, while the holder was descheduled. The one
   * evicting checks the sum again as it finishes; here, the next change that finds it over evicts.
   */
  @Test
  void aChangeFoundOverTheLimitWhileAnotherEvictsDoesNotWaitForIt() throws Exception {
    ClientMemory.Account big = account();
    ClientMemory.Account growing = account();
    big.addRequests(100 * KIB);
    ExecutorService otherEventLoop = Executors.newSingleThreadExecutor();
    try {
      otherEventLoop.submit(memory.evicting::lock).get(); // evicting, as far as this thread can tell
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> growing.addRequests(40 * KIB),
          "an event loop waited for another's eviction");
      assertEquals(List.of(true, true), openChannels(), "left to the one evicting");
      otherEventLoop.submit(memory.evicting::unlock).get();
      growing.addRequests(KIB);
      assertEquals(List.of(false, true), openChannels(), "the biggest holder closed by the next change");
      assertEquals(41 * KIB, memory.held());
    } finally {
      otherEventLoop.shutdownNow();
    }
  }

  /**
   * The biggest holder is found while other event loops change what their connections hold. It was found by
   * sorting the accounts by figures that changed during the sort, which TimSort may refuse ("Comparison method
   * violates its general contract!": 4,554 of 131,721 sorts of 400 such figures in a stand-alone check), so the
   * read that found the sum over the limit failed, and its own connection was closed instead of the biggest.
   */
  @Test
  void theBiggestHolderIsFoundWhileOtherEventLoopsChangeTheirAccounts() throws Exception {
    ClientMemory shared = new ClientMemory(16L << 20, counters);
    List<ClientMemory.Account> others = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      others.add(shared.open(new EmbeddedChannel())); // at most 300 x 32 KiB: within the limit together
    }
    AtomicBoolean going = new AtomicBoolean(true);
    ExecutorService otherEventLoop = Executors.newSingleThreadExecutor();
    try {
      Future<?> changes = otherEventLoop.submit(() -> {
        long[] held = new long[others.size()];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (going.get()) {
          int i = random.nextInt(held.length);
          long next = random.nextLong(32 * KIB);
          others.get(i).addRequests(next - held[i]);
          held[i] = next;
        }
      });
      for (int i = 0; i < 2_000; i++) {
        EmbeddedChannel big = new EmbeddedChannel();
        shared.open(big).addRequests((16L << 20) + 1); // the biggest by far, and over the limit alone
        // Closed by this thread, or by the other if its change found the sum over the limit first.
        CountDownLatch closed = new CountDownLatch(1);
        big.closeFuture().addListener(future -> closed.countDown());
        assertTrue(closed.await(10, TimeUnit.SECONDS), "the biggest holder was closed, eviction " + i);
      }
      going.set(false);
      changes.get();
    } finally {
      going.set(false);
      otherEventLoop.shutdownNow();
    }
  }

  /** An evicted connection holds nothing against the limit, whatever its buffers still hold until it closes. */
  /**
   * {@code CLIENT NO-EVICT ON} puts a connection last in line, not out of the bound: the others go first, however
   * little they hold, and it goes too once it alone holds more than the limit.
   */
  @Test
  void aConnectionMarkedToBeEvictedLastIsClosedOnlyOnceNoOtherHoldsAnything() {
    ClientMemory.Account protectedOne = account();
    protectedOne.evictLast = true;
    ClientMemory.Account small = account();
    protectedOne.addRequests(100 * KIB);
    small.addRequests(40 * KIB);
    assertEquals(List.of(true, false), openChannels(), "the smaller, unmarked one went");
    protectedOne.addRequests(40 * KIB);
    assertEquals(List.of(false, false), openChannels(), "alone over the limit, the marked one goes too");
  }

  @Test
  void anEvictedConnectionHoldsNothing() {
    ClientMemory.Account big = account();
    big.addRequests(100 * KIB);
    account().addRequests(40 * KIB);
    assertEquals(0, big.held());
    assertEquals(40 * KIB, memory.held());
  }

  @Test
  void namesAndRepliesCountAsWellAsRequests() {
    ClientMemory.Account account = account();
    account.addRequests(3 * KIB);
    account.name(3 * KIB);
    account.replies(4 * KIB);
    assertEquals(10 * KIB, account.held());
    assertEquals(10 * KIB, memory.held());
    account.name(KIB);
    account.replies(0);
    account.addRequests(-2 * KIB);
    assertEquals(2 * KIB, memory.held());
  }

  /** Replies shrink as clients read them, unseen; they are read afresh before anyone is closed for them. */
  @Test
  void repliesAlreadyReadAreNotHeldAgainstAConnection() {
    ClientMemory.Account reader = account();
    reader.replies(100 * KIB); // its client has read them since: its outbound buffer is empty
    account().addRequests(60 * KIB);
    assertEquals(List.of(true, true), openChannels(), "160 KiB counted, 60 KiB held: no one is closed");
    assertEquals(60 * KIB, memory.held());
  }

  @Test
  void aClosedConnectionNoLongerCounts() {
    account().addRequests(50 * KIB);
    channels.get(0).close();
    assertEquals(0, memory.held());
    assertEquals(0, counters.evictedClients());
  }

  @Test
  void theDefaultIsAnEighthOfTheHeapOrHalfTheDirectMemoryAndNoLessThanTheFloor() {
    assertEquals(52L << 20, ClientMemory.defaultLimit(416L << 20, 256L << 20), "the launcher's defaults");
    assertEquals(32L << 20, ClientMemory.defaultLimit(1L << 30, 64L << 20));
    assertEquals(LIMIT, ClientMemory.defaultLimit(1L << 20, 1L << 20));
    assertThrows(IllegalArgumentException.class, () -> ClientMemory.requireLimit(LIMIT - 1));
  }

  /** An unfinished text line counts from the first read, through the HTTP check and the decoder, until done. */
  @Test
  void anUnfinishedLineCountsWhileItIsBufferedAndNoLongerOnceDecoded() {
    EmbeddedChannel client = connection();
    send(client, "SET k ");
    assertTrue(accountOf(client).held() > 0, "the line begun");
    send(client, "v".repeat(100_000));
    long held = accountOf(client).held();
    assertTrue(held >= 100_006 && held <= 2 * 100_006, "its buffer's capacity: " + held);
    assertEquals(held, memory.held());
    send(client, "\n");
    assertEquals("OK\n", Outbound.drain(client));
    assertEquals(0, accountOf(client).held(), "released once decoded");
  }

  @Test
  void anUnfinishedRespCommandCountsUntilItIsComplete() {
    EmbeddedChannel client = connection();
    send(client, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + "v".repeat(60_000));
    assertTrue(accountOf(client).held() >= 60_000, "held: " + accountOf(client).held());
    send(client, "v".repeat(40_000) + "\r\n");
    assertEquals("+OK\r\n", Outbound.drain(client));
    assertEquals(0, accountOf(client).held());
  }

  /** Past the limit, the connection whose unfinished requests hold the most is closed, the others are served. */
  @Test
  void unfinishedRequestsOfSeveralConnectionsPastTheLimitCloseTheBiggest() {
    EmbeddedChannel first = connection();
    EmbeddedChannel second = connection();
    EmbeddedChannel third = connection();
    send(first, "SET a " + "x".repeat(30_000));
    send(second, "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$120000\r\n" + "x".repeat(70_000));
    assertTrue(first.isOpen() && second.isOpen());
    send(third, "SET c " + "x".repeat(40_000)); // over 128 KiB together
    assertFalse(second.isOpen(), "the biggest holder was closed");
    assertTrue(first.isOpen() && third.isOpen());
    send(third, "\nGET c\n");
    assertEquals("OK\nVALUE ", Outbound.drain(third).substring(0, 9));
  }

  /** Requests held back by backpressure count at the bytes they arrived as, until they are executed. */
  @Test
  void requestsHeldBackByBackpressureCountUntilExecuted() {
    EmbeddedChannel client = connection();
    store.set("big", "x".repeat(3000));
    client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    FlushGate gate = new FlushGate();
    client.pipeline().addFirst(gate);
    String held = "SET k " + "v".repeat(10_000) + "\n";
    send(client, "GET big\n" + held + "GET k\n");
    assertFalse(client.isWritable(), "the GET's reply is waiting for the client");
    ClientMemory.Account account = accountOf(client);
    long replies = client.unsafe().outboundBuffer().totalPendingWriteBytes(); // VALUE, 4,000 bytes of base64, ...
    assertTrue(replies > 4000, "the reply waits: " + replies);
    assertEquals(held.length() + "GET k\n".length() + replies, account.held(), "requests held back and the reply");
    gate.open();
    assertEquals(0, account.held(), "all executed, all read");
  }

  @Test
  void repliesWaitingForTheClientCountUntilItReadsThem() {
    EmbeddedChannel client = connection();
    store.set("big", "x".repeat(3000));
    FlushGate gate = new FlushGate();
    client.pipeline().addFirst(gate);
    send(client, "GET big\n");
    assertTrue(client.isWritable(), "well under the high-water mark");
    long waiting = client.unsafe().outboundBuffer().totalPendingWriteBytes();
    assertTrue(waiting > 4000, "the reply waits: " + waiting);
    assertEquals(waiting, accountOf(client).held());
    gate.open();
    send(client, "GET nothing\n"); // the next flush finds them gone
    assertEquals(0, accountOf(client).held());
  }

  @Test
  void aRespClientNameCountsForTheConnectionsLife() {
    EmbeddedChannel client = connection();
    send(client, RespDecoderTest.resp("CLIENT", "SETNAME", "n".repeat(1000)));
    assertEquals("+OK\r\n", Outbound.drain(client));
    assertEquals(1000, accountOf(client).held());
    send(client, RespDecoderTest.resp("CLIENT", "SETNAME", ""));
    Outbound.drain(client);
    assertEquals(0, accountOf(client).held());
  }

  private List<Boolean> openChannels() {
    List<Boolean> open = new ArrayList<>();
    for (EmbeddedChannel channel : channels) {
      open.add(channel.isOpen());
    }
    return open;
  }


  /** {@code *3 $3 SET $1 k $<length>}: a SET's headers, 29 bytes for a length of six digits. */
  private static String setHeaders(int valueLength) {
    return "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + valueLength + "\r\n";
  }

  /**
   * A request as large as the limit less the room for its reply is taken, its buffer grown to the request's end and no further; one byte more
   * is refused as soon as its header has come, with an error that says why, and counted as an eviction.
   */
  @Test
  void aRequestOfTheLimitIsTakenAndOneByteMoreIsRefusedWithAnErrorAtItsHeader() {
    EmbeddedChannel client = connection();
    long largest = LIMIT - ClientMemory.REPLY_ROOM;
    int value = (int) largest - 31; // 29 bytes of headers and the final CRLF
    send(client, setHeaders(value) + "v".repeat(60_000));
    send(client, "v".repeat(30_000));
    assertEquals(largest, accountOf(client).held(), "grown to the request's end, not the next doubling");
    send(client, "v".repeat(value - 90_000) + "\r\n");
    assertEquals("+OK\r\n", Outbound.drain(client));
    assertEquals(0, counters.evictedClients());

    EmbeddedChannel over = connection();
    send(over, setHeaders(value + 1));
    assertEquals("-ERR Protocol error: invalid bulk length (a request may hold at most " + largest
        + " bytes: --max-client-memory)\r\n", Outbound.drain(over));
    assertFalse(over.isOpen());
    assertEquals(1, counters.evictedClients());
    assertTrue(client.isOpen());
  }

  /**
   * A request of megabytes is buffered on the heap, counted here, not in direct memory: with a guard that refuses
   * direct buffers past 3 MiB (as the launcher's 16 MiB of direct memory, shared, would), a 6 MiB value still
   * arrives whole, and the connection holds what it buffers while it arrives.
   */
  @Test
  void aRequestOfMegabytesIsBufferedOnTheHeapNotInDirectMemory() {
    ClientMemory large = new ClientMemory(16L << 20, counters);
    try (BlinkStore big = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channels.add(channel);
      channel.config().setAllocator(new DirectMemoryGuard(UnpooledByteBufAllocator.DEFAULT, () -> 0, 4L << 20));
      ClientMemory.Account account = large.open(channel);
      channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(1 << 20, account));
      new ProtocolPipeline(big, 8 << 20).install(channel.pipeline()); // its RESP requests bounded by 8 MiB too
      int value = 6 << 20;
      send(channel, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + value + "\r\n");
      byte[] chunk = new byte[1 << 20];
      Arrays.fill(chunk, (byte) 'v');
      for (int i = 0; i < 6; i++) {
        channel.writeInbound(Unpooled.copiedBuffer(chunk));
        assertTrue(channel.isOpen(), "open after " + (i + 1) + " MiB");
      }
      assertEquals(value + 32 + io.blinkstore.internal.RegionWaste.of(value + 32,
              io.blinkstore.server.command.HeapGuard.jvmRegionBytes()), account.held(),
          "as much as the request, its 30 bytes of headers and CRLF, and what its array wastes of G1's regions");
      send(channel, "\r\n");
      assertEquals("+OK\r\n", Outbound.drain(channel));
      assertEquals(0, account.held());
    }
  }

  /**
   * REV8: an unfinished request of 1 MiB + 1 byte, buffered on the heap, takes a whole G1 region of 2 MiB; its
   * account counts that region, so that connections holding such requests are evicted before the heap runs out.
   */
  @Test
  void aHeapBufferCountsWhatItWastesOfG1sRegions() {
    int region = io.blinkstore.server.command.HeapGuard.jvmRegionBytes();
    int capacity = Math.max(region, 2 << 20) / 2 + 1; // half a region and a byte: a region of its own under G1
    io.netty.buffer.ByteBuf heap = io.netty.buffer.Unpooled.buffer(capacity);
    io.netty.buffer.ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(capacity);
    try {
      long expected = region == 0 ? capacity : region - 16;
      assertEquals(expected, AccountedDecoder.heapCost(heap), "region " + region);
      assertEquals(capacity, AccountedDecoder.heapCost(direct), "direct memory has no regions");
    } finally {
      heap.release();
      direct.release();
    }
  }
}
