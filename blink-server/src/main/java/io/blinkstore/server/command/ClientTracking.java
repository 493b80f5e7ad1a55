package io.blinkstore.server.command;

import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.Watches;
import io.blinkstore.server.command.Subscriptions.Name;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Client-side caching's server side, as Redis 7.0's {@code tracking.c}: the keys each tracking connection read
 * (Redis's {@code TrackingTable}: a key, without its database, and the ids of the connections that may cache it),
 * the BCAST prefixes (its {@code PrefixTable}), and the invalidation messages a modification sends.
 *
 * <p><b>The hook.</b> Every modification of a key passes the store's one key-touched signal, {@link Watches#touch}
 * (which {@code WATCH} uses), on the thread that makes it, whoever makes it: a command of either protocol, an
 * in-process caller of the store, {@code EXEC}, a script; expiry and eviction reach the same listener through
 * {@link Watches#removed}, and flushes through {@link Watches#flushed}. The listener is installed at the first
 * {@code CLIENT TRACKING ON}: until then a write pays one volatile read of a null reference. A read-only command of a
 * tracking connection remembers its keys ({@link #remember}) before it runs and again after: a write between the
 * two is invalidated (the connection was remembered) and the key is remembered again, so no read is left untracked
 * by a write that raced it.
 *
 * <p><b>Delivery.</b> A message goes to the connection (RESP3: {@code >2 invalidate [keys]}) or to its
 * {@code REDIRECT} connection (RESP3 the same; RESP2 a {@code __redis__:invalidate} pub/sub message if it
 * subscribes to something), through {@link ClientConnection#push}, which closes a connection with more than the
 * output cap waiting for it. What goes to the connection whose command made the modification is held until that
 * command's reply is written, after it, as Redis does ({@link #dispatch}). BCAST keys a command modified are sent
 * once it ends, one message per prefix.
 *
 * <p><b>Bounds.</b> The table ({@link TrackingTable}) holds at most {@code tracking-table-max-keys} keys and a share
 * of the heap in bytes: past either, keys are dropped and their connections sent an invalidation, as Redis does. A
 * key's ids are at most the connections open; a closed connection's ids are swept from the table in the background.
 * Each BCAST prefix counts in its connection's client memory; they are found for a key in a radix tree
 * ({@link BroadcastPrefixes}), at a cost bounded by the key's length.
 *
 * <p><b>The command bracket.</b> {@link #dispatch} runs a command between its beginning and its end whatever it
 * throws: nothing of one command is left on its thread for the next.
 */
final class ClientTracking implements Watches.Listener, LiveSetting, ServerCounters.TrackingFigures {
  /** What a BCAST prefix holds besides its bytes, counted against the client-memory bound (as a subscription). */
  static final long PREFIX_BYTES = PubSubChannels.SUBSCRIPTION_BYTES;

  private static final Result INVALIDATE = Result.bulk("invalidate");
  private static final Result MESSAGE = Result.bulk("message");
  private static final Result CHANNEL = Result.bulk("__redis__:invalidate");
  private static final Result REDIRECT_BROKEN = Result.bulk("tracking-redir-broken");
  /** The keys of a flush's message: a null, every key. */
  private static final Result EVERY_KEY = new Result.Nil();
  private static final Comparator<Name> PREFIX_ORDER = (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes());
  private static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;
  /** Read-only, yet not reads of their keys themselves: what their script reads counts, as in Redis. */
  private static final Set<String> READ_ONLY_SCRIPTS = Set.of("eval_ro", "evalsha_ro", "fcall_ro");

  /** What one command of a connection collects: messages to its own connection, and the BCAST keys it modified. */
  static final class Command {
    private final ClientState client;
    private final List<Result> toClient = new ArrayList<>();
    /** For each prefix, the keys modified under it, in byte order, and the id of their last writer (for NOLOOP). */
    private final Map<Name, TreeMap<byte[], Long>> broadcast = new TreeMap<>(PREFIX_ORDER);

    private Command(ClientState client) {
      this.client = client;
    }
  }

  private final Map<Long, ClientState> clients;
  private final CommandTable commands;
  private final long maxPendingBytes;
  private final @Nullable Watches watches;
  private final TrackingTable table;
  private final BroadcastPrefixes prefixes = new BroadcastPrefixes();
  private final AtomicInteger trackingClients = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final ThreadLocal<@Nullable Command> running = new ThreadLocal<>();
  /** The keys the table's bound dropped during the command this thread is remembering the keys of ({@link #run}). */
  private final ThreadLocal<@Nullable Set<String>> droppedHere = new ThreadLocal<>();
  /** Set at the first {@code CLIENT TRACKING ON}: from then on each command collects what goes to its connection. */
  private volatile boolean used;
  private @Nullable CommandSpec getKeys;

  /**
   * Over the open connections {@code clients} (by id), the keys of a command line found as {@code COMMAND GETKEYS}
   * finds them in {@code commands}, where the {@code CLIENT} tracking subcommands are declared; a connection with
   * more than {@code maxPendingBytes} waiting is closed. The table holds at most {@code maxTableBytes}
   * ({@link TrackingTable#defaultMaxBytes}) and no key longer than {@code maxKeyBytes}; {@code
   * tracking-table-max-keys} is one of {@code config}'s settings, and the INFO figures are reported through
   * {@code counters}. Without {@code isolation} (a store that is not the in-process one) no modification is seen.
   */
  ClientTracking(Map<Long, ClientState> clients, CommandTable commands, long maxPendingBytes, long maxTableBytes,
      int maxKeyBytes, @Nullable Isolation isolation, ServerConfig config, ServerCounters counters) {
    this.clients = clients;
    this.table = new TrackingTable(maxTableBytes, maxKeyBytes, this::drop);
    this.commands = commands;
    this.maxPendingBytes = maxPendingBytes;
    this.watches = isolation == null ? null : isolation.watches();
    new TrackingCommands(this, clients).register(commands);
    config.live("tracking-table-max-keys", this);
    counters.tracking(this);
  }

  /** {@code CLIENT TRACKING ON} with options already checked: the connection's new mode, its prefixes kept. */
  void enable(ClientState client, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
      List<byte[]> given) {
    TrackingMode old = client.tracking();
    List<byte[]> kept = new ArrayList<>(old == null ? List.of() : old.prefixes);
    if (bcast) {
      Set<Name> known = new HashSet<>();
      kept.forEach(prefix -> known.add(new Name(prefix)));
      for (byte[] prefix : given.isEmpty() ? List.of(new byte[0]) : given) {
        if (known.add(new Name(prefix))) { // the implicit empty prefix may be there already; given ones never are
          kept.add(prefix);
          prefixes.add(prefix, client);
          client.account().addRequests(PREFIX_BYTES + prefix.length);
        }
      }
    }
    if (old == null) {
      trackingClients.incrementAndGet();
    }
    if (!used) {
      used = true;
      if (watches != null) {
        watches.listen(this);
      }
    }
    client.tracking(new TrackingMode(redirect, bcast, optin, optout, noloop, kept));
  }

  /**
   * {@code CLIENT TRACKING OFF}, {@code RESET}: no mode, no prefixes. The keys it read stay in the table until they
   * are modified (as in Redis, where turning tracking on again still invalidates them).
   */
  void disable(ClientState client) {
    TrackingMode mode = client.tracking();
    if (mode == null) {
      return;
    }
    for (byte[] prefix : mode.prefixes) {
      prefixes.remove(prefix, client);
      client.account().addRequests(-PREFIX_BYTES - prefix.length);
    }
    client.tracking(null);
    client.caching(false);
    trackingClients.decrementAndGet();
  }

  /** The connection has closed: tracking off, and its ids swept from the table in the background. */
  void closed(ClientState client) {
    disable(client);
    if (!table.isEmpty() && sweeping.compareAndSet(false, true)) {
      ForkJoinPool.commonPool().execute(() -> {
        sweeping.set(false);
        table.sweep(clients);
      });
    }
  }

  /** A command as the dispatcher runs it: its checks, its operation, its counts. */
  interface Body {
    Result run(ClientState client, byte[][] args);
  }

  /**
   * Runs {@code body} for {@code args} of {@code client} (the dispatcher, for each request) as one command: its
   * invalidations to its own connection follow its reply, and the BCAST keys it modified are sent once it ends. Until
   * some connection has tracked, this costs one volatile read. If {@code body} throws, the command still ends: its
   * messages are sent, and nothing of it stays on this thread to swallow the next command's.
   */
  Result dispatch(ClientState client, byte[][] args, Body body) {
    if (!used || running.get() != null) {
      return body.run(client, args);
    }
    Command command = new Command(client);
    running.set(command);
    Result result;
    try {
      result = body.run(client, args);
    } catch (RuntimeException | Error e) {
      try {
        finish(command);
      } finally {
        command.toClient.forEach(message -> push(client, message));
      }
      throw e;
    }
    return end(command, args, result);
  }

  /**
   * Ends {@code command} ({@code args}, which answered {@code result}): sends the BCAST keys it modified, ends a
   * {@code CLIENT CACHING} that applied to it, and returns its reply followed by the messages to its own connection.
   */
  private Result end(Command command, byte[][] args, Result result) {
    finish(command);
    ClientState client = command.client;
    if (client.caching() && client.transaction() == null && !Arguments.lowerCase(args[0]).equals("client")) {
      client.caching(false); // as Redis's resetClient: CACHING applies to the next command, or transaction
    }
    if (command.toClient.isEmpty()) {
      return result;
    }
    if (client.hasPending()) { // a blocked command's reply comes later: its messages go now
      command.toClient.forEach(message -> push(client, message));
      return result;
    }
    List<Result> replies = new ArrayList<>();
    if (result instanceof Result.Several several) {
      replies.addAll(several.replies());
    } else {
      replies.add(result);
    }
    replies.addAll(command.toClient);
    return new Result.Several(replies);
  }

  /**
   * Runs {@code spec}'s operation, remembering the keys it reads before and after (see the class's comment), then
   * trimming the table to its bounds (its byte bound is kept as keys are added, too).
   */
  Result run(CommandSpec spec, ClientState client, byte[][] args) {
    Command script = used && client.scripted() && running.get() == null ? new Command(client) : null;
    if (script != null) { // a script's call on the script thread: its writes are its caller's, for NOLOOP
      running.set(script);
    }
    Set<String> dropped = new HashSet<>();
    Set<String> outer = droppedHere.get(); // a script run on this thread by a command (EXEC's) runs its own
    try {
      droppedHere.set(dropped);
      boolean read = remember(client, spec, args, Set.of());
      Result result = spec.operation().run(client, args);
      if (read) { // a write that ran between the first pass and the read removed them: remembered again, but for
        remember(client, spec, args, dropped); // those this command's bound dropped, already invalidated once
        table.trim();
      }
      return result;
    } finally {
      droppedHere.set(outer);
      if (script != null) {
        finish(script);
        ClientState caller = clients.get(client.id());
        if (caller != null) { // sent now: the script's reply comes later, from the script thread
          script.toClient.forEach(message -> push(caller, message));
        }
      }
    }
  }

  /** Sends the BCAST keys {@code command} modified, and ends it on this thread. */
  private void finish(Command command) {
    try {
      for (Map.Entry<Name, TreeMap<byte[], Long>> batch : command.broadcast.entrySet()) {
        Set<ClientState> receivers = prefixes.receivers(batch.getKey());
        if (receivers != null) {
          broadcast(receivers, batch.getValue(), command);
        }
      }
    } finally {
      running.remove();
    }
  }

  /**
   * Remembers the keys {@code client} reads with {@code args} if it tracks them: a read-only command, not pub/sub,
   * in default mode, {@code OPTIN}/{@code OPTOUT} permitting.
   *
   * @return whether it did (so that they are remembered again once the command has run)
   */
  private boolean remember(ClientState client, CommandSpec spec, byte[][] args, Set<String> skipped) {
    ClientState tracker = client.scripted() ? clients.get(client.id()) : client; // a script reads for its caller
    TrackingMode mode = tracker == null ? null : tracker.tracking();
    if (tracker == null || mode == null || !spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.PUBSUB)
        || READ_ONLY_SCRIPTS.contains(spec.name()) || !mode.remembersReads(tracker.caching())) {
      return false;
    }
    Long id = client.id();
    // A script that reads remembers the keys it was given, as Redis: they are what its caller may cache.
    for (byte[] key : client.scripted() ? Arrays.asList(ScriptRun.keysHere()) : keys(client, args)) {
      if (skipped.isEmpty() || !skipped.contains(RespKeys.of(key))) {
        table.remember(key, id);
      }
    }
    return true;
  }

  /** The keys of {@code args}, as {@code COMMAND GETKEYS} finds them. */
  private List<byte[]> keys(ClientState client, byte[][] args) {
    CommandSpec spec = getKeys;
    if (spec == null) {
      CommandSpec command = commands.find("command".getBytes(StandardCharsets.US_ASCII));
      CommandTable subcommands = command == null ? null : command.subcommands();
      spec = subcommands == null ? null : subcommands.find("getkeys".getBytes(StandardCharsets.US_ASCII));
      if (spec == null) {
        return List.of();
      }
      getKeys = spec;
    }
    byte[][] line = new byte[args.length + 2][];
    line[0] = "command".getBytes(StandardCharsets.US_ASCII);
    line[1] = "getkeys".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(args, 0, line, 2, args.length);
    if (!(spec.operation().run(client, line) instanceof Result.Array array)) {
      return List.of(); // no keys, or keys it cannot find: nothing to remember
    }
    List<byte[]> keys = new ArrayList<>(array.elements().size());
    for (Result element : array.elements()) {
      ByteBuffer found = element instanceof Result.Bulk bulk ? bulk.bytes() : null;
      if (found != null) {
        ByteBuffer bytes = found.duplicate();
        byte[] key = new byte[bytes.remaining()];
        bytes.get(key);
        keys.add(key);
      }
    }
    return keys;
  }

  @Override
  public void modified(String storeKey) {
    String key = Namespaces.strip(storeKey);
    if (!prefixes.isEmpty()) {
      broadcast(key);
    }
    if (!table.isEmpty()) {
      invalidate(key);
    }
  }

  /**
   * The table's bound drops {@code key}: it is invalidated, and if a command of this thread is remembering its keys
   * ({@link #run}), not remembered again by its second pass, which would make the bound drop it and tell its readers
   * a second time.
   */
  private void drop(String key) {
    Set<String> dropped = droppedHere.get();
    if (dropped != null) {
      dropped.add(key);
    }
    invalidate(key);
  }

  /** Sends an invalidation of {@code key} to the connections that read it, and forgets them for it. */
  private void invalidate(String key) {
    Set<Long> ids = table.remove(key);
    if (ids == null) {
      return;
    }
    Result keys = new Result.Array(List.of(new Result.Bulk(RespKeys.bytes(key))));
    Command command = running.get();
    for (Long id : ids) {
      ClientState target = clients.get(id);
      TrackingMode mode = target == null ? null : target.tracking();
      if (target == null || mode == null || mode.bcast
          || mode.noloop && command != null && command.client.id() == id) {
        continue; // gone, not tracking, in BCAST mode now (as Redis), or its own write under NOLOOP
      }
      send(target, mode, keys, command);
    }
  }

  /** Records {@code key} for the BCAST prefixes it is under: sent when the command ends, or now outside one. */
  private void broadcast(String key) {
    byte[] bytes = RespKeys.bytes(key);
    Command command = running.get();
    for (BroadcastPrefixes.Prefix prefix : prefixes.of(bytes)) {
      if (command != null) {
        command.broadcast.computeIfAbsent(prefix.name(), p -> new TreeMap<>(KEY_ORDER))
            .put(bytes, command.client.id());
      } else {
        TreeMap<byte[], Long> one = new TreeMap<>(KEY_ORDER);
        one.put(bytes, 0L);
        broadcast(prefix.receivers(), one, null);
      }
    }
  }

  /** Sends {@code keys} to each of {@code receivers} in BCAST mode, without its own writes under NOLOOP. */
  private void broadcast(Set<ClientState> receivers, TreeMap<byte[], Long> keys, @Nullable Command command) {
    for (ClientState receiver : receivers) {
      TrackingMode mode = receiver.tracking();
      if (mode == null || !mode.bcast) {
        continue;
      }
      List<Result> sent = new ArrayList<>(keys.size());
      for (Map.Entry<byte[], Long> key : keys.entrySet()) {
        if (!mode.noloop || key.getValue() != receiver.id()) {
          sent.add(new Result.Bulk(key.getKey()));
        }
      }
      if (!sent.isEmpty()) {
        send(receiver, mode, new Result.Array(sent), command);
      }
    }
  }

  /** A flush: every tracking connection is sent a null (every key), and the table is emptied. */
  @Override
  public void flushed() {
    Command command = running.get();
    for (ClientState client : clients.values()) {
      TrackingMode mode = client.tracking();
      if (mode != null) {
        send(client, mode, EVERY_KEY, command);
      }
    }
    table.clear();
  }

  /** Redis's {@code sendTrackingMessage}: {@code keys} to {@code target} or where it redirects. */
  private void send(ClientState target, TrackingMode mode, Result keys, @Nullable Command command) {
    ClientState receiver = target;
    if (mode.redirect != 0) {
      ClientState redirect = clients.get(mode.redirect);
      if (redirect == null || redirect.closing()) { // gone, or closing after its reply (QUIT): nothing reaches it
        mode.brokenRedirect = true;
        if (target.protocol() > 2) {
          deliver(target, new Result.Push(List.of(REDIRECT_BROKEN, new Result.Int(mode.redirect))), command);
        }
        return;
      }
      receiver = redirect;
    }
    if (receiver.protocol() > 2) {
      deliver(receiver, new Result.Push(List.of(INVALIDATE, keys)), command);
    } else if (mode.redirect != 0 && receiver.subscriptions().any()) {
      deliver(receiver, new Result.Push(List.of(MESSAGE, CHANNEL, keys)), command);
    } // else RESP2 without a redirect: nowhere to send it, as in Redis
  }

  /** Sends {@code message}, or holds it for after the reply if {@code receiver} runs {@code command}. */
  private void deliver(ClientState receiver, Result message, @Nullable Command command) {
    if (command != null && command.client.id() == receiver.id()) {
      command.toClient.add(message);
    } else {
      push(receiver, message);
    }
  }

  private void push(ClientState receiver, Result message) {
    receiver.connection().push(message, receiver.replySize().bytes(message), maxPendingBytes);
  }

  @Override
  public @Nullable String refusal(long value) {
    return null;
  }

  /** {@code CONFIG SET tracking-table-max-keys}: the new bound, applied at once. */
  @Override
  public void apply(long value) {
    table.maxKeys(value);
  }

  @Override
  public int clients() {
    return trackingClients.get();
  }

  @Override
  public long keys() {
    return table.keys();
  }

  @Override
  public long items() {
    return table.items();
  }

  @Override
  public long prefixes() {
    return prefixes.count();
  }
}
