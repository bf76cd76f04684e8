package codelab.edge;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The allow-list for a browser's {@code Origin} (CODELAB_ALLOWED_ORIGINS): comma-separated origins
 * where {@code *} stands for any run of characters, e.g. {@code http://localhost:*}. A request with
 * no Origin (an IDE, curl) is not a browser's cross-site request and is let through.
 */
public final class OriginPolicy {

  private final List<Pattern> allowed;

  public OriginPolicy(String commaSeparated) {
    this.allowed =
        Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(OriginPolicy::toPattern)
            .toList();
  }

  public boolean allows(String origin) {
    return allowed.stream().anyMatch(p -> p.matcher(origin).matches());
  }

  private static Pattern toPattern(String glob) {
    String[] literals = glob.split("\\*", -1);
    StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
    for (int i = 1; i < literals.length; i++) regex.append(".*").append(Pattern.quote(literals[i]));
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }

}
