/**
 * Builds the server bundle (dist/server, ~0.1 s) that `npm start` ships. The integration tests
 * (their Vitest global setup) and the benches build it first, so what they start as a process is
 * never a bundle older than the source. Once per process tree: a bench that runs another (the
 * scale-out one) passes the mark on in its environment.
 */
import { execFileSync } from 'node:child_process';

const BUILT_MARK = 'TRELLIS_SERVER_BUNDLE_BUILT';

export function buildServerBundle(): void {
  if (process.env[BUILT_MARK] === '1') return;
  execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
  process.env[BUILT_MARK] = '1';
}

export default buildServerBundle;
