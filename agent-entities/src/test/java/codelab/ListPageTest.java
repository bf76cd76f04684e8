package codelab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListPageTest {

  private static final List<String> IDS = List.of("a", "b", "c", "d", "e");

  @Test
  void pagesInBothOrders() {
    assertEquals(List.of("b", "c"), ListPage.oldestFirst(IDS, 1, 2));
    assertEquals(List.of("d", "c"), ListPage.newestFirst(IDS, 1, 2));
    assertEquals(List.of("e"), ListPage.oldestFirst(IDS, 4, 500));
    assertEquals(List.of("a"), ListPage.newestFirst(IDS, 4, 500));
  }

  @Test
  void anyOffsetAndLimitIsAPageNeverAnOverflow() {
    for (int offset : new int[] {5, 6, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
      assertEquals(List.of(), ListPage.oldestFirst(IDS, offset, Integer.MAX_VALUE), "offset " + offset);
      assertEquals(List.of(), ListPage.newestFirst(IDS, offset, Integer.MAX_VALUE), "offset " + offset);
    }
    assertEquals(IDS, ListPage.oldestFirst(IDS, 0, Integer.MAX_VALUE));
    assertEquals(List.of("e", "d", "c", "b", "a"), ListPage.newestFirst(IDS, 0, Integer.MAX_VALUE));
  }
}
