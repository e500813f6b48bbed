"""Benchmark: start-up of the ``assessment`` command against a bare Flask app.

Runs ``assessment --help`` (which lists its commands without loading them: assessment/cli.py) and ``flask --help``
for a one-line Flask app in a temporary folder, interleaved, and prints the medians and their
ratio (the target is at most 2×): wall-clock time, and CPU time (user + system), which a busy
machine disturbs less. A third line imports only Flask and SQLAlchemy's ORM: the floor for any
``--help`` that builds the app. Then shows where the start-up goes: import time per package, from
``python -X importtime``, the packages that cost most first.

Byte code is cached in the temporary folder (PYTHONDONTWRITEBYTECODE is ignored), as it is in an
installed application; compiling our own modules on every start would otherwise dominate.

    python bench/bench_startup.py
    python bench/bench_startup.py --repeat 11 --top 15
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
TARGET_RATIO = 2.0
FRAMEWORKS = [sys.executable, "-c", "import flask, sqlalchemy.orm"]
# Runs the console entry point in-process, so that -X importtime sees everything it loads.
ENTRY_POINT = (
    "import sys\n"
    "from assessment.cli import main\n"
    "sys.argv = ['assessment', '--help']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
)


def script(name: str) -> str:
    """The console script installed beside this Python (the virtualenv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        sys.exit(f"'{name}' is not installed; run 'pip install -e .' first")
    return found


def seconds(command: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own fixed commands)
        command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def import_times(cwd: str, env: dict[str, str]) -> collections.Counter[str]:
    """Microseconds of import time per package (``assessment`` per subpackage), own time only."""
    result = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-X", "importtime", "-c", ENTRY_POINT],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    per_package: collections.Counter[str] = collections.Counter()
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        parts = name.split(".")
        package = ".".join(parts[:2]) if parts[0] == "assessment" else parts[0]
        per_package[package] += int(own)
    return per_package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command")
    parser.add_argument("--top", type=int, default=12, help="packages to show by import time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE_APP, encoding="utf-8")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("FLASK_") and key != "PYTHONDONTWRITEBYTECODE"
        }
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder, "pycache"))
        commands = {
            "assessment --help": ([script("assessment"), "--help"], env),
            "flask --help (bare app)": ([script("flask"), "--help"], {**env, "FLASK_APP": "bare"}),
            # The floor while `--help` builds the app: the two frameworks, nothing of ours.
            "python -c 'import flask, sqlalchemy.orm'": (FRAMEWORKS, env),
        }
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        for command, command_env in commands.values():
            seconds(command, folder, command_env)  # warm up: byte code and disk cache
        for _ in range(args.repeat):
            for label, (command, command_env) in commands.items():
                times[label].append(seconds(command, folder, command_env))
        medians = {
            label: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            for label, runs in times.items()
        }
        bare_wall, bare_cpu = medians["flask --help (bare app)"]
        print(f"median of {args.repeat} runs each, interleaved; ratio to the bare Flask app")
        print(f"  {'':<42} {'wall':>6}   {'CPU':>6}   {'wall':>5}  {'CPU':>5}")
        for label, (wall, cpu) in medians.items():
            print(f"  {label:<42} {wall:6.3f} s {cpu:6.3f} s {wall / bare_wall:5.2f}× {cpu / bare_cpu:5.2f}×")
        ratio = medians["assessment --help"][0] / bare_wall
        verdict = "within" if ratio <= TARGET_RATIO else "over"
        print(f"assessment --help: {ratio:.2f}× the bare app ({verdict} the target of {TARGET_RATIO:.0f}×)")

        runs = [import_times(folder, env) for _ in range(3)]
        packages = set().union(*runs)
        own = {name: statistics.median(run[name] for run in runs) for name in packages}
        total = sum(own.values())
        print(
            f"import time of 'assessment --help', own time per package, median of 3 runs "
            f"(-X importtime adds overhead; total {total / 1000:.0f} ms):"
        )
        for name, micro in sorted(own.items(), key=lambda item: -item[1])[: args.top]:
            print(f"  {micro / 1000:7.1f} ms  {100 * micro / total:4.1f}%  {name}")


if __name__ == "__main__":
    main()
