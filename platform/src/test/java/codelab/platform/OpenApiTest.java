package codelab.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import codelab.schema.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenAPI description stays true: a standard parser reads it without a complaint, the node
 * serves it, every operation it names is a route the node serves, every route segment the edge's code
 * names is in it, and every example answer is valid against its schema (JSON Schema 2020-12).
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.Kind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiTest {

  private static final String DOCUMENT = "https://codelab.test/openapi.json";
  /** What pekko-http answers for a path no route matches (our rejection handler keeps its text). */
  private static final String NO_ROUTE = "The requested resource could not be found.";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

  @Parameter TestDatabase.Kind databaseKind;
  private RunningNode running;
  private JsonNode description;
  private String text;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeParameterizedClassInvocation
  void startNode() throws IOException {
    running = RunningNode.start(databaseKind, Map.of());
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    description = ApiClient.JSON.readTree(text);
  }

  @AfterParameterizedClassInvocation
  void stopNode() {
    running.stop();
  }

  @Test
  void aStandardParserReadsItAndTheNodeServesIt() throws Exception {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
    assertTrue(parsed.getMessages() == null || parsed.getMessages().isEmpty(), "the parser's complaints: " + parsed.getMessages());
    assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());

    HttpResponse<String> served = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + "/api/v1/openapi.json")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, served.statusCode());
    assertEquals(description, ApiClient.JSON.readTree(served.body()));
  }

  @Test
  void everyOperationItNamesIsARouteTheNodeServes() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = description.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (!METHODS.contains(method)) continue;
        HttpResponse<String> answer = call(method.toUpperCase(), concrete(path.getKey()));
        boolean noRoute = answer.statusCode() == 405 || (answer.statusCode() == 404 && answer.body().contains(NO_ROUTE));
        if (noRoute) missing.add(method.toUpperCase() + " " + path.getKey() + " -> " + answer.statusCode() + " " + answer.body());
      }
    }
    assertTrue(missing.isEmpty(), "described but not served:\n" + String.join("\n", missing));
  }

  @Test
  void everyRouteSegmentTheEdgeNamesIsDescribed() throws IOException {
    Set<String> described = new TreeSet<>();
    description.get("paths").fieldNames().forEachRemaining(p -> described.addAll(List.of(p.split("/"))));
    // the directives, called unqualified (a JsonNode's .path("type") is not a route)
    Pattern literal = Pattern.compile("(?<![.\\w])(?:segment|path|pathPrefix)\\(\\s*\"([A-Za-z][A-Za-z0-9_.-]*)\"");
    Set<String> undescribed = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("..", "http-edge", "src", "main", "java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = literal.matcher(Files.readString(source));
        while (m.find()) if (!described.contains(m.group(1))) undescribed.add(m.group(1) + " (" + source.getFileName() + ")");
      }
    }
    // the WebSocket is not REST; health is described; "ws" is the socket's prefix
    undescribed.removeIf(s -> s.startsWith("ws "));
    assertTrue(undescribed.isEmpty(), "route segments the edge serves that the description lacks: " + undescribed);
  }

  @Test
  void everyExampleAnswerIsValidAgainstItsSchema() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(Map.of(DOCUMENT, text)));
    tools.jackson.databind.ObjectMapper jackson3 = tools.jackson.databind.json.JsonMapper.builder().build();
    List<String> invalid = new ArrayList<>();
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = description.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
        Map.Entry<String, JsonNode> operation = operations.next();
        if (!METHODS.contains(operation.getKey())) continue;
        for (Iterator<Map.Entry<String, JsonNode>> responses = operation.getValue().path("responses").fields(); responses.hasNext(); ) {
          Map.Entry<String, JsonNode> response = responses.next();
          JsonNode json = response.getValue().path("content").path("application/json");
          if (!json.has("example") || !json.has("schema")) continue;
          String pointer = "/paths/" + escape(path.getKey()) + "/" + operation.getKey() + "/responses/" + response.getKey()
              + "/content/application~1json/schema";
          Schema schema = registry.getSchema(SchemaLocation.of(DOCUMENT + "#" + pointer));
          List<Error> errors = schema.validate(jackson3.readTree(json.get("example").toString()));
          checked++;
          if (!errors.isEmpty()) invalid.add(operation.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey() + ": " + errors);
        }
      }
    }
    assertTrue(checked >= 20, "examples checked: " + checked);
    assertTrue(invalid.isEmpty(), "examples their schemas refuse:\n" + String.join("\n", invalid));
  }

  /** A path of the description with plausible values in place of its parameters. */
  private static String concrete(String template) {
    return template
        .replace("{plan_id}", UUID.randomUUID() + "-plan-1")
        .replace("{version}", "1")
        .replaceAll("\\{[a-z_]*id\\}", UUID.randomUUID().toString())
        .replaceAll("\\{[a-z_]+\\}", "x");
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.httpPort() + path))
        .header("Authorization", "Bearer " + running.api().accessToken);
    if (path.startsWith("/oauth/")) {
      request.header("Content-Type", "application/x-www-form-urlencoded")
          .method(method, HttpRequest.BodyPublishers.ofString("client_id=cli&grant_type=" + URLEncoder.encode("password", StandardCharsets.UTF_8)));
    } else if (method.equals("GET") || method.equals("DELETE")) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String escape(String path) {
    return path.replace("~", "~0").replace("/", "~1");
  }
}
