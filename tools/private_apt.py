#!/usr/bin/env python3
"""An apt configuration of our own: sources, lists, cache and an empty dpkg status in one folder,
so that packages of any suite can be resolved, downloaded and unpacked without reading the host's
sources or changing its apt state. The one place the project sets this up: test-cluster/build.sh
and repin-sid.sh call it as a command, the kernel matrix imports it.

usage: private_apt.py DIR [--mirror URL] [--default-release SUITE] [--src SUITE]... SUITE...
  Writes DIR/apt.conf and DIR/sources.list, runs apt-get update, and prints DIR/apt.conf:
  `apt-get -c DIR/apt.conf ...` then works on that configuration alone.
  Mirror: --mirror, else $DEBIAN_MIRROR, else the Debian mirror of the host's apt sources.
"""
import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


class AptError(Exception):
    pass


def host_mirror():
    """The first Debian (not security) mirror of the host's apt sources, or None."""
    files = [Path("/etc/apt/sources.list")] + sorted(Path("/etc/apt/sources.list.d").glob("*"))
    for f in files:
        try:
            text = f.read_text()
        except OSError:
            continue
        for m in re.finditer(r"(?:URIs:|^deb) +(https?://\S+/debian)/?(?:\s|$)", text, re.M):
            if "-security" not in m.group(1):
                return m.group(1)
    return None


class PrivateApt:
    """DIR/apt.conf points every apt path into DIR; the dpkg status is empty, so a simulated
    install resolves a package's whole closure as on an empty system."""

    def __init__(self, root, mirror, suites, sources=(), default_release=None):
        self.root = Path(root)
        self.conf = self.root / "apt.conf"
        self.mirror, self.suites, self.sources = mirror, list(suites), list(sources)
        self.default_release = default_release

    def write(self):
        r = self.root
        for d in ("empty", "state/lists/partial", "cache/archives/partial"):
            (r / d).mkdir(parents=True, exist_ok=True)
        (r / "state/status").touch()
        lines = [f"deb [signed-by={KEYRING}] {self.mirror} {s} main" for s in self.suites]
        lines += [f"deb-src [signed-by={KEYRING}] {self.mirror} {s} main" for s in self.sources]
        (r / "sources.list").write_text("\n".join(lines) + "\n")
        options = {
            "Dir::Etc::SourceList": r / "sources.list", "Dir::Etc::SourceParts": r / "empty",
            "Dir::Etc::Preferences": r / "empty/none", "Dir::Etc::PreferencesParts": r / "empty",
            "Dir::State": r / "state", "Dir::State::status": r / "state/status", "Dir::Cache": r / "cache",
            "Acquire::Languages": "none", "APT::Sandbox::User": "root", "Debug::NoLocking": "1",
        }
        if self.default_release:
            options["APT::Default-Release"] = self.default_release
        self.conf.write_text("".join(f'{k} "{v}";\n' for k, v in options.items()))

    def update(self):
        """apt-get update; any index that cannot be fetched fails it (AptError with apt's last lines)."""
        self.write()
        log = self.root / "update.log"
        with open(log, "w") as out:
            rc = subprocess.run(self.apt_get("update", "-q", "--error-on=any"), stdout=out, stderr=out).returncode
        if rc != 0:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise AptError(f"apt-get update of {' '.join(self.suites)} at {self.mirror} failed: " + " | ".join(tail))

    def apt_get(self, *args):
        return ["apt-get", "-c", str(self.conf), *args]

    def apt_cache(self, *args):
        return ["apt-cache", "-c", str(self.conf), *args]


def main(argv):
    p = argparse.ArgumentParser(description="Set up and update a private apt configuration; prints its apt.conf.")
    p.add_argument("dir")
    p.add_argument("suites", nargs="+")
    p.add_argument("--mirror")
    p.add_argument("--default-release")
    p.add_argument("--src", action="append", default=[], help="also fetch the sources of SUITE")
    a = p.parse_args(argv)
    mirror = a.mirror or os.environ.get("DEBIAN_MIRROR") or host_mirror()
    if not mirror:
        sys.exit("private_apt.py: no Debian mirror in the host's apt sources; set DEBIAN_MIRROR")
    apt = PrivateApt(a.dir, mirror, a.suites, a.src, a.default_release)
    print(f"private_apt.py: apt-get update ({' '.join(a.suites)} from {mirror})", file=sys.stderr)
    try:
        apt.update()
    except AptError as e:
        sys.exit(f"private_apt.py: {e}")
    print(apt.conf)


if __name__ == "__main__":
    main(sys.argv[1:])
