package codelab.load.client;

/** A simulated developer's account and the access token it logged in with. */
public record Account(String username, String password, String userId, String accessToken) {

  public Account withAccessToken(String token) {
    return new Account(username, password, userId, token);
  }
}
