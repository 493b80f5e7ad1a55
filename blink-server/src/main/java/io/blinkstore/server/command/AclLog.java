package io.blinkstore.server.command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@code ACL LOG}: the latest refusals (a command, key or channel a user may not use, a failed {@code AUTH}), newest
 * first, as Redis 7.0 keeps them ({@code addACLLogEntry}): an event like one of the ten newest within a minute
 * (same reason, context, object and user) counts on that entry and moves it first; the log holds at most
 * {@link #MAX_ENTRIES} (Redis's {@code acllog-max-len} default), the oldest dropped. Each entry's texts are bounded
 * by the request that caused it. Thread-safe: every event loop adds to it.
 */
final class AclLog {
  /** The most entries kept: Redis's default {@code acllog-max-len}. */
  static final int MAX_ENTRIES = 128;
  /** The longest an object (key, channel, command) is kept in an entry, in bytes; longer ones are cut. */
  static final int MAX_OBJECT_BYTES = 1024;
  private static final int GROUP_SCAN = 10;
  private static final long GROUP_MILLIS = 60_000;

  /** What was refused. */
  enum Reason { COMMAND, KEY, CHANNEL, AUTH }

  /** Where: a command of its own, queued in {@code MULTI} or run by {@code EXEC}, or a script's call. */
  enum Context { TOPLEVEL, MULTI, LUA }

  private static final class Entry {
    long count = 1;
    final Reason reason;
    final Context context;
    final String object;
    final String username;
    long millis;
    String clientInfo;

    Entry(Reason reason, Context context, String object, String username, long millis, String clientInfo) {
      this.reason = reason;
      this.context = context;
      this.object = object;
      this.username = username;
      this.millis = millis;
      this.clientInfo = clientInfo;
    }
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final LongSupplier clock;

  AclLog(LongSupplier clock) {
    this.clock = clock;
  }

  /** Records a refusal of {@code object} to {@code username}, from the client {@code clientInfo} describes. */
  synchronized void add(Reason reason, Context context, String object, String username, String clientInfo) {
    String kept = object.length() > MAX_OBJECT_BYTES ? object.substring(0, MAX_OBJECT_BYTES) : object;
    long now = clock.getAsLong();
    int scanned = 0;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext() && scanned < GROUP_SCAN; scanned++) {
      Entry entry = it.next();
      if (entry.reason == reason && entry.context == context && Math.abs(entry.millis - now) <= GROUP_MILLIS
          && entry.object.equals(kept) && entry.username.equals(username)) {
        it.remove();
        entry.count++;
        entry.millis = now;
        entry.clientInfo = clientInfo;
        entries.addFirst(entry);
        return;
      }
    }
    entries.addFirst(new Entry(reason, context, kept, username, now, clientInfo));
    while (entries.size() > MAX_ENTRIES) {
      entries.removeLast();
    }
  }

  /** {@code ACL LOG RESET}. */
  synchronized void clear() {
    entries.clear();
  }

  /** {@code ACL LOG [count]}: the newest {@code count} entries, each a map of Redis's seven fields. */
  synchronized Result render(long count) {
    long now = clock.getAsLong();
    List<Result> rendered = new ArrayList<>();
    for (Entry entry : entries) {
      if (rendered.size() >= count) {
        break;
      }
      rendered.add(new Result.Map(List.of(
          Result.bulk("count"), new Result.Int(entry.count),
          Result.bulk("reason"), Result.bulk(entry.reason.name().toLowerCase(java.util.Locale.ROOT)),
          Result.bulk("context"), Result.bulk(entry.context.name().toLowerCase(java.util.Locale.ROOT)),
          Result.bulk("object"), Result.bulk(entry.object),
          Result.bulk("username"), Result.bulk(entry.username),
          Result.bulk("age-seconds"), new Result.Double((now - entry.millis) / 1000.0),
          Result.bulk("client-info"), Result.bulk(entry.clientInfo))));
    }
    return new Result.Array(rendered);
  }
}
