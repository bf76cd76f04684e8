package codelab.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Version 2 of {@link UserAccount.Register}, {@link UserAccount.AccountRegistered} and {@link
 * UserAccount.State}: the account keeps the email given at registration. What version 1 wrote had
 * none; it reads as an account without an email.
 */
public final class EmailAdded extends JacksonMigration {

  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode account && !account.has("email")) account.putNull("email");
    return json;
  }
}
