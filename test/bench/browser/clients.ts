/**
 * The client builds the browser benchmark serves: this tree's client, and the client of an earlier commit
 * (checked out with `git worktree` into a temporary directory, built with this tree's node_modules), so both
 * are measured in the same run against the same server build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../servers';

export interface ClientBuild {
  /** `current`, or the short commit id of a baseline. */
  name: string;
  dir: string;
}

function viteBuild(root: string, outDir: string): void {
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      // Readable function names in the profiles BENCH_TRACE_DIR asks for.
      ...(process.env.BENCH_TRACE_DIR ? ['--minify', 'false'] : []),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (!existsSync(path.join(outDir, 'index.html')))
    throw new Error(`vite build in ${root} wrote no index.html`);
}

/** Builds this tree's client into a directory of its own (dist/client is left alone: e2e runs serve it). */
export function buildCurrentClient(workDir: string): ClientBuild {
  const dir = path.join(workDir, 'current');
  viteBuild(REPO_ROOT, dir);
  return { name: 'current', dir };
}

/** Builds the client of `revision`; the worktree is removed again before this returns. */
export function buildBaselineClient(workDir: string, revision: string): ClientBuild {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const commit = git('rev-parse', '--short', `${revision}^{commit}`);
  const tree = mkdtempSync(path.join(tmpdir(), 'trellis-bench-baseline-'));
  rmSync(tree, { recursive: true, force: true });
  git('worktree', 'add', '--detach', tree, commit);
  try {
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    const dir = path.join(workDir, `baseline-${commit}`);
    viteBuild(tree, dir);
    return { name: commit, dir };
  } finally {
    git('worktree', 'remove', '--force', tree);
  }
}
