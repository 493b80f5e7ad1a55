package io.blinkstore.server.command;

import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.Watches;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Keyspace notifications, as Redis 7.0's {@code notify.c}: {@code CONFIG SET notify-keyspace-events} picks the
 * classes of events published (Redis's letters, {@link #flags}), and each write names its event where it writes,
 * through {@link ClientState#notifyKeyspace} (Redis's {@code notifyKeyspaceEvent}): for key {@code k} of database
 * {@code n} and event {@code e}, {@code e} is published on {@code __keyspace@n__:k} (class {@code K}) and {@code k}
 * on {@code __keyevent@n__:e} (class {@code E}), through the server's pub/sub ({@link PubSubChannels}), so every
 * subscriber's output cap holds. The store's removals without a write come from its removal listener
 * ({@link Watches.RemovalListener}): {@code expired} (class {@code x}) and {@code evicted} ({@code e}), whoever's
 * read, sweep or write found them, in-process callers' too.
 *
 * <p><b>Cost.</b> While no class is on, a write pays one volatile read ({@link #flags}) and allocates nothing; the
 * store's removal listener is installed only once {@code x} or {@code e} is first set.
 *
 * <p>Not built: {@code n} ({@code new}, a key created), {@code m} ({@code keymiss}) and {@code d} (modules) are
 * taken and reported, and nothing is published for them (docs/resp.md, Keyspace notifications).
 */
final class KeyspaceEvents implements Watches.RemovalListener {
  static final int KEYSPACE = 1;
  static final int KEYEVENT = 1 << 1;
  static final int GENERIC = 1 << 2;
  static final int STRING = 1 << 3;
  static final int LIST = 1 << 4;
  static final int SET = 1 << 5;
  static final int HASH = 1 << 6;
  static final int ZSET = 1 << 7;
  static final int EXPIRED = 1 << 8;
  static final int EVICTED = 1 << 9;
  static final int STREAM = 1 << 10;
  static final int KEY_MISS = 1 << 11;
  static final int MODULE = 1 << 13;
  static final int NEW = 1 << 14;
  /** {@code A}: every class but {@code m} and {@code n}, as Redis's {@code NOTIFY_ALL}. */
  static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

  /** Redis's error for a letter that names no class. */
  static final String INVALID = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

  /** Redis's letters, each naming the classes of the same place in {@link #CLASSES}. */
  private static final String LETTERS = "Ag$lshzxeKEtmdn";
  private static final int[] CLASSES = {ALL, GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, KEYSPACE,
      KEYEVENT, STREAM, KEY_MISS, MODULE, NEW};

  private static final byte[] EXPIRED_EVENT = bytes("expired");
  private static final byte[] EVICTED_EVENT = bytes("evicted");

  private final Databases databases;
  private volatile int flags;
  private volatile @Nullable PubSubChannels channels;
  private @Nullable Watches watches;

  KeyspaceEvents(Databases databases) {
    this.databases = databases;
  }

  /**
   * Publishes through {@code channels} from now on, with {@code notify-keyspace-events} of {@code config} choosing
   * what; with {@code watches} (the in-process store's), expiries and evictions too.
   */
  void start(PubSubChannels channels, ServerConfig config, @Nullable Watches watches) {
    this.channels = channels;
    this.watches = watches;
    config.liveText("notify-keyspace-events", new TextSetting() {
      @Override
      public @Nullable String refusal(String value) {
        return flags(value) < 0 ? INVALID : null;
      }

      @Override
      public String apply(String value) {
        return turnOn(flags(value));
      }
    });
  }

  /** Turns on the classes of {@code value} and no other; returns their letters as {@code CONFIG GET} reports them. */
  private String turnOn(int value) {
    Watches store = watches;
    if ((value & (EXPIRED | EVICTED)) != 0 && store != null) {
      store.listenToRemovals(this);
    }
    flags = value;
    return letters(value);
  }

  /** Whether an event of {@code type} would be published now: a write may skip the work of naming a rare one. */
  boolean on(int type) {
    return (flags & type) != 0;
  }

  /**
   * Redis's {@code notifyKeyspaceEvent}: publishes {@code event} of class {@code type} for {@code key} of the
   * database of {@code client}, if that class and {@code K} or {@code E} are on.
   */
  void publish(int type, String event, ClientState client, byte[] key) {
    int on = flags;
    if ((on & type) == 0) {
      return;
    }
    publish(on, bytes(event), client.db(), key);
  }

  /** As {@link #publish(int, String, ClientState, byte[])}, for {@code key} of database {@code db}. */
  void publish(int type, String event, int db, byte[] key) {
    int on = flags;
    if ((on & type) != 0) {
      publish(on, bytes(event), db, key);
    }
  }

  private void publish(int on, byte[] event, int db, byte[] key) {
    PubSubChannels published = channels;
    if (published == null || (on & (KEYSPACE | KEYEVENT)) == 0) {
      return;
    }
    List<Result> none = List.of();
    if ((on & KEYSPACE) != 0) {
      published.publish(null, false, channel("__keyspace@", db, key), event, none);
    }
    if ((on & KEYEVENT) != 0) {
      published.publish(null, false, channel("__keyevent@", db, event), key, none);
    }
  }

  private static byte[] channel(String kind, int db, byte[] name) {
    byte[] head = bytes(kind + db + "__:");
    byte[] channel = new byte[head.length + name.length];
    System.arraycopy(head, 0, channel, 0, head.length);
    System.arraycopy(name, 0, channel, head.length, name.length);
    return channel;
  }

  /** The store removed {@code storeKey} without a write: {@code expired} or {@code evicted}, in its database. */
  @Override
  public void removed(String storeKey, boolean expired) {
    int on = flags;
    if ((on & (expired ? EXPIRED : EVICTED)) == 0) {
      return;
    }
    int db = databases.index(Namespaces.of(storeKey));
    if (db >= 0) {
      publish(on, expired ? EXPIRED_EVENT : EVICTED_EVENT, db, RespKeys.bytes(Namespaces.strip(storeKey)));
    }
  }

  /** Redis's {@code keyspaceEventsStringToFlags}: the classes {@code letters} name, or -1 if one names none. */
  static int flags(String letters) {
    int flags = 0;
    for (int i = 0; i < letters.length(); i++) {
      int index = LETTERS.indexOf(letters.charAt(i));
      if (index < 0) {
        return -1;
      }
      flags |= CLASSES[index];
    }
    return flags;
  }

  /** Redis's {@code keyspaceEventsFlagsToString}: {@code A} for all of {@link #ALL}, then K, E and m. */
  static String letters(int flags) {
    StringBuilder letters = new StringBuilder();
    if ((flags & ALL) == ALL) {
      letters.append('A');
    } else {
      String classes = "g$lshzxetdn";
      int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
      for (int i = 0; i < bits.length; i++) {
        if ((flags & bits[i]) != 0) {
          letters.append(classes.charAt(i));
        }
      }
    }
    if ((flags & KEYSPACE) != 0) {
      letters.append('K');
    }
    if ((flags & KEYEVENT) != 0) {
      letters.append('E');
    }
    if ((flags & KEY_MISS) != 0) {
      letters.append('m');
    }
    return letters.toString();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
