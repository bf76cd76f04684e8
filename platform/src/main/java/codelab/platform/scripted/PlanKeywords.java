package codelab.platform.scripted;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the plan a user wrote for the scripted model to propose through the orchestrator's
 * {@value #TOOL} tool: {@code plan: A: outline the module; B: write it after A as architect}. The
 * text after {@code plan:} is split on {@code ;} into tasks; each is {@code [<id>:] <instructions>}
 * optionally ending in {@code after <id>[, <id>][ and <id>]} and/or {@code as <role>}, in either
 * order.
 */
final class PlanKeywords {

  /** The orchestrator's tool that the scripted model calls with the plan it read. */
  static final String TOOL = "create_plan";
  static final String DEFAULT_ROLE = "coder";
  static final int TITLE_LIMIT = 60;

  private static final String PREFIX = "plan:";
  private static final String ID = "[A-Za-z0-9_-]+";
  private static final Pattern LABELLED = Pattern.compile("^(" + ID + ")[ \\t]*:\\s*(\\S.*)$", Pattern.DOTALL);
  // both suffixes need text before them, so "A: as architect" stays an instruction rather than becoming an empty one
  private static final Pattern ROLE = Pattern.compile("(?<=\\S)\\s+as\\s+(" + ID + ")\\s*$", Pattern.CASE_INSENSITIVE);
  private static final String ID_SEPARATOR = "\\s*,\\s*(?:and\\s+)?|\\s+and\\s+";
  private static final Pattern DEPENDENCIES = Pattern.compile(
      "(?<=\\S)\\s+after\\s+(" + ID + "(?:(?:" + ID_SEPARATOR + ")" + ID + ")*)\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern SEPARATOR = Pattern.compile(ID_SEPARATOR, Pattern.CASE_INSENSITIVE);

  private PlanKeywords() {}

  /** One task as {@value #TOOL} takes it; {@code dependsOn} is empty for a task that can start at once. */
  record Task(String id, String title, String agentRole, String instructions, List<String> dependsOn) {}

  /** The tasks of a {@code plan:} message, in the order written; empty when the message is no plan or names no task. */
  static List<Task> find(String message) {
    String text = message.strip();
    if (!text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return List.of();
    List<Task> tasks = new ArrayList<>();
    for (String part : text.substring(PREFIX.length()).split(";")) {
      if (!part.isBlank()) tasks.add(task(part.strip(), tasks.size() + 1));
    }
    return List.copyOf(tasks);
  }

  private static Task task(String part, int position) {
    String id = "t" + position;
    String rest = part;
    Matcher labelled = LABELLED.matcher(part);
    if (labelled.matches()) {
      id = labelled.group(1);
      rest = labelled.group(2);
    }
    String role = null;
    List<String> dependsOn = null;
    // peel the suffixes off the end one at a time, so that either may come last
    boolean peeled = true;
    while (peeled) {
      peeled = false;
      Matcher as = ROLE.matcher(rest);
      if (role == null && as.find()) {
        role = as.group(1);
        rest = rest.substring(0, as.start());
        peeled = true;
      }
      Matcher after = DEPENDENCIES.matcher(rest);
      if (dependsOn == null && after.find()) {
        dependsOn = List.copyOf(new LinkedHashSet<>(List.of(SEPARATOR.split(after.group(1)))));
        rest = rest.substring(0, after.start());
        peeled = true;
      }
    }
    String instructions = rest.strip();
    return new Task(id, title(instructions), role == null ? DEFAULT_ROLE : role, instructions,
        dependsOn == null ? List.of() : dependsOn);
  }

  /** The instructions on one line, cut after a whole word with "…" when longer than {@value #TITLE_LIMIT} characters. */
  static String title(String instructions) {
    // a title is shown on one line, whatever line breaks the instructions have
    String line = instructions.replaceAll("\\s+", " ").strip();
    if (line.length() <= TITLE_LIMIT) return line;
    int cut = TITLE_LIMIT - 1; // room for the "…"
    if (Character.isHighSurrogate(line.charAt(cut - 1))) cut--;
    if (line.charAt(cut) != ' ') {
      int space = line.lastIndexOf(' ', cut);
      // one word longer than the limit is cut inside it rather than leaving no title
      if (space > 0) cut = space;
    }
    return line.substring(0, cut).replaceFirst("[\\s,;:]+$", "") + "…";
  }
}
