package io.blinkstore.server.command;

/**
 * A test's connection: every method behaves as {@link ClientConnection#detached}'s (nothing to send to, close or
 * evict), so that a test overrides only what it watches ({@code push} for a subscriber, {@code stream} for a
 * replica).
 */
class TestConnection implements ClientConnection {
  private final ClientConnection detached;

  /** A connection whose commands {@code MONITOR} shows as coming from {@code source}. */
  TestConnection(String source) {
    this.detached = ClientConnection.detached(source);
  }

  @Override
  public String address() {
    return detached.address();
  }

  @Override
  public String localAddress() {
    return detached.localAddress();
  }

  @Override
  public boolean unixSocket() {
    return detached.unixSocket();
  }

  @Override
  public long replyBytes() {
    return detached.replyBytes();
  }

  @Override
  public long heldBytes() {
    return detached.heldBytes();
  }

  @Override
  public void close() {
    detached.close();
  }

  @Override
  public void evictLast(boolean last) {
    detached.evictLast(last);
  }

  @Override
  public String monitorSource() {
    return detached.monitorSource();
  }

  @Override
  public void monitor(Result.Simple line, long bytes, long maxPendingBytes) {
    detached.monitor(line, bytes, maxPendingBytes);
  }

  @Override
  public boolean stream(byte[] bytes, long maxPendingBytes) {
    return detached.stream(bytes, maxPendingBytes);
  }

  @Override
  public boolean push(Result message, long bytes, long maxPendingBytes) {
    return detached.push(message, bytes, maxPendingBytes);
  }
}
