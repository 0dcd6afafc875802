"""Every package the Member Area installs is pinned with its hashes, dependencies of
dependencies included, and installed with --require-hashes: a new release of any package in
the tree (or a file swapped on an index) never reaches a machine unnoticed.

The lock files are compiled from requirements*.in by `make lock` (pip-tools).
"""

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {
    "requirements.txt": "requirements.in",
    "requirements-dev.txt": "requirements-dev.in",
    "requirements-bench.txt": "requirements-bench.in",
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked(name):
    """{package: (version, hashes)} of a lock file."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", line)
            pins[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return pins


def wanted(name, seen=None):
    """{package: version} the .in file pins, following its -r includes."""
    seen = seen or set()
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            include = line[3:].strip()
            if include not in seen:
                seen.add(include)
                pins.update(wanted(include, seen))
        elif line and not line.startswith("-"):
            requirement = Requirement(line)
            assert str(requirement.specifier).startswith("=="), f"{name}: {line} is not pinned"
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    return pins


@pytest.mark.parametrize("lock", LOCKS)
def test_every_line_of_the_lock_files_is_pinned_with_hashes(lock):
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    requirements = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert requirements
    for line in requirements:
        assert PIN.match(line.strip()), f"{lock}: not an exact pin: {line.strip()[:60]}"
        assert "--hash=sha256:" in line, f"{lock}: no hash: {line.strip()[:60]}"


@pytest.mark.parametrize(("lock", "source"), LOCKS.items())
def test_the_locks_hold_what_the_in_files_ask_for(lock, source):
    pins = locked(lock)
    for package, version in wanted(source).items():
        assert pins.get(package, (None,))[0] == version, f"{lock}: {package}"


@pytest.mark.parametrize("lock", LOCKS)
def test_the_locks_hold_every_dependency_of_every_package(lock):
    """Walk the installed metadata of every locked package: each of its dependencies (for
    this platform and Python, with the extras asked for) is locked too."""
    pins = locked(lock)
    missing = []
    for package in pins:
        try:
            requires = metadata.requires(package) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (e.g. the bench set): its pins are checked above
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in pins:
                missing.append(f"{package} needs {requirement.name}")
    assert missing == []


def test_the_runtime_set_is_installed_from_its_lock(tmp_path):
    for package, (version, _hashes) in locked("requirements-dev.txt").items():
        if package in {"pip", "setuptools", "wheel", "build", "pip-tools", "pyproject-hooks"}:
            continue
        assert metadata.version(package) == version, package


def test_every_install_requires_the_hashes():
    makefile = (ROOT / "Makefile").read_text()
    installs = re.findall(r"\$\(PIP\) install[^\n]*", makefile)
    assert installs
    assert all("--require-hashes" in line and " -r requirements" in line for line in installs)
    assert "--upgrade pip" not in makefile
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.txt" in dockerfile
    assert "lock:" in makefile and "--generate-hashes" in makefile
