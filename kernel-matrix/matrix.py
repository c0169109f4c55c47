#!/usr/bin/env python3
"""The kernel matrix (see README.md; `run` installs the host tools and starts this): fetches the
current kernel of each suite in expected.txt and the three judging QEMUs through private apt
configurations, builds the guest's disks, boots the guests two at a time (`boot`; the next kernel
is fetched while they run) and asserts their consoles with check.py. Exit 0 only if every
assertion passes. Settings: the environment variables in README.md."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import check
from disks import prepare_fs_images, prepare_init_cpio
from kernel import prepare_kernel
from packages import AptError, MatrixError, SuiteArchive
from runtime import QEMU_SUITES, prepare_runtime_image

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The guest's JVM, busybox and C libraries come from bookworm, like the CI machine.
LIB_SUITE = "bookworm"
START = time.monotonic()


def log(message):
    print(f"[matrix {int(time.monotonic() - START):4d}s] {message}", file=sys.stderr, flush=True)


class Settings:
    def __init__(self, env):
        self.cache = Path(env.get("STORAGEPROBE_MATRIX_CACHE") or Path.home() / ".cache/storageprobe/kernel-matrix")
        # One boot runs the agent once (a child JVM per target) and qemu-io many times under TCG.
        # The limit catches a hang, not a slow emulator.
        self.timeout = int(env.get("STORAGEPROBE_MATRIX_TIMEOUT") or 1800)
        self.jobs = int(env.get("STORAGEPROBE_MATRIX_JOBS") or 2)
        self.mirror = env.get("STORAGEPROBE_MATRIX_MIRROR") or "http://deb.debian.org/debian"
        self.jar = env.get("STORAGEPROBE_MATRIX_JAR")
        self.suites = env.get("STORAGEPROBE_MATRIX_SUITES", "").split()
        self.kernels = env.get("KERNELS", "").split()


def select_suites(expected, settings):
    """STORAGEPROBE_MATRIX_SUITES, else the suites whose kernel line (the release regex in
    expected.txt) matches one of KERNELS, else all of expected.txt, in its order."""
    if settings.suites:
        return settings.suites
    rows = {}
    for line in Path(expected).read_text().splitlines():
        f = line.split()
        if f and not line.startswith("#") and f[0] != "qemu-io":
            rows.setdefault(f[0], f[1])
    if not settings.kernels:
        return list(rows)
    return [s for s, release in rows.items() if any(re.search(release, f"{k}.") for k in settings.kernels)]


class Boots:
    """Guests running in the background, at most JOBS at once; each writes RESULTS/SUITE.status:
    "booted <abi>" or "failed <reason>"."""

    def __init__(self, settings, work, results, init_cpio, runtime_image):
        self.settings, self.work, self.results = settings, work, results
        self.init_cpio, self.runtime_image = init_cpio, runtime_image
        self.slots = threading.Semaphore(settings.jobs)
        self.done, self.running, self.lock, self.stopped = [], set(), threading.Lock(), False

    def start(self, suite, kdir):
        self.slots.acquire()
        done = threading.Event()
        self.done.append(done)
        threading.Thread(target=self._boot, args=(suite, kdir, done)).start()

    def wait(self):
        # Events, not Thread.join: a join interrupted by a signal (Ctrl-C) takes the thread for
        # finished (Python 3.11), and the cleanup would not wait for its status file.
        for done in self.done:
            done.wait()

    def stop(self):
        """Ends the guests still running (timeout passes the TERM on to QEMU) and waits for their
        status files."""
        with self.lock:
            self.stopped = True
            for p in self.running:
                p.terminate()
        self.wait()

    def _boot(self, suite, kdir, done):
        try:
            abi = (kdir / "abi").read_text().strip()
            log(f"{suite}: booting {abi}")
            t0 = time.monotonic()
            qemu_log = self.results / f"{suite}.qemu.log"
            with open(qemu_log, "w") as out, self.lock:
                if self.stopped:
                    return
                p = subprocess.Popen([str(HERE / "boot"), str(self.work / f"boot-{suite}"), str(kdir),
                                      str(self.init_cpio), str(self.runtime_image), str(self.settings.cache / "images"),
                                      str(self.results / f"{suite}.console"), str(self.settings.timeout)],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
                self.running.add(p)
            rc = p.wait()
            with self.lock:
                self.running.discard(p)
            shutil.rmtree(self.work / f"boot-{suite}", ignore_errors=True)
            if self.stopped:
                status = "failed interrupted"
            elif rc == 0:
                status = f"booted {abi}"
            elif rc == 124:
                status = f"failed boot timed out after {self.settings.timeout}s"
            else:
                last = (qemu_log.read_text(errors="replace").strip().splitlines() or [""])[-1]
                status = f"failed qemu exited with {rc}: {last}"
            (self.results / f"{suite}.status").write_text(status + "\n")
            log(f"{suite}: {status} (QEMU ran {int(time.monotonic() - t0)} s)")
        finally:
            self.slots.release()
            done.set()


def run(settings, work):
    for tool in ("jlink", "jdeps"):
        if shutil.which(tool) is None:
            log(f"ERROR: {tool} (JDK 17) not found")
            return 2
    settings.cache.mkdir(parents=True, exist_ok=True)
    jar = settings.jar
    if not jar:
        # Built when missing or older than its sources, as ./storageprobe does.
        built = subprocess.run([str(REPO / "tools/agent-jar.sh")], stdout=subprocess.PIPE, text=True)
        if built.returncode != 0:
            log("ERROR: could not build the agent jar (tools/agent-jar.sh)")
            return 2
        jar = built.stdout.strip()
    results = work / "results"
    results.mkdir()
    expected = HERE / "expected.txt"
    suites = select_suites(expected, settings)
    if not suites:
        log(f"ERROR: no suite matches KERNELS={' '.join(settings.kernels)}")
        return 2
    archives = {s: SuiteArchive(settings.cache, s, settings.mirror, log)
                for s in dict.fromkeys([LIB_SUITE, *QEMU_SUITES, *suites])}

    def fail(suite_list, reason):
        for s in suite_list:
            (results / f"{s}.status").write_text(f"failed {reason}\n")

    # A status file per suite: "booted <abi>" or "failed <reason>"; check.py reports them all.
    to_boot = []
    try:
        archives[LIB_SUITE].update()
    except AptError as e:
        log(f"ERROR: {e}")
        fail(suites, f"{LIB_SUITE} (busybox, guest libraries) unreachable at {settings.mirror}")
    else:
        try:
            runtime_image = prepare_runtime_image(archives, archives[LIB_SUITE], jar, settings.cache, work, log)
            init_cpio = prepare_init_cpio(archives[LIB_SUITE], work)
            to_boot = suites
        except (AptError, MatrixError, subprocess.CalledProcessError) as e:
            log(f"ERROR: {e}")
            fail(suites, "could not build the runtime disk (qemu-utils trees)")
    boots = None
    try:
        if to_boot:
            prepare_fs_images(settings.cache, work)
            boots = Boots(settings, work, results, init_cpio, runtime_image)
        # Each kernel is fetched while earlier guests boot. Newest first: the 7.x guest has the most
        # targets (its kernel takes the 8K disk) and boots longest, so it starts beside the first
        # other guest instead of after the others.
        for s in reversed(to_boot):
            try:
                archives[s].update()
            except AptError as e:
                log(f"ERROR: {e}")
                fail([s], f"suite {s} unreachable at {settings.mirror}")
                continue
            try:
                kdir = prepare_kernel(archives[s], settings.cache, work, log)
            except (AptError, MatrixError, subprocess.CalledProcessError) as e:
                log(f"ERROR: {e}")
                fail([s], f"could not prepare the kernel of {s}")
                continue
            boots.start(s, kdir)
        if boots:
            boots.wait()
    finally:
        if boots:
            boots.stop()
    rc = check.main(expected, results, jar, suites)
    sys.stdout.flush()
    log(f"total {int(time.monotonic() - START)} s (cache: {settings.cache})")
    return rc


def interrupted(signum, frame):
    log("interrupted")
    sys.exit(130)


def main():
    settings = Settings(os.environ)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, interrupted)
    # Everything temporary lives in WORK.
    work = Path(tempfile.mkdtemp(prefix="storageprobe-matrix.", dir="/tmp"))
    try:
        return run(settings, work)
    except (MatrixError, AptError, subprocess.CalledProcessError, OSError) as e:
        log(f"ERROR: {e}")
        return 1
    finally:
        # Keep the consoles of the last run for diagnosis; everything else temporary goes.
        if (work / "results").is_dir():
            shutil.rmtree(settings.cache / "last-run", ignore_errors=True)
            shutil.copytree(work / "results", settings.cache / "last-run")
        shutil.rmtree(work, ignore_errors=True)
        # Half-built cache entries of an interrupted run (complete ones are renamed into place).
        for tmp in [*settings.cache.glob("images/*.tmp"), *settings.cache.glob(f"kernels/*/.tmp-{os.getpid()}")]:
            shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
