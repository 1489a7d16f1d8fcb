import * as Y from 'yjs';
import { runCli } from '../../../sync-server/cli/commands';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `trellis-server` in this process (as the bin does) and captures what it prints; `stdin` is
 * what the command reads as standard input (`restore -`).
 */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  { stdin }: { stdin?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    write: async (text) => {
      stdout += text;
    },
    readInput: async () => {
      if (stdin === undefined) throw new Error('no standard input given to this command');
      return stdin;
    },
    env,
  });
  return { code, stdout, stderr };
}

/** Writes these rooms into the data directory `dir`, one stored entry each (several for an array). */
export async function dataDirWith(
  dir: string,
  rooms: Record<string, Uint8Array | Uint8Array[]>,
): Promise<string> {
  const store = await LevelDocStore.open(dir);
  for (const [room, entries] of Object.entries(rooms)) {
    for (const entry of Array.isArray(entries) ? entries : [entries]) await store.append(room, entry);
  }
  await store.close();
  return dir;
}

/** Each stored room's text (root `t`), as a stopped server's data directory holds it. */
export async function storedTexts(dir: string): Promise<Record<string, string>> {
  const store = await LevelDocStore.open(dir);
  try {
    const texts: Record<string, string> = {};
    for (const { room } of await store.list()) {
      const doc = new Y.Doc();
      for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
      texts[room] = doc.getText('t').toString();
    }
    return texts;
  } finally {
    await store.close();
  }
}
