package codelab.platform.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** One node's vectors of one agent against a feed that plays the table: catching up, scanning, holes and compaction. */
class MemoryVectorsTest {

  /** The table as a list of its rows' changes, with its clock. */
  private static final class Table implements MemoryVectors.Feed {
    final List<MemoryVectors.Change> rows = new ArrayList<>();
    long changeNo;
    long evictedThrough;
    int reads;

    void add(String id, float... vector) {
      changeNo++;
      rows.add(new MemoryVectors.Change(id, changeNo, changeNo, false, StoredVector.bytes(StoredVector.normalized(vector))));
    }

    void delete(String id) {
      changeNo++;
      MemoryVectors.Change added = rows.stream().filter(r -> r.memoryId().equals(id)).findFirst().orElseThrow();
      rows.remove(added);
      rows.add(new MemoryVectors.Change(id, added.addedNo(), changeNo, true, null));
    }

    /** The cap's eviction: rows added up to {@code through} go from the table, deleted ones included. */
    void evict(long through) {
      changeNo++;
      evictedThrough = through;
      rows.removeIf(r -> r.addedNo() <= through);
    }

    @Override
    public MemoryVectors.Clock clock() {
      return new MemoryVectors.Clock(changeNo, evictedThrough);
    }

    @Override
    public void changesSince(long since, Consumer<MemoryVectors.Change> change) {
      reads++;
      rows.stream().filter(r -> r.changeNo() > since).sorted((a, b) -> Long.compare(a.changeNo(), b.changeNo())).forEach(change);
    }
  }

  private static List<String> ids(List<MemoryVectors.Scored> scored) {
    return scored.stream().map(MemoryVectors.Scored::memoryId).toList();
  }

  @Test
  void findsTheClosestVectorsBestFirstWithinLimitAndThreshold() throws Exception {
    Table table = new Table();
    table.add("east", 1, 0);
    table.add("north-east", 1, 1);
    table.add("north", 0, 1);
    table.add("west", -1, 0);
    MemoryVectors vectors = new MemoryVectors();
    vectors.catchUp(table);

    List<MemoryVectors.Scored> best = vectors.top(StoredVector.normalized(new float[] {1, 0.2f}), 3, -1);
    assertEquals(List.of("east", "north-east", "north"), ids(best));
    assertEquals(0.98, best.get(0).score(), 0.01);
    assertEquals(List.of("east", "north-east"), ids(vectors.top(StoredVector.normalized(new float[] {1, 0.2f}), 5, 0.5)));
    assertEquals(List.of(), vectors.top(new float[] {1, 0, 0}, 5, -1), "another model's vector finds nothing");
    assertEquals(List.of(), vectors.top(new float[] {1, 0}, 0, -1));
  }

  @Test
  void anUnchangedAgentIsOneClockReadAndChangesAreReadOnce() throws Exception {
    Table table = new Table();
    table.add("a", 1, 0);
    MemoryVectors vectors = new MemoryVectors();
    vectors.catchUp(table);
    vectors.catchUp(table);
    assertEquals(1, table.reads, "nothing changed: the clock said so");

    table.add("b", 0, 1);
    table.delete("a");
    vectors.catchUp(table);

    assertEquals(2, table.reads);
    assertEquals(1, vectors.size());
    assertEquals(List.of("b"), ids(vectors.top(new float[] {1, 0}, 5, -1)));
  }

  @Test
  void evictionsRemoveTheOldestEvenWhenTheirDeletesWereNeverSeen() throws Exception {
    Table table = new Table();
    for (int i = 0; i < 5; i++) table.add("m" + i, 1, i);
    MemoryVectors vectors = new MemoryVectors();
    vectors.catchUp(table);

    // m3 is deleted, then an eviction through m3 removes its row before this node reads the delete
    table.delete("m3");
    table.add("m5", 1, 5);
    table.evict(4);

    vectors.catchUp(table);
    assertEquals(List.of("m4", "m5"), ids(vectors.top(new float[] {1, 0}, 10, -1)).stream().sorted().toList());
    assertEquals(2, vectors.size());
  }

  @Test
  void manyHolesAreCompactedAwayWithoutChangingWhatIsFound() throws Exception {
    Table table = new Table();
    int count = 5000;
    for (int i = 0; i < count; i++) table.add("m" + i, (float) Math.cos(i), (float) Math.sin(i), 1);
    MemoryVectors vectors = new MemoryVectors();
    vectors.catchUp(table);
    float[] query = StoredVector.normalized(new float[] {1, 0, 1});
    List<String> expected = new ArrayList<>();
    for (String id : ids(vectors.top(query, 50, -1))) {
      if (Integer.parseInt(id.substring(1)) % 2 == 1) expected.add(id);
    }

    for (int i = 0; i < count; i += 2) table.delete("m" + i);
    vectors.catchUp(table);

    assertEquals(count / 2, vectors.size());
    List<String> found = ids(vectors.top(query, 50, -1));
    assertEquals(expected, found.subList(0, expected.size()), "the odd ones keep their order at the top");
    assertTrue(found.stream().allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 1));
  }
}
