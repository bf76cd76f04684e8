package codelab.load.report;

/**
 * One of issue 5's goals next to what the run measured. {@code met} is null when the run has no figure
 * for it (the scenario was not run, or failed). Goals are reported, never asserted.
 */
public record GoalCheck(String goal, String target, Double value, String unit, Boolean met, String source) {}
