package codelab.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** What a rule approves, and above all what it must not: a rule never widens beyond its match. */
class ApprovalRuleMatchTest {

  private static final ApprovalRuleMatch WRITE_DOCS = new ApprovalRuleMatch("write_file", "docs", null);
  private static final ApprovalRuleMatch NPM_TEST = new ApprovalRuleMatch("execute_command", null, "npm test");

  private static String path(String path) {
    return "{\"path\":" + quoted(path) + ",\"content\":\"x\"}";
  }

  private static String command(String command) {
    return "{\"command\":" + quoted(command) + "}";
  }

  private static String quoted(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') json.append('\\').append(c);
      else if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
      else json.append(c);
    }
    return json.append('"').toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"docs/a.md", "docs", "docs/", "./docs/a.md", "docs//deep/./b.md", ".//docs/x", "docs\\win\\c.md", "docs/...hidden", "docs/a..b"})
  void aPathPrefixCoversThePathsUnderIt(String path) {
    assertTrue(WRITE_DOCS.covers("write_file", path(path)), path);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "src/a.java", "docsfoo/a.md", "doc/a.md", "Docs/a.md", "DOCS/a.md", "docs./a.md", "docs /a.md",
      "docs/../src/x", "docs/..", "docs/sub/../../etc/passwd", "../docs/a.md", "docs/.. /x", "docs/ ../x", "docs/.../../x",
      "docs\\..\\src\\x", "/docs/a.md", "/etc/passwd", "//host/docs/a.md", "\\\\host\\share\\docs", "~/docs/a.md",
      "C:/docs/a.md", "C:docs/a.md", "c:\\docs\\a.md", "", ".", "./", "docs/a\u0000.md", "docs/a\n.md", "docs\u0000/a.md"})
  void aPathPrefixNeverCoversAPathThatIsNotPlainlyUnderIt(String path) {
    assertFalse(WRITE_DOCS.covers("write_file", path(path)), path);
  }

  @Test
  void everyPathOfTheCallMustBeUnderThePrefix() {
    ApprovalRuleMatch moves = new ApprovalRuleMatch("move_file", "docs", null);
    assertTrue(moves.covers("move_file", "{\"source\":\"docs/a.md\",\"destination\":\"docs/old/a.md\"}"));
    assertFalse(moves.covers("move_file", "{\"source\":\"docs/a.md\",\"destination\":\"src/a.md\"}"), "moved out");
    assertFalse(moves.covers("move_file", "{\"source\":\"src/a.md\",\"destination\":\"docs/a.md\"}"), "moved in");
    assertFalse(moves.covers("move_file", "{\"source\":\"docs/a.md\",\"destination\":\"/tmp/a.md\"}"));
    ApprovalRuleMatch search = new ApprovalRuleMatch("search_in_code", "docs", null);
    assertTrue(search.covers("search_in_code", "{\"query\":\"x\",\"path\":\"docs\"}"));
    assertFalse(search.covers("search_in_code", "{\"query\":\"x\"}"), "no path is the whole workspace, not docs");
  }

  @Test
  void aPathThatIsNotAStringNeverMatches() {
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":[\"docs/a.md\"],\"content\":\"x\"}"));
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":null,\"content\":\"x\"}"));
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":{\"docs\":1},\"content\":\"x\"}"));
    assertFalse(WRITE_DOCS.covers("write_file", "{\"content\":\"x\"}"), "a prefix needs a path to be under it");
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":\"docs/a.md\",\"cwd\":\"/\"}"), "a second path outside");
  }

  @Test
  void argumentsThatMayReadTwoWaysNeverMatch() {
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":\"docs/a.md\",\"path\":\"/etc/passwd\"}"), "a repeated key");
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":\"/etc/passwd\",\"path\":\"docs/a.md\"}"), "a repeated key, either order");
    assertFalse(WRITE_DOCS.covers("write_file", "{\"path\":\"docs/a.md\"} {\"path\":\"/etc/passwd\"}"), "something after the object");
    assertFalse(WRITE_DOCS.covers("write_file", "[\"docs/a.md\"]"));
    assertFalse(WRITE_DOCS.covers("write_file", "not json"));
    assertFalse(WRITE_DOCS.covers("write_file", null));
  }

  @Test
  void theToolNameIsTheCallsExactly() {
    assertFalse(WRITE_DOCS.covers("delete_file", path("docs/a.md")));
    assertFalse(WRITE_DOCS.covers("Write_File", path("docs/a.md")));
    assertFalse(WRITE_DOCS.covers("write_file ", path("docs/a.md")));
    assertFalse(WRITE_DOCS.covers(null, path("docs/a.md")));
  }

  @Test
  void withoutAPrefixThePathsMustStillBeInsideTheWorkspace() {
    ApprovalRuleMatch anyWrite = new ApprovalRuleMatch("write_file", null, null);
    assertTrue(anyWrite.covers("write_file", path("src/Main.java")));
    assertTrue(anyWrite.covers("write_file", path("notes.txt")));
    for (String outside : List.of("/etc/passwd", "../other/x", "~/.ssh/config", "C:\\Windows\\x", "a/../../b")) {
      assertFalse(anyWrite.covers("write_file", path(outside)), outside);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"npm test", "npm test -- --watch=false", "  npm test  ", "npm test src/a.test.js", "npm test 'a b'"})
  void aCommandPrefixCoversTheCommandAndItsFurtherWords(String command) {
    assertTrue(NPM_TEST.covers("execute_command", command(command)), command);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "npm test; rm -rf /", "npm test && rm -rf /", "npm test || rm -rf /", "npm test | sh", "npm test & rm -rf /",
      "npm test `rm -rf /`", "npm test $(rm -rf /)", "npm test $HOME", "npm test ${IFS}", "npm test > /etc/passwd",
      "npm test >> out", "npm test < /etc/shadow", "npm test\nrm -rf /", "npm test\rrm -rf /", "npm test\trm",
      "npm test (rm)", "npm test {a}", "npm test ^& del", "npm test %PATH%", "npm test !!", "npm test\u0000",
      "npm testing", "npm tests", "npm", "npm  test", "pnpm test", "npx npm test", "sudo npm test", "npm run test", "NPM TEST",
      "npm test;", ";npm test"})
  void aCommandPrefixNeverCoversAnythingButPlainFurtherWords(String command) {
    assertFalse(NPM_TEST.covers("execute_command", command(command)), command);
  }

  @Test
  void aCommandRuleLooksAtTheCommandAndTheDirectory() {
    assertFalse(NPM_TEST.covers("execute_command", "{\"command\":42}"));
    assertFalse(NPM_TEST.covers("execute_command", "{}"));
    assertTrue(NPM_TEST.covers("execute_command", "{\"command\":\"npm test\",\"cwd\":\"web\"}"));
    assertFalse(NPM_TEST.covers("execute_command", "{\"command\":\"npm test\",\"cwd\":\"/\"}"), "outside the workspace");
    assertFalse(NPM_TEST.covers("execute_command", "{\"command\":\"npm test\",\"cwd\":\"../other\"}"));
    ApprovalRuleMatch inWeb = new ApprovalRuleMatch("execute_command", "web", "npm test");
    assertTrue(inWeb.covers("execute_command", "{\"command\":\"npm test\",\"cwd\":\"web/app\"}"));
    assertFalse(inWeb.covers("execute_command", "{\"command\":\"npm test\"}"), "no cwd: the workspace, not web");
    assertFalse(inWeb.covers("execute_command", "{\"command\":\"npm test\",\"cwd\":\"api\"}"));
  }

  @Test
  void aMatchThatCouldNotBeARuleCoversNothing() {
    assertFalse(new ApprovalRuleMatch("execute_command", null, null).covers("execute_command", command("ls")), "no command prefix");
    assertFalse(new ApprovalRuleMatch("write_file", "../docs", null).covers("write_file", path("../docs/a.md")));
    assertFalse(new ApprovalRuleMatch("write_file", ".", null).covers("write_file", path("a.md")));
    assertFalse(new ApprovalRuleMatch("write_file", "/", null).covers("write_file", path("/etc/passwd")));
    assertFalse(new ApprovalRuleMatch("launch_rockets", null, null).covers("launch_rockets", "{}"));
  }

  @Test
  void problemsSayWhyAMatchCannotBeARule() {
    assertEquals(List.of(), WRITE_DOCS.problems());
    assertEquals(List.of(), NPM_TEST.problems());
    assertEquals(List.of(), new ApprovalRuleMatch("move_file", "/home/ann/project/docs", null).problems(), "an absolute prefix is plain too");
    assertEquals(List.of("match.tool_name is required"), new ApprovalRuleMatch(null, null, null).problems());
    assertTrue(new ApprovalRuleMatch("rm", null, null).problems().get(0).startsWith("match.tool_name must be one of the IDE's tools"));
    assertTrue(new ApprovalRuleMatch("write_file", "docs/../src", null).problems().get(0).contains("no '..'"));
    assertTrue(new ApprovalRuleMatch("write_file", "~/docs", null).problems().get(0).contains("no '~'"));
    assertTrue(new ApprovalRuleMatch("write_file", "./", null).problems().get(0).contains("leave it out"));
    assertTrue(new ApprovalRuleMatch("execute_command", "docs", null).problems().get(0).contains("needs match.command_prefix"));
    assertTrue(new ApprovalRuleMatch("write_file", null, "npm test").problems().get(0).contains("only for execute_command"));
    assertTrue(new ApprovalRuleMatch("execute_command", null, "npm test;").problems().get(0).contains("plain command"));
    assertTrue(new ApprovalRuleMatch("execute_command", null, " npm").problems().get(0).contains("without spaces around"));
    assertTrue(new ApprovalRuleMatch("execute_command", null, "").problems().get(0).contains("without spaces around"));
  }

  @Test
  void anAbsolutePrefixCoversOnlyAbsolutePathsUnderIt() {
    ApprovalRuleMatch absolute = new ApprovalRuleMatch("write_file", "/home/ann/project/docs", null);
    assertTrue(absolute.covers("write_file", path("/home/ann/project/docs/a.md")));
    assertFalse(absolute.covers("write_file", path("/home/ann/project/src/a.md")));
    assertFalse(absolute.covers("write_file", path("home/ann/project/docs/a.md")), "relative: the workspace's, not the root's");
    assertFalse(absolute.covers("write_file", path("/home/ann/project/docs/../../.ssh/id")));
  }
}
