package codelab.edge;

import codelab.edge.auth.AccessTokens;
import codelab.edge.auth.AuthRoutes;
import codelab.edge.auth.PasswordHasher;
import codelab.edge.auth.SigningKeys;
import codelab.edge.session.SessionRoutes;
import codelab.edge.session.SessionSocket;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Every public route of a node, behind the contract's error handling. */
public final class HttpEdge extends AllDirectives {

  private final Route routes;

  public HttpEdge(
      ActorSystem<?> system,
      EdgeSettings settings,
      SigningKeys keys,
      AccessTokens tokens,
      PasswordHasher hasher,
      Executor blocking) {
    AuthRoutes auth = new AuthRoutes(system, tokens, keys, hasher, blocking);
    this.routes =
        new ErrorHandling()
            .wrap(
                concat(
                    new HealthRoutes(settings.version()).routes(),
                    auth.routes(),
                    new SessionSocket(system, auth.authenticator(), settings).route(),
                    new SessionRoutes(system, auth.authenticator(), settings).routes()));
  }

  public Route routes() {
    return routes;
  }
}
