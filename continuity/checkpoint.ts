/** Files as they were before a command wrote them, so a failed sync can put them back. */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class FileCheckpoint {
  private readonly saved = new Map<string, Buffer | null>();

  constructor(private readonly root: string) {}

  /** Remember a file before its first write (null: it did not exist). */
  save(rel: string): void {
    const file = join(this.root, rel);
    if (!this.saved.has(rel)) this.saved.set(rel, existsSync(file) ? readFileSync(file) : null);
  }

  restore(): void {
    for (const [rel, content] of this.saved) {
      const file = join(this.root, rel);
      if (content === null) rmSync(file, { force: true });
      else writeFileSync(file, content);
    }
  }
}
