package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Geo searches held to the connection's output cap (here 2000 bytes) and to what they return: a search whose reply
 * would pass the cap is refused with the cap's error (a count as large as a long changes nothing), while
 * {@code COUNT n} keeps only the nearest n while it reads, so it is answered where the whole answer would be refused;
 * a store is no reply, so it is not held to the cap.
 */
class GeoSearchOutputCapTest {
  private static final int PLACES = 200;
  private GeoStore geo;

  @BeforeEach
  void twoHundredPlacesNearTheOrigin() {
    geo = new GeoStore(2000);
    List<String> args = new ArrayList<>(List.of("GEOADD", "geo"));
    for (int i = 0; i < PLACES; i++) {
      args.addAll(List.of(Double.toString(i * 0.001), Double.toString(i * 0.0005), "place-" + i));
    }
    assertEquals(new Result.Int(PLACES), geo.run(args.toArray(String[]::new)));
  }

  @AfterEach
  void close() {
    geo.close();
  }

  private static void assertRefused(Result reply) {
    assertTrue(reply instanceof Result.Error error && error.message().contains("exceeds the output limit of 2000"),
        reply::toString);
  }

  private static int size(Result reply) {
    assertTrue(reply instanceof Result.Array, reply::toString);
    return ((Result.Array) reply).elements().size();
  }

  @Test
  void aSearchWhoseReplyWouldPassTheCapIsRefused() {
    assertRefused(geo.run("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "100", "km"));
    assertRefused(geo.run("GEORADIUS", "geo", "0", "0", "100", "km", "WITHDIST", "WITHCOORD", "ASC"));
    assertRefused(geo.run("GEORADIUSBYMEMBER_RO", "geo", "place-0", "100", "km", "COUNT", "9223372036854775807"));
    assertRefused(geo.run("GEOSEARCH", "geo", "FROMMEMBER", "place-0", "BYBOX", "500", "500", "km", "COUNT",
        "9223372036854775807", "ANY"));
  }

  @Test
  void countKeepsOnlyTheNearestWhileItReads() {
    Result nearest = geo.run("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "100", "km", "COUNT", "5",
        "WITHDIST", "WITHCOORD", "WITHHASH");
    assertEquals(5, size(nearest));
    assertEquals(RespTester.bulk("place-0"), ((Result.Array) ((Result.Array) nearest).elements().get(0))
        .elements().get(0));
    assertEquals(5, size(geo.run("GEORADIUS_RO", "geo", "0", "0", "100", "km", "COUNT", "5", "DESC")));
    assertEquals(5, size(geo.run("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "100", "km", "COUNT", "5",
        "ANY")));
  }

  @Test
  void aStoreIsNotHeldToTheReplyCap() {
    assertEquals(new Result.Int(PLACES),
        geo.run("GEOSEARCHSTORE", "dst", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "100", "km", "STOREDIST"));
    assertEquals(new Result.Int(PLACES), geo.run("ZCARD", "dst"));
    assertEquals(new Result.Int(PLACES), geo.run("GEORADIUS", "geo", "0", "0", "100", "km", "STORE", "dst2"));
    assertEquals(new Result.Int(PLACES), geo.run("ZCARD", "dst2"));
  }
}
