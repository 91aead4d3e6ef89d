/** Writes a migration configuration and its export into a temporary folder, for tests that need their own. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../../support/temp-dir.js';

export interface MigrationFolder {
  path: string;
  /** Writes a file of the folder and returns its path. */
  write(name: string, content: string | Buffer): string;
  remove(): void;
}

export function migrationFolder(): MigrationFolder {
  const dir = tempDir('migration');
  return {
    path: dir.path,
    write(name, content) {
      const file = join(dir.path, name);
      mkdirSync(dirname(file), { recursive: true });
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
