#!/usr/bin/env python3
"""Re-measures the disaggregation agreement table and the colocated comparison of
docs/models/inference.md: the documents of tests/world/test_inference_disaggregated.cpp
(Llama 3.1 70B FP8, one GB300 rack, 1 prefill + 2 decode instances of 8 GPUs), run through
the CLI at 10-90 % of the fluid capacity at both fidelities. Run from the repository root
after building; about a minute on 2 cores."""
import copy
import json
import os
import subprocess
import sys
import tempfile

BIN = os.environ.get("FACTORYSIM", "build/factorysim")
BASE = {
    "name": "svc", "failures": {"enabled": False}, "horizon_hours": 1,
    "pods": [{"name": "p", "rack": "gb300_nvl72", "racks": 1}],
    "workloads": [{
        "type": "inference", "name": "s", "model": "llama3.1-70b", "precision": "fp8", "max_batch": 128,
        "input_tokens": {"mean": 1024}, "output_tokens": {"mean": 256},
        "disaggregation": {"prefill": {"replicas": 1, "gpus": 8}, "decode": {"replicas": 2, "gpus": 8}},
    }],
}


def serve(doc):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        out = subprocess.run([BIN, "-q", "run", f.name, "--format", "json"], capture_output=True, text=True,
                             check=True).stdout
    finally:
        os.unlink(f.name)
    return json.loads(out)["throughput"]["inference"][0]


def with_load(arrival, fidelity):
    doc = copy.deepcopy(BASE)
    doc["workloads"][0]["arrival"] = arrival
    doc["workloads"][0]["fidelity"] = fidelity
    return doc


def main():
    cap = serve(with_load({"type": "offline"}, "fluid"))["requests_completed"] / 3600.0
    print(f"capacity {cap:.1f} requests/s (fluid / request-level below)")
    print("| load | output tokens/s | TTFT mean, ms | TTFT p99, ms | TPOT mean, ms |")
    print("|---|---|---|---|---|")
    for load in (0.1, 0.3, 0.5, 0.7, 0.9):
        f, r = (serve(with_load({"rate_per_s": load * cap}, fid)) for fid in ("fluid", "request"))
        print(f"| {load:.0%} | {f['output_tokens_per_s']:,.0f} / {r['output_tokens_per_s']:,.0f} "
              f"| {f['ttft_mean_s'] * 1e3:.1f} / {r['ttft_mean_s'] * 1e3:.1f} "
              f"| {f['ttft_p99_s'] * 1e3:.1f} / {r['ttft_p99_s'] * 1e3:.1f} "
              f"| {f['tpot_mean_s'] * 1e3:.2f} / {r['tpot_mean_s'] * 1e3:.2f} |")
    rate = 0.7 * cap
    doc = with_load({"rate_per_s": rate}, "request")
    disaggregated = serve(doc)
    w = doc["workloads"][0]
    del w["disaggregation"]
    w["replicas"] = 3
    w["instance"] = {"gpus": 8}
    colocated = serve(doc)
    print(f"same 24 GPUs at {rate:.1f} requests/s, request level:")
    for name, x in (("colocated (3 replicas)", colocated), ("disaggregated (1 + 2)", disaggregated)):
        print(f"  {name}: TPOT mean / p99 {x['tpot_mean_s'] * 1e3:.1f} / {x['tpot_p99_s'] * 1e3:.1f} ms, "
              f"TTFT mean {x['ttft_mean_s'] * 1e3:.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
