package io.blinkstore.server.command;

import io.blinkstore.internal.Watches;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One connection's state as the command layer sees it, whatever its protocol: its id and name, whether it has
 * signed in, the protocol version it asked for ({@code HELLO}), its database, and whether it is to be closed once
 * its reply is written ({@code QUIT}). Used only on the connection's event loop. What the next commands need per
 * connection belongs here too: MULTI's queued commands and WATCHed keys, a request blocked until another
 * connection's write ({@code BLPOP}), a script's re-entrant calls ({@code redis.call} runs through the same
 * {@link Dispatcher} with the script's client state).
 */
public final class ClientState {
  private static final byte[][] NO_ARGS = new byte[0][];
  /** The commands that may block, whose arguments {@link #running(String, byte[][])} keeps. */
  private static final Set<String> BLOCKING = Set.of("blpop", "brpop", "blmove", "brpoplpush", "blmpop",
      "bzpopmin", "bzpopmax", "bzmpop");

  /** The protocol version every connection starts with, RESP2's, as in Redis; {@code HELLO 3} changes it. */
  static final int DEFAULT_PROTOCOL = 2;

  private final long id;
  /** The default user, whose rules say whether a connection not signed in must sign in first. */
  private final AclUser defaultUser;
  /** The user it runs commands as ({@code AUTH}); read by {@code CLIENT LIST} and {@code ACL DELUSER}. */
  private volatile AclUser user;
  private final Function<byte[], String> keys;
  private final ConnectionMemory account;
  private final Runnable onSignIn;
  private final Databases databases;
  // Read by CLIENT LIST from other connections' event loops, as the fields below, hence volatile.
  private volatile int db;
  private final ClientConnection connection;
  private final long createdMillis = System.currentTimeMillis();
  // Read by CLIENT LIST from other connections' event loops, hence volatile.
  private volatile byte @Nullable [] name;
  private volatile boolean authenticated;
  private volatile int protocol = DEFAULT_PROTOCOL;
  private volatile boolean closing;
  private volatile boolean evictLast;
  private volatile boolean monitoring;
  /** Its writes publish no keyspace event: a replica's link loading its primary's dataset, as Redis's rdbLoad. */
  private volatile boolean unannounced;
  /** A replica's connection ({@code SYNC}, {@code PSYNC}): it gets the replication stream and no reply. */
  private volatile boolean replica;
  /** The arguments of the command it runs, on its event loop (a blocked pop's are read once it is served). */
  private byte[][] runningArgs = NO_ARGS;
  /** The port a replica said it listens on ({@code REPLCONF listening-port}), for {@code INFO} and {@code ROLE}. */
  private volatile long replicaPort;
  private volatile long lastCommandMillis = createdMillis;
  private volatile @Nullable String lastCommand;
  private ReplySize replySize = ReplySize.NOT_MEASURED;
  private volatile @Nullable Transaction transaction;
  /** {@code CLIENT REPLY}'s state, as Redis's client flags: used on the connection's event loop only. */
  private boolean repliesOff;
  private boolean skipThis;
  private boolean skipNext;
  private final Watches.Watcher watcher = new Watches.Watcher();
  private final Subscriptions subscriptions = new Subscriptions();
  /** Whether its transport can hold a request until a blocking pop ends (RESP's can; the REPL's cannot). */
  private boolean mayBlock;
  /** Set on the client of a script's calls only. */
  private boolean scripted;
  /** A script's client after {@code redis.set_repl} without {@code REPL_REPLICA}: its writes reach no replica. */
  private boolean unreplicated;
  /** The blocking pop it waits in; read by {@code CLIENT UNBLOCK} from other event loops. */
  private volatile @Nullable BlockedRequest blocked;
  /** The later reply the current command began (a blocking pop, a script), until its transport takes it. */
  private @Nullable LaterReply pending;
  /** Its client-side caching mode ({@code CLIENT TRACKING ON}); null while off. Read by writers on any thread. */
  private volatile @Nullable TrackingMode tracking;
  /** {@code CLIENT CACHING YES|NO}, for the next command or transaction only: on its event loop only. */
  private boolean caching;

  /**
   * The state of connection {@code id}, as {@code defaultUser}: signed in already with {@code signedIn}, or if
   * that user needs no password. Its protocol's codec
   * maps the bytes of a key to a key with {@code keys}, which its database in {@code databases} makes the store's
   * key. Its name counts in {@code account}, and
   * {@code onSignIn} runs when it first presents the server's token.
   */
  ClientState(long id, AclUser defaultUser, boolean signedIn, Function<byte[], String> keys,
      ConnectionMemory account, Runnable onSignIn, Databases databases, ClientConnection connection) {
    this.databases = databases;
    this.id = id;
    this.connection = connection;
    this.defaultUser = defaultUser;
    this.user = defaultUser;
    this.authenticated = signedIn || !defaultUser.rules().requiresAuth();
    this.keys = keys;
    this.account = account;
    this.onSignIn = onSignIn;
  }

  /**
   * The client a script this connection runs calls its commands as ({@code redis.call}), as Redis's Lua client:
   * in this connection's database, signed in, speaking RESP2 until {@code redis.setresp}, its replies measured as
   * this connection's, never blocked by a blocking pop, and seen through {@code connection}.
   */
  ClientState forScript(ClientConnection connection) {
    ClientState script =
        new ClientState(id, defaultUser, true, keys, ConnectionMemory.NONE, () -> { }, databases, connection);
    script.user = user;
    script.db = db;
    script.replySize = replySize;
    script.scripted = true;
    return script;
  }

  /** Whether this is the client of a script's calls ({@link #forScript}): {@code SORT} orders a set for it. */
  boolean scripted() {
    return scripted;
  }

  /**
   * Whether its writes are sent to replicas: always, except for a script's client after {@code redis.set_repl}
   * without {@code REPL_REPLICA} (until another {@code set_repl} with it), as Redis 7.0's {@code repl_flags}.
   */
  boolean replicated() {
    return !unreplicated;
  }

  /** {@code redis.set_repl}: whether the script's writes from now on are sent to replicas. */
  void replicated(boolean replicated) {
    this.unreplicated = !replicated;
  }

  /** The connection's id ({@code CLIENT ID}), unique within the server. */
  long id() {
    return id;
  }

  /**
   * The store key of the key argument {@code bytes}, as the connection's protocol maps keys (RESP's binary keys
   * are escaped where they are not text keys; the text protocol's are its UTF-8 text).
   */
  String key(byte[] bytes) {
    return databases.key(db, keys.apply(bytes));
  }

  /** The store key of the key argument {@code bytes} in database {@code index}, not the connection's. */
  String key(int index, byte[] bytes) {
    return databases.key(index, keys.apply(bytes));
  }

  /**
   * Publishes keyspace event {@code event} of class {@code type} ({@link KeyspaceEvents}) for the key argument
   * {@code key} of the connection's database, if that class is on: one volatile read if not.
   */
  void notifyKeyspace(int type, String event, byte[] key) {
    if (!unannounced) {
      databases.events().publish(type, event, this, key); // its database read only then
    }
  }

  /** Whether the connection's writes publish keyspace events (they do, unless a full sync's load turned them off). */
  void announcing(boolean on) {
    unannounced = !on;
  }

  /** Returns {@code reply}, having published as {@link #notifyKeyspace} unless it is an error (nothing written). */
  Result notified(int type, String event, byte[] key, Result reply) {
    if (!(reply instanceof Result.Error)) {
      notifyKeyspace(type, event, key);
    }
    return reply;
  }

  /**
   * Redis's events of a removal from the collection at {@code key} that removed something: {@code event} of class
   * {@code type}, then {@code del} if that {@code emptied} it (so the key is gone).
   */
  void notifyRemoval(int type, String event, byte[] key, boolean emptied) {
    notifyKeyspace(type, event, key);
    if (emptied) {
      notifyKeyspace(KeyspaceEvents.GENERIC, "del", key);
    }
  }

  /** Whether keyspace events of class {@code type} are published now (a write may skip naming a rare one). */
  boolean notifying(int type) {
    return !unannounced && databases.events().on(type);
  }

  /** The index of the connection's database ({@code SELECT}), 0 at first. */
  int db() {
    return db;
  }

  void db(int index) {
    this.db = index;
  }

  /** The namespace the connection's database is now (a {@code SWAPDB} may change it). */
  int namespace() {
    return databases.namespace(db);
  }

  /** The name set by {@code CLIENT SETNAME}, or {@code null}. */
  byte @Nullable [] name() {
    return name;
  }

  /** Sets the connection's name; {@code null} clears it. */
  void name(byte @Nullable [] name) {
    this.name = name;
    account.name(name == null ? 0 : name.length);
  }

  /**
   * Whether the connection must still sign in: it has not, and the default user it starts as is off or needs a
   * password (asked now: {@code ACL SETUSER default nopass} lets it in, as in Redis). Until then only commands
   * flagged {@link CommandFlag#NO_AUTH} run, and requests are held to smaller limits.
   */
  public boolean signedOut() {
    return !authenticated && defaultUser.rules().requiresAuth();
  }

  /**
   * Whether its user needs a password: the text protocol asks, for a server without a token ({@code AuthGate})
   * whose default user {@code ACL SETUSER} gave one.
   */
  public boolean userNeedsPassword() {
    return user.rules().requiresAuth();
  }

  /** Whether {@code password} is one of its user's, in constant time (the text protocol's {@code AUTH}). */
  public boolean userAccepts(byte[] password) {
    return user.rules().accepts(password);
  }

  /** The user it runs commands as. */
  AclUser user() {
    return user;
  }

  /** Signs it in as {@code user} ({@code AUTH}, {@code HELLO ... AUTH}). */
  void signIn(AclUser user) {
    this.user = user;
    if (!authenticated) {
      onSignIn.run();
    }
    authenticated = true;
  }

  /** Back to the default user, signed in only if that user needs no password ({@code RESET}). */
  void signInAsDefault() {
    user = defaultUser;
    authenticated = !defaultUser.rules().requiresAuth();
  }

  /** Back to the default user and signed out: its user was deleted, and it is closing ({@code ACL DELUSER}). */
  void signOut() {
    user = defaultUser;
    authenticated = false;
  }

  /** The protocol version the connection speaks, 2 or 3 ({@code HELLO 3}). */
  public int protocol() {
    return protocol;
  }

  /** Sets the protocol version, as {@code HELLO} asks. */
  void protocol(int protocol) {
    this.protocol = protocol;
  }

  /** Whether the connection is closed once the reply to the current command is written. */
  public boolean closing() {
    return closing;
  }

  /** The transport's side of the connection. */
  ClientConnection connection() {
    return connection;
  }

  /** Records that the connection runs the command named {@code name} ({@code null}: an unknown one) now. */
  void running(@Nullable String name) {
    lastCommand = name;
    lastCommandMillis = System.currentTimeMillis();
  }

  /**
   * As {@link #running(String)}, with the command's arguments, kept for a blocking pop only (what a replica gets
   * once it is served): another command's are not kept past it (a 1 MB {@code CLIENT SETNAME} would stay held).
   */
  void running(@Nullable String name, byte[][] args) {
    running(name);
    runningArgs = name != null && BLOCKING.contains(name) ? args : NO_ARGS;
  }

  /** The arguments of the command the connection runs now (or ran last). */
  byte[][] runningArgs() {
    return runningArgs;
  }

  /** The name of the last command, as Redis names it ({@code client|list}), or {@code null}. */
  @Nullable String lastCommand() {
    return lastCommand;
  }

  /** The wall-clock time it was opened and last ran a command, in milliseconds. */
  long createdMillis() {
    return createdMillis;
  }

  long lastCommandMillis() {
    return lastCommandMillis;
  }

  /** Whether {@code CLIENT NO-EVICT ON} holds. */
  boolean evictLast() {
    return evictLast;
  }

  void evictLast(boolean last) {
    evictLast = last;
    connection.evictLast(last);
  }

  /** Whether it is in {@code MONITOR} mode. */
  /** Whether the connection is a replica's: it gets the replication stream and no reply (as Redis's). */
  public boolean replica() {
    return replica;
  }

  void replica(boolean replica) {
    this.replica = replica;
  }

  long replicaPort() {
    return replicaPort;
  }

  void replicaPort(long port) {
    replicaPort = port;
  }

  /** The command that runs answers nothing ({@code REPLCONF ACK}), whatever {@code CLIENT REPLY} says. */
  void dropThisReply() {
    skipThis = true;
  }

  boolean monitoring() {
    return monitoring;
  }

  void monitoring(boolean monitoring) {
    this.monitoring = monitoring;
  }

  /** {@code CLIENT REPLY ON}: every reply is sent again. */
  void repliesOn() {
    repliesOff = false;
    skipThis = false;
    skipNext = false;
  }

  /**
   * {@code RESET}: replies are sent again, as after {@code CLIENT REPLY ON}, but a {@code CLIENT REPLY SKIP} just
   * before still drops the reply of this command (Redis clears its {@code REPLY_OFF} and {@code SKIP_NEXT} flags,
   * not {@code SKIP}, which already applies to the command running).
   */
  void repliesReset() {
    repliesOff = false;
    skipNext = false;
  }

  /** {@code CLIENT REPLY OFF}: no reply is sent, this one included, until {@code CLIENT REPLY ON}. */
  void repliesOff() {
    repliesOff = true;
  }

  /** {@code CLIENT REPLY SKIP}: neither this reply nor the next command's is sent (nothing, if replies are off). */
  void skipNextReply() {
    if (!repliesOff) {
      skipNext = true;
    }
  }

  /**
   * Once a command has run: whether its reply is dropped ({@code CLIENT REPLY}), as Redis decides it; a
   * {@code CLIENT REPLY SKIP} then moves on to the next command. Called once per command, by the RESP session.
   */
  public boolean replyDropped() {
    boolean dropped = repliesOff || skipThis || skipNext || replica;
    skipThis = skipNext;
    skipNext = false;
    return dropped;
  }

  /** Closes the connection once the reply to the current command is written ({@code QUIT}). */
  void closeAfterReply() {
    closing = true;
  }

  /** What a reply costs in the connection's protocol, as its codec has said ({@link ReplySize#NOT_MEASURED}). */
  ReplySize replySize() {
    return replySize;
  }

  /** Sets what a reply costs in the connection's protocol: its codec's measure. */
  public void replySize(ReplySize replySize) {
    this.replySize = replySize;
  }

  /** The connection's {@code MULTI}, or {@code null} outside one. */
  @Nullable Transaction transaction() {
    return transaction;
  }

  void transaction(@Nullable Transaction transaction) {
    this.transaction = transaction;
  }

  /** The keys the connection {@code WATCH}es. */
  Watches.Watcher watcher() {
    return watcher;
  }

  /** Whether a blocking pop may hold it: its transport waits for the request's end (see {@link #blocked}). */
  public boolean mayBlock() {
    return mayBlock;
  }

  /** Lets blocking pops hold the connection: its transport takes each {@link #blocked} request after a command. */
  public void mayBlock(boolean mayBlock) {
    this.mayBlock = mayBlock;
  }

  /** The blocking pop the connection waits in, or {@code null}. */
  public @Nullable BlockedRequest blocked() {
    return blocked;
  }

  void blocked(@Nullable BlockedRequest request) {
    this.blocked = request;
  }

  /** Records that the reply of the current command comes later, through {@code request}, for its transport. */
  void pending(LaterReply request) {
    this.pending = request;
  }

  /**
   * The later reply the command just run began (a blocking pop, a script), or {@code null}: its reply comes
   * through it (even if it has already come). Cleared by this call.
   */
  public @Nullable LaterReply takePending() {
    LaterReply request = pending;
    pending = null;
    return request;
  }

  /** Whether the current command began a later reply its transport has not taken yet. */
  boolean hasPending() {
    return pending != null;
  }

  /** Its client-side caching mode, or {@code null} if it does not track ({@link ClientTracking}). */
  @Nullable TrackingMode tracking() {
    return tracking;
  }

  void tracking(@Nullable TrackingMode mode) {
    this.tracking = mode;
  }

  /** Whether {@code CLIENT CACHING} was given for the command that runs (or the transaction). */
  boolean caching() {
    return caching;
  }

  void caching(boolean caching) {
    this.caching = caching;
  }

  /** Its channels, patterns and shard channels ({@code SUBSCRIBE}, {@code PSUBSCRIBE}, {@code SSUBSCRIBE}). */
  Subscriptions subscriptions() {
    return subscriptions;
  }

  /** The connection's share of the client memory, where its queued commands count. */
  ConnectionMemory account() {
    return account;
  }
}
