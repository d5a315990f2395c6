#!/usr/bin/env python3
"""Runs the reference Leiden implementation (leidenalg, from PyPI) on a graph exported by
`cargo run --release --example export_coupling_graph -- <repo> <file.tsv>` and prints a Markdown table row
comparing its modularity with decompose's (read from the file's header line).

    python3 -m venv /tmp/leiden-ref && /tmp/leiden-ref/bin/pip install leidenalg igraph
    /tmp/leiden-ref/bin/python scripts/leidenalg_compare.py <name> <file.tsv>
"""
import sys

import igraph as ig
import leidenalg as la


def main() -> None:
    name, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().split()
        fields = dict(item.split("=", 1) for item in header[2:])
        edges, weights = [], []
        for line in handle:
            a, b, w = line.split("\t")
            edges.append((int(a), int(b)))
            weights.append(float(w))
    graph = ig.Graph(n=int(fields["nodes"]), edges=edges)
    graph.es["weight"] = weights
    # Weighted modularity (γ = 1) of a leidenalg partition. Note: a partition's `.modularity` property
    # ignores the edge weights; `graph.modularity(.., weights=..)` (equal to `quality()` here) does not.
    def weighted_q(seed: int) -> float:
        partition = la.find_partition(graph, la.ModularityVertexPartition, weights="weight", n_iterations=-1, seed=seed)
        return graph.modularity(partition.membership, weights="weight")

    ref_single = weighted_q(42)
    ref_best = max(weighted_q(s) for s in range(10))
    ours_single, ours_best = float(fields["single"]), float(fields["best10"])
    gap = (ours_best - ref_best) / ref_best * 100 if ref_best else 0.0
    print(
        f"| {name} | {fields['nodes']} | {fields['edges']} | {ours_single:.4f} | {ours_best:.4f} | "
        f"{ref_single:.4f} | {ref_best:.4f} | {gap:+.2f}% |"
    )


if __name__ == "__main__":
    main()
