package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRejectorTest {
  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1", "GET / HTTP/1.1\r", "POST /api HTTP/1.0", "HEAD /x HTTP/2",
      "DELETE /k HTTP/1.1", "OPTIONS * HTTP/1.1", "POST", "POST anything at all", "Host: example.com",
      "host:127.0.0.1", "HOST: x", "Host: x\r", "POST /x HTTP/1.1\r"})
  void httpShapedFirstLines(String line) {
    assertTrue(HttpRejector.isHttp(line), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /", "GET / HTTP", "GET key", "get / HTTP/1.1", "SET / HTTP/1.1", "GET  / HTTP/1.1",
      "GET / HTTP/1.1 x", "POSTAL x", "SET Host: x", "Hostname: x", "*1\r", "", " GET / HTTP/1.1"})
  void otherFirstLines(String line) {
    assertFalse(HttpRejector.isHttp(line), line);
  }
}
