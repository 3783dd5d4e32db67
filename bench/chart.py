#!/usr/bin/python3
"""Draws bench/results/arp-latency.png: the latency CDF of each responder and CPU from arp-latency.json.

usage: /usr/bin/python3 bench/chart.py   (needs python3-matplotlib)
"""
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

RESULTS = Path(__file__).resolve().parent / "results"


def label(result):
    cpu = result["responderCpu"]
    where = "softirq" if cpu == "softirq" else f"CPU {cpu}"
    return f'{result["responder"]} ({where}), median {result["micros"]["median"]:.1f} µs'


def main():
    document = json.loads((RESULTS / "arp-latency.json").read_text())
    figure, axes = plt.subplots(figsize=(8, 5))
    for result in document["results"]:
        samples = sorted(result["samplesMicros"])
        fractions = [(i + 1) / len(samples) for i in range(len(samples))]
        axes.step(samples, fractions, where="post", label=label(result))
    axes.set_xscale("log")
    axes.set_xlabel("ARP reply time seen by arping (µs, log scale)")
    axes.set_ylabel("fraction of requests answered")
    client_cpu = document["client"]["cpu"]
    axes.set_title(f'ARP reply latency, arping on CPU {client_cpu}, {document["date"][:10]}, {document["commit"]}')
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    output = RESULTS / "arp-latency.png"
    figure.savefig(output, dpi=110)
    print(f"wrote {output}")


main()
