import { runCli } from '../../../sync-server/cli/commands';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `trellis-server` in this process (as the bin does) and captures what it prints. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env,
  });
  return { code, stdout, stderr };
}
