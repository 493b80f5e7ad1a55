package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;

/**
 * Spring's cache abstraction on Blink Store (blink-spring): a Boot application whose {@code @Cacheable} price
 * service runs first on the in-process store, then, unchanged but for the {@code blink.address} property, on a
 * sidecar that two instances of the application share: the second finds every price the first loaded. Each run
 * prints the hits, misses and loads that Micrometer's cache meters counted.
 *
 * <pre>{@code bin/blink-example spring}</pre>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
@Import(SpringExample.Prices.class)
public class SpringExample {
  static final int PRODUCTS = 5;
  static final int LOOKUPS = 30;

  /** Application code: a slow price lookup, cached by Spring; nothing in it names Blink Store. */
  @Service
  public static class Prices {
    private final AtomicInteger loads = new AtomicInteger();

    @Cacheable(cacheNames = "prices", sync = true)
    public String price(String product) {
      loads.incrementAndGet(); // the pricing engine or database call that the cache saves
      return (10 + Math.floorMod(product.hashCode(), 90)) + ".00 EUR";
    }

    public int loads() {
      return loads.get();
    }
  }

  public static void main(String[] args) {
    run("in-process store (no blink.address)");
    try (BlinkStore store = BlinkStore.builder().build();
        BlinkServer server = BlinkServer.builder().store(store)
            .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start()) {
      int port = Objects.requireNonNull(server.tcpAddress(), "served over TCP").getPort();
      String address = "blink.address=blink://127.0.0.1:" + port;
      run("sidecar, application instance 1 (" + address + ")", address);
      run("sidecar, application instance 2 (same address)", address);
    }
  }

  /** Starts the application with {@code properties}, looks prices up and prints what the cache did. */
  static void run(String label, String... properties) {
    List<String> all = new ArrayList<>(List.of(properties));
    all.addAll(List.of("blink.cache.cache-names=prices", "blink.cache.time-to-live=10m", "logging.level.root=warn"));
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringExample.class)
        .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).logStartupInfo(false)
        .properties(all.toArray(String[]::new)).run()) {
      Prices prices = context.getBean(Prices.class);
      for (int i = 0; i < LOOKUPS; i++) {
        prices.price("product-" + i % PRODUCTS);
      }
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      System.out.printf("%s: %d lookups of %d products: %d hits, %d misses, %d loads%n", label, LOOKUPS, PRODUCTS,
          gets(meters, "hit"), gets(meters, "miss"), prices.loads());
    }
  }

  private static long gets(MeterRegistry meters, String result) {
    return (long) meters.get("cache.gets").tags("cache", "prices", "result", result).functionCounter().count();
  }
}
