package codelab.platform.sessionlist;

import codelab.platform.Database;
import codelab.platform.projection.SessionEventProjection;
import codelab.session.application.SessionDirectory;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The session lists' read side: the session events are projected into the session_list table (one
 * projection per event tag, spread over the cluster), and {@link JdbcSessionDirectory} reads it. A
 * node that starts on a journal written before this table existed projects every session from its
 * first event (the projection has no offset yet); until it has, lists ask the sessions themselves.
 */
public final class SessionList {

  private SessionList() {}

  /** Starts the projection and answers the directory that reads its table, both on a connection pool of their own. */
  public static SessionDirectory init(ActorSystem<?> system, Database database, Executor blocking) {
    DataSource dataSource = database.pool(system, "session-list", 4);
    SessionEventProjection.run(system, "session-list", dataSource, SessionListHandler::new);
    return new JdbcSessionDirectory(dataSource, blocking);
  }
}
