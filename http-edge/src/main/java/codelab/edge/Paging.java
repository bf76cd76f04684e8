package codelab.edge;

import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code ?limit=&offset=} of the list routes: limit 1–500 (PROTOCOL.md v1.1), offset 0 to
 * 2<sup>31</sup>−1; an offset past the end is an empty page. The default limit stays v1.0's 20 for
 * these v1 lists, so that a v1.0 client's pages do not change (v1.1's default of 50 is for its new lists).
 */
public record Paging(int limit, int offset) {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 500;

  /** v1.1's lists (agents, versions, memories …) show 50 by default; v1's keep 20. */
  public static final int V1_1_DEFAULT_LIMIT = 50;

  /** The paging of the request's query, for {@code inner}; a 400 in the contract's format when it is out of range. */
  public static Route fromQuery(Function<Paging, Route> inner) {
    return fromQuery(DEFAULT_LIMIT, inner);
  }

  /** As {@link #fromQuery(Function)}, with another page size when the query names none. */
  public static Route fromQuery(int defaultLimit, Function<Paging, Route> inner) {
    return Directives.parameterOptional(
        "limit",
        limit ->
            Directives.parameterOptional(
                "offset",
                offset -> {
                  StringBuilder problem = new StringBuilder();
                  Optional<Paging> paging = parse(limit.isEmpty() ? Optional.of(Integer.toString(defaultLimit)) : limit, offset, problem);
                  return paging.isEmpty() ? Directives.complete(ApiError.badRequest(problem.toString())) : inner.apply(paging.get());
                }));
  }

  /** Empty (with the reason in {@code problem}) when a parameter is not a number in range. */
  public static Optional<Paging> parse(Optional<String> limit, Optional<String> offset, StringBuilder problem) {
    Optional<Integer> l = limit.isEmpty() ? Optional.of(DEFAULT_LIMIT) : parseInt(limit.get(), 1, MAX_LIMIT);
    Optional<Integer> o = offset.isEmpty() ? Optional.of(0) : parseInt(offset.get(), 0, Integer.MAX_VALUE);
    if (l.isEmpty()) problem.append("limit must be an integer from 1 to ").append(MAX_LIMIT);
    else if (o.isEmpty()) problem.append("offset must be an integer from 0 to ").append(Integer.MAX_VALUE);
    return l.isPresent() && o.isPresent() ? Optional.of(new Paging(l.get(), o.get())) : Optional.empty();
  }

  private static Optional<Integer> parseInt(String value, int min, int max) {
    try {
      int parsed = Integer.parseInt(value.trim());
      return parsed >= min && parsed <= max ? Optional.of(parsed) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
