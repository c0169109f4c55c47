"""Prints NAME=VERSION for the golang-* dependency closure of the given packages.

Reads a Debian Packages index on stdin. Used by repin-sid.sh to (re)write sid-packages.txt;
only golang-* dependencies are followed because the build needs Go sources and the Go
tool chain, never shared libraries.
"""
import sys

packages = {}
for block in sys.stdin.read().split("\n\n"):
    fields, last = {}, None
    for line in block.split("\n"):
        if line.startswith(" ") and last:
            fields[last] += line
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key], last = value.strip(), key
    if "Package" in fields:
        packages[fields["Package"]] = fields

provided_by = {}
for name, fields in packages.items():
    for item in fields.get("Provides", "").split(","):
        virtual = item.strip().split(" ")[0]
        if virtual:
            provided_by.setdefault(virtual, name)

seen, todo = set(), list(sys.argv[1:])
skip = {"golang-go", "golang-any"}   # meta packages: the tool chain is named explicitly
while todo:
    name = todo.pop()
    if name in skip:
        continue
    if name not in packages:
        if name not in provided_by:
            sys.exit(f"sid-closure: no package or provider for {name}")
        name = provided_by[name]
    if name in seen:
        continue
    seen.add(name)
    for alternatives in packages[name].get("Depends", "").split(","):
        dep = alternatives.split("|")[0].strip().split(" ")[0].split(":")[0]
        if dep.startswith("golang-"):
            todo.append(dep)

for name in sorted(seen):
    print(f"{name}={packages[name]['Version']}")
