package codelab.llm;

/** The model could not give an answer; the message is shown to the user as the turn's error. */
public class LlmException extends RuntimeException {
  public LlmException(String message) {
    super(message);
  }

  public LlmException(String message, Throwable cause) {
    super(message, cause);
  }
}
