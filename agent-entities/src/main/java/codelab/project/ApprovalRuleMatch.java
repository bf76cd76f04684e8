package codelab.project;

import codelab.agent.IdeTool;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which tool calls an approval rule approves: one IDE tool, and optionally the paths or the command
 * it may be called with. Whatever is in doubt does not match: a rule never widens beyond what it says.
 *
 * <ul>
 *   <li>The tool name is the call's, exactly.
 *   <li>Every path the call names ({@code path}, {@code source}, {@code destination}, {@code cwd}, the
 *       IDE tools' path arguments) must be a string inside {@code pathPrefix}, segment by segment
 *       ({@link WorkspacePath}: no {@code ..}, no way out); with a prefix, the call must name at least
 *       one. Without a prefix, the paths must still be inside the workspace: a rule for
 *       {@code write_file} is not one for {@code /etc/passwd}.
 *   <li>{@code execute_command} needs a {@code commandPrefix} (a directory says nothing of what a
 *       command does): the command must be the prefix or the prefix then a space and more words, with
 *       nothing a shell would read as a second command, a redirection or a substitution anywhere in it
 *       ({@code npm test; rm -rf /} is not {@code npm test}). The words after the prefix are the rule's
 *       to allow: {@code git} allows any git command, which is why a prefix is worth choosing narrowly.
 *   <li>The arguments must be one JSON object with each key once: a repeated key may be read one way
 *       here and another way by the IDE.
 * </ul>
 *
 * <p>Field names are the persisted rule's JSON (inside {@link ApprovalRule}): keep them.
 */
public record ApprovalRuleMatch(String toolName, String pathPrefix, String commandPrefix) {

  /** The IDE tools' arguments that name a place (PROTOCOL.md, "Tools the IDE executes"). */
  static final List<String> PATH_ARGUMENTS = List.of("path", "source", "destination", "cwd");

  private static final String COMMAND_TOOL = IdeTool.EXECUTE_COMMAND.toolName();

  /**
   * What a POSIX shell, cmd.exe or PowerShell may read as more than one plain command with arguments:
   * sequences, pipes, background, substitution, variables, redirection, grouping, escapes, history.
   * Line breaks and other control characters are refused besides.
   */
  static final String SHELL_SYNTAX = ";&|`$><(){}^%!";

  private static final ObjectMapper STRICT_JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** What is wrong with this match as a rule's; empty when it may be one. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (toolName == null || toolName.isBlank()) {
      problems.add("match.tool_name is required");
    } else if (IdeTool.named(toolName).isEmpty()) {
      problems.add("match.tool_name must be one of the IDE's tools: " + IdeTool.knownNames());
    }
    if (pathPrefix != null) {
      Optional<WorkspacePath> prefix = WorkspacePath.parse(pathPrefix);
      if (prefix.isEmpty()) {
        problems.add("match.path_prefix must be a plain path: no '..' segment, no '~', no drive letter, no control character");
      } else if (prefix.get().segments().isEmpty()) {
        problems.add("match.path_prefix must name a directory or a file; leave it out to allow the whole workspace");
      }
    }
    if (COMMAND_TOOL.equals(toolName) && commandPrefix == null) {
      problems.add("a rule for " + COMMAND_TOOL + " needs match.command_prefix: a directory says nothing of what a command does");
    }
    if (commandPrefix != null) {
      if (!COMMAND_TOOL.equals(toolName)) problems.add("match.command_prefix is only for " + COMMAND_TOOL);
      if (commandPrefix.isBlank() || !commandPrefix.equals(commandPrefix.strip())) {
        problems.add("match.command_prefix must be words without spaces around them");
      } else if (hasShellSyntax(commandPrefix)) {
        problems.add("match.command_prefix must be a plain command: none of " + SHELL_SYNTAX + " and no line break");
      }
    }
    return problems;
  }

  /** Whether the rule approves a call of {@code calledTool} with these arguments (the call's JSON text). */
  public boolean covers(String calledTool, String argumentsJson) {
    if (!problems().isEmpty() || !toolName.equals(calledTool)) return false;
    Optional<JsonNode> arguments = strictObject(argumentsJson);
    if (arguments.isEmpty()) return false;
    return pathsCovered(arguments.get()) && (!COMMAND_TOOL.equals(toolName) || commandCovered(arguments.get().get("command")));
  }

  private boolean pathsCovered(JsonNode arguments) {
    WorkspacePath prefix = pathPrefix == null ? WorkspacePath.WORKSPACE : WorkspacePath.parse(pathPrefix).orElseThrow();
    int named = 0;
    for (String name : PATH_ARGUMENTS) {
      JsonNode value = arguments.get(name);
      if (value == null) continue;
      if (!value.isTextual()) return false;
      Optional<WorkspacePath> path = WorkspacePath.parse(value.asText());
      if (path.isEmpty() || !path.get().isWithin(prefix)) return false;
      named++;
    }
    return pathPrefix == null || named > 0;
  }

  private boolean commandCovered(JsonNode command) {
    if (command == null || !command.isTextual() || hasShellSyntax(command.asText())) return false;
    String text = command.asText().strip();
    return text.equals(commandPrefix) || text.startsWith(commandPrefix + " ");
  }

  private static boolean hasShellSyntax(String text) {
    return text.chars().anyMatch(c -> Character.isISOControl(c) || SHELL_SYNTAX.indexOf(c) >= 0);
  }

  private static Optional<JsonNode> strictObject(String json) {
    if (json == null) return Optional.empty();
    try {
      JsonNode node = STRICT_JSON.readTree(json);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
