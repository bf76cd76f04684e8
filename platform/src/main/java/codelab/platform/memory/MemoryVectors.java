package codelab.platform.memory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One agent's memories as one node holds them for recall: the id, place and vector of each memory
 * not deleted, in the order they were added, current up to one of the agent's change numbers. A
 * recall first {@linkplain #catchUp catches up} with the database (one primary-key read when nothing
 * changed, otherwise the changed rows only) and then scans every vector: an exact cosine, no index.
 *
 * <p>Catching up takes the write lock (two recalls of one agent do not both read the same changes);
 * scans share the read lock.
 */
final class MemoryVectors {

  /** Where the agent's memories stand in the database. */
  record Clock(long changeNo, long evictedThrough) {
    static final Clock NONE = new Clock(0, 0);
  }

  /** A row changed after some change number: added ({@code embedding} set) or deleted. */
  record Change(String memoryId, long addedNo, long changeNo, boolean deleted, byte[] embedding) {}

  /** The database side of catching up, for one agent. */
  interface Feed {
    Clock clock() throws SQLException;

    /** Every row whose change number is above {@code changeNo}, in change-number order. */
    void changesSince(long changeNo, Consumer<Change> change) throws SQLException;
  }

  record Scored(String memoryId, double score) {}

  private static final int COMPACT_AT_HOLES = 1024;
  private static final int MIN_CAPACITY = 16;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Integer> slots = new HashMap<>();
  private long changeNo;
  private long evictedThrough;
  // slots below this index are all holes left by evictions: the next eviction starts here
  private int evictedSlots;
  private int dimensions = -1;
  private String[] ids = new String[MIN_CAPACITY];
  private long[] addedNos = new long[MIN_CAPACITY];
  private float[] vectors = new float[0];
  private int used;
  private int holes;
  private volatile long bytes;
  private volatile int live;

  /**
   * Brings these vectors up to the database. The clock is read again after the changes, so that
   * evictions which removed a deleted row before it was read here still remove its memory.
   */
  void catchUp(Feed feed) throws SQLException {
    lock.writeLock().lock();
    try {
      Clock clock = feed.clock();
      if (clock.changeNo() != changeNo) {
        feed.changesSince(changeNo, this::apply);
        clock = feed.clock();
      }
      evictThrough(clock.evictedThrough());
      if (holes > COMPACT_AT_HOLES && holes > used / 4) compact();
      // a cold load grew the arrays step by step: give back what they will not need soon
      if (ids.length > used + used / 4 + MIN_CAPACITY) resize(used + used / 8 + MIN_CAPACITY);
      live = used - holes;
      bytes = (long) ids.length * (Long.BYTES + 2L * Integer.BYTES) + (long) vectors.length * Float.BYTES + live * 120L;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The best {@code limit} memories with a cosine of at least {@code minScore} to {@code query} (of length 1), best first. */
  List<Scored> top(float[] query, int limit, double minScore) {
    lock.readLock().lock();
    try {
      if (limit <= 0 || query.length != dimensions) return List.of();
      PriorityQueue<Scored> best = new PriorityQueue<>(limit, Comparator.comparingDouble(Scored::score));
      double floor = minScore;
      for (int slot = 0; slot < used; slot++) {
        if (ids[slot] == null) continue;
        double score = dot(slot * dimensions, query);
        if (score < floor) continue;
        best.add(new Scored(ids[slot], score));
        if (best.size() > limit) best.poll();
        // once the heap is full, only a better score than its worst can enter
        if (best.size() == limit) floor = Math.max(minScore, Math.nextUp(best.peek().score()));
      }
      List<Scored> ordered = new ArrayList<>(best);
      ordered.sort(Comparator.comparingDouble(Scored::score).reversed());
      return ordered;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Memories held (not deleted), as of the last catch-up. */
  int size() {
    return live;
  }

  /** The length of the vectors held; 0 before the first. */
  int dimensions() {
    return Math.max(dimensions, 0);
  }

  /** About how much heap these vectors take, as of the last catch-up. */
  long bytes() {
    return bytes;
  }

  private void apply(Change change) {
    changeNo = Math.max(changeNo, change.changeNo());
    if (change.deleted()) {
      Integer slot = slots.remove(change.memoryId());
      if (slot != null) {
        ids[slot] = null;
        holes++;
      }
      return;
    }
    float[] vector = StoredVector.floats(change.embedding());
    if (dimensions < 0) dimensions = vector.length;
    // from another embedding model: not comparable with the rest, so never found
    if (vector.length != dimensions || slots.containsKey(change.memoryId())) return;
    if (used == ids.length) grow();
    if (vectors.length < ids.length * dimensions) vectors = Arrays.copyOf(vectors, ids.length * dimensions);
    ids[used] = change.memoryId();
    addedNos[used] = change.addedNo();
    System.arraycopy(vector, 0, vectors, used * dimensions, dimensions);
    slots.put(change.memoryId(), used);
    used++;
  }

  /** Memories added up to {@code through} are gone (dropped for the cap, or deleted earlier); they are the oldest slots. */
  private void evictThrough(long through) {
    if (through <= evictedThrough) return;
    evictedThrough = through;
    while (evictedSlots < used && addedNos[evictedSlots] <= through) {
      String id = ids[evictedSlots];
      if (id != null) {
        slots.remove(id);
        ids[evictedSlots] = null;
        holes++;
      }
      evictedSlots++;
    }
  }

  private void grow() {
    resize(ids.length + ids.length / 2);
  }

  private void resize(int capacity) {
    ids = Arrays.copyOf(ids, capacity);
    addedNos = Arrays.copyOf(addedNos, capacity);
    vectors = Arrays.copyOf(vectors, capacity * Math.max(dimensions, 0));
  }

  private void compact() {
    int next = 0;
    for (int slot = 0; slot < used; slot++) {
      if (ids[slot] == null) continue;
      if (slot != next) {
        ids[next] = ids[slot];
        addedNos[next] = addedNos[slot];
        System.arraycopy(vectors, slot * dimensions, vectors, next * dimensions, dimensions);
        slots.put(ids[next], next);
      }
      next++;
    }
    Arrays.fill(ids, next, used, null);
    used = next;
    holes = 0;
    evictedSlots = 0;
  }

  // eight sums: the JIT does not vectorise a float reduction (that would change its rounding), so
  // independent sums are what lets the multiplications overlap; a scan of 100,000 vectors of 384
  // dimensions then runs at about the speed memory delivers them
  private double dot(int offset, float[] query) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = 0;
    int n = query.length;
    for (; i + 7 < n; i += 8) {
      int at = offset + i;
      s0 += vectors[at] * query[i];
      s1 += vectors[at + 1] * query[i + 1];
      s2 += vectors[at + 2] * query[i + 2];
      s3 += vectors[at + 3] * query[i + 3];
      s4 += vectors[at + 4] * query[i + 4];
      s5 += vectors[at + 5] * query[i + 5];
      s6 += vectors[at + 6] * query[i + 6];
      s7 += vectors[at + 7] * query[i + 7];
    }
    for (; i < n; i++) s0 += vectors[offset + i] * query[i];
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }
}
