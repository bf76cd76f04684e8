package codelab.load.report;

import codelab.load.client.Violations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one step of one scenario on one database: its parameters, figures, plots, and the
 * violation counters of the clients that produced them. {@code failure} is set when the step could
 * not be run to its end (its figures are then partial).
 */
public record RunResult(
    String scenario, String database, String step, Map<String, Object> parameters, List<Figure> figures,
    List<Plot> plots, Map<String, Long> integrity, Map<String, Long> health, List<String> notes, String failure) {

  public boolean integrityHolds() {
    return integrity.values().stream().allMatch(v -> v == 0);
  }

  public boolean healthy() {
    return health.values().stream().allMatch(v -> v == 0);
  }

  public java.util.Optional<Figure> figure(String name) {
    return figures.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  public static Builder builder(String scenario, String database, String step) {
    return new Builder(scenario, database, step);
  }

  /** Collects a step's figures while it runs, so that a step that fails half-way still reports what it had. */
  public static final class Builder {
    private final String scenario;
    private final String database;
    private final String step;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<Plot> plots = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Violations violations = new Violations();
    private String failure;

    private Builder(String scenario, String database, String step) {
      this.scenario = scenario;
      this.database = database;
      this.step = step;
    }

    public Builder parameter(String name, Object value) {
      parameters.put(name, value);
      return this;
    }

    public Builder figure(String name, double value, String unit, String description) {
      figures.add(new Figure(name, value, unit, description));
      return this;
    }

    public Builder plot(Plot plot) {
      plots.add(plot);
      return this;
    }

    public Builder note(String note) {
      notes.add(note);
      return this;
    }

    public Builder violations(Violations violations) {
      this.violations = violations;
      return this;
    }

    public Builder failure(String failure) {
      this.failure = failure;
      return this;
    }

    public RunResult build() {
      List<String> allNotes = new ArrayList<>(notes);
      violations.samples().forEach(sample -> allNotes.add("seen: " + sample));
      return new RunResult(scenario, database, step, new LinkedHashMap<>(parameters),
          List.copyOf(figures), List.copyOf(plots), violations.integrity(), violations.health(), List.copyOf(allNotes), failure);
    }
  }
}
