package codelab.project;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A path a tool call names, as segments, read so that it can only make an approval rule match less,
 * never more. Both {@code /} and {@code \} separate (the IDE may run on Windows); empty and {@code .}
 * segments are dropped, so {@code ./docs//a.md} is {@code docs/a.md}. A path that may point somewhere
 * else than it seems is not read at all: a {@code ..} segment (or any segment of only dots and spaces,
 * which Windows reads as {@code ..} or {@code .}), a home {@code ~}, a drive letter, a UNC {@code //host},
 * a control character. Nothing is resolved against a file system: symbolic links are the IDE's business.
 *
 * @param absolute whether it starts at the file system's root rather than the workspace's
 */
record WorkspacePath(boolean absolute, List<String> segments) {

  /** The workspace itself: every relative path inside it is within it. */
  static final WorkspacePath WORKSPACE = new WorkspacePath(false, List.of());

  static Optional<WorkspacePath> parse(String text) {
    if (text == null || text.chars().anyMatch(Character::isISOControl)) return Optional.empty();
    String path = text.replace('\\', '/');
    if (path.startsWith("~") || path.startsWith("//")) return Optional.empty();
    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) continue;
      if (segment.chars().allMatch(c -> c == '.' || c == ' ')) return Optional.empty();
      segments.add(segment);
    }
    if (!segments.isEmpty() && segments.get(0).matches("[A-Za-z]:.*")) return Optional.empty();
    return Optional.of(new WorkspacePath(path.startsWith("/"), List.copyOf(segments)));
  }

  /** Segment by segment: {@code src} holds {@code src} and {@code src/a.txt}, not {@code srcfoo/a.txt}. */
  boolean isWithin(WorkspacePath prefix) {
    return absolute == prefix.absolute
        && segments.size() >= prefix.segments.size()
        && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
  }
}
