package codelab.load.report;

/** One measured figure: a dotted name (e.g. {@code added.time_to_first_token.p99}), its value and unit. */
public record Figure(String name, double value, String unit, String description) {}
