/**
 * Draws membership charts as PNGs with matplotlib (/usr/bin/python3, python3-matplotlib): failover
 * distributions (one cumulative curve per series, log time axis) and detection time against cluster size.
 * The plotting scripts are passed on stdin, the data as JSON.
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

export interface SizeSeries {
  readonly label: string;
  /** [cluster size, p50 ms, p99 ms] */
  readonly points: readonly (readonly [number, number, number])[];
  /** Line for simulated series, markers only for measured ones. */
  readonly measured: boolean;
}

const SIZE_SCRIPT = `
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
spec = json.loads(sys.argv[1])
figure, axes = plt.subplots(figsize=(8, 5))
for index, series in enumerate(spec["series"]):
    sizes = [p[0] for p in series["points"]]
    color = "C%d" % index
    style = dict(linestyle="none", marker="o", markersize=8) if series["measured"] else dict(marker=".")
    axes.plot(sizes, [p[1] for p in series["points"]], color=color, label=series["label"] + " p50", **style)
    style99 = dict(style, marker="^" if series["measured"] else "x")
    if not series["measured"]:
        style99["linestyle"] = "--"
    axes.plot(sizes, [p[2] for p in series["points"]], color=color, label=series["label"] + " p99", **style99)
for y, name in spec["marks"]:
    axes.axhline(y, color="grey", linestyle=":", linewidth=1)
    axes.text(spec["sizes"][-1], y, name, fontsize="small", color="grey", va="bottom", ha="right")
axes.set_xscale("log")
axes.set_xticks(spec["sizes"])
axes.set_xticklabels([str(s) for s in spec["sizes"]])
axes.set_ylim(bottom=0)
axes.set_xlabel("members")
axes.set_ylabel("ms from link cut to removal at every other member")
axes.set_title(spec["title"])
axes.grid(True, alpha=0.3)
axes.legend(loc="upper left", fontsize="small")
figure.tight_layout()
figure.savefig(spec["output"], dpi=110)
`;

/** Writes `output`: p50 and p99 detection time per cluster size; `marks` are horizontal lines [y, name]. */
export function drawBySize(
  output: string,
  title: string,
  series: readonly SizeSeries[],
  marks: readonly [number, string][] = [],
): void {
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const spec = JSON.stringify({ output, title, series, marks, sizes });
  execFileSync('/usr/bin/python3', ['-', spec], {
    input: SIZE_SCRIPT,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
}
