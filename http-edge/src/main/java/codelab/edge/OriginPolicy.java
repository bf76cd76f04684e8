package codelab.edge;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The allow-list for a browser's {@code Origin} (CODELAB_ALLOWED_ORIGINS): comma-separated origins
 * {@code scheme://host[:port]} where {@code *} stands for the port's digits or for one whole label of
 * the host, e.g. {@code http://localhost:*}, {@code https://*.example.com}; a lone {@code *} admits
 * any origin. An origin is matched only when it is itself {@code scheme://host[:port]}, so userinfo
 * ({@code http://localhost:1@evil.example}) or a path never passes for the host before it. A request
 * with no Origin (an IDE, curl) is not a browser's cross-site request and is let through.
 */
public final class OriginPolicy {

  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  private static final Pattern ORIGIN =
      Pattern.compile("([a-z][a-z0-9+.-]*)://(" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?", Pattern.CASE_INSENSITIVE);
  private static final Pattern ALLOWED = Pattern.compile("([a-z][a-z0-9+.-]*)://([^:/@?#\\s]+)(?::([0-9]{1,5}|\\*))?", Pattern.CASE_INSENSITIVE);

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
    return ORIGIN.matcher(origin).matches() && allowed.stream().anyMatch(p -> p.matcher(origin).matches());
  }

  private static Pattern toPattern(String allowedOrigin) {
    if (allowedOrigin.equals("*")) return ORIGIN;
    Matcher parts = ALLOWED.matcher(allowedOrigin);
    if (!parts.matches()) throw new IllegalArgumentException("an allowed origin must be scheme://host[:port], not '" + allowedOrigin + "'");
    StringBuilder regex = new StringBuilder(Pattern.quote(parts.group(1) + "://"));
    String[] labels = parts.group(2).split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      if (i > 0) regex.append("\\.");
      if (labels[i].equals("*")) regex.append(LABEL);
      else if (labels[i].contains("*")) throw new IllegalArgumentException("'*' in an allowed origin's host stands for a whole label: '" + allowedOrigin + "'");
      else regex.append(Pattern.quote(labels[i]));
    }
    String port = parts.group(3);
    if (port != null) regex.append(':').append(port.equals("*") ? "[0-9]{1,5}" : Pattern.quote(port));
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
