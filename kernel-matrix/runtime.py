"""The runtime disk, read-only in the guest: a jlink'ed JDK 17, the agent jar and bookworm's C
libraries, to chroot into; plus /q/SUITE: each judging suite's qemu-utils with its closure (and
dmsetup, xfs_io), started with that tree's own ld.so."""
import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from disks import copy_busybox
from packages import MatrixError, unpack

HERE = Path(__file__).resolve().parent
# The QEMUs that judge: each suite's qemu-utils (qemu-io) with its own library closure.
QEMU_SUITES = ["bullseye", "bookworm", "trixie"]
# dmsetup and xfs_io for the guest come from this suite (its tree also holds its qemu-utils).
TOOLS_SUITE = "trixie"


def judged_version(package_version):
    """"1:7.2+dfsg-7+deb12u18" -> "7.2": the version the agent is asked to judge for."""
    v = re.sub(r"^[0-9]*:", "", package_version)
    m = re.match(r"^([0-9]*\.[0-9]*)", v)
    return m.group(1) if m else v


def cache_key(jar, qemu_packages):
    """Names the jar, the JDK, the code that builds the disk and every package version in the trees."""
    h = hashlib.sha256()
    h.update(hashlib.sha256(Path(jar).read_bytes()).digest())
    h.update(subprocess.run(["java", "-version"], capture_output=True).stderr)
    for f in ("runtime.py", "packages.py", "disks.py"):
        h.update((HERE / f).read_bytes())
    h.update(qemu_packages.encode())
    return h.hexdigest()[:16]


def jlink_modules(jar, work):
    """The JDK modules the agent uses (jdeps), plus jdk.unsupported: JNA reaches sun.misc.Unsafe
    through it. jdeps refuses a shaded jar that still carries a library's module-info (it then
    looks for that library's module): it is asked about a copy without them."""
    copy = Path(work) / "jdeps.jar"
    with zipfile.ZipFile(jar) as i, zipfile.ZipFile(copy, "w") as o:
        for e in i.infolist():
            if not e.filename.endswith("module-info.class"):
                o.writestr(e, i.read(e))
    mods = subprocess.run(["jdeps", "--multi-release", "17", "--ignore-missing-deps", "--print-module-deps", str(copy)],
                          capture_output=True, text=True, check=True).stdout.strip()
    return f"{mods},jdk.unsupported"


def prepare_runtime_image(archives, lib_archive, jar, cache, work, log):
    """The path of the runtime disk for this jar, JDK and these packages, built unless cached."""
    qemu_packages = ""
    for s in QEMU_SUITES:
        archives[s].update()
        qemu_packages += f"{s} {archives[s].version('qemu-utils')} {archives[s].version('libc6')}\n"
    images = Path(cache) / "images"
    image = images / f"runtime-{cache_key(jar, qemu_packages)}.img"
    if image.exists() and image.stat().st_size > 0:
        return image
    stage = Path(work) / "runtime"
    images.mkdir(parents=True, exist_ok=True)
    mods = jlink_modules(jar, work)
    log(f"runtime: jlink modules {mods}")
    (stage / "opt/storageprobe").mkdir(parents=True)
    subprocess.run(["jlink", "--add-modules", mods, "--output", str(stage / "opt/java"),
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2"], check=True)
    shutil.copyfile(jar, stage / "opt/storageprobe/storageprobe.jar")
    for deb in lib_archive.fetch(["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]):
        unpack(deb, stage)
    shutil.rmtree(stage / "usr/share", ignore_errors=True)
    # A CDS archive of the JDK's classes, made by this very runtime in the chroot the guest uses
    # (jlink 17 makes none): every JVM of a boot, the agent and each of its probe children alike,
    # maps it with no flag instead of loading and verifying those classes again under TCG.
    # (LD_LIBRARY_PATH: without /proc in the chroot, the launcher's $ORIGIN rpath finds no libjli.)
    subprocess.run(["chroot", str(stage), "/opt/java/bin/java", "-Xshare:dump", "-Xlog:cds=off", "-Xlog:cds+heap=off"],
                   env={**os.environ, "LD_LIBRARY_PATH": "/opt/java/lib"}, stdout=subprocess.DEVNULL, check=True)
    q = stage / "q"
    suites = []
    for s in QEMU_SUITES:
        wanted = ["qemu-utils", "dmsetup", "xfsprogs"] if s == TOOLS_SUITE else ["qemu-utils"]
        archives[s].unpack_closure(q / s, wanted)
        suites.append(f"{s} {judged_version(archives[s].version('qemu-utils'))}")
    (q / "suites").write_text("".join(f"{line}\n" for line in suites))
    (q / "tools-suite").write_text(TOOLS_SUITE + "\n")
    log(f"runtime: qemu-io of {' '.join(suites)} ")
    # The oldest QEMU "installed" for `check` in the chroot: qemu-img and qemu-io on PATH in
    # /q/local-bin, each a script that starts the tree's own program (busybox is its /bin/sh), so
    # that the agent reads its version and asks its qemu-io where a split vector fails.
    oldest = suites[0].split()[0]
    (stage / "bin").mkdir(parents=True, exist_ok=True)
    (q / "local-bin").mkdir(parents=True)
    copy_busybox(lib_archive, stage / "bin")
    (stage / "bin/sh").symlink_to("busybox")
    for tool in ("qemu-img", "qemu-io"):
        (q / "local-bin" / tool).write_text(f'#!/bin/sh\nexec /q/{oldest}/x {tool} "$@"\n')
        (q / "local-bin" / tool).chmod(0o755)
    # Mount points for the guest's chroot (the image is mounted read-only).
    for d in ("proc", "sys", "dev", "tmp", "etc", "mnt/ext4", "mnt/xfs", "mnt/btrfs"):
        (stage / d).mkdir(parents=True, exist_ok=True)
    (stage / "etc/hosts").write_text("127.0.0.1 localhost storageprobe-guest\n")
    mb = int(subprocess.run(["du", "-sm", str(stage)], capture_output=True, text=True, check=True).stdout.split()[0])
    # Older jars, and data-4k.img of the matrix before qemu-io: keep the cache from growing.
    for old in [*images.glob("runtime-*.img"), images / "data-4k.img"]:
        old.unlink(missing_ok=True)
    tmp = images / f"{image.name}.tmp"
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "sprt", "-d", str(stage), str(tmp), f"{mb * 13 // 10 + 32}M"],
                   stdout=subprocess.DEVNULL, check=True)
    tmp.rename(image)
    shutil.rmtree(stage)
    return image
