package io.blinkstore.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** The README's Spring example, verbatim, and what it leaves out: the slow call, counted. */
@Service
public class Prices {
  @Cacheable(cacheNames = "prices", sync = true) // one load per key at a time; on the sidecar, across processes
  public String price(String product) {
    return lookUpPrice(product);                 // the slow call the cache saves
  }

  private final AtomicInteger lookUps = new AtomicInteger();

  String lookUpPrice(String product) {
    lookUps.incrementAndGet();
    return product.length() + ".00 EUR";
  }

  /** How many times the slow call ran (a method: callers hold Spring's proxy). */
  public int lookUps() {
    return lookUps.get();
  }
}
