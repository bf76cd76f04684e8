package codelab.platform.scripted;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the tool requests a user wrote into a message for the scripted model: {@code read_file <path>},
 * {@code list_files <path>}, {@code write_file <path>}, {@code run <command...>}, in the order written.
 * Lines starting with {@code >} are quoted text (another task's result pasted into a message, say):
 * what they name was said by someone else, not asked for, so they are never scanned.
 */
final class ToolKeywords {

  /** Deterministic content for write_file, so a test can check what the client wrote. */
  static final String WRITTEN_CONTENT = "Written by the CodeLab scripted model.\n";

  private static final Pattern KEYWORD = Pattern.compile("\\b(read_file|list_files|write_file|run)[ \\t]+(\\S+)");
  // "run ls and read_file x" asks for "ls", not "ls and"
  private static final Pattern TRAILING_JOINER = Pattern.compile("(?:[\\s,;]+(?:and|then))*[\\s,;]*$");

  private static final Pattern QUOTED_LINE = Pattern.compile("[ \\t]*>");

  private ToolKeywords() {}

  /** One requested tool with its arguments as ordered name/value pairs. */
  record Request(String tool, Map<String, String> arguments) {}

  static List<Request> find(String message) {
    List<Match> matches = new ArrayList<>();
    Matcher m = KEYWORD.matcher(message);
    while (m.find()) {
      if (!quoted(message, m.start())) matches.add(new Match(m.group(1), m.start(), m.start(2), m.end(2)));
    }

    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < matches.size(); i++) {
      Match match = matches.get(i);
      if (match.keyword.equals("run")) {
        int end = lineEnd(message, match.argumentStart);
        if (i + 1 < matches.size()) end = Math.min(end, matches.get(i + 1).start);
        String command = TRAILING_JOINER.matcher(message.substring(match.argumentStart, end)).replaceFirst("");
        if (!command.isBlank()) requests.add(new Request("execute_command", Map.of("command", command)));
        continue;
      }
      String path = path(message.substring(match.argumentStart, match.argumentEnd));
      Map<String, String> arguments = new LinkedHashMap<>();
      arguments.put("path", path);
      if (match.keyword.equals("write_file")) arguments.put("content", WRITTEN_CONTENT);
      requests.add(new Request(match.keyword, arguments));
    }
    return requests;
  }

  /** A path as typed in prose: without quotes around it or the sentence's punctuation after it. */
  private static String path(String word) {
    String path = word.replaceAll("^[\"'`(]+|[\"'`]+(?=[,;:!?).]*$)", "");
    path = path.replaceAll("[,;:!?)]+$", "");
    if (path.endsWith(".") && path.chars().anyMatch(c -> c != '.' && c != '/')) {
      path = path.substring(0, path.length() - 1);
    }
    return path.isEmpty() ? word : path;
  }

  /** Whether the line holding {@code at} is quoted: {@code >} after nothing but spaces or tabs. */
  private static boolean quoted(String text, int at) {
    int lineStart = text.lastIndexOf('\n', at - 1) + 1;
    return QUOTED_LINE.matcher(text).region(lineStart, text.length()).lookingAt();
  }

  private static int lineEnd(String text, int from) {
    int newline = text.indexOf('\n', from);
    return newline < 0 ? text.length() : newline;
  }

  private record Match(String keyword, int start, int argumentStart, int argumentEnd) {}
}
