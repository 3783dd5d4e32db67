/**
 * Draws the failover distributions as a PNG with matplotlib (/usr/bin/python3, python3-matplotlib): one
 * cumulative curve per series, log time axis. The plotting script is passed on stdin, the data as JSON.
 */
import { execFileSync } from 'node:child_process';

export interface ChartSeries {
  readonly label: string;
  readonly samplesMs: readonly number[];
}

const SCRIPT = `
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
spec = json.loads(sys.argv[1])
figure, axes = plt.subplots(figsize=(8, 5))
for series in spec["series"]:
    samples = sorted(series["samplesMs"])
    fractions = [(i + 1) / len(samples) for i in range(len(samples))]
    axes.step(samples, fractions, where="post", label=series["label"])
for x, name in spec["marks"]:
    axes.axvline(x, color="grey", linestyle=":", linewidth=1)
    axes.text(x, 0.02, name, rotation=90, fontsize="small", color="grey")
axes.set_xscale("log")
axes.set_xlabel(spec["xlabel"])
axes.set_ylabel("fraction of trials")
axes.set_title(spec["title"])
axes.grid(True, which="both", alpha=0.3)
axes.legend(loc="lower right", fontsize="small")
figure.tight_layout()
figure.savefig(spec["output"], dpi=110)
`;

/** Writes `output`; `marks` are vertical reference lines [x, name]. Throws if python3 fails. */
export function drawCdf(
  output: string,
  title: string,
  xlabel: string,
  series: readonly ChartSeries[],
  marks: readonly [number, string][] = [],
): void {
  const spec = JSON.stringify({ output, title, xlabel, series, marks });
  execFileSync('/usr/bin/python3', ['-', spec], { input: SCRIPT, stdio: ['pipe', 'inherit', 'inherit'] });
}
