"""The guest's disks that are the same for every kernel: the filesystem images (cached) and the
/init archive (made on every run: it is small)."""
import shutil
import subprocess
from pathlib import Path

from kernel import write_cpio
from packages import unpack

HERE = Path(__file__).resolve().parent


def copy_busybox(archive, dest_dir):
    """The library suite's static busybox into DEST_DIR."""
    deb, = archive.fetch(["busybox-static"])
    x = Path(dest_dir).parent / ".busybox"
    shutil.rmtree(x, ignore_errors=True)
    unpack(deb, x)
    source = x / "bin/busybox" if (x / "bin/busybox").is_file() else x / "usr/bin/busybox"
    shutil.copy(source, Path(dest_dir) / "busybox")
    shutil.rmtree(x)


def prepare_init_cpio(lib_archive, work):
    """WORK/init.cpio: /init (guest-init) and a static busybox."""
    stage = Path(work) / "init"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "bin").mkdir(parents=True)
    copy_busybox(lib_archive, stage / "bin")
    shutil.copy(HERE / "guest-init", stage / "init")
    (stage / "init").chmod(0o755)
    write_cpio(stage, Path(work) / "init.cpio")
    shutil.rmtree(stage)
    return Path(work) / "init.cpio"


def prepare_fs_images(cache, work):
    """Filesystem images with 4096-byte blocks, made on the host without mounts and cached; each
    boot attaches fresh copies. Every one holds `testfile`, 1 MiB of non-zero data; xfs also holds
    `origin`, which the guest reflinks (xfs_io needs a mounted filesystem, the host must not mount)."""
    images, stage = Path(cache) / "images", Path(work) / "fsdata"
    images.mkdir(parents=True, exist_ok=True)
    stage.mkdir(parents=True, exist_ok=True)
    (stage / "testfile").write_text(("StorageProbe kernel matrix test data\n" * 30000)[:1 << 20])

    def build(name, size, mkfs):
        """Runs MKFS on NAME.tmp (made SIZE large first when given) unless NAME is cached."""
        img = images / name
        if img.exists() and img.stat().st_size > 0:
            return
        tmp = images / f"{name}.tmp"
        if size:
            subprocess.run(["truncate", "-s", size, str(tmp)], check=True)
        subprocess.run(mkfs(str(tmp)), check=True, stdout=subprocess.DEVNULL)
        tmp.rename(img)

    build("ext4-4k.img", None, lambda img: ["mkfs.ext4", "-q", "-F", "-b", "4096", "-L", "spext4", "-d", str(stage),
                                            img, "64M"])
    # mkfs.xfs fills a filesystem from a proto file (xfs_mkfs(8) "-p"): no mount needed.
    # xfs wants at least 300 MB; the image is sparse. Sector size 4096 as on the disk.
    shutil.copy(stage / "testfile", stage / "origin")
    proto = Path(work) / "xfs.proto"
    proto.write_text("\n".join(["proto", "0 0", "d--755 0 0", f"testfile ---644 0 0 {stage}/testfile",
                                f"origin ---644 0 0 {stage}/origin", "$"]) + "\n")
    build("xfs-4k.img", "320M", lambda img: ["mkfs.xfs", "-q", "-f", "-b", "size=4096", "-s", "size=4096",
                                             "-m", "reflink=1", "-L", "spxfs", "-p", str(proto), img])
    (stage / "origin").unlink()
    # mkfs.btrfs --rootdir copies a folder in. Checksummed (the default): the case issue 10 names.
    build("btrfs-4k.img", "256M", lambda img: ["mkfs.btrfs", "-q", "-f", "-s", "4096", "-L", "spbtrfs",
                                               "--rootdir", str(stage), img])
    shutil.rmtree(stage)
