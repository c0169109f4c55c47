"""Per kernel: its vmlinuz and an initramfs archive of the modules the guest loads, cached.

modules.cpio holds only the modules; each boot appends the /init archive (the kernel unpacks
concatenated cpio archives), so that editing guest-init does not unpack the kernels again."""
import gzip
import hashlib
import lzma
import os
import re
import shutil
import subprocess
from pathlib import Path

from packages import MatrixError, unpack

# Modules the guest needs to see and mount its disks; their dependencies come from modules.dep.
# crc32c is only a soft dependency of ext4 (metadata_csum) and so is named here. dm-crypt finds
# its cipher through the crypto manager, which would ask a modprobe the guest lacks: xts, ecb
# and aes (generic C, since TCG's CPU has no AES-NI) are named here for aes-xts-plain64.
WANTED_MODULES = "crc32c_generic virtio_pci virtio_blk nvme ext4 xfs btrfs dm_mod dm_crypt aes_generic ecb xts"


def module_name(path):
    return Path(path).name.split(".ko")[0].replace("-", "_")


def load_order(modules_dep, wanted):
    """The wanted modules this kernel has as files (built-in ones are absent from modules.dep)
    and their dependencies, each after what it depends on: [(name, path relative to the module dir)]."""
    files, deps = {}, {}
    for line in modules_dep.splitlines():
        path, _, needs = line.partition(":")
        name = module_name(path)
        files[name], deps[name] = path, [module_name(d) for d in needs.split()]
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for d in deps.get(name, []):
            visit(d)
        order.append(name)

    for name in wanted.split():
        if name in files:
            visit(name)
    return [(n, files[n]) for n in order]


def read_module(path):
    """A module file decompressed (busybox insmod may not decompress)."""
    name = path.name
    if name.endswith(".ko.xz"):
        return lzma.decompress(path.read_bytes())
    if name.endswith(".ko.gz"):
        return gzip.decompress(path.read_bytes())
    if name.endswith(".ko.zst"):
        return subprocess.run(["zstd", "-qdc", str(path)], check=True, capture_output=True).stdout
    if name.endswith(".ko"):
        return path.read_bytes()
    raise MatrixError(f"module {path}: unknown compression")


def write_cpio(stage, archive):
    """STAGE's files as a newc cpio archive owned by root."""
    with open(archive, "wb") as out:
        subprocess.run("find . | cpio -o -H newc -R 0:0 --quiet", shell=True, cwd=stage, stdout=out, check=True)


def prepare_kernel(archive, cache, work, log):
    """The cache folder holding vmlinuz, modules.cpio and abi for the suite's current kernel."""
    suite = archive.suite
    # linux-image-amd64 names the suite's current kernel package: linux-image-<abi>.
    abi = next((m.group(1) for d in archive.depends("linux-image-amd64")
                if (m := re.fullmatch(r"linux-image-(.*-amd64)", d))), None)
    if abi is None:
        raise MatrixError(f"no kernel behind linux-image-amd64 in {suite}")
    ver = archive.version(f"linux-image-{abi}")
    wanted_key = hashlib.sha256((WANTED_MODULES + "\n").encode()).hexdigest()[:8]
    kdir = Path(cache) / "kernels" / suite / f"{abi}_{re.sub('[:~]', '_', ver)}_{wanted_key}"
    if all((kdir / f).exists() and (kdir / f).stat().st_size > 0 for f in ("modules.cpio", "vmlinuz")):
        return kdir
    # The suite moved to another kernel: drop the old one so that the cache does not grow.
    shutil.rmtree(kdir.parent, ignore_errors=True)
    for old in archive.debs.glob("linux-*.deb"):
        if f"_{ver.replace(':', '%3a')}_" not in old.name:
            old.unlink()

    # Newer packaging splits the kernel into linux-binary/-modules/-base-<abi>: follow every
    # dependency that carries the ABI name.
    packages, queue = [], [f"linux-image-{abi}"]
    while queue:
        p = queue.pop(0)
        if p not in packages:
            packages.append(p)
            queue += [d for d in archive.depends(p) if abi in d]
    log(f"{suite}: kernel {abi} ({ver}): {' '.join(packages)}")
    tree, stage = Path(work) / f"kernel-{abi}", Path(work) / f"initrd-{abi}"
    tree.mkdir(parents=True)
    for deb in archive.fetch(packages):
        unpack(deb, tree)

    moddir = tree / "lib/modules" / abi
    if not moddir.is_dir():
        moddir = tree / "usr/lib/modules" / abi   # merged-/usr packaging
    # Classic packages ship /boot/vmlinuz-<abi>; split ones (7.x) ship <moddir>/vmlinuz.
    vmlinuz = tree / "boot" / f"vmlinuz-{abi}"
    if not vmlinuz.is_file():
        vmlinuz = moddir / "vmlinuz"
    if not (vmlinuz.is_file() and (moddir / "kernel").is_dir()):
        raise MatrixError(f"{abi}: vmlinuz or modules missing in {' '.join(packages)}")
    # modules.dep is made by depmod when a kernel is installed; we unpack only, so run it here.
    if not (moddir / "modules.dep").is_file():
        subprocess.run(["depmod", "-b", str(moddir.parent.parent.parent), abi], check=True)

    modules = stage / "modules"
    modules.mkdir(parents=True)
    order = load_order((moddir / "modules.dep").read_text(), WANTED_MODULES)
    for name, path in order:
        (modules / f"{name}.ko").write_bytes(read_module(moddir / path))
    (modules / "load.order").write_text("".join(f"{name}.ko\n" for name, _ in order))
    log(f"{suite}: modules to load: {' '.join(f'{name}.ko' for name, _ in order)} ")

    tmp = kdir.parent / f".tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copyfile(vmlinuz, tmp / "vmlinuz")
    write_cpio(stage, tmp / "modules.cpio")
    (tmp / "abi").write_text(abi + "\n")
    shutil.rmtree(kdir, ignore_errors=True)
    tmp.rename(kdir)
    shutil.rmtree(tree)
    shutil.rmtree(stage)
    return kdir
