/**
 * Files the running server leaves in its data directory for the CLI on the same machine: the admin
 * credential that admin endpoints require (readable by the operator's account only), and where the
 * server listens, so the CLI reaches it whatever port it was started on.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ADMIN_CREDENTIAL_FILE = 'admin-credential';
export const SERVER_RECORD_FILE = 'server.json';

export interface ServerRecord {
  /** Where the server listens, reachable from this machine. */
  url: string;
  pid: number;
  /** The address people open (`--public-url`), when the server was given one; share links use it. */
  publicUrl?: string;
}

/** Writes a new random admin credential (0600) and returns it; each start makes a new one. */
export async function writeAdminCredential(dataDir: string): Promise<string> {
  const credential = randomBytes(32).toString('base64url');
  await writePrivate(join(dataDir, ADMIN_CREDENTIAL_FILE), `${credential}\n`);
  return credential;
}

/** The credential of the server that runs on `dataDir`, or null when there is none (or it is unreadable). */
export async function readAdminCredential(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(join(dataDir, ADMIN_CREDENTIAL_FILE), 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

/** Compares in constant time, so the answer's timing tells nothing of the credential. */
export function credentialMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function writeServerRecord(dataDir: string, record: ServerRecord): Promise<void> {
  await writePrivate(join(dataDir, SERVER_RECORD_FILE), `${JSON.stringify(record)}\n`);
}

/** Where the server on `dataDir` said it listens, or null. */
export async function readServerRecord(dataDir: string): Promise<ServerRecord | null> {
  try {
    const record = JSON.parse(
      await readFile(join(dataDir, SERVER_RECORD_FILE), 'utf8'),
    ) as Partial<ServerRecord>;
    if (typeof record.url !== 'string' || typeof record.pid !== 'number') return null;
    return {
      url: record.url,
      pid: record.pid,
      ...(typeof record.publicUrl === 'string' ? { publicUrl: record.publicUrl } : {}),
    };
  } catch {
    return null;
  }
}

/** Written whole under another name, then renamed: a reader never sees half a file. */
async function writePrivate(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask and ignored for an existing file.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
