"""The Docker image never holds an environment file: `deploy/.env` (which the README tells
operators to create, with the database password and SECRET_KEY) or any other `.env` would
otherwise be copied into the image by `COPY . .` and travel with it to every registry."""

import shutil
import subprocess
from pathlib import Path

import pytest

from .dockerignore import context_files, is_excluded, read_patterns

ROOT = Path(__file__).resolve().parents[2]
DOCKERIGNORE = ROOT / "deploy" / "Dockerfile.dockerignore"
SECRETS = [".env", "deploy/.env", "tickets/.env", "deploy/.env.production"]


@pytest.fixture
def context(tmp_path):
    """A copy of the project's files, with the environment files an operator creates."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = ROOT / name
        if source.is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp_path / name)
    for name in SECRETS:
        (tmp_path / name).write_text("SECRET_KEY=not-for-the-image\n")
    return tmp_path


def test_no_environment_file_is_sent_to_the_build(context):
    files = context_files(context, DOCKERIGNORE)
    assert "manage.py" in files and "deploy/env.example" in files
    assert "requirements.txt" in files
    leaked = [name for name in files if Path(name).name.startswith(".env")]
    assert leaked == []


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        (".env", ".env", True),
        (".env", "deploy/.env", False),
        ("**/.env", "deploy/.env", True),
        ("**/.env", ".env", True),
        ("**/.env", "a/b/c/.env", True),
        ("media", "media/private/x.png", True),
        ("*.pyc", "tickets/x.pyc", False),
        ("**/*.pyc", "tickets/x.pyc", True),
        ("db.sqlite3*", "db.sqlite3-wal", True),
        ("/bench/results", "bench/results/a.csv", True),
        ("bench/results", "bench/compare.py", False),
        ("te?t", "test", True),
        ("[a-c]x", "bx", True),
    ],
)
def test_the_matcher_follows_dockers_rules(tmp_path, pattern, path, excluded):
    ignore = tmp_path / ".dockerignore"
    ignore.write_text(f"# comment\n\n{pattern}\n")
    assert is_excluded(path, read_patterns(ignore)) is excluded


def test_an_exception_takes_a_file_back(tmp_path):
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("docs\n!docs/keep.md\n")
    patterns = read_patterns(ignore)
    assert is_excluded("docs/a.md", patterns)
    assert not is_excluded("docs/keep.md", patterns)
