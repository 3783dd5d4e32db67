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

/** src/k8s's one-shot list of the cluster, loaded only when asked for (it brings the informers' code). */
async function clusterModelReader(): Promise<ClusterModelReader> {
  const { readClusterModel } = await import('../k8s/index.ts');
  const { withKubeHttp } = await import('../kubehttp/index.ts');
  return (kubeconfig, namespace) => withKubeHttp(kubeconfig, (http) => readClusterModel(http, { namespace }));
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
