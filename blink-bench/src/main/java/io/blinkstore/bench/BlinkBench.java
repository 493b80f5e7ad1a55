package io.blinkstore.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code blink-bench}: the load generator ({@code load}), the hit-ratio trace replay ({@code hit-ratio}), the
 * echo server for the round-trip floor ({@code echo-server}), BlinkRedis beside Lettuce alone on a cluster
 * ({@code cluster-throughput}) and issue 16's attack ({@code attack}). Run as
 * {@code java -cp blink-bench/target/benchmarks.jar io.blinkstore.bench.BlinkBench load --help}.
 */
@Command(
    name = "blink-bench",
    description = "Measures Blink Store and Redis with the same client.",
    subcommands = {LoadCommand.class, HitRatioCommand.class, EchoServer.class, FootprintCommand.class,
        ClusterThroughputCommand.class, AttackCommand.class})
public final class BlinkBench implements Runnable {
  @Mixin Help help;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status: 0 ok, 1 failure, 2 bad usage, 3 error replies. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BlinkBench())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler((e, a) -> {
          e.getCommandLine().getErr().println("blink-bench: " + e.getMessage() + " (see --help)");
          return 2;
        })
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
          commandLine.getErr().println("blink-bench: " + e.getMessage());
          return e instanceof IllegalArgumentException ? 2 : 1;
        })
        .execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
