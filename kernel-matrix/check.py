#!/usr/bin/env python3
"""Asserts the kernel matrix: reads each suite's serial console, takes the agent's JSON (the one
run in the guest, every rule counting) and qemu-io's output (one block per target and QEMU) from
between the marker lines, judges the agent's result for each QEMU that ran qemu-io with the
agent jar's `judge --qemu V` (offline: the facts do not depend on QEMU), and compares them all
with expected.txt and with each other.

Prints the agent's facts per kernel and target, then the matrix kernel x target x QEMU
(qemu-io result, the agent's verdict for that QEMU, agree?), then one line per failed
assertion. Exit 0 only if nothing failed.

usage: check.py EXPECTED RESULTS_DIR JAR SUITE...
"""
import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

JSON_BLOCK = re.compile(r"===STORAGEPROBE-MATRIX-JSON-BEGIN qemu=(\S+)===\n(.*?)===STORAGEPROBE-MATRIX-JSON-END", re.S)
EXIT = re.compile(r"===STORAGEPROBE-MATRIX-EXIT qemu=(\S+) rc=(\d+)===")
QEMUIO_BLOCK = re.compile(r"===QEMUIO-BEGIN target=(\S+) qemu=(\S+) version=(\S+)===\n(.*?)===QEMUIO-END rc=(\d+)===", re.S)
# Experiments read by people (issue 20): the tail of odd-sized images, qemu-img convert onto a 4K
# disk, NVMe without SGLs. Printed, not asserted.
EXTRA_BLOCK = re.compile(r"===EXTRA-BEGIN (.*?)===\n(.*?)===EXTRA-END rc=(\d+)===", re.S)
LOCAL_QEMU = re.compile(r"===LOCAL-QEMU-BEGIN===\n(.*?)===LOCAL-QEMU-END rc=(\d+)===", re.S)
TARGET = re.compile(r"^MATRIX: target (\S+) --(device|file)=(\S*) (\S+)$", re.M)
# The agent's exit code for each overall verdict (1: a rule failed, not a harness failure).
EXIT_CODE_OF_VERDICT = {"Compatible": 0, "Affected": 1}
# qemu-io prints strerror(); the table shows the errno name.
ERRNO_OF_MESSAGE = {os.strerror(n): name for n, name in errno.errorcode.items()}


def read_expected(path):
    """Agent rows (suite release target req buf split rule verdict) and qemu-io rows
    (qemu-io kernel-suite target qemu-suite PASS|FAIL, "*" matches anything, first match wins)."""
    agent, qemuio = [], []
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split()
        if f[0] == "qemu-io":
            qemuio.append(dict(suite=f[1], target=f[2], qemu=f[3], result=f[4]))
        else:
            suite, release, target, req, buf, split, rule, verdict = f
            agent.append(dict(suite=suite, release=release, target=target, req=int(req),
                              buf=int(buf), split=split, rule=rule, verdict=verdict))
    return agent, qemuio


def expected_qemuio(rows, suite, target, qemu):
    for r in rows:
        if all(r[k] in ("*", v) for k, v in (("suite", suite), ("target", target), ("qemu", qemu))):
            return r["result"]
    return None


def judge(body, rc):
    """qemu-io's output for one target: (PASS|FAIL, first failing command, errno or message).
    Each command prints one result line, in order: "read|wrote N/N bytes at offset O" or
    "CMD failed: strerror"; a pattern mismatch is printed just before the read's result line."""
    cmds = [l[len("QEMUIO-CMD "):] for l in body.splitlines() if l.startswith("QEMUIO-CMD ")]
    results, mismatch = [], False
    for line in body.splitlines():
        if line.startswith("Pattern verification failed"):
            mismatch = True
        elif re.match(r"^(read|wrote) \d+/\d+ bytes at offset \d+", line):
            results.append("EDATA(pattern mismatch)" if mismatch else None)
            mismatch = False
        elif m := re.match(r"^\w+ failed: (.*)$", line):
            results.append(ERRNO_OF_MESSAGE.get(m.group(1).strip(), m.group(1).strip()))
    failed = [(cmd, err) for cmd, err in zip(cmds, results) if err]
    if failed:
        more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
        return "FAIL", failed[0][0], failed[0][1] + more
    if len(results) != len(cmds) or rc != 0:
        # qemu-io could not open the target, or stopped early: say what it printed.
        lines = [l for l in body.splitlines() if l and not l.startswith("QEMUIO-CMD")]
        # "can't open device X: Could not find working O_DIRECT alignment" says more than the hint after it.
        last = next((l for l in lines if "can't open" in l), lines[-1] if lines else "")
        m = re.search(r": ([A-Z][a-z][^:]*)$", last)
        err = ERRNO_OF_MESSAGE.get(m.group(1).strip(), m.group(1).strip()) if m else (last or f"exit {rc}")
        return "FAIL", cmds[len(results)] if len(results) < len(cmds) else "-", err
    return "PASS", "", ""


def judge_for(jar, raw, version):
    """The agent's result judged for QEMU `version` by the jar's `judge` command: (exit code, JSON text)."""
    p = subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-jar", jar, "judge", "--qemu", version, "--output", "json"],
                       input=raw, capture_output=True, text=True)
    return p.returncode, p.stdout if p.returncode in (0, 1, 3) else p.stderr


def check_local_qemu(suite, text, guest_doc, targets, blocks, failures):
    """`check` with the oldest suite's qemu-img and qemu-io installed in the guest, on the device:
    judged for that version, its qemu-io asked where the device fails qemu-legacy-dio, and its
    verdict the same as that qemu-io's own on the device."""
    m = LOCAL_QEMU.search(text)
    if m is None:
        failures.append(f"{suite}: no local-QEMU check on the console")
        return
    try:
        spec = json.loads(m.group(1).strip())["spec"]
    except (ValueError, KeyError) as e:
        failures.append(f"{suite}: local-QEMU check output is not a result ({e}): {m.group(1).strip()[:200]!r}")
        return
    qemu = spec.get("qemu") or {}
    oldest = next(((q, v) for _, q, v, _, _ in blocks), None)
    device = [t for t in (guest_doc or {}).get("spec", {}).get("targets", []) if t.get("name") == targets.get("device")]
    legacy_fails = any(r.get("rule") == "qemu-legacy-dio" and r.get("status") == "Fail"
                       for t in device for r in t.get("rules", []))
    message = qemu.get("message", "")
    if oldest and not (qemu.get("version") or "").startswith(oldest[1]) or qemu.get("source") != "Local":
        failures.append(f"{suite}: local-QEMU check judged for {qemu}, not the local QEMU {oldest}")
    asked = "-r -c 'readv 0 512 3584'" in message
    if legacy_fails and "failed with EINVAL, as the version says" not in message:
        failures.append(f"{suite}: the device fails qemu-legacy-dio, but the local qemu-io did not confirm: {message}")
    if not legacy_fails and asked:
        failures.append(f"{suite}: the local qemu-io was asked although no target fails qemu-legacy-dio: {message}")
    io = next((judge(body, int(rc))[0] for t, q, v, body, rc in blocks if t == "device" and oldest and q == oldest[0]), None)
    verdict = spec.get("verdict")
    if io is not None and (verdict == "Affected") != (io == "FAIL"):
        failures.append(f"{suite}: with QEMU {oldest[1]} installed check says {verdict}, its qemu-io {io} on the device")
    print(f"{suite}: local QEMU {qemu.get('version')}: check says {verdict}, qemu-io {io}"
          f"{', asked and confirmed' if asked else ', not asked'}")


def main(expected_path, results, jar, suites):
    results = Path(results)
    agent_expected, qemuio_expected = read_expected(expected_path)
    fact_rows, matrix_rows, extra_rows, failures = [], [], [], []

    for suite in suites:
        status_file = results / f"{suite}.status"
        status = status_file.read_text().split(maxsplit=1) if status_file.exists() else ["failed", "not run"]
        if status[0] != "booted":
            failures.append(f"{suite}: {status[1].strip()}")
            continue
        wanted = [e for e in agent_expected if e["suite"] == suite]
        if not wanted:
            failures.append(f"{suite}: no expectations in {expected_path}")
            continue
        console = results / f"{suite}.console"
        text = console.read_text(errors="replace").replace("\r", "") if console.exists() else ""
        tail = " | ".join(text.strip().splitlines()[-5:])
        for line in re.findall(r"^MATRIX: (?:ERROR|insmod) .*$", text, re.M):
            failures.append(f"{suite}: guest: {line[len('MATRIX: '):]}")
        # matrix target name -> the name the agent was given (it reports it as target.name)
        targets = {m.group(1): m.group(3) for m in TARGET.finditer(text)}
        exits = {q: int(rc) for q, rc in EXIT.findall(text)}

        # The agent's JSON from the guest ("-": no --qemu, every rule counts), then the same result
        # judged offline for each QEMU whose qemu-io ran there.
        blocks = QEMUIO_BLOCK.findall(text)
        raw = dict(JSON_BLOCK.findall(text))
        if "-" in raw:
            for version in sorted({b[2] for b in blocks}):
                rc, out = judge_for(jar, raw["-"], version)
                raw[version] = out
                exits[version] = rc
        docs = {}
        for q, body in raw.items():
            try:
                docs[q] = json.loads(body.strip())
            except ValueError as e:
                failures.append(f"{suite} --qemu {q}: agent output is not JSON ({e}): {body.strip()[:200]!r}")
        if not docs:
            failures.append(f"{suite}: no agent JSON on the console; console tail: {tail}")
        for q, doc in docs.items():
            spec = doc.get("spec", doc)
            if exits.get(q) != EXIT_CODE_OF_VERDICT.get(spec.get("verdict")):
                failures.append(f"{suite} --qemu {q}: agent exit code {exits.get(q)} with overall verdict {spec.get('verdict')}")
            if q != "-":
                judged = (spec.get("qemu") or doc.get("qemu") or {}).get("version")
                # The agent may write 5.2 as 5.2.0.
                if judged is None or not (judged == q or judged.startswith(q + ".")):
                    failures.append(f"{suite} --qemu {q}: the result says it judged for QEMU {judged}")
                # A failing rule that does not make the target Affected stays visible as latent.
                for t in spec.get("targets", []):
                    latent = " ".join(t.get("latentFindings") or [])
                    for r in t.get("rules", []):
                        if r.get("status") == "Fail" and t.get("verdict") != "Affected" and r.get("rule") not in latent:
                            failures.append(f"{suite} --qemu {q} {t.get('name')}: {r.get('rule')} fails, "
                                            f"the verdict is {t.get('verdict')} and no latent finding names it")

        def agent_target(doc, name):
            spec = doc.get("spec", doc)
            found = [t for t in spec.get("targets", []) if t.get("name") == targets.get(name)]
            return found[0] if len(found) == 1 else None

        # The facts, from the guest's run.
        first = docs.get("-")
        if first is not None:
            spec = first.get("spec", first)
            kernel = spec.get("kernelRelease", "?")
            if not re.match(wanted[0]["release"], kernel):
                failures.append(f"{suite}: kernel {kernel} does not match {wanted[0]['release']}")
            if kernel != status[1].split()[0]:
                failures.append(f"{suite}: agent reports kernel {kernel}, booted {status[1].split()[0]}")
            for exp in wanted:
                t = agent_target(first, exp["target"])
                if t is None:
                    failures.append(f"{suite} {exp['target']}: not found once in the result (agent name {targets.get(exp['target'])})")
                    continue
                facts = t.get("facts", {})
                split = facts.get("splitVector", {}).get("result", "-")
                rule = next((r.get("status") for r in t.get("rules", []) if r.get("rule") == "qemu-legacy-dio"), "missing")
                got = dict(req=facts.get("probedRequestAlignment"), buf=facts.get("probedBufferAlignment"),
                           split=split, rule=rule, lbs=facts.get("logicalBlockSize"))
                vbm = facts.get("virtBoundaryMask")
                fact_rows.append([kernel, f"{exp['target']}:{t.get('path', '?')}", got["lbs"], got["req"],
                                  got["buf"], split, rule, "-" if vbm is None else vbm])
                # Everything probed here sits on a 4096-byte-sector disk.
                if got["lbs"] != 4096:
                    failures.append(f"{suite} {exp['target']}: logicalBlockSize {got['lbs']}, expected 4096")
                for key in ("req", "buf", "split", "rule"):
                    if got[key] != exp[key]:
                        failures.append(f"{suite} {exp['target']}: {key} is {got[key]}, expected {exp[key]}")
                # Without --qemu every rule counts: the verdict column of expected.txt.
                if t.get("verdict") != exp["verdict"]:
                    failures.append(f"{suite} {exp['target']}: verdict is {t.get('verdict')}, expected {exp['verdict']}")

        # The matrix: qemu-io per target and QEMU against expected.txt and against the agent.
        if not blocks:
            failures.append(f"{suite}: no qemu-io output on the console; console tail: {tail}")
        kernel = next(iter(docs.values()), {}).get("spec", {}).get("kernelRelease") or status[1].split()[0]
        for target, qsuite, version, body, rc in blocks:
            result, cmd, err = judge(body, int(rc))
            exp = expected_qemuio(qemuio_expected, suite, target, qsuite)
            if exp is None:
                failures.append(f"{suite} {target} qemu {version}: no qemu-io expectation in {expected_path}")
            elif exp != result:
                failures.append(f"{suite} {target} qemu {version} ({qsuite}): qemu-io {result}"
                                f"{f' ({cmd}: {err})' if err else ''}, expected {exp}")
            verdict, agree = "-", "n/a"
            doc = docs.get(version)
            if doc is not None:
                t = agent_target(doc, target)
                verdict = t.get("verdict") if t else "missing"
                agree = "yes" if (verdict == "Affected") == (result == "FAIL") else "NO"
                if agree != "yes":
                    failures.append(f"{suite} {target} qemu {version}: qemu-io {result}"
                                    f"{f' ({cmd}: {err})' if err else ''} but the agent says {verdict}"
                                    f" for --qemu {version}")
            else:
                failures.append(f"{suite} {target}: no agent result for --qemu {version}")
            matrix_rows.append([kernel, target, f"{version} ({qsuite})", result,
                                f"{cmd}: {err}" if err else "", verdict, agree])

        check_local_qemu(suite, text, docs.get("-"), targets, blocks, failures)
        for m in re.finditer(r"^MATRIX: (nvme(?:-prp)?=.*)$", text, re.M):
            extra_rows.append([kernel, "sysfs", m.group(1), "", ""])
        for what, body, rc in EXTRA_BLOCK.findall(text):
            lines = [l for l in body.splitlines() if l.strip() and not re.match(r"^[\d.]+ \w+, \d+ ops", l)]
            # One line per command result, failures first: what a person needs to see.
            failed = [l for l in lines if "failed" in l or "can't" in l or "rror" in l]
            shown = failed[0] if failed else (lines[-1] if lines else "")
            extra_rows.append([kernel, what.split()[0], " ".join(what.split()[1:]), f"rc={rc}", shown[:110]])

    def show(header, rows):
        table = [header] + [[str(c) for c in r] for r in rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        for r in table:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    show(["kernel", "target", "lbs", "req align", "buf align", "split-vector", "qemu-legacy-dio",
          "virt_boundary_mask"], fact_rows)
    print()
    show(["kernel", "target", "qemu", "qemu-io", "first failure (errno)", "agent verdict", "agree"], matrix_rows)
    if extra_rows:
        print()
        show(["kernel", "experiment", "where", "rc", "first failure, else last result"], extra_rows)
    for f in failures:
        print(f"FAIL {f}")
    print(f"kernel matrix: {'PASS' if not failures else 'FAIL'} "
          f"({len(matrix_rows)} kernel/target/QEMU cells, {len(failures)} failures)")
    return 0 if not failures else 1


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
