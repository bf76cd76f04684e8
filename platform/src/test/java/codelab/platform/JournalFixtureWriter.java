package codelab.platform;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes a fixture journal: a node of the current release plays a conversation that causes every
 * kind of event (tools, approvals approved, edited, rejected and expired, a tool timeout, a cancel,
 * an agent switch, snapshots, logins, refresh and log-out), then its tables and what the public API
 * answered are saved. {@link FixtureJournalTest} later loads them into a newer release.
 *
 * <p>Run once per release whose journal must stay readable, never to refresh an existing fixture:
 * {@code mvn -pl platform -am verify -Dtest=JournalFixtureWriter -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcodelab.write-journal-fixture=platform/src/test/resources/journal-fixtures/<release>}.
 */
@EnabledIfSystemProperty(named = "codelab.write-journal-fixture", matches = ".+")
class JournalFixtureWriter {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writeFixture() throws Exception {
    Path target = Path.of(System.getProperty("codelab.write-journal-fixture")).toAbsolutePath();
    if (Files.exists(target.resolve("journal.json"))) throw new IllegalStateException(target + " exists: fixtures are never rewritten");
    Files.createDirectories(target);
    Path dataDir = Files.createTempDirectory("codelab-fixture");
    TestDatabase database = TestDatabase.h2(dataDir);
    FixtureConversation conversation = FixtureConversation.play(database, dataDir);

    ObjectNode fixture = JSON.createObjectNode();
    fixture.set("tables", JournalTables.dump(database));
    Files.writeString(target.resolve("journal.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(fixture));
    Files.writeString(target.resolve("answers.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(conversation.answers()));
    Map<String, JsonNode> login = Map.of("username", JSON.valueToTree(conversation.username()), "password", JSON.valueToTree(conversation.password()));
    Files.writeString(target.resolve("login.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(login));
  }
}
