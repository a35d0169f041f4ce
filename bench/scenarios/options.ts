// What every scenario is given by bench/run.ts.
export interface ScenarioOptions {
  /** Shorter runs and fewer rounds, for a smoke test of the bench itself. */
  quick: boolean;
  /** Adds a line under the table (how something was measured, what was skipped). */
  note(text: string): void;
}
