package codelab.platform.scripted;

import java.util.List;

/** What the scripted model answers to one conversation, before it is put on the wire. */
sealed interface ScriptedReply {

  /** Whitespace-separated words of the whole conversation: the scripted model's idea of a prompt token. */
  int promptTokens();

  /** A text answer; the tokens concatenate to the exact reply text. */
  record Text(List<String> tokens, int promptTokens) implements ScriptedReply {}

  /** An answer that asks the client to run tools. */
  record ToolCalls(List<Call> calls, int promptTokens) implements ScriptedReply {}

  /** One requested call, with CodeLab's argument names in {@code argumentsJson}. */
  record Call(String id, String name, String argumentsJson) {}
}
