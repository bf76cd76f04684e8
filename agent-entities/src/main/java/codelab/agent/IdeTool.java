package codelab.agent;

import codelab.llm.LlmTool;
import java.util.Arrays;
import java.util.Optional;

/**
 * The tools the IDE executes in its workspace, with the CodeLab argument names (PROTOCOL.md), as
 * offered to the model. Those that change the workspace or run code need a human's approval by
 * default.
 */
public enum IdeTool {
  READ_FILE(
      "read_file",
      "Read a text file of the workspace.",
      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"encoding\":{\"type\":\"string\"},"
          + "\"start_line\":{\"type\":\"integer\"},\"end_line\":{\"type\":\"integer\"}},\"required\":[\"path\"]}",
      false,
      null),
  WRITE_FILE(
      "write_file",
      "Write (create or replace) a file of the workspace.",
      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"},"
          + "\"create_dirs\":{\"type\":\"boolean\"}},\"required\":[\"path\",\"content\"]}",
      true,
      "writing a file changes your workspace"),
  LIST_FILES(
      "list_files",
      "List the files of a directory of the workspace.",
      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"recursive\":{\"type\":\"boolean\"},"
          + "\"pattern\":{\"type\":\"string\"}},\"required\":[\"path\"]}",
      false,
      null),
  CREATE_DIRECTORY(
      "create_directory",
      "Create a directory in the workspace.",
      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}",
      true,
      "creating a directory changes your workspace"),
  SEARCH_IN_CODE(
      "search_in_code",
      "Search the workspace's code for a text.",
      "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"path\":{\"type\":\"string\"},"
          + "\"file_pattern\":{\"type\":\"string\"}},\"required\":[\"query\"]}",
      false,
      null),
  EXECUTE_COMMAND(
      "execute_command",
      "Run a shell command in the workspace.",
      "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"},\"cwd\":{\"type\":\"string\"},"
          + "\"timeout\":{\"type\":\"integer\"}},\"required\":[\"command\"]}",
      true,
      "running a command can change anything the IDE's user can"),
  DELETE_FILE(
      "delete_file",
      "Delete a file of the workspace.",
      "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}",
      true,
      "deleting a file changes your workspace"),
  MOVE_FILE(
      "move_file",
      "Move or rename a file of the workspace.",
      "{\"type\":\"object\",\"properties\":{\"source\":{\"type\":\"string\"},\"destination\":{\"type\":\"string\"}},"
          + "\"required\":[\"source\",\"destination\"]}",
      true,
      "moving a file changes your workspace");

  private final String toolName;
  private final String description;
  private final String parametersSchema;
  private final boolean needsApprovalByDefault;
  private final String approvalReason;

  IdeTool(String toolName, String description, String parametersSchema, boolean needsApprovalByDefault, String approvalReason) {
    this.toolName = toolName;
    this.description = description;
    this.parametersSchema = parametersSchema;
    this.needsApprovalByDefault = needsApprovalByDefault;
    this.approvalReason = approvalReason;
  }

  public String toolName() {
    return toolName;
  }

  public boolean needsApprovalByDefault() {
    return needsApprovalByDefault;
  }

  /** Why a human is asked, shown with the approval request. */
  public String approvalReason() {
    return toolName + " needs your approval: " + approvalReason;
  }

  public LlmTool definition() {
    return new LlmTool(toolName, description, parametersSchema);
  }

  public static String knownNames() {
    return String.join(", ", Arrays.stream(values()).map(IdeTool::toolName).toList());
  }

  public static Optional<IdeTool> named(String name) {
    return Arrays.stream(values()).filter(t -> t.toolName.equals(name)).findFirst();
  }
}
