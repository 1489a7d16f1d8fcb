/**
 * Builds the server bundle (dist/server, ~0.1 s) that `npm start` ships. The integration tests
 * (their Vitest global setup) and the benches build it first, so what they start as a process is
 * never a bundle older than the source.
 */
import { execFileSync } from 'node:child_process';

export function buildServerBundle(): void {
  execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
}

export default buildServerBundle;
