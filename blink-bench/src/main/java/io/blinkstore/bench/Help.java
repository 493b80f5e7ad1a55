package io.blinkstore.bench;

import picocli.CommandLine.Option;

/** The {@code -h/--help} option every command shares (a picocli mixin). */
final class Help {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean requested;
}
