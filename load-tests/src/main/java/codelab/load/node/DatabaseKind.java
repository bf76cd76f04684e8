package codelab.load.node;

/** The journal a node under test writes to. */
public enum DatabaseKind {
  /** The embedded H2 file under the node's data directory: a laptop's zero-setup node. */
  H2("h2"),
  /** The local PostgreSQL (127.0.0.1:5432, user postgres, trust auth), a fresh database per node. */
  POSTGRES("postgresql");

  private final String label;

  DatabaseKind(String label) {
    this.label = label;
  }

  /** The name summary.json and the report use. */
  public String label() {
    return label;
  }
}
