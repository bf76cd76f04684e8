package codelab.edge.session;

/** Which frames a connection's client gets: the whole protocol, or what the CodeLab IDE reads ({@link CodeLabIdeFrames}). */
enum ClientProfile {
  STANDARD,
  CODELAB_IDE
}
