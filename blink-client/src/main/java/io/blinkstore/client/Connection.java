package io.blinkstore.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One socket to the server, shared by any number of threads, Lettuce-style: commands are written in the order
 * they were submitted by one writer thread, which sends everything waiting in one gathering write (pipelining),
 * and one reader thread matches each reply to the oldest command still awaiting one (the server answers in
 * order); only that thread takes commands from the queue of those awaiting replies. The protocol's part, text
 * lines or RESP values, is its {@link Wire}. At most {@code queueCapacity} commands wait or are in flight; one
 * more is refused at once.
 *
 * <p>When anything goes wrong — the socket fails or ends, a reply makes no sense for its command, or a command
 * times out — the connection {@linkplain #fail fails as a whole}: the socket is closed and every command not yet
 * answered fails with {@link BlinkConnectionException}. A timed-out command must take its connection down
 * because the server may never answer it, and every reply queued behind it would wait too; a fresh connection
 * recovers at once. No command ever waits past its timeout, and none can receive another's reply.
 *
 * <p>Threads: a reply completes its command on the reader thread; a failure, on the thread that found it (the
 * reader, the writer, the caller of {@link #close()}, or for a timeout a thread of its own, never the timer).
 *
 * @param <R> the protocol's reply type
 */
final class Connection<R> {
  /** The most commands written in one gathering write. */
  private static final int MAX_BATCH = 256;
  /**
   * A batch stops growing at this many bytes: the JDK copies the heap buffers of a write into temporary direct
   * buffers, which it keeps per thread, so an unbounded batch of large values would pin as much direct memory.
   */
  private static final int MAX_BATCH_BYTES = 256 * 1024;
  private static final int READ_BUFFER_BYTES = 64 * 1024;

  private final Wire<R> wire;
  private final SocketChannel channel;
  private final String peer;
  private final Duration commandTimeout;
  private final int queueCapacity;
  private final ScheduledExecutorService timer;
  private final Semaphore permits;
  private final LinkedBlockingQueue<Exchange<R, ?>> unwritten = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Exchange<R, ?>> awaitingReply = new ConcurrentLinkedQueue<>();
  private final Object lock = new Object();
  private final Thread writer;
  private final Thread reader;
  /** The command whose reply the reader is decoding, if any; read and written by the reader thread only. */
  private @Nullable Exchange<R, ?> answering;
  /** Why the connection failed; null while it works. Written under {@link #lock}. */
  private volatile @Nullable String failure;
  /** The server's memory limit, learnt in the handshake: refused writes report it. */
  private volatile long memoryLimit;

  private Connection(Wire<R> wire, SocketChannel channel, String peer, BlinkClientOptions options,
      ScheduledExecutorService timer) {
    this.wire = wire;
    this.channel = channel;
    this.peer = peer;
    this.commandTimeout = options.commandTimeout();
    this.queueCapacity = options.queueCapacity();
    this.timer = timer;
    this.permits = new Semaphore(queueCapacity);
    this.writer = new Thread(this::writeLoop, "blink-client-writer " + peer);
    this.reader = new Thread(this::readLoop, "blink-client-reader " + peer);
    writer.setDaemon(true);
    reader.setDaemon(true);
  }

  /**
   * Connects to {@code address} and checks that a server speaking {@code wire} answers ({@link Wire#ping()}),
   * learning its memory limit ({@link Wire#memoryLimit()}), all within the connect timeout.
   *
   * @throws BlinkConnectionException if that fails
   */
  static <R> Connection<R> open(
      Wire<R> wire, SocketAddress address, BlinkClientOptions options, ScheduledExecutorService timer) {
    String peer = address.toString();
    SocketChannel channel;
    try {
      channel = connect(address, options.connectTimeout());
    } catch (IOException e) {
      throw new BlinkConnectionException("connect", "cannot connect to " + peer + ": " + e, e);
    }
    Connection<R> connection = new Connection<>(wire, channel, peer, options, timer);
    connection.writer.start();
    connection.reader.start();
    connection.handshake(options.connectTimeout());
    return connection;
  }

  /**
   * Sends the two handshake commands one after the other, not pipelined: a connection whose queue holds one
   * command ({@link BlinkClientOptions#queueCapacity()} 1) would refuse the second.
   */
  private void handshake(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      submit(wire.ping()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      memoryLimit = submit(wire.memoryLimit()).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      fail("failed its handshake", cause);
      String hint = cause instanceof BlinkServerException ? " (" + wire.handshakeHint() + ")" : "";
      throw new BlinkConnectionException("connect", peer + " did not answer " + wire.ping().command() + " and "
          + wire.memoryLimit().command() + ": " + cause + hint, cause);
    }
  }

  private static SocketChannel connect(SocketAddress address, Duration timeout) throws IOException {
    boolean unix = address instanceof UnixDomainSocketAddress;
    SocketChannel channel = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
    try {
      channel.configureBlocking(false);
      if (!channel.connect(address)) {
        awaitConnect(channel, timeout);
      }
      channel.configureBlocking(true);
      if (!unix) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void awaitConnect(SocketChannel channel, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_CONNECT);
      while (!channel.finishConnect()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new SocketTimeoutException("connect timed out after " + timeout.toMillis() + " ms");
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  /** Tells whether the connection still works. */
  boolean isOpen() {
    return failure == null;
  }

  /**
   * Queues {@code request} for writing and returns a future that completes with the reply, or fails with
   * {@link BlinkQueueFullException} (at once), {@link BlinkTimeoutException} or {@link BlinkConnectionException}.
   *
   * <p>The future is a copy of the request's own: cancelling or completing it ends no more than the caller's
   * wait. The request holds its place in the queue until this connection is done with it (its reply was read,
   * or the connection failed), so no caller can free a place while its request still waits to be written.
   */
  <T> CompletableFuture<T> submit(Exchange<R, T> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (!permits.tryAcquire()) {
      result.completeExceptionally(new BlinkQueueFullException(request.command(), queueCapacity));
      return result;
    }
    request.future().whenComplete((value, error) -> {
      permits.release(); // first, so that a caller who sees the outcome finds the place free for its next command
      if (error == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(error);
      }
    });
    synchronized (lock) {
      if (failure == null) {
        unwritten.add(request);
      }
    }
    if (failure != null) {
      request.fail(lost(request, null));
      return result;
    }
    try {
      ScheduledFuture<?> timeout =
          timer.schedule(() -> timeOut(request), commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
      request.future().whenComplete((value, error) -> timeout.cancel(false));
    } catch (RejectedExecutionException e) {
      // The client was closed while this command was on its way: its connections are failed, then its timer shut.
      request.fail(lost(request, e));
    }
    return result;
  }

  /**
   * Fails {@code request} with a timeout and the connection with it. The connection is marked failed before the
   * caller learns of the timeout, so a command the caller sends next goes to a new connection.
   *
   * <p>Runs on the client's one timer thread, which must never run the caller's code: a callback on a failed
   * future that waited there for another command (a retry with the sync API, say) would hold up every later
   * timeout, its own retry's included, for ever. So the timed-out command and the rest fail on a thread of
   * their own; a failure is rare, and its connection is replaced anyway. If the connection had failed already,
   * whoever failed it fails the command too.
   */
  private void timeOut(Exchange<R, ?> request) {
    if (request.future().isDone() || !markFailed(
        "was closed because " + request.command() + " got no reply within " + commandTimeout.toMillis() + " ms")) {
      return;
    }
    Runnable lastWord = () -> request.fail(new BlinkTimeoutException(request.command(), commandTimeout));
    Thread failing = new Thread(() -> endWith(lastWord), "blink-client-timeout " + peer);
    failing.setDaemon(true);
    failing.start();
  }

  /**
   * Fails the connection for {@code reason} around {@code lastWord}, which completes a command: the connection
   * is marked failed before, and torn down after. So the caller, once it sees that command end, can never send
   * its next command down this connection, and the command itself gets its own exception, not the connection's.
   */
  private void failAfter(Runnable lastWord, String reason) {
    if (markFailed(reason)) {
      endWith(lastWord);
    } else {
      lastWord.run();
    }
  }

  /** Runs {@code lastWord}, then tears down the connection (already marked failed), even if it throws. */
  private void endWith(Runnable lastWord) {
    try {
      lastWord.run();
    } finally {
      tearDown(null);
    }
  }

  /** Closes the connection; commands not yet answered fail with {@link BlinkConnectionException}. */
  void close() {
    fail("was closed by the client", null);
  }

  /**
   * Marks the connection failed (once; later calls do nothing), closes the socket, stops both threads and fails
   * every command not yet answered, naming each and {@code reason}.
   */
  void fail(String reason, @Nullable Throwable cause) {
    if (markFailed(reason)) {
      tearDown(cause);
    }
  }

  /** Records why the connection failed; returns false if it had failed already. */
  private boolean markFailed(String reason) {
    synchronized (lock) {
      if (failure != null) {
        return false;
      }
      failure = reason;
      return true;
    }
  }

  /**
   * Fails every command not yet answered. Those awaiting a reply are failed where they stand, not taken from
   * their queue: the reader may still be handing out replies it has already read, and it matches each to the
   * head of that queue, so a command taken from it here would shift every later reply onto the wrong command. The
   * reader empties the queue itself when it stops ({@link #readLoop}).
   */
  private void tearDown(@Nullable Throwable cause) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is best effort: the socket is gone either way.
    }
    writer.interrupt();
    for (Exchange<R, ?> request : awaitingReply) {
      request.fail(lost(request, cause));
    }
    for (Exchange<R, ?> request; (request = unwritten.poll()) != null; ) {
      request.fail(lost(request, cause));
    }
  }

  private BlinkConnectionException lost(Exchange<R, ?> request, @Nullable Throwable cause) {
    return new BlinkConnectionException(request.command(), "the connection to " + peer + " " + failure, cause);
  }

  private void writeLoop() {
    List<Exchange<R, ?>> batch = new ArrayList<>(MAX_BATCH);
    Throwable broken = null;
    try {
      while (true) {
        takeBatch(batch);
        synchronized (lock) {
          if (failure != null) {
            break;
          }
          // Registered for its reply before its bytes leave, so the reader always finds it.
          awaitingReply.addAll(batch);
        }
        write(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      // fail() stops the writer this way.
    } catch (IOException e) {
      fail("failed while writing: " + e, e);
    } catch (RuntimeException | Error e) {
      // A bug, or no memory: the connection fails now, rather than every command at its timeout behind a
      // writer that has stopped.
      broken = e;
      fail("failed while writing: " + e, e);
    }
    for (Exchange<R, ?> request : batch) {
      request.fail(lost(request, broken));
    }
    if (broken instanceof Error error) {
      throw error; // not the client's to swallow: the thread's handler reports it
    }
  }

  /** Waits for a command, then adds what else is waiting, up to {@link #MAX_BATCH} or {@link #MAX_BATCH_BYTES}. */
  private void takeBatch(List<Exchange<R, ?>> batch) throws InterruptedException {
    Exchange<R, ?> request = unwritten.take();
    long bytes = 0;
    while (true) {
      batch.add(request);
      bytes += request.bytes().length;
      if (batch.size() == MAX_BATCH || bytes >= MAX_BATCH_BYTES || (request = unwritten.poll()) == null) {
        return;
      }
    }
  }

  private void write(List<Exchange<R, ?>> batch) throws IOException {
    ByteBuffer[] buffers = new ByteBuffer[batch.size()];
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = ByteBuffer.wrap(batch.get(i).bytes());
    }
    int last = buffers.length - 1;
    while (buffers[last].hasRemaining()) {
      channel.write(buffers);
    }
  }

  /**
   * Reads replies and hands each to the oldest command awaiting one, until the connection fails. This thread is
   * the only one that takes commands from {@link #awaitingReply}, so a reply can only ever reach its own command;
   * once the connection has failed, it takes and fails whatever is left, so that a failed connection holds no
   * requests.
   */
  private void readLoop() {
    ReplyReader<R> replies = wire.newReader(() -> wire.longestReply(memoryLimit));
    ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    Throwable broken = null;
    try {
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        replies.split(buffer, this::onReply);
        buffer.clear();
      }
      fail("was closed by the server", null);
    } catch (IOException e) {
      fail("failed while reading: " + e, e);
    } catch (ReplyReader.MalformedReplyException | UnexpectedReplyException e) {
      fail(String.valueOf(e.getMessage()), null);
    } catch (RuntimeException | Error e) {
      // A reply the client failed to decode (a bug, or no memory for a large value): the commands in flight
      // fail now, rather than at their timeouts behind a reader that has stopped.
      broken = e;
      fail("failed while reading: " + e, e);
    }
    failTheRest(broken);
    if (broken instanceof Error error) {
      throw error; // not the client's to swallow: the thread's handler reports it
    }
  }

  /** Fails the command whose reply was being decoded, then takes and fails every other one awaiting a reply. */
  private void failTheRest(@Nullable Throwable cause) {
    if (answering != null) {
      answering.fail(lost(answering, cause));
    }
    for (Exchange<R, ?> request; (request = awaitingReply.poll()) != null; ) {
      request.fail(lost(request, cause));
    }
  }

  private void onReply(R reply) {
    Exchange<R, ?> request = awaitingReply.poll();
    if (request == null) {
      throw new UnexpectedReplyException("received a reply with no command awaiting one: " + wire.show(reply));
    }
    answering = request;
    String closing = wire.closesAfter(reply);
    if (closing != null) {
      failAfter(() -> request.complete(reply, memoryLimit), "was closed by the server after " + closing);
    } else if (!request.complete(reply, memoryLimit)) {
      String problem = "received a reply that cannot answer " + request.command() + ": " + wire.show(reply);
      failAfter(() -> request.fail(new BlinkConnectionException(request.command(), "the connection to " + peer + " "
          + problem, null)), problem);
      throw new UnexpectedReplyException(problem);
    }
    answering = null;
  }

  /** The server sent a line that answers no command in flight: the stream cannot be trusted any more. */
  private static final class UnexpectedReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnexpectedReplyException(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "Connection{" + peer + (failure == null ? "" : ", failed: " + failure) + '}';
  }
}
