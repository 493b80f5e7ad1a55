package io.blinkstore.examples;

import io.blinkstore.client.BlinkClient;
import io.blinkstore.client.BlinkClientOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One Java worker process of {@link StampedeExample}, on the client SDK: connects, prints {@code ready}, then for
 * each line {@code MODE KEY VALUE} on its standard input (the go signal; {@code VALUE} is the database's row for
 * {@code KEY}) reads {@code KEY} and prints {@code queries=N value=V}: how often it queried the database, and
 * what it read. Mode {@code lease} reads with {@link BlinkClient#getOrLoad}, {@code plain} with a get and, on a
 * miss, a set. Exits when its input ends. The Python and bash workers ({@code stampede_worker.py},
 * {@code stampede_worker.sh}) do the same over the text protocol.
 *
 * <p>Arguments: the server's TCP port on 127.0.0.1, how long a database query takes, and the lease time, both
 * in milliseconds.
 */
public final class StampedeWorker {
  private StampedeWorker() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = Integer.parseInt(args[0]);
    long queryMillis = Long.parseLong(args[1]);
    BlinkClientOptions options =
        BlinkClientOptions.builder().leaseTime(Duration.ofMillis(Long.parseLong(args[2]))).build();
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (BlinkClient client = BlinkClient.connect(new InetSocketAddress("127.0.0.1", port), options)) {
      System.out.println("ready");
      for (String go = stdin.readLine(); go != null; go = stdin.readLine()) {
        String[] words = go.split(" ");
        Database database = new Database(words[2], queryMillis);
        String value = words[0].equals("lease")
            ? new String(client.getOrLoad(words[1], key -> database.query()), StandardCharsets.UTF_8)
            : getThenSet(client, words[1], database);
        System.out.println("queries=" + database.queries + " value=" + value);
      }
    }
  }

  private static String getThenSet(BlinkClient client, String key, Database database) throws InterruptedException {
    String value = client.getString(key);
    if (value == null) {
      value = new String(database.query(), StandardCharsets.UTF_8);
      client.set(key, value);
    }
    return value;
  }

  /** A slow database holding one row, that counts its queries. */
  private static final class Database {
    private final String row;
    private final long queryMillis;
    private int queries;

    Database(String row, long queryMillis) {
      this.row = row;
      this.queryMillis = queryMillis;
    }

    byte[] query() throws InterruptedException {
      queries++;
      Thread.sleep(queryMillis);
      return row.getBytes(StandardCharsets.UTF_8);
    }
  }
}
