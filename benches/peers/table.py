"""Markdown table of one corpus's runs, for benches/compare.sh.

Usage: python table.py DIR CORPUS_LABEL TOOL...

For each TOOL, DIR holds what compare.sh left: TOOL.time (`wall_s peak_rss_kb` from
/usr/bin/time), TOOL.eval.json (`tidings eval --json`), TOOL.json (the peer's own
report line: load time, settings), or TOOL.skipped / TOOL.failed with the reason;
an embedding peer also TOOL.sim-SIM.eval.json for the other cuts of its sweep.
Ratios are to the tidings row.
"""

import glob
import json
import os
import sys

HEADER = ("| tool | docs | wall s | load s | docs/s | peak RSS MB "
          "| story B³ P / R / F1 | story pairwise P / R / F1 | cross-lingual pair recall "
          "| article B³ F1 | docs/s ÷ tidings | B³ F1 ÷ tidings |")
RULE = "|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|"

LABELS = {
    "tidings": "tidings",
    "gaoya": "gaoya MinHash-LSH",
    "datasketch": "datasketch MinHash-LSH",
    "use": "USE-multilingual v3 + average link",
    "e5": "multilingual-e5-small + average link",
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def load(directory, tool):
    base = os.path.join(directory, tool)
    for state in ("skipped", "failed"):
        if os.path.exists(f"{base}.{state}"):
            return {"tool": tool, state: read(f"{base}.{state}")}
    wall_s, rss_kb = read(f"{base}.time").split()[-2:]
    report = json.loads(read(f"{base}.eval.json"))
    peer = {}
    if os.path.exists(f"{base}.json"):
        lines = read(f"{base}.json").splitlines()
        peer = json.loads(lines[-1]) if lines else {}
    story, article = report["story"], report["article"]
    cross = report["story_pairs_by_lang"]["cross"]
    return {
        "tool": tool,
        "docs": report["counts"]["n_pred"],
        "wall": float(wall_s),
        "load": peer.get("load_s"),
        "rss_mb": int(rss_kb) / 1024,
        "b3": story["b_cubed"],
        "pair": story["pairwise"],
        "cross": cross["recall"] if cross["pairs"] else None,
        "article_b3": article["b_cubed"]["f1"],
    }


def fmt(x, digits=3):
    return "—" if x is None else f"{x:.{digits}f}"


def sig(x):
    """A rate or ratio: whole from 100 up, else about three digits (12.8, 2.25, 0.029)."""
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.2g}"


def prf(m):
    return f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}"


def row(r, base):
    name = LABELS.get(r["tool"], r["tool"])
    for state in ("skipped", "failed"):
        if state in r:
            return f"| {name} | {state}: {r[state]} |" + " |" * 10
    dps = r["docs"] / r["wall"] if r["wall"] > 0 else None
    ratio_dps = ratio_f1 = None
    if base and "b3" in base:
        base_dps = base["docs"] / base["wall"] if base["wall"] > 0 else None
        ratio_dps = dps / base_dps if dps and base_dps else None
        ratio_f1 = r["b3"]["f1"] / base["b3"]["f1"] if base["b3"]["f1"] else None
    return (f"| {name} | {r['docs']:,} | {r['wall']:.2f} | {fmt(r['load'], 2)} "
            f"| {sig(dps)} | {r['rss_mb']:,.0f} | {prf(r['b3'])} | {prf(r['pair'])} "
            f"| {fmt(r['cross'])} | {r['article_b3']:.3f} | {sig(ratio_dps)} "
            f"| {fmt(ratio_f1, 2)} |")


def main(directory, label, tools):
    runs = [load(directory, t) for t in tools]
    base = next((r for r in runs if r["tool"] == "tidings" and "b3" in r), None)
    print(f"### {label}\n")
    print(HEADER)
    print(RULE)
    for r in runs:
        print(row(r, base))
    print()
    for r in runs:
        if "b3" in r:
            print_sweep(directory, r)


def print_sweep(directory, r):
    """One line per embedding peer: story B³ F1 and cross-lingual recall at each cut."""
    found = []
    for path in glob.glob(os.path.join(directory, f"{r['tool']}.sim-*.eval.json")):
        sim = float(path.rsplit(".sim-", 1)[1].removesuffix(".eval.json"))
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        cross = report["story_pairs_by_lang"]["cross"]
        recall = fmt(cross["recall"] if cross["pairs"] else None, 2)
        found.append((sim, report["story"]["b_cubed"]["f1"], recall))
    if not found:
        return
    with open(os.path.join(directory, f"{r['tool']}.json"), encoding="utf-8") as f:
        cut = json.loads(f.read().strip().splitlines()[-1])["threshold"]
    cells = " · ".join(f"{sim:g}: {f1:.3f} / {recall}" for sim, f1, recall in sorted(found))
    print(f"{LABELS.get(r['tool'], r['tool'])}, other cuts (mean cosine: story B³ F1 / "
          f"cross-lingual recall): {cells}. The row above is cut at {cut:g}, chosen on "
          "data/sample.jsonl.\n")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
