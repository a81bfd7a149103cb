/**
 * Vigil's test kit: unit-test alert rules and sinks in virtual time, in-process. Add {@code
 * vigil-testing} in test scope.
 *
 * <pre>{@code
 * try (RuleTester tester = RuleTester.builder()
 *     .rule(AlertRule.builder("HighCpu").metric("cpu_usage").above(80).build())
 *     .series("cpu_usage", "vm-1", "85 86 _ 70").build()) {
 *   tester.run();
 *   tester.assertTimeline("0s FIRING HighCpu vm-1", "3m RESOLVED HighCpu vm-1");
 * }
 * }</pre>
 *
 * <p>The parts work on their own too: {@link dev.vigil.testing.VirtualTime} ({@link
 * dev.vigil.testing.ManualClock}, {@link dev.vigil.testing.ManualTicker}) for a monitor in virtual
 * time, {@link dev.vigil.testing.ScriptedSource} for scripted samples and failures, {@link
 * dev.vigil.testing.RecordingSink} to record and await notifications.
 */
@NullMarked
package dev.vigil.testing;

import org.jspecify.annotations.NullMarked;
