package io.blinkstore.spring;

import io.blinkstore.spring.CachingApplication.Books;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One application process of {@link SyncAcrossProcessesIT}: starts the application on the store at
 * {@code args[0]}, prints {@code ready}, and on the line {@code go} calls the {@code sync = true} method for the key
 * {@code args[1]} and prints {@code result <value>}.
 */
public final class SyncWorker {
  private SyncWorker() {}

  public static void main(String[] args) throws Exception {
    try (ConfigurableApplicationContext context = CachingApplication.start("blink.address=" + args[0])) {
      Books books = context.getBean(Books.class);
      System.out.println("ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if ("go".equals(in.readLine())) {
        System.out.println("result " + books.slowLoad(args[1]));
      }
    }
  }
}
