package dev.vigil.http;

import org.jspecify.annotations.Nullable;

/**
 * A parsed JSON body: a tree of {@code Map<String, Object>}, {@code List<Object>}, {@code Double},
 * {@code String}, {@code Boolean} and {@code null}.
 *
 * @param root the top-level value; null for a JSON {@code null}
 */
record JsonDocument(@Nullable Object root) {}
