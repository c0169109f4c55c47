# Shared by bench/agent-memory and bench/agent-memory-image: scrapes the agent's /metrics every
# 100 ms for SECONDS and samples VmRSS of the agent (every second) and of its process tree (agent
# plus probe children, every 100 ms); prints max, last and peak.
# Usage: python3 bench/tree_rss.py AGENT_PID METRICS_PORT SECONDS
import os, sys, time, urllib.request
pid, port, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def status(key, p=pid):
    try:
        for line in open(f"/proc/{p}/status"):
            if line.startswith(key):
                return int(line.split()[1])  # KiB
    except OSError:
        pass  # a child that just exited
    return 0
def descendants():
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d))
    found, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            found.append(c); todo.append(c)
    return found
mib = lambda kib: kib // 1024
rss, tree, ok, failed, body = [], [], 0, 0, ""
tree_peak, shared_peak, most_children = 0, 0, 0
start = time.time(); next_sample = start
while time.time() - start < seconds:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
        ok += 1
    except Exception:
        failed += 1
    kids = descendants()
    agent_rss = status("VmRSS")
    now = agent_rss + sum(status("VmRSS", c) for c in kids)
    shared = agent_rss + sum(status("RssAnon", c) for c in kids)
    tree_peak, shared_peak, most_children = max(tree_peak, now), max(shared_peak, shared), max(most_children, len(kids))
    if time.time() >= next_sample:
        rss.append(mib(status("VmRSS"))); tree.append(mib(now)); next_sample += 1
    time.sleep(0.1)
runs = [l for l in body.splitlines() if l.startswith("storageprobe_probe_runs_total")]
print(f"ran {seconds} s: {ok} scrapes ok, {failed} failed; {' '.join(runs)}")
print(f"agent VmRSS MiB: after 10 s {rss[min(10, len(rss)-1)]}, max {max(rss)}, last {rss[-1]}; VmHWM (peak) {mib(status('VmHWM'))} MiB")
print("agent VmRSS per minute:", rss[::60] + [rss[-1]])
print(f"tree (agent + probe children) VmRSS MiB: max of 1 s samples {max(tree)}, peak of 100 ms samples {mib(tree_peak)}, "
      f"most children at once {most_children}")
print(f"agent VmRSS + children's RssAnon (shared file pages once), peak of 100 ms samples: {mib(shared_peak)} MiB")
