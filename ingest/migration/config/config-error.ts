/**
 * A migration configuration that cannot run, refused before any row is read, with every problem at once and the line
 * of each, as a person fixing the file wants them.
 */
export interface ConfigProblem {
  line: number;
  column: number;
  /** Where in the configuration, dotted: `fields.subject.steps[0].lookup.table`. */
  path: string;
  message: string;
}

export class MigrationConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: the migration configuration has ${problems.length} problem(s)\n${problems
        .map((p) => `  line ${p.line}, column ${p.column}${p.path === '' ? '' : ` (${p.path})`}: ${p.message}`)
        .join('\n')}`,
    );
    this.name = 'MigrationConfigError';
  }
}
