#!/usr/bin/env python3
"""Asserts the kernel matrix: reads each suite's serial console, takes the agent's JSON from
between the marker lines and compares it with expected.txt. Prints one table row per kernel
and target, then one line per failed assertion. Exit 0 only if nothing failed.

usage: check.py EXPECTED RESULTS_DIR SUITE...
"""
import json
import re
import sys
from pathlib import Path

BEGIN = "===STORAGEPROBE-MATRIX-JSON-BEGIN==="
END = "===STORAGEPROBE-MATRIX-JSON-END==="
EXIT = re.compile(r"===STORAGEPROBE-MATRIX-EXIT=(\d+)===")
# The agent's exit code for each overall verdict (1: a rule failed, not a harness failure).
EXIT_CODE_OF_VERDICT = {"Compatible": 0, "Affected": 1}


def read_expected(path):
    rows = []
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            suite, release, target, req, buf, split, rule, verdict = line.split()
            rows.append(dict(suite=suite, release=release, target=target, req=int(req),
                             buf=int(buf), split=split, rule=rule, verdict=verdict))
    return rows


def agent_output(console):
    """Returns (json object or None, agent exit code or None, error text)."""
    text = console.read_text(errors="replace").replace("\r", "") if console.exists() else ""
    code = EXIT.search(text)
    code = int(code.group(1)) if code else None
    if BEGIN not in text or END not in text:
        return None, code, "no JSON markers on the console"
    body = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    try:
        return json.loads(body), code, ""
    except ValueError as e:
        return None, code, f"agent output is not JSON ({e}): {body[:200]!r}"


def main(expected_path, results, suites):
    results = Path(results)
    expected = read_expected(expected_path)
    rows, failures = [], []

    for suite in suites:
        status_file = results / f"{suite}.status"
        status = status_file.read_text().split(maxsplit=1) if status_file.exists() else ["failed", "not run"]
        if status[0] != "booted":
            failures.append(f"{suite}: {status[1].strip()}")
            continue
        wanted = [e for e in expected if e["suite"] == suite]
        if not wanted:
            failures.append(f"{suite}: no expectations in {expected_path}")
            continue
        doc, code, error = agent_output(results / f"{suite}.console")
        if doc is None:
            tail = (results / f"{suite}.console").read_text(errors="replace").strip().splitlines()[-5:]
            failures.append(f"{suite}: {error}; agent exit {code}; console tail: {' | '.join(tail)}")
            continue
        spec = doc.get("spec", {})
        if code != EXIT_CODE_OF_VERDICT.get(spec.get("verdict")):
            failures.append(f"{suite}: agent exit code {code} with overall verdict {spec.get('verdict')}")
        kernel = spec.get("kernelRelease", "?")
        if not re.match(wanted[0]["release"], kernel):
            failures.append(f"{suite}: kernel {kernel} does not match {wanted[0]['release']}")
        booted_abi = status[1].split()[0]
        if kernel != booted_abi:
            failures.append(f"{suite}: agent reports kernel {kernel}, booted {booted_abi}")

        for exp in wanted:
            targets = [t for t in spec.get("targets", []) if t.get("kind") == exp["target"]]
            if len(targets) != 1:
                failures.append(f"{suite} {exp['target']}: {len(targets)} targets of that kind in the result")
                continue
            t = targets[0]
            facts = t.get("facts", {})
            split = facts.get("splitVector", {}).get("result", "-")
            rule = next((r.get("status") for r in t.get("rules", []) if r.get("rule") == "qemu-legacy-dio"), "missing")
            got = dict(req=facts.get("probedRequestAlignment"), buf=facts.get("probedBufferAlignment"),
                       split=split, rule=rule, verdict=t.get("verdict"), lbs=facts.get("logicalBlockSize"))
            rows.append([kernel, f"{exp['target']}:{t.get('path', '?')}", got["lbs"], got["req"], got["buf"],
                         split, rule, got["verdict"]])
            # Everything probed here sits on the 4096-byte-sector disk.
            if got["lbs"] != 4096:
                failures.append(f"{suite} {exp['target']}: logicalBlockSize {got['lbs']}, expected 4096")
            for key in ("req", "buf", "split", "rule", "verdict"):
                if got[key] != exp[key]:
                    failures.append(f"{suite} {exp['target']}: {key} is {got[key]}, expected {exp[key]}")

    header = ["kernel", "target", "lbs", "req align", "buf align", "split-vector", "qemu-legacy-dio", "target verdict"]
    table = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for f in failures:
        print(f"FAIL {f}")
    print(f"kernel matrix: {'PASS' if not failures else 'FAIL'} "
          f"({len(rows)} kernel/target rows, {len(failures)} failures)")
    return 0 if not failures else 1


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
