/**
 * A {@link dev.vigil.state.StateStore} in PostgreSQL, shared by the replicas of one application:
 * {@link dev.vigil.state.postgresql.PostgresStateStore}. It creates and migrates its own schema.
 *
 * <pre>{@code
 * StateStore store = PostgresStateStore.builder()
 *     .jdbcUrl("jdbc:postgresql://db.internal:5432/app")
 *     .username("app").password(System.getenv("DB_PASSWORD"))
 *     .build();
 * }</pre>
 *
 * See {@code docs/state-postgresql.md}.
 */
@NullMarked
package dev.vigil.state.postgresql;

import org.jspecify.annotations.NullMarked;
