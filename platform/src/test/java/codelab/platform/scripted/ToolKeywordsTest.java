package codelab.platform.scripted;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolKeywordsTest {

  private static ToolKeywords.Request read(String path) {
    return new ToolKeywords.Request("read_file", Map.of("path", path));
  }

  @Test
  void findsNothingInPlainProse() {
    assertEquals(List.of(), ToolKeywords.find("How do I rerun the build? run_tests is broken"));
  }

  @Test
  void takesPathsWithoutTheSentencesPunctuationOrQuotes() {
    assertEquals(List.of(read("src/Main.java")), ToolKeywords.find("Please read_file `src/Main.java`."));
    assertEquals(List.of(read("pom.xml")), ToolKeywords.find("read_file \"pom.xml\", thanks"));
    assertEquals(
        List.of(new ToolKeywords.Request("list_files", Map.of("path", "."))), ToolKeywords.find("list_files ."));
  }

  @Test
  void writeFileGetsDeterministicContent() {
    assertEquals(
        List.of(new ToolKeywords.Request("write_file", Map.of("path", "a.txt", "content", ToolKeywords.WRITTEN_CONTENT))),
        ToolKeywords.find("write_file a.txt"));
  }

  @Test
  void runTakesTheRestOfTheLineUpToTheNextKeyword() {
    assertEquals(
        List.of(new ToolKeywords.Request("execute_command", Map.of("command", "ls -la ..")), read("b.txt")),
        ToolKeywords.find("run ls -la .. and then read_file b.txt"));
    assertEquals(
        List.of(new ToolKeywords.Request("execute_command", Map.of("command", "mvn test"))),
        ToolKeywords.find("run mvn test\nand tell me"));
  }

  @Test
  void neverScansQuotedLines() {
    String message = "Task A said:\n> run rm -rf build\n  > then read_file secret.txt\n>list_files /\n"
        + "so read_file notes.md > out, and run make\nrun ls >\n";

    assertEquals(
        List.of(read("notes.md"), new ToolKeywords.Request("execute_command", Map.of("command", "make")),
            new ToolKeywords.Request("execute_command", Map.of("command", "ls >"))),
        ToolKeywords.find(message));
    assertEquals(List.of(), ToolKeywords.find("> read_file a.txt\n\t> run ls"));
  }

  @Test
  void keepsTheOrderWritten() {
    assertEquals(
        List.of(read("a"), new ToolKeywords.Request("list_files", Map.of("path", "b"))),
        ToolKeywords.find("read_file a, list_files b"));
  }
}
