package io.blinkstore.examples;

/**
 * The "database" of the sidecar example: rows every worker can compute, so each can check that what the cache
 * gave it is exactly the row. {@code worker.py} and {@code worker.sh} build the same rows.
 */
final class Products {
  /** The number of products every worker looks up. */
  static final int COUNT = 300;

  private Products() {}

  static String key(int id) {
    return "product:" + id;
  }

  /** The database row of product {@code id}: a few hundred bytes, no whitespace. */
  static String row(int id) {
    return "id=" + id + ";name=product-" + id + ";price=" + (id * 37 % 1000) + ";desc=" + "x".repeat(200 + id % 100);
  }
}
