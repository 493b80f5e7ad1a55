/**
 * Spring's cache abstraction over any {@link io.blinkstore.BlinkStore}: {@link io.blinkstore.spring.BlinkCacheManager}
 * and {@link io.blinkstore.spring.BlinkCache}, the same {@code @Cacheable} code on the in-process store, the host's
 * sidecar or Redis; Spring Boot auto-configuration ({@code blink.*} properties) and Micrometer cache metrics
 * ({@link io.blinkstore.spring.BlinkCacheMetrics}).
 */
@NullMarked
package io.blinkstore.spring;

import org.jspecify.annotations.NullMarked;
