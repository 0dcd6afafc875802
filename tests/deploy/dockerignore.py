"""Which files `docker build` sends as its context, given a .dockerignore file.

The rules of Docker's own matcher (moby/patternmatcher), which a build applies: each line
is a pattern (blank lines and lines starting with # are skipped; surrounding blanks are
trimmed); a leading / is dropped and the pattern cleaned like a path; `*` matches any run of
characters but /, `?` one character but /, `[...]` a class, and `**` any number of
directories, none included. A pattern that matches a directory matches all that is inside
it. `!pattern` takes matching paths back in; the last pattern that matches a path decides.
"""

import posixpath
import re
from pathlib import Path


def _translate(pattern):
    """The regular expression of one pattern."""
    out, at = [], 0
    while at < len(pattern):
        char = pattern[at]
        if pattern.startswith("**", at):
            at += 2
            if pattern.startswith("/", at):
                out.append("(?:.*/)?")  # "**/": any directories, or none
                at += 1
            else:
                out.append(".*")
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            close = pattern.find("]", at + 1)
            if close < 0:
                raise ValueError(f"unclosed class in {pattern!r}")
            body = pattern[at + 1 : close]
            if body.startswith("^"):
                body = "!" + body[1:]
            out.append("[^/]" if body == "!" else "[" + body.replace("!", "^", 1) + "]")
            at = close
        elif char == "\\" and at + 1 < len(pattern):
            at += 1
            out.append(re.escape(pattern[at]))
        else:
            out.append(re.escape(char))
        at += 1
    return re.compile("".join(out))


def read_patterns(path):
    """(exclusion?, regex) for each pattern of a .dockerignore file, in order."""
    patterns = []
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        if keep:
            line = line[1:].strip()
        line = posixpath.normpath(line.lstrip("/")) if line.lstrip("/") else "."
        patterns.append((keep, _translate(line)))
    return patterns


def is_excluded(relative_path, patterns):
    """Does the build leave out `relative_path` (a / separated path in the context)?"""
    parts = relative_path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for keep, regex in patterns:
        # A pattern matches the path itself or any directory it lies in.
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not keep
    return excluded


def context_files(root, dockerignore):
    """Every file under `root` that the build context holds, as / separated paths."""
    root = Path(root)
    patterns = read_patterns(dockerignore)
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not is_excluded(path.relative_to(root).as_posix(), patterns)
    )
