package io.blinkstore.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/** What a connection sends: a GET or a SET of a key drawn from a distribution, in a fixed GET:SET proportion. */
final class Workload {
  final Protocol protocol;
  final KeyFormat keys;
  final byte[] value;
  private final KeyDistribution.Chooser chooser;
  private final double getFraction;

  Workload(Protocol protocol, long keySpace, KeyDistribution distribution, int valueBytes, int gets, int sets) {
    if (gets < 0 || sets < 0 || gets + sets == 0) {
      throw new IllegalArgumentException("the GET:SET ratio needs non-negative parts, not both 0: " + gets + ":" + sets);
    }
    this.protocol = protocol;
    this.keys = new KeyFormat(keySpace);
    this.chooser = distribution.over(keySpace);
    this.value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    this.getFraction = (double) gets / (gets + sets);
  }

  int maxRequestBytes() {
    return Protocol.maxRequestBytes(keys, value.length);
  }

  /** Writes the next request of the stream that {@code random} drives into {@code out}. */
  void writeNext(ByteBuffer out, SplittableRandom random) {
    long key = chooser.next(random);
    if (getFraction == 1 || (getFraction > 0 && random.nextDouble() < getFraction)) {
      protocol.writeGet(out, keys, key);
    } else {
      protocol.writeSet(out, keys, key, value);
    }
  }
}
