package codelab.platform.llm;

import codelab.llm.LlmEvent;
import java.time.Duration;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Ends an answer at its {@link LlmEvent.Completed} while the response body is still read to its end.
 *
 * <p>Why: pekko-http closes a pooled connection whose response entity is cancelled (akka/akka-http#1479),
 * so stopping at {@code [DONE]} cost every model call a fresh connection on both sides, and a request
 * the pool had just handed to such a closing connection failed with {@code NoMoreElementsNeeded}. A
 * server sends the end of the body right after {@code [DONE]}; one that keeps it open longer than
 * {@code linger} has it cancelled after all (its connection is then closed).
 */
final class EndOfAnswer extends GraphStage<FlowShape<LlmEvent, LlmEvent>> {

  private final Inlet<LlmEvent> in = Inlet.create("EndOfAnswer.in");
  private final Outlet<LlmEvent> out = Outlet.create("EndOfAnswer.out");
  private final FlowShape<LlmEvent, LlmEvent> shape = FlowShape.of(in, out);
  private final Duration linger;

  EndOfAnswer(Duration linger) {
    this.linger = linger;
  }

  @Override
  public FlowShape<LlmEvent, LlmEvent> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes inheritedAttributes) {
    return new TimerGraphStageLogic(shape) {
      private boolean answered;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            LlmEvent event = grab(in);
            if (answered) {
              pull(in);
              return;
            }
            push(out, event);
            if (event instanceof LlmEvent.Completed) {
              answered = true;
              complete(out);
              scheduleOnce("linger", linger);
              pull(in);
            }
          }

          @Override
          public void onUpstreamFailure(Throwable failure) {
            // after the answer, a broken connection is the pool's business, not the turn's
            if (answered) completeStage();
            else failStage(failure);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }

      @Override
      public void onTimer(Object key) {
        completeStage();
      }
    };
  }
}
