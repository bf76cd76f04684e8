package codelab;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of an entity's list (of ids, of versions). Any non-negative offset and limit are fine, however large: an
 * offset past the end is an empty page, never an arithmetic overflow.
 */
public final class ListPage {

  private ListPage() {}

  /** In the order they were added. */
  public static <T> List<T> oldestFirst(List<T> ids, int offset, int limit) {
    int from = Math.min(Math.max(offset, 0), ids.size());
    int to = from + Math.min(Math.max(limit, 0), ids.size() - from);
    return List.copyOf(ids.subList(from, to));
  }

  /** The last added first. */
  public static <T> List<T> newestFirst(List<T> ids, int offset, int limit) {
    List<T> page = new ArrayList<>();
    long start = (long) ids.size() - 1 - Math.max(offset, 0);
    for (long i = start; i >= 0 && page.size() < limit; i--) page.add(ids.get((int) i));
    return List.copyOf(page);
  }
}
