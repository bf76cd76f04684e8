package codelab.session;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a person's command comes to: the events to persist, or why the session refuses it. Neither
 * (no refusal, no events): the session is already as asked, and the command is answered as done.
 */
record Outcome(SessionError refusal, List<Session.Event> events) {

  static Outcome refused(SessionError refusal) {
    return new Outcome(refusal, List.of());
  }

  static Outcome of(Session.Event... events) {
    return new Outcome(null, List.of(events));
  }

  /** The same refusal, or the events and what {@code more} makes of them. */
  Outcome then(UnaryOperator<List<Session.Event>> more) {
    return refusal != null ? this : new Outcome(null, more.apply(new ArrayList<>(events)));
  }
}
