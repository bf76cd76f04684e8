package codelab.load.node;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to start the node under test.
 *
 * @param jar the node's runnable jar (platform/target/codelab-platform.jar)
 * @param database which journal it writes to
 * @param tokenDelay the scripted model's pace (CODELAB_SCRIPTED_TOKEN_DELAY_MS)
 * @param extraTokens filler tokens the scripted model adds to every answer (CODELAB_SCRIPTED_EXTRA_TOKENS)
 * @param maxHeap the node's -Xmx, e.g. "2g"
 * @param logFile where the node's stdout and stderr go
 */
public record NodeSettings(
    Path jar, DatabaseKind database, Duration tokenDelay, int extraTokens, String maxHeap, Path logFile) {}
