package codelab.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CodeLab IDE (pese-git/codelab_ide at 5b07021, package codelab_ai_assistant, "F/" =
 * lib/features/) as the platform meets it, played from its code:
 * <ul>
 *   <li>login and refresh: form posts to /oauth/token with client_id=codelab-flutter-app
 *       (F/authentication/data/datasources/auth_remote_datasource.dart);
 *   <li>the chat socket: ws://…/api/v1/ws/{id} with no header, no query, no subprotocol
 *       (F/agent_chat/data/datasources/agent_remote_datasource.dart);
 *   <li>what it sends: MessageModel's 15 keys, nulls included (F/agent_chat/data/models/message_model.g.dart);
 *   <li>what it reads: each frame cast strictly, and dropped when a field has another JSON type; every
 *       frame kept becomes a bubble (agent_chat_bloc.dart), and a tool_call asking for approval takes
 *       the one dialog slot (pendingApproval), overwriting one already there.
 * </ul>
 */
final class IdeClient implements AutoCloseable {

  static final String CLIENT_ID = "codelab-flutter-app";
  private static final List<String> TEXT_KEYS =
      List.of("content", "role", "call_id", "tool_name", "error", "agent_type", "from_agent", "to_agent", "reason");
  private static final List<String> BOOLEAN_KEYS = List.of("is_final", "requires_approval");
  private static final List<String> OBJECT_KEYS = List.of("arguments", "result", "metadata");

  /** One chat bubble: a frame the IDE kept. */
  record Bubble(JsonNode frame) {
    String type() {
      return frame.get("type").asText();
    }

    String text(String key) {
      JsonNode value = frame.get(key);
      return value == null || value.isNull() ? null : value.asText();
    }

    boolean asksApproval() {
      return type().equals("tool_call") && frame.path("requires_approval").asBoolean(false);
    }
  }

  final ApiClient api;
  private SocketClient socket;
  final List<Bubble> bubbles = new ArrayList<>();
  int dropped;
  /** The one approval dialog; a second request while it is open overwrites it (the first is never answered). */
  Bubble dialog;
  int overwrittenDialogs;

  IdeClient(int port) {
    this.api = new ApiClient(port);
  }

  /** Password grant as the IDE posts it: a form, its hard-coded client id. */
  ApiClient.Reply login(String username, String password) {
    ApiClient.Reply reply = api.postForm("/oauth/token", "grant_type=password&username=" + encode(username) + "&password=" + encode(password)
        + "&client_id=" + CLIENT_ID);
    if (reply.status() == 200) {
      api.accessToken = reply.body().get("access_token").asText();
      api.refreshToken = reply.body().get("refresh_token").asText();
    }
    return reply;
  }

  ApiClient.Reply refresh() {
    ApiClient.Reply reply = api.postForm("/oauth/token", "grant_type=refresh_token&refresh_token=" + encode(api.refreshToken) + "&client_id=" + CLIENT_ID);
    if (reply.status() == 200) {
      api.accessToken = reply.body().get("access_token").asText();
      api.refreshToken = reply.body().get("refresh_token").asText();
    }
    return reply;
  }

  void connect(int port, String sessionId) {
    socket = SocketClient.connect(port, sessionId, null, null);
  }

  // ---------------------------------------------------------------- what it sends (MessageModel.toJson)

  private static Map<String, Object> message(String type) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String key : List.of("type", "content", "role", "is_final", "call_id", "tool_name", "arguments", "requires_approval", "result", "error",
        "agent_type", "from_agent", "to_agent", "reason", "metadata")) {
      m.put(key, null);
    }
    m.put("type", type);
    return m;
  }

  void say(String text) {
    Map<String, Object> m = message("user_message");
    m.put("content", text);
    m.put("role", "user");
    socket.send(m);
  }

  /** The IDE ran the call: its tool's own result map. */
  void ran(Bubble call, Map<String, Object> result) {
    Map<String, Object> m = message("tool_result");
    m.put("call_id", call.text("call_id"));
    m.put("tool_name", call.text("tool_name"));
    m.put("result", result);
    answered(call);
    socket.send(m);
  }

  /** The person pressed Reject in the dialog (agent_chat_bloc.dart: "Операция отклонена: <tool>"). */
  void rejected(Bubble call) {
    Map<String, Object> m = message("tool_result");
    m.put("call_id", call.text("call_id"));
    m.put("tool_name", call.text("tool_name"));
    m.put("error", "Операция отклонена: " + call.text("tool_name"));
    answered(call);
    socket.send(m);
  }

  void switchAgent(String agentType) {
    Map<String, Object> m = message("switch_agent");
    m.put("agent_type", agentType);
    m.put("content", "Switched to " + agentType);
    socket.send(m);
  }

  private void answered(Bubble call) {
    if (dialog != null && dialog.text("call_id").equals(call.text("call_id"))) dialog = null;
  }

  // ---------------------------------------------------------------- what it reads

  /** The next bubble (frames it would drop are counted and skipped), or an AssertionError after 15 s. */
  Bubble next() {
    while (true) {
      JsonNode frame = socket.next();
      if (!readable(frame)) {
        dropped++;
        continue;
      }
      Bubble bubble = new Bubble(frame);
      bubbles.add(bubble);
      if (bubble.asksApproval()) {
        if (dialog != null) overwrittenDialogs++;
        dialog = bubble;
      }
      return bubble;
    }
  }

  /** Bubbles up to and including the next of {@code type}. */
  List<Bubble> until(String type) {
    List<Bubble> seen = new ArrayList<>();
    while (true) {
      Bubble bubble = next();
      seen.add(bubble);
      if (bubble.type().equals(type)) return seen;
    }
  }

  /** No frame at all for {@code during}: nothing the IDE would show, and nothing it would drop. */
  void expectNothing(Duration during) {
    socket.expectNothing(during);
  }

  boolean closedByServer(Duration within) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (!socket.closed && System.nanoTime() < until) TimeUnit.MILLISECONDS.sleep(50);
    return socket.closed;
  }

  /** MessageModel.fromJson: `type as String`, the text keys `as String?`, the flags `as bool?`, the maps `as Map?`. */
  static boolean readable(JsonNode frame) {
    if (!frame.isObject() || !frame.path("type").isTextual()) return false;
    for (String key : TEXT_KEYS) if (frame.has(key) && !frame.get(key).isNull() && !frame.get(key).isTextual()) return false;
    for (String key : BOOLEAN_KEYS) if (frame.has(key) && !frame.get(key).isNull() && !frame.get(key).isBoolean()) return false;
    for (String key : OBJECT_KEYS) if (frame.has(key) && !frame.get(key).isNull() && !frame.get(key).isObject()) return false;
    return true;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (socket != null) socket.close();
  }
}
