package codelab.load.client;

/**
 * What a simulated developer writes for one turn. The scripted model quotes a plain message word by
 * word (plus the node's filler tokens), so the same text gives the same answer through the platform
 * and directly from the model; {@code read_file <path>} makes it ask for that tool first.
 */
public record TurnScript(String content, boolean asksForTool) {

  /** A plain message; its words avoid the scripted model's tool keywords (read_file, list_files, write_file, run). */
  public static TurnScript plain(int client, int turn) {
    return new TurnScript("load test turn " + turn + " from client " + client + " please repeat these words", false);
  }

  /** A message that makes the model ask the IDE for {@code read_file}, then summarise its result. */
  public static TurnScript tool(int client, int turn) {
    return new TurnScript("read_file src/Client" + client + "Turn" + turn + ".java", true);
  }
}
