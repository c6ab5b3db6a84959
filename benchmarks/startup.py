#!/usr/bin/env python3
"""Start-up cost of the CLI against the import floor of its stack, measured side by side.

Prints the median wall time (ms) of:
  floor-sqlite  python -c "import sqlite3"  (issue 17's floor)
  floor-typer   python -c "import typer"
  floor-stack   python -c "import typer, rich.console, sqlmodel, transitions"
  help          dflow --help
  show-json     dflow show ID --json
  list          dflow list
  record        dflow record ID STEP --set ...
  advance       dflow advance ID, refused (the stage's steps not done): a signed, recorded refusal
and the ratios help/floor-typer, show/floor-stack, record/floor-stack, and each command's to
floor-sqlite with issue 17's target for it.

The project's modules are byte-compiled first, as any regular install does (an editable install
under PYTHONDONTWRITEBYTECODE=1, as on this machine, would otherwise compile every module on
every command, while the floor's libraries were compiled when pip installed them). The key
files and the workflow cache live in a temporary directory.

Usage: python benchmarks/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_ms(commands: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """The median wall time of each command, run in turn (one of each per round, so a burst of
    load on this shared machine falls on all of them alike, not on one); two rounds warm up."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs + 2):
        for name, cmd in commands.items():
            start = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(t[2:]) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    dflow = shutil.which("dflow") or str(Path(sys.executable).with_name("dflow"))
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *(str(root / p) for p in ("decision_flow", "dflow_cli", "cli.py"))],
        check=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DFLOW_DB=str(Path(tmp) / "bench.db"),
            DFLOW_USER="zhao",
            DFLOW_KEYS=str(Path(tmp) / "keys"),
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
        )
        run = lambda *a: subprocess.run([dflow, *a], env=env, check=True, capture_output=True)  # noqa: E731
        run("init", "--admin", "admin")
        run("user", "add", "zhao", "--role", "officer", "--as", "admin")
        run("new", "沙河乡农贸市场搬迁", "--workflow", "major-decision")  # the county organ's own
        run(
            "record", "1", "initiation", "--set", "undertaking_unit=经济发展办", "--set", "start_approved_on=2024-03-01"
        )
        run("new", "沙河乡公共服务设施布局", "--workflow", "major-decision")
        py = sys.executable
        commands = {
            "floor-sqlite": [py, "-c", "import sqlite3"],
            "floor-typer": [py, "-c", "import typer"],
            "floor-stack": [py, "-c", "import typer, rich.console, sqlmodel, transitions"],
            "help": [dflow, "--help"],
            "show-json": [dflow, "show", "1", "--json"],
            "list": [dflow, "list"],
            "record": [dflow, "record", "1", "initiation", "--set", "proposed_by=乡长办公会"],
            "advance": [dflow, "advance", "2"],  # refused, its initiation not recorded: a signed refusal each run
        }
        figures = median_ms(commands, args.runs, env)
    for name, ms in figures.items():
        print(f"{name:<12} {ms:8.1f} ms")
    print(f"help / floor-typer      {figures['help'] / figures['floor-typer']:.2f}x")
    print(f"show-json / floor-stack {figures['show-json'] / figures['floor-stack']:.2f}x")
    print(f"record / floor-stack    {figures['record'] / figures['floor-stack']:.2f}x")
    floor = figures["floor-sqlite"]  # issue 17's targets: show, list 4x; record 6x; --help 3x
    for name, most in (("help", 3), ("show-json", 4), ("list", 4), ("record", 6), ("advance", 6)):
        print(f"{name} / import sqlite3: {figures[name] / floor:.1f}x (target at most {most}x)")


if __name__ == "__main__":
    main()
