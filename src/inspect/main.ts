/**
 * Runs `l2speaker status|explain ...` (bin/l2speaker.js dispatches here): prints the result, exit
 * code 0; 2 on bad usage; 1 when a source cannot be read.
 */
import {
  explainCommand,
  INSPECT_USAGE,
  InspectUsageError,
  statusCommand,
  type ClusterModelReader,
} from './cli.ts';

/** src/k8s's readClusterModel, or undefined in a build without Kubernetes mode. */
async function clusterModelReader(): Promise<ClusterModelReader | undefined> {
  const entry = new URL('../k8s/index.ts', import.meta.url).href;
  let k8s: { readClusterModel?: unknown };
  try {
    k8s = (await import(entry)) as { readClusterModel?: unknown };
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      String(err).includes(entry.slice(7))
    )
      return undefined;
    throw err;
  }
  return typeof k8s.readClusterModel === 'function'
    ? (k8s.readClusterModel as ClusterModelReader)
    : undefined;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(INSPECT_USAGE);
      return 0;
    }
    const result =
      command === 'status' ? await statusCommand(rest) : await explainCommand(rest, clusterModelReader);
    process.stdout.write(result.output);
    return result.code;
  } catch (err) {
    if (err instanceof InspectUsageError) {
      process.stderr.write(`l2speaker ${command ?? ''}: ${err.message}\n\n${INSPECT_USAGE}`);
      return 2;
    }
    process.stderr.write(`l2speaker ${command ?? ''}: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
