import { runCli } from '../../../sync-server/cli/commands';

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
