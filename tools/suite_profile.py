"""Where the suite's CPU goes: `make test-profile` samples every process of a
`make test` run with py-spy (the xdist workers and the commands they start) and
this prints each part's share of the samples.

    python tools/suite_profile.py tools/test-profile.txt [--top 40]

The input is py-spy's raw format: one line per distinct stack, its frames joined
by ";" from the outermost, then the number of samples. A sample is counted once
per heading it falls under, so each table's shares are of the whole run.
"""

import argparse
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

# "name (path/to/file.py:line)", as py-spy writes a frame.
FRAME = re.compile(r"^(?P<name>.+?) \((?P<file>[^()]+?)(?::\d+)?\)$")
APPS = ("accounts/", "common/", "danvan/", "directives/", "notifications/", "quarters/")
APPS += ("reports/", "sampledata/", "structure/")
# The test client's request, and the frame below which Django calls its view.
REQUEST = "ClientHandler.__call__"
HANDLER = "BaseHandler._get_response"


def stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    """(frames, samples) of each line of py-spy's raw output."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if count.isdigit():
                yield stack.split(";"), int(count)


def parse(frame: str) -> tuple[str, str]:
    """(function, file) of a frame; ("", "") for a process's own label."""
    match = FRAME.match(frame)
    return (match["name"], match["file"]) if match else ("", "")


def which_test(frames: list[str]) -> str:
    """The test function a sample ran in (parametrisations together), or what ran
    outside any: a command in a subprocess, or pytest's own work."""
    commands = [frame for frame in frames if frame.startswith("process ") and "manage.py" in frame]
    if commands:
        return "command: " + commands[-1].split("manage.py", 1)[1].strip(' "')[:40]
    for frame in frames:
        name, file = parse(frame)
        if file.startswith("tests/") and name.startswith("test_"):
            return f"{file}::{name}"
    for frame in frames:
        name, file = parse(frame)
        if file.startswith("tests/") and not file.endswith(("conftest.py", "once.py")):
            return f"{file}::{name} (fixture)"
    return "pytest and start-up"


def which_view(frames: list[str]) -> str:
    """The view a sample's request ran (the first function of the app's own code that
    Django's handler called), "the admin" for Django's admin, or where else it was."""
    names = [parse(frame) for frame in frames]
    if not any(name == REQUEST for name, _ in names):
        return "(not in a request)"
    inside = False
    for name, file in names:
        if name == HANDLER:
            inside = True
        elif inside and file.startswith(APPS):
            return f"{file}::{name}"
        elif inside and file.startswith("django/contrib/admin/"):
            return "the admin (Django's views)"
    return "(a request, outside the views: middleware, sign-in, responses rendered after)"


def shares(path: Path) -> tuple[int, Counter, Counter]:
    total, by_test, by_view = 0, Counter(), Counter()
    for frames, count in stacks(path):
        total += count
        by_test[which_test(frames)] += count
        by_view[which_view(frames)] += count
    return total, by_test, by_view


def print_table(title: str, counts: Counter, total: int, top: int) -> None:
    print(f"\n{title}")
    running = 0
    for key, count in counts.most_common(top):
        running += count
        print(f"{100 * count / total:5.1f}% {100 * running / total:5.1f}%  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    total, by_test, by_view = shares(args.profile)
    print(f"{total} samples (share, running share)")
    print_table("By test:", by_test, total, args.top)
    print_table("By view of the test client's requests:", by_view, total, args.top)


if __name__ == "__main__":
    main()
