import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'trellis';

/**
 * The directory of Trellis's package.json, found upward from this module (the source tree, or
 * dist/server and its chunks): paths the server ships with (the built client) resolve against it,
 * not the working directory. Null when the module runs outside the package.
 */
export function packageRoot(from: string = import.meta.url): string | null {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME)
          return dir;
      } catch {
        // an unreadable package.json is not ours
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
