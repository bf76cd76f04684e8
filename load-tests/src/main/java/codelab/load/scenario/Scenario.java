package codelab.load.scenario;

import codelab.load.node.DatabaseKind;
import codelab.load.report.RunResult;
import java.util.List;

/** A named load scenario: it starts its own node(s), drives them, and reports one result per step. */
public interface Scenario {

  /** streaming, idle, persistence, reconnect. */
  String name();

  /** The journal its node writes to. */
  DatabaseKind database();

  List<RunResult> run(SuiteContext context);
}
