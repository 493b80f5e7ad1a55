package io.blinkstore.client;

import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Marks as skipped, not passed and not failed, a contract test that our server's RESP side refused because it
 * does not have the command yet: {@code SET ... PX}, {@code PEXPIRE}, {@code PTTL}, {@code PERSIST} and
 * {@code INCRBY} over RESP are being added on another branch ({@code rwire}). The skip names the command, so
 * the report shows exactly what waits for that merge; once it is merged, nothing is refused and every such test
 * runs. Any other failure passes through untouched.
 */
final class AwaitsServerRespTtlWords implements TestExecutionExceptionHandler {
  /** The server's answers to a command it lacks: Redis's unknown-command error, or its SET EX/PX refusal. */
  private static final Pattern NOT_YET = Pattern.compile(
      "ERR unknown command '(pexpire|pttl|persist|incrby)'.*|ERR SET with EX or PX is not supported yet.*",
      Pattern.CASE_INSENSITIVE);

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      if (cause instanceof BlinkServerException refused && NOT_YET.matcher(refused.serverMessage()).matches()) {
        TestAbortedException skipped = new TestAbortedException(
            "our server's RESP side lacks this command until branch rwire is merged: " + refused.getMessage());
        skipped.initCause(thrown);
        throw skipped;
      }
    }
    throw thrown;
  }
}
