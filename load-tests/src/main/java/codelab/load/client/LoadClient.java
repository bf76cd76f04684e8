package codelab.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;

/**
 * One simulated IDE: a developer's session held over a WebSocket, sending one message at a time,
 * answering the tool calls the agent makes, and resuming with {@code after_seq} when the connection
 * goes. While it reads it checks the protocol's promises and counts every breach in
 * {@link Violations}:
 *
 * <ul>
 *   <li>deltas: per connection and turn, each index once and in order (a resumed connection starts the
 *       running turn again from index 0, so indices are checked per connection; a delta with a
 *       {@code count} covers that many indices); replayed text must be what the client saw before;
 *       the tokens must add up to the {@code assistant_message};
 *   <li>seq: strictly increasing per connection, never repeated across connections ({@link SeqLedger}).
 * </ul>
 *
 * <p>All state is guarded by the client's monitor: frames of one connection arrive one at a time, but
 * timers, a reconnect and the scenario's calls come from other threads.
 */
public final class LoadClient {

  private static final String TOOL_OUTPUT = "class Main { public static void main(String[] args) {} }";

  private final ClientContext context;
  private final int number;
  private final String sessionId;
  private final SeqLedger seqs = new SeqLedger();
  private final Set<String> answeredCalls = new HashSet<>();
  private final AtomicInteger newDeltasInTurn = new AtomicInteger();
  private final AtomicInteger operations = new AtomicInteger();
  private final Account account;
  private Connection connection;
  private Turn turn;
  private boolean closing;

  public LoadClient(ClientContext context, int number, Account account, String sessionId) {
    this.context = context;
    this.number = number;
    this.account = account;
    this.sessionId = sessionId;
  }

  public int number() {
    return number;
  }

  public String sessionId() {
    return sessionId;
  }

  /** Connects live (no {@code after_seq}); completes on session_info. */
  public CompletionStage<Void> connect() {
    return open(OptionalLong.empty());
  }

  /** Reconnects with {@code after_seq} = the last seq this client saw; completes on session_info. */
  public CompletionStage<Void> resume() {
    long after;
    synchronized (this) {
      after = seqs.highest();
    }
    return open(OptionalLong.of(after));
  }

  /** Drops the connection abruptly (no close handshake), as a lost network would. */
  public void drop() {
    Connection dropped;
    synchronized (this) {
      dropped = connection;
      connection = null;
      if (turn != null) turn.resumed = true;
    }
    if (dropped != null) dropped.socket.drop();
  }

  /** Closes the connection cleanly; the client is done. */
  public void close() {
    Connection closed;
    synchronized (this) {
      closing = true;
      closed = connection;
      connection = null;
    }
    if (closed != null) closed.socket.close();
  }

  /**
   * Sends a message and completes with the turn's record when the turn has ended (completed, failed
   * or timed out). One turn at a time: the simulated developer waits for the answer.
   */
  public CompletionStage<TurnRecord> sendTurn(TurnScript script) {
    synchronized (this) {
      if (turn != null) throw new IllegalStateException("client " + number + " already has a turn running");
      if (connection == null) throw new IllegalStateException("client " + number + " is not connected");
      String operationId = "c" + number + "-op" + operations.incrementAndGet();
      Turn started = new Turn(script, operationId);
      turn = started;
      newDeltasInTurn.set(0);
      ObjectNode message = ClientContext.JSON.createObjectNode()
          .put("type", "user_message")
          .put("content", script.content())
          .put("operation_id", operationId);
      started.timeout = context.system().scheduler().scheduleOnce(
          context.turnTimeout(), () -> timedOut(started), context.system().executionContext());
      started.sentAt = System.nanoTime();
      if (!connection.socket.send(message.toString())) {
        context.violations().unexpectedMessages.increment();
      }
      return started.done;
    }
  }

  /** New (not replayed) deltas of the running turn so far: how far into its answer the client is. */
  public int newDeltasInTurn() {
    return newDeltasInTurn.get();
  }

  public synchronized boolean turnRunning() {
    return turn != null;
  }

  /** The session's seq when this client first connected, and the highest it saw since. */
  synchronized long seqFloor() {
    return seqs.floor();
  }

  synchronized long seqHighest() {
    return seqs.highest();
  }

  synchronized BitSet seqsSeen() {
    return seqs.seen();
  }

  synchronized String accessToken() {
    return account.accessToken();
  }

  ClientContext context() {
    return context;
  }

  // ---- connections

  private CompletionStage<Void> open(OptionalLong afterSeq) {
    String uri = context.wsBase() + "/api/v1/ws/" + sessionId
        + (afterSeq.isPresent() ? "?after_seq=" + afterSeq.getAsLong() : "");
    Connection opened = new Connection();
    synchronized (this) {
      closing = false;
      connection = opened;
      opened.socket = ClientSocket.open(context, uri, account.accessToken(), frame -> onFrame(opened, frame));
    }
    opened.socket.upgraded().whenComplete((ok, failure) -> {
      if (failure != null) {
        context.violations().connectFailures.increment();
        opened.ready.completeExceptionally(failure);
      }
    });
    opened.socket.closed().whenComplete((done, failure) -> onClosed(opened));
    return opened.ready.orTimeout(30, TimeUnit.SECONDS);
  }

  private void onClosed(Connection closed) {
    boolean reconnect;
    synchronized (this) {
      if (connection != closed || closing) return;
      // the server ended a connection the client still wanted: after a resync that is the protocol
      // (a too-slow client), otherwise a breach; either way the client comes back with after_seq
      if (!closed.resynced) context.violations().unexpectedDisconnects.increment();
      connection = null;
      if (turn != null) turn.resumed = true;
      reconnect = closed.ready.isDone() && !closed.ready.isCompletedExceptionally();
    }
    if (reconnect) {
      resume().exceptionally(failure -> null);
    }
  }

  // ---- frames

  private void onFrame(Connection from, ClientSocket.Frame frame) {
    JsonNode message;
    try {
      message = ClientContext.JSON.readTree(frame.text());
    } catch (Exception e) {
      context.violations().unexpectedMessages.increment();
      return;
    }
    TurnRecord ended = null;
    Turn endedTurn = null;
    synchronized (this) {
      if (from != connection) return; // a dropped connection's last frames: the resume covers them
      String type = message.path("type").asText("");
      switch (type) {
        case "session_info" -> {
          seqs.floor(message.path("last_seq").asLong());
          from.ready.complete(null);
        }
        case "assistant_delta" -> onDelta(from, message, frame.receivedAt());
        case "assistant_message" -> {
          accountSeq(from, message);
          onAssistantMessage(from, message);
        }
        case "turn_completed", "turn_failed", "turn_cancelled" -> {
          accountSeq(from, message);
          if (turn != null && message.path("turn_id").asText("").equals(turn.turnId)) {
            endedTurn = turn;
            ended = finish(type.equals("turn_completed") ? TurnRecord.Outcome.COMPLETED : TurnRecord.Outcome.FAILED,
                frame.receivedAt());
            if (!type.equals("turn_completed")) failed(message);
          } else if (turn != null && turn.turnId == null && type.equals("turn_failed")) {
            // failed before any delta or tool call named the turn
            endedTurn = turn;
            ended = finish(TurnRecord.Outcome.FAILED, frame.receivedAt());
            failed(message);
          } else {
            // the end of a turn the client gave up on (timed out), or of one it never started
            context.violations().unexpectedMessages.increment();
            context.violations().sample("unexpected " + type + " (not the client's running turn)");
          }
        }
        case "tool_call" -> {
          accountSeq(from, message);
          onToolCall(from, message);
        }
        case "message_accepted", "turn_started", "approval_required", "approval_resolved", "tool_result_recorded", "agent_switched" ->
            accountSeq(from, message);
        case "resync" -> {
          context.violations().resyncs.increment();
          from.resynced = true;
        }
        case "error" -> {
          context.violations().protocolErrors.increment();
          context.violations().sample("error: " + message.path("code").asText("") + " " + message.path("content").asText(""));
        }
        case "pong" -> { }
        default -> {
          context.violations().unexpectedMessages.increment();
          context.violations().sample("unknown message type " + type);
        }
      }
    }
    if (ended != null) complete(endedTurn, ended);
  }

  private void failed(JsonNode message) {
    context.violations().turnsFailed.increment();
    context.violations().sample(message.path("type").asText("") + ": " + message.path("error").asText("(no error text)"));
  }

  private void accountSeq(Connection from, JsonNode message) {
    if (!message.has("seq")) {
      context.violations().unexpectedMessages.increment();
      return;
    }
    // a call still waiting is sent again to a reconnecting client with its original seq, by design
    if (message.path("resent").asBoolean(false)) return;
    from.lastSeq = seqs.accept(from.lastSeq, message.path("seq").asLong(), context.violations());
  }

  private void onDelta(Connection from, JsonNode message, long at) {
    String turnId = message.path("turn_id").asText("");
    int index = message.path("index").asInt(-1);
    // a delta may carry several of the turn's deltas (the partial text on a resume, or a socket that was behind)
    int count = message.path("count").asInt(1);
    String token = message.path("token").asText("");
    if (index < 0 || count < 1) {
      context.violations().unexpectedMessages.increment();
      return;
    }
    DeltaTrack track = from.tracks.computeIfAbsent(turnId, id -> new DeltaTrack());
    int end = index + count;
    if (track.seen.nextSetBit(index) >= 0 && track.seen.nextSetBit(index) < end) {
      context.violations().deltasDuplicated.increment();
      return;
    }
    if (index < track.highest) context.violations().deltasOutOfOrder.increment();
    track.seen.set(index, end);
    track.highest = Math.max(track.highest, end - 1);

    if (turn == null || (turn.turnId != null && !turn.turnId.equals(turnId))) {
      context.violations().unexpectedMessages.increment();
      context.violations().sample("assistant_delta of a turn that is not the client's running one (one it gave up on?)");
      return;
    }
    turn.turnId = turnId;
    while (turn.tokens.size() < end) turn.tokens.add(null);
    // the running turn replayed to a resumed connection: what the client saw before must be its start
    StringBuilder known = new StringBuilder();
    int firstUnknown = index;
    while (firstUnknown < end && turn.tokens.get(firstUnknown) != null) known.append(turn.tokens.get(firstUnknown++));
    if (!token.startsWith(known.toString())) {
      context.violations().replayMismatches.increment();
      return;
    }
    if (firstUnknown == end) {
      if (token.length() != known.length()) context.violations().replayMismatches.increment();
      return;
    }
    turn.tokens.set(firstUnknown, token.substring(known.length()));
    for (int i = firstUnknown + 1; i < end; i++) turn.tokens.set(i, "");
    turn.newDeltas += end - firstUnknown;
    newDeltasInTurn.addAndGet(end - firstUnknown);
    if (turn.firstDeltaAt == 0) turn.firstDeltaAt = at;
    else if (turn.lastDeltaConnection == from) turn.gaps.add(at - turn.lastDeltaAt);
    turn.lastDeltaAt = at;
    turn.lastDeltaConnection = from;
  }

  private void onAssistantMessage(Connection from, JsonNode message) {
    String turnId = message.path("turn_id").asText("");
    String content = message.path("content").asText("");
    if (turn == null || (turn.turnId != null && !turn.turnId.equals(turnId))) {
      context.violations().unexpectedMessages.increment();
      context.violations().sample("assistant_message of a turn that is not the client's running one (one it gave up on?)");
      return;
    }
    turn.turnId = turnId;
    StringBuilder text = new StringBuilder();
    long missing = 0;
    for (String token : turn.tokens) {
      if (token == null) missing++;
      else text.append(token);
    }
    DeltaTrack track = from.tracks.get(turnId);
    if (track == null) {
      // no delta of this turn on this connection: it ended while the client was away and came back
      // from the journal; what the client had seen must be the start of it
      if (turn.resumed) {
        if (!content.startsWith(text.toString()) || missing > 0) context.violations().replayMismatches.increment();
        return;
      }
      if (!content.isEmpty()) {
        context.violations().deltasLost.increment();
        context.violations().contentMismatches.increment();
      }
      return;
    }
    // every index up to the highest must have come on this connection (a resume replays from 0)
    missing = Math.max(missing, (track.highest + 1) - track.seen.cardinality());
    if (!text.toString().equals(content)) {
      context.violations().contentMismatches.increment();
      if (missing == 0 && content.startsWith(text.toString())) missing = 1; // the tail never came: at least one
    }
    context.violations().deltasLost.add(missing);
  }

  private void onToolCall(Connection from, JsonNode message) {
    String callId = message.path("call_id").asText("");
    if (turn == null) {
      context.violations().unexpectedMessages.increment();
      return;
    }
    if (turn.turnId == null) turn.turnId = message.path("turn_id").asText(null);
    turn.toolTurn = true;
    // the IDE runs a call once, also when it is sent again after a reconnect or an approval
    if (!answeredCalls.add(callId)) return;
    ObjectNode result = ClientContext.JSON.createObjectNode()
        .put("type", "tool_result")
        .put("call_id", callId)
        .put("tool_name", message.path("tool_name").asText(""))
        .put("operation_id", turn.operationId + "-" + callId);
    result.putObject("result").put("content", TOOL_OUTPUT);
    from.socket.send(result.toString());
  }

  // ---- turns

  private TurnRecord finish(TurnRecord.Outcome outcome, long at) {
    Turn ending = turn;
    turn = null;
    ending.timeout.cancel();
    long[] gaps = ending.gaps.stream().mapToLong(Long::longValue).toArray();
    return new TurnRecord(ending.script.asksForTool() || ending.toolTurn, ending.resumed, outcome,
        ending.sentAt, ending.firstDeltaAt, at, ending.newDeltas, gaps);
  }

  private void timedOut(Turn timed) {
    TurnRecord record;
    synchronized (this) {
      if (turn != timed) return;
      context.violations().turnsTimedOut.increment();
      context.violations().sample("a turn did not end within " + context.turnTimeout().toSeconds()
          + " s; the client gave up on it and went on (its late messages count as unexpected)");
      record = finish(TurnRecord.Outcome.TIMED_OUT, System.nanoTime());
    }
    complete(timed, record);
  }

  /** Completes outside the monitor and off the socket's thread: the scenario's next step may send at once. */
  private void complete(Turn ended, TurnRecord record) {
    context.executor().execute(() -> ended.done.complete(record));
  }

  private static final class Connection {
    ClientSocket socket;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final Map<String, DeltaTrack> tracks = new HashMap<>();
    long lastSeq;
    boolean resynced;
  }

  /** The indices of one turn's deltas seen on one connection. */
  private static final class DeltaTrack {
    final BitSet seen = new BitSet();
    int highest = -1;
  }

  private static final class Turn {
    final TurnScript script;
    final String operationId;
    final CompletableFuture<TurnRecord> done = new CompletableFuture<>();
    final List<String> tokens = new ArrayList<>();
    final List<Long> gaps = new ArrayList<>();
    Cancellable timeout;
    String turnId;
    long sentAt;
    long firstDeltaAt;
    long lastDeltaAt;
    Connection lastDeltaConnection;
    int newDeltas;
    boolean resumed;
    boolean toolTurn;

    Turn(TurnScript script, String operationId) {
      this.script = script;
      this.operationId = operationId;
    }
  }
}
