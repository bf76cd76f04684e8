package codelab.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;

/**
 * The REST half of the public contract a simulated IDE needs: register, log in (OAuth2 password
 * grant, form-encoded), create a session.
 */
public final class PlatformApi {

  private static final long BODY_TIMEOUT_MILLIS = 30_000;

  private final ClientContext context;

  public PlatformApi(ClientContext context) {
    this.context = context;
  }

  /** Registers the user and logs it in. */
  public CompletionStage<Account> register(String username, String password) {
    String body = ClientContext.JSON.createObjectNode().put("username", username).put("password", password).toString();
    HttpRequest request = HttpRequest.POST(context.httpBase() + "/api/v1/auth/register")
        .withEntity(ContentTypes.APPLICATION_JSON, body);
    return call(request, 201, "register " + username)
        .thenCompose(registered -> login(username, password)
            .thenApply(token -> new Account(username, password, registered.path("user_id").asText(), token)));
  }

  /** A fresh access token for the user. */
  public CompletionStage<String> login(String username, String password) {
    String form = "grant_type=password&client_id=codelab-load-tests&username=" + encode(username) + "&password=" + encode(password);
    HttpRequest request = HttpRequest.POST(context.httpBase() + "/oauth/token")
        .withEntity(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED, form);
    return call(request, 200, "log in " + username).thenApply(token -> token.path("access_token").asText());
  }

  /** Creates a session for the account; returns its id. */
  public CompletionStage<String> createSession(Account account) {
    HttpRequest request = HttpRequest.POST(context.httpBase() + "/api/v1/sessions")
        .addHeader(Authorization.oauth2(account.accessToken()))
        .withEntity(ContentTypes.APPLICATION_JSON, "{\"title\":\"load test\"}");
    return call(request, 201, "create a session").thenApply(session -> session.path("id").asText());
  }

  private CompletionStage<JsonNode> call(HttpRequest request, int expectedStatus, String what) {
    return context.http().singleRequest(request)
        .thenCompose(response -> body(response).thenApply(text -> {
          if (response.status().intValue() != expectedStatus) {
            throw new IllegalStateException(what + ": HTTP " + response.status().intValue() + " " + text);
          }
          try {
            return ClientContext.JSON.readTree(text);
          } catch (Exception e) {
            throw new IllegalStateException(what + ": the answer is not JSON: " + text, e);
          }
        }));
  }

  private CompletionStage<String> body(HttpResponse response) {
    return response.entity().toStrict(BODY_TIMEOUT_MILLIS, context.materializer()).thenApply(e -> e.getData().utf8String());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
