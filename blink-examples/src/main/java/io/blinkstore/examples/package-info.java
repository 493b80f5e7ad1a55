/**
 * Examples that compile and run ({@code bin/blink-example NAME}): the store embedded, beside a sidecar server,
 * through the client, against a stampede, scaled out on Redis, and under Spring's cache abstraction.
 */
@NullMarked
package io.blinkstore.examples;

import org.jspecify.annotations.NullMarked;
