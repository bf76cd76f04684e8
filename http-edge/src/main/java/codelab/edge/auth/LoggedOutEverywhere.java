package codelab.edge.auth;

import codelab.JsonSerializable;

/** Published cluster-wide when a user ends all their logins: that user's open sockets close. */
public record LoggedOutEverywhere(String userId) implements JsonSerializable {}
