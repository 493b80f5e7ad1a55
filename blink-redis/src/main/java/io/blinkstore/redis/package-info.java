/**
 * The {@link io.blinkstore.BlinkStore} contract on Redis or Valkey, for when one host is no longer enough:
 * {@link io.blinkstore.redis.BlinkRedis} reaches one server, a primary that Sentinels manage, or a cluster, with
 * TLS and ACL credentials, over Lettuce. Options are {@link io.blinkstore.redis.BlinkRedisOptions}; failures are
 * blink-client's typed exceptions, so code written for {@code BlinkClient} catches the same ones. Everything else
 * here is package-private.
 */
@NullMarked
package io.blinkstore.redis;

import org.jspecify.annotations.NullMarked;
