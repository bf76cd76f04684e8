package codelab.platform.wakeup;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * The approvals waiting for a person across the cluster, read from the wake-up table when the node's
 * figures are scraped (once per scrape, however many gauges ask): how many, and how long until the
 * earliest deadline (NaN when none waits). Every node reports the same cluster-wide values.
 */
final class WaitingApprovals {

  private record Reading(long at, double waiting, double nextDeadlineSeconds) {}

  private static final long FRESH_MILLIS = 1000;

  private final DataSource dataSource;
  private final Clock clock;
  private volatile Reading last = new Reading(0, 0, Double.NaN);

  private WaitingApprovals(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  static void register(MeterRegistry registry, DataSource dataSource, Clock clock) {
    WaitingApprovals approvals = new WaitingApprovals(dataSource, clock);
    // held strongly: Micrometer keeps a weak reference otherwise, and the reader has no other owner
    Gauge.builder("codelab.approvals.waiting", approvals, a -> a.read().waiting()).strongReference(true)
        .description("approvals waiting for a person, in the whole cluster").register(registry);
    Gauge.builder("codelab.approvals.next.deadline", approvals, a -> a.read().nextDeadlineSeconds()).strongReference(true).baseUnit("seconds")
        .description("time until the earliest waiting approval expires").register(registry);
  }

  private Reading read() {
    Reading reading = last;
    long now = clock.millis();
    if (now - reading.at() < FRESH_MILLIS) return reading;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "SELECT COUNT(*), MIN(due_at) FROM session_wakeup WHERE reason LIKE 'approval:%'");
        ResultSet row = select.executeQuery()) {
      row.next();
      long count = row.getLong(1);
      long earliest = row.getLong(2);
      boolean none = row.wasNull();
      reading = new Reading(now, count, none ? Double.NaN : (earliest - now) / 1000.0);
    } catch (SQLException e) {
      reading = new Reading(now, Double.NaN, Double.NaN);
    }
    last = reading;
    return reading;
  }
}
