package io.blinkstore.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools the tests need ({@code redis-cli --cluster}, {@code openssl}), bounded in time. */
final class Tools {
  private static final long TIMEOUT_SECONDS = 120;

  private Tools() {}

  /**
   * Runs {@code command} in {@code dir}, its output kept in a file there, and returns that output.
   *
   * @throws IOException if it fails, or does not end within two minutes (then it is killed)
   */
  static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "tool", ".log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IOException(command.get(0) + " did not end within " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
    }
    String output = Files.readString(log);
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
    }
    return output;
  }
}
