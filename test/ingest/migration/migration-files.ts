/** Writes a migration configuration and its export into a temporary folder, for tests that need their own. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../support/temp-dir.js';

export interface MigrationFolder {
  path: string;
  /** Writes a file of the folder and returns its path. */
  write(name: string, content: string): string;
  remove(): void;
}

export function migrationFolder(): MigrationFolder {
  const dir = tempDir('migration');
  return {
    path: dir.path,
    write(name, content) {
      const file = join(dir.path, name);
      writeFileSync(file, content);
      return file;
    },
    remove: dir.remove,
  };
}

/** One JSON object a line. */
export function jsonl(rows: object[]): string {
  return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
}
