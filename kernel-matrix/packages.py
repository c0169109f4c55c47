"""The Debian packages of one suite, through a private apt of its own (tools/private_apt.py) under
the matrix cache: versions and dependencies of the candidates, downloads kept in the cache, and
whole dependency closures unpacked into a folder (never installed)."""
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from private_apt import AptError, PrivateApt  # noqa: E402  (the shared private apt)


class MatrixError(Exception):
    """A step of the matrix failed; the message says which and why."""


def unpack(deb, dest):
    subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)


class SuiteArchive:
    def __init__(self, cache, suite, mirror, log):
        self.suite, self.log = suite, log
        # One suite per configuration, so that suites never mix (the dpkg status is empty).
        self.apt = PrivateApt(Path(cache) / "apt" / suite, mirror, [suite])
        self.debs = Path(cache) / "debs" / suite
        self.updated = False

    def update(self):
        """apt-get update, once per run; AptError if the suite cannot be fetched."""
        if not self.updated:
            self.apt.update()
            self.updated = True

    def show(self, *packages):
        """{name: {field: value}} of each package's candidate version (absent: not in the suite)."""
        out = subprocess.run(self.apt.apt_cache("show", "--no-all-versions", *packages),
                             capture_output=True, text=True).stdout
        found = {}
        for block in out.split("\n\n"):
            fields = dict(l.split(": ", 1) for l in block.splitlines() if ": " in l and not l.startswith(" "))
            if "Package" in fields:
                found[fields["Package"]] = fields
        return found

    def version(self, package):
        return self.show(package).get(package, {}).get("Version", "")

    def depends(self, package):
        """The names the candidate depends on, alternatives included."""
        line = self.show(package).get(package, {}).get("Depends", "")
        return [n for n in (re.sub(r"\(.*\)", "", d).replace(" ", "") for d in re.split(r"[,|]", line)) if n]

    def fetch(self, packages):
        """The .deb path of each package's candidate, downloading only those not in the cache yet.
        One apt-cache call and one apt-get download for all: a call per package cost minutes over
        the 66 packages of trixie's qemu-utils closure."""
        self.debs.mkdir(parents=True, exist_ok=True)
        shown = self.show(*packages)
        versions, missing = {}, []
        for p in packages:
            v = shown.get(p, {}).get("Version")
            if not v:
                raise MatrixError(f"{p} not in {self.suite}")
            versions[p] = v
            if not self._cached(p, v):
                missing.append(f"{p}={v}")
        if missing:
            r = subprocess.run(self.apt.apt_get("download", "-q", *missing), cwd=self.debs,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise MatrixError(f"apt-get download in {self.suite} failed: {r.stderr.strip()}")
        return [self._cached(p, versions[p])[0] for p in packages]

    def _cached(self, package, version):
        # apt-get download names files NAME_VERSION_ARCH.deb with ':' written as %3a.
        return sorted(self.debs.glob(f"{package}_{version.replace(':', '%3a')}_*.deb"))

    def closure(self, packages):
        """The packages apt would install for PACKAGES on an empty system, dependencies included."""
        out = subprocess.run(self.apt.apt_get("-s", "-q", "install", "--no-install-recommends", *packages),
                             capture_output=True, text=True).stdout
        return [l.split()[1] for l in out.splitlines() if l.startswith("Inst ")]

    def unpack_closure(self, dest, packages):
        """Unpacks PACKAGES with their whole Depends closure into DEST and writes DEST/x, which
        starts a program of that tree with the tree's own ld.so and libraries: `DEST/x qemu-io ARGS`."""
        self.update()
        names = self.closure(packages)
        if not names:
            raise MatrixError(f"could not resolve {' '.join(packages)} in {self.suite}")
        self.log(f"runtime: {self.suite}: {' '.join(packages)} ({len(names)} packages with dependencies)")
        dest.mkdir(parents=True, exist_ok=True)
        for deb in self.fetch(names):
            unpack(deb, dest)
        # The tree's own loader; older suites keep it in /lib, newer ones in /usr/lib. Its symlinks
        # inside the tree are relative, so exists() follows them within DEST.
        ldso = next((l for l in ("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                                 "usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2") if (dest / l).exists()), None)
        if ldso is None:
            raise MatrixError(f"no ld.so in the {self.suite} tree")
        x = dest / "x"
        x.write_text(f"""#!/bin/sh
# Runs a program of this {self.suite} tree with the tree's ld.so and libraries (no chroot needed).
T=${{0%/*}}; p=$1; shift
for d in usr/bin usr/sbin bin sbin; do [ -x "$T/$d/$p" ] && break; done
exec "$T/{ldso}" --library-path "$T/lib/x86_64-linux-gnu:$T/usr/lib/x86_64-linux-gnu" "$T/$d/$p" "$@"
""")
        x.chmod(0o755)
        subprocess.run(["rm", "-rf", str(dest / "usr/share")], check=True)


__all__ = ["AptError", "MatrixError", "SuiteArchive", "unpack"]
