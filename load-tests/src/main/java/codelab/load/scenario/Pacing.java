package codelab.load.scenario;

import java.time.Duration;

/**
 * How a phase drives its clients: every client starts within {@code stagger} (so that N clients do not
 * all send in the same millisecond), turns sent during {@code warmup} are not recorded, turns are sent
 * until {@code warmup + window} has passed, and each client pauses {@code think} between its turns.
 */
public record Pacing(Duration warmup, Duration window, Duration think, Duration stagger) {}
