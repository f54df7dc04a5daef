"""Shared by the experiment runners of tools/lib/bench (accuracy, scale, control): progress on stderr,
cleanup on exit and on Ctrl-C, the SRv6 test bed (tools/testbed), processes in its namespaces, and the
CSV and markdown files of a results directory (bench-results/<run>/, see tools/bench)."""
import argparse
import math
import os
import secrets
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
STAMPD = os.path.join(ROOT, "tools", "stampd")
TESTBED = os.path.join(ROOT, "tools", "testbed")
PYTHON = "/usr/bin/python3"
NC_CLIENT = os.path.join(ROOT, "tools", "lib", "stampd_nc.py")


class Runner:
    """Name for messages; SIGINT/SIGTERM become exceptions, so that every `finally` cleans up."""

    def __init__(self, name):
        self.name = name
        signal.signal(signal.SIGTERM, self._terminate)
        signal.signal(signal.SIGINT, self._terminate)

    def _terminate(self, signum, _frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")

    def log(self, *parts):
        print(f"{self.name}:", *parts, file=sys.stderr, flush=True)

    def fail(self, message):
        raise SystemExit(f"{self.name}: {message}")


class ArgumentParser(argparse.ArgumentParser):
    """Bad arguments: one line naming the argument (see --help), exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def bench_id():
    """A test bed id with this task's prefix: letters and digits, at most 12 (tools/testbed's rule)."""
    return "bx" + secrets.token_hex(3)


class Testbed:
    """tools/testbed up ... down, as a context manager; its KEY=VALUE lines as attributes-by-key."""

    def __init__(self, runner, tb_id, delay_us=0):
        self.runner = runner
        self.id = tb_id
        self.delay_us = delay_us
        self.env = {}

    def __enter__(self):
        self.runner.log(f"test bed {self.id} up (delay {self.delay_us} us)")
        try:
            out = subprocess.run([TESTBED, "up", "--id", self.id, "--delay-us", str(self.delay_us)],
                                 stdout=subprocess.PIPE, text=True, timeout=120, check=True).stdout
        except BaseException:
            self.down()
            raise
        self.env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        return self

    def __getitem__(self, key):
        return self.env[key]

    def set_delay(self, delay_us):
        subprocess.run([TESTBED, "set", "--id", self.id, "--delay-us", str(delay_us)], stdout=subprocess.DEVNULL,
                       timeout=60, check=True)
        self.delay_us = delay_us

    def down(self):
        if os.path.exists(f"/run/netns/stb-{self.id}-snd") or os.path.exists(f"/run/stampd-testbed/{self.id}.env") \
                or os.path.exists(f"/run/netns/stb-{self.id}-rfl") or os.path.exists(f"/run/netns/stb-{self.id}-trn"):
            subprocess.run([TESTBED, "down", "--id", self.id], stdout=subprocess.DEVNULL, timeout=60)

    def __exit__(self, *exc):
        self.down()
        return False


def start_in(ns, argv, stdout, stderr=subprocess.STDOUT, env=None):
    """Starts argv in namespace ns, in its own process group (stop() ends exactly that group)."""
    return subprocess.Popen(["ip", "netns", "exec", ns] + argv, stdout=stdout, stderr=stderr,
                            start_new_session=True, env=env)


def stop(proc, timeout=15):
    """SIGTERM to the process group of a process we started, SIGKILL if it does not end in time."""
    if proc is None or proc.poll() is not None:
        return proc.returncode if proc else None
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait(10)
    except ProcessLookupError:
        return proc.wait(10)


def run_reporting(argv, timeout_s):
    """Runs a measuring tool in its own process group and returns (exit code, its stdout).

    The tool alone gets SIGTERM first (it stops what it started and removes its directory),
    then whatever is left of its group."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                pass
        stop(proc)
    return proc.returncode, out or ""


def wait_for_line(path, text, proc, timeout_s, runner, what):
    """Waits until the file proc writes to contains text; fails if proc exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            content = f.read()
        if text in content:
            return content
        if proc.poll() is not None:
            runner.fail(f"{what} exited with {proc.returncode}: {content.strip()[-2000:]}")
        time.sleep(0.05)
    runner.fail(f"{what} did not print '{text}' within {timeout_s} s")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def median(sorted_values):
    n = len(sorted_values)
    if n == 0:
        return float("nan")
    mid = n // 2
    return sorted_values[mid] if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2


def num(value, digits=1):
    """Plain decimal for the CSV (no exponent, no thousands separator)."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def write_csv(path, header, rows):
    with open(path + ".tmp", "w") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(str(v) for v in row) + "\n")
    os.replace(path + ".tmp", path)


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_text(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
