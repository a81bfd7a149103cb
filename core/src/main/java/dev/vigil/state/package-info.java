/**
 * State that survives restarts and is shared by replicas: the {@link dev.vigil.state.StateStore}
 * SPI and its embedded, file-backed implementation {@link dev.vigil.state.FileStateStore}. A
 * monitor with a store ({@code ResourceMonitor.Builder.stateStore}) keeps in it the silences, each
 * sink's notification log (what it was told) and each sink's outbox (what it was not yet given).
 * See {@code docs/state.md}.
 */
@NullMarked
package dev.vigil.state;

import org.jspecify.annotations.NullMarked;
