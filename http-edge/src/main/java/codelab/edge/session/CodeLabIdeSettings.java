package codelab.edge.session;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;

/**
 * How the edge serves the CodeLab IDE ({@code codelab.codelab-ide}): which OAuth client ids are the
 * IDE's, and whether its tokenless chat socket may join a session the IDE created.
 */
public record CodeLabIdeSettings(List<String> clientIds, boolean tokenlessSockets) {

  public static CodeLabIdeSettings fromConfig(Config config) {
    Config ide = config.getConfig("codelab.codelab-ide");
    List<String> clients = Arrays.stream(ide.getString("client-ids").split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList();
    return new CodeLabIdeSettings(clients, ide.getBoolean("tokenless-sockets"));
  }

  boolean isIde(String clientId) {
    return clientId != null && clientIds.contains(clientId);
  }
}
