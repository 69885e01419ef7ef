/**
 * A bad configuration: each problem names the variable and says what it expects. The message is
 * the one problem, or every problem on a line of its own.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, in the order of the variables' declaration. */
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.length === 1 ? list[0] : `${list.length} configuration problems:\n  ${list.join('\n  ')}`);
    this.problems = list;
  }
}
