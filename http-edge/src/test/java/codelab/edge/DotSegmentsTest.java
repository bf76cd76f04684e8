package codelab.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which request targets have a dot segment: only whole path segments that are, or decode to, {@code .} or {@code ..}. */
class DotSegmentsTest {

  @Test
  void aDotSegmentRawOrEncodedInEitherFormOfTarget() {
    for (String target : new String[] {"/a/../b", "/a/./b", "/a/%2E%2e/b", "/a/.%2e", "/a/%2e", "http://h/a/../b", "/..?q=1"}) {
      assertTrue(DotSegments.hasDotSegment(target), target);
    }
  }

  @Test
  void dotsInsideANameOrInTheQueryAreNotSegments() {
    for (String target : new String[] {"/a/..b/c", "/a/b.c", "/a/...", "/a?path=/../x", "/.well-known/jwks.json", "http://h.example/a", "/a/%252e%252e"}) {
      assertFalse(DotSegments.hasDotSegment(target), target);
    }
  }
}
