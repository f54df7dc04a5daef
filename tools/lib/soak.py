#!/usr/bin/python3
"""The soak's driver (tools/soak is its launcher and says what it does; run that, as root).

Two agents on a fresh test bed (tools/testbed, no delay, no loss): a reflector agent in the
reflector namespace and a sender agent in the sender namespace, each with its NETCONF and metrics
endpoints on its own namespace's ::1. This process reaches them by switching its main thread into
a namespace (setns(2)) while it opens a connection: a socket stays in the namespace it was made in.
"""
import argparse
import collections
import contextlib
import ctypes
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from ncclient import manager
from ncclient.operations.rpc import RPCError
import ncclient.transport.ssh

# ncclient sends a queued request only when its transport thread's select() returns (TICK, 0.1 s).
ncclient.transport.ssh.TICK = 0.01

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NS = "urn:stampd:yang:stampd-stamp"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
READY = "stampd agent: NETCONF listening on"
NETCONF_PORT = 830
METRICS_PORT = 9862
REFLECTOR_PORT = 862
# The reflector's second session, whose port every fifth commit toggles between these two by
# replacing the reflector's whole session list: the session that answers (1) must carry on
# untouched, and the replaced one closes one socket and opens another (open fds stay constant).
SPARE_REFLECTOR_PORTS = (8863, 8864)
# Measurement intervals of MEASUREMENT_INTERVAL_S seconds, HISTORY_SIZE of them kept: the closed-interval
# history is the one per-session structure that fills over minutes (30 s x 16 by default: 8
# minutes, ~11 MB for 1,000 sessions), which a soak would misread as a leak; these fill it within
# 10 s, before the end of any warm-up, and close 500 intervals a second at 1,000 sessions.
MEASUREMENT_INTERVAL_S = 2
HISTORY_SIZE = 4
# The record a session's ring (record-capacity, default 256) reaches its final size at.
RING_LAST_GROWTH = 128
# Sessions a commit adds and the next such commit removes again.
EXTRA_SESSIONS = 5
CHANGED_SESSIONS = 10
CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)


def log(*a):
    print("soak:", *a, file=sys.stderr, flush=True)


class SoakError(Exception):
    """Something the soak could not set up or run (not a verdict)."""


@contextlib.contextmanager
def in_netns(name):
    """Runs the block with this thread in network namespace NAME (sockets made here stay there)."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if LIBC.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into network namespace {name}")
        try:
            yield
        finally:
            if LIBC.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back into the soak's own network namespace")
    finally:
        os.close(own)
        os.close(target)


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise SoakError(f"no {key} in /proc/{pid}/status")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def pool_workers(pid):
    """
    PID's ForkJoinPool workers (comm "ForkJoinPool-N-", "ForkJoinPool.co"): the virtual-thread
    scheduler's carriers and the common pool's, which the JVM starts on demand and ends after
    30-60 s idle, so their number follows how recently the agent had work for them.
    """
    n = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/comm") as f:
            n += f.read().startswith("ForkJoinPool")
    return n


def what_is_open(pid):
    """PID's threads by name and open files by kind (socket, pipe, anon_inode:[eventfd], a path): to say what changed."""
    kinds = collections.Counter()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            kinds[re.sub(r":\[\d+\]$", "", os.readlink(f"/proc/{pid}/fd/{fd}"))] += 1
    threads = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/comm") as f:
            threads[re.sub(r"\d+$", "N", f.read().strip())] += 1
    return {"threads": threads, "fds": kinds}


def row_of(found, kind):
    """The count the CSV has for FOUND (what_is_open) of KIND: threads without the pool workers."""
    return sum(n for k, n in found[kind].items() if kind == "fds" or not k.startswith("ForkJoinPool"))


def difference(before, after):
    """What AFTER has more or less of than BEFORE (Counters), as text."""
    more = after - before
    less = before - after
    return ", ".join([f"+{n} {k}" for k, n in sorted(more.items())] + [f"-{n} {k}" for k, n in sorted(less.items())])


def udp6_counters(pid):
    """The kernel's UDP/IPv6 counters of PID's network namespace (/proc/PID/net/snmp6)."""
    out = {}
    with open(f"/proc/{pid}/net/snmp6") as f:
        for line in f:
            k, v = line.split()
            if k.startswith("Udp6"):
                out[k] = int(v)
    return out


HISTOGRAM_LINE = re.compile(r"^\s*\d+:\s+\d+\s+(\d+)\s+(\S+)")
FILLERS = ("[Ljdk.internal.vm.FillerElement;", "jdk.internal.vm.FillerObject")
METRIC_LINE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{([^}]*)\})? (\S+)')
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """One scrape of an agent's /metrics (Prometheus text format)."""

    def __init__(self, text):
        self.series = {}
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            m = METRIC_LINE.match(line)
            if m:
                labels = dict(LABEL.findall(m.group(2) or ""))
                self.series.setdefault(m.group(1), []).append((labels, float(m.group(3))))

    def total(self, name, **match):
        return sum(v for labels, v in self.series.get(name, []) if all(labels.get(k) == w for k, w in match.items()))

    def per_session(self, name):
        return {int(labels["session_id"]): int(v) for labels, v in self.series.get(name, [])}


class Agent:
    """`tools/stampd agent` in a namespace, its NETCONF session, its metrics."""

    def __init__(self, role, netns, workdir, password, java_opts):
        self.role = role
        self.java_opts = java_opts
        self.netns = netns
        self.dir = os.path.join(workdir, role)
        os.makedirs(self.dir)
        self.password = password
        h = subprocess.run(["openssl", "passwd", "-6", password], capture_output=True, text=True, check=True)
        self.conf = os.path.join(self.dir, "agent.conf")
        with open(self.conf, "w") as f:
            f.write(f"netconf.port = {NETCONF_PORT}\nnetconf.listen-address = ::1\n"
                    f"netconf.user.soak.password-hash = {h.stdout.strip()}\n"
                    f"stampd.state-dir = {self.dir}\n"
                    f"metrics.port = {METRICS_PORT}\nmetrics.listen-address = ::1\n")
        self.log_path = os.path.join(self.dir, "agent.log")
        self.proc = None
        self.nc = None

    def start(self):
        self.log_file = open(self.log_path, "w")
        # ip netns exec and the launcher both exec: the child's PID is the JVM's.
        env = dict(os.environ)
        if self.java_opts:
            env["STAMPD_JAVA_OPTS"] = (env.get("STAMPD_JAVA_OPTS", "") + " " + self.java_opts).strip()
        self.proc = subprocess.Popen(["ip", "netns", "exec", self.netns, os.path.join(ROOT, "tools/stampd"), "agent",
                                      "--config", self.conf], stdout=self.log_file, stderr=subprocess.STDOUT, env=env)

    def await_listening(self, timeout_s=120):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                if READY in f.read():
                    break
            if self.proc.poll() is not None:
                raise SoakError(f"the {self.role} agent exited with {self.proc.returncode}: {self.tail()}")
            time.sleep(0.1)
        else:
            raise SoakError(f"the {self.role} agent is not listening after {timeout_s} s: {self.tail()}")
        with open(f"/proc/{self.proc.pid}/comm") as f:
            if f.read().strip() != "java":
                raise SoakError(f"PID {self.proc.pid} of the {self.role} agent is not the JVM")
        with in_netns(self.netns):
            self.nc = manager.connect(host="::1", port=NETCONF_PORT, username="soak", password=self.password,
                                      hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=120)
        self.nc.huge_tree = True

    def tail(self):
        with open(self.log_path) as f:
            return f.read()[-2000:]

    def commit(self, config):
        try:
            self.nc.edit_config(target="candidate", config=config)
            self.nc.commit()
        except RPCError as e:
            with contextlib.suppress(Exception):
                self.nc.discard_changes()
            raise SoakError(f"the {self.role} agent refused a commit: {e.tag} {e.path} {e.message}") from e

    def get(self, subtree):
        return self.nc.get(filter=("subtree", subtree)).data_ele

    def program_counters(self):
        """The data plane's program counters (/stamp-state/data-plane/program-counter): name to packets."""
        d = self.get(f'<stamp-state xmlns="{NS}"><data-plane><program-counter/></data-plane></stamp-state>')
        return {pc.findtext("s:name", namespaces={"s": NS}): int(pc.findtext("s:packets", namespaces={"s": NS}))
                for pc in d.xpath("//s:data-plane/s:program-counter", namespaces={"s": NS})}

    def scrape(self):
        with in_netns(self.netns):
            with urllib.request.urlopen(f"http://[::1]:{METRICS_PORT}/metrics", timeout=60) as r:
                return Metrics(r.read().decode())

    def live_heap(self, histogram=None):
        """
        The heap's live data in bytes: a full collection, then the bytes of the objects it kept
        (jcmd GC.class_histogram), less the filler arrays the serial collector leaves in place of
        dead objects it chose not to compact away (up to MarkSweepDeadRatio, 5 % of the old
        generation: 17 MB of a 384 MB heap, which the heap's used figure would count as live).
        HISTOGRAM: a file for the histogram's top 60 classes.
        """
        r = subprocess.run([os.path.join(os.environ["JAVA_HOME"], "bin/jcmd"), str(self.proc.pid),
                            "GC.class_histogram"], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise SoakError(f"jcmd GC.class_histogram on the {self.role} agent: {r.stdout} {r.stderr}")
        lines = r.stdout.splitlines()
        if histogram:
            with open(histogram, "w") as f:
                f.write("\n".join(lines[:64]) + "\n")
        live = 0
        for line in lines:
            m = HISTOGRAM_LINE.match(line)
            if m and not m.group(2).startswith(FILLERS):
                live += int(m.group(1))
        if live == 0:
            raise SoakError(f"no class histogram from the {self.role} agent: {r.stdout[:500]}")
        return live

    def cpu_s(self):
        """CPU time the agent used so far (utime + stime of /proc/PID/stat)."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.nc is not None:
            with contextlib.suppress(Exception):
                self.nc.close_session()
            self.nc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# ---- configuration ---------------------------------------------------------------------------

def config(body):
    return f'<config xmlns="{NC}"><stamp xmlns="{NS}">{body}</stamp></config>'


def segments(container, addrs):
    return f"<{container}>" + "".join(f"<segment>{a}</segment>" for a in addrs) + f"</{container}>"


def data_plane(plane, dev):
    if plane == "socket":
        body = "<type>socket</type>"
    elif plane == "af-packet":
        body = f"<type>af-packet</type><interface>{dev}</interface>"
    else:
        body = f"<type>xdp</type><interface>{dev}</interface><xdp-mode>native</xdp-mode>"
    return f'<data-plane xmlns:nc="{NC}" nc:operation="replace">{body}</data-plane>'


def reflector_sessions(tb, spare):
    """The reflector's whole session list, replacing what is there: session 1, and 2 on port SPARE."""
    def one(index, port):
        return (f"<reflector-test-session><session-index>{index}</session-index>"
                f"<reflector-ip>{tb['REFLECTOR_ADDR']}</reflector-ip><reflector-udp-port>{port}</reflector-udp-port>"
                f"{segments('return-path', tb['RETURN_SEGMENTS'].split(','))}</reflector-test-session>")
    return (f'<stamp-session-reflector xmlns:nc="{NC}" nc:operation="replace">'
            + one(1, REFLECTOR_PORT) + one(2, spare) + "</stamp-session-reflector>")


def sender_session(tb, sid, interval_us):
    return (f"<sender-test-session><stamp-session-id>{sid}</stamp-session-id><ssid>{sid}</ssid>"
            f"<interval>{interval_us}</interval><measurement-interval>{MEASUREMENT_INTERVAL_S}</measurement-interval>"
            f"<history-size>{HISTORY_SIZE}</history-size><sender-ip>{tb['SENDER_ADDR']}</sender-ip>"
            f"<session-reflector-ip>{tb['REFLECTOR_ADDR']}</session-reflector-ip>"
            f"<session-reflector-udp-port>{REFLECTOR_PORT}</session-reflector-udp-port>"
            f"{segments('forward-path', tb['FORWARD_SEGMENTS'].split(','))}</sender-test-session>")


def senders(body, enable=None):
    flag = "" if enable is None else f"<sender-enable>{'true' if enable else 'false'}</sender-enable>"
    return f"<stamp-session-sender>{flag}{body}</stamp-session-sender>"


class CommitCycle:
    """
    The changes committed under load, one every few seconds, in turn: add EXTRA_SESSIONS sessions;
    set a loss threshold on CHANGED_SESSIONS sessions (or change its bound); remove the added
    sessions; change the interval of CHANGED_SESSIONS sessions (and back the next time); replace
    the reflector's session list (its spare session's port toggled). The sessions a commit touches
    move along the id range, so that over a run most of them are changed at least once.
    """

    def __init__(self, tb, sessions, interval_us, sender, reflector):
        self.tb, self.n, self.interval, self.sender, self.reflector = tb, sessions, interval_us, sender, reflector
        self.step = 0
        self.spare = 0
        self.counts = {}

    def touched(self, k):
        """The K-th group of CHANGED_SESSIONS consecutive sessions, wrapping around the id range."""
        first = (k * CHANGED_SESSIONS) % max(1, self.n - CHANGED_SESSIONS + 1) + 1
        return range(first, min(self.n, first + CHANGED_SESSIONS - 1) + 1)

    def next(self):
        kind = ("add", "threshold", "remove", "interval", "reflector")[self.step % 5]
        extra_ids = range(self.n + 1, self.n + EXTRA_SESSIONS + 1)
        round_no = self.step // 5
        if kind == "add":
            self.sender.commit(config(senders("".join(sender_session(self.tb, i, self.interval) for i in extra_ids))))
        elif kind == "remove":
            self.sender.commit(config(senders("".join(
                f'<sender-test-session xmlns:nc="{NC}" nc:operation="delete"><stamp-session-id>{i}'
                "</stamp-session-id></sender-test-session>" for i in extra_ids))))
        elif kind == "threshold":
            raise_pct = 50 + round_no % 40
            self.sender.commit(config(senders("".join(
                f"<sender-test-session><stamp-session-id>{i}</stamp-session-id><thresholds><loss-threshold>"
                f"<raise>{raise_pct}</raise></loss-threshold></thresholds></sender-test-session>"
                for i in self.touched(round_no)))))
        elif kind == "interval":
            # Every other round slower by a quarter, then back: the offered rate moves by < 0.3 %.
            interval = self.interval * 5 // 4 if round_no % 2 == 0 else self.interval
            self.sender.commit(config(senders("".join(
                f"<sender-test-session><stamp-session-id>{i}</stamp-session-id><interval>{interval}</interval>"
                "</sender-test-session>" for i in self.touched(round_no // 2)))))
        else:
            self.spare = 1 - self.spare
            self.reflector.commit(config(reflector_sessions(self.tb, SPARE_REFLECTOR_PORTS[self.spare])))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.step += 1
        return kind

    def settle(self):
        """Before the stop: the added sessions removed, so that exactly the asked sessions are judged."""
        self.sender.commit(config(senders("".join(
            f'<sender-test-session xmlns:nc="{NC}" nc:operation="remove"><stamp-session-id>{i}'
            "</stamp-session-id></sender-test-session>" for i in range(self.n + 1, self.n + EXTRA_SESSIONS + 1)))))


# ---- the run ---------------------------------------------------------------------------------

AGENT_COLUMNS = ["rss_mb", "heap_used_mb", "live_heap_mb", "fds", "threads", "pool_workers", "cpu_s", "gcs",
                 "full_gcs", "gc_s", "socket_drops"]
COLUMNS = (["elapsed_s", "phase"] + [f"snd_{c}" for c in AGENT_COLUMNS] + [f"rfl_{c}" for c in AGENT_COLUMNS]
           + ["sessions", "sent", "received", "lost", "in_flight", "reflector_received", "reflected", "unmatched",
              "rejected", "sent_out", "udp6_in", "udp6_noports", "taken_past_udp", "pps", "agent_drops", "commits"])


class Sampler:
    """Every sample: both agents' RSS, heap, fds, threads; the sender's packet totals; the drops."""

    def __init__(self, sender, reflector, out_csv):
        self.sender, self.reflector = sender, reflector
        self.rows = []
        self.csv = open(out_csv, "w")
        self.csv.write(",".join(COLUMNS) + "\n")
        self.base_kernel = {a.role: udp6_counters(a.proc.pid) for a in (sender, reflector)}
        self.last_out = None
        self.open_at_baseline = {}  # role: its threads and open files at the end of the warm-up
        self.first_change = {}  # (role, "threads" or "fds"): what changed first after the warm-up
        self.forced_gc_drops = 0  # at the sender's sockets (the reflector answers in the kernel)
        self.forced_gc_s = []  # how long each jcmd GC.class_histogram took (the agent is stopped most of it)

    def drops(self, s_metrics, r_metrics):
        """
        Packets dropped inside either agent since the soak began: its data plane's send errors
        and I/O-loop failures (each a packet it gave up on), and the datagrams the kernel could
        not queue to its sockets (receive buffer full, Udp6InErrors: also a socket filter's drop)
        or take from them (send buffer full); less those dropped while the soak itself had the
        agent stopped for a full collection (counted apart, in forced_gc_drops).
        """
        total = 0
        for a, m in ((self.sender, s_metrics), (self.reflector, r_metrics)):
            total += m.total("stampd_dataplane_send_errors_total") + m.total("stampd_dataplane_internal_errors_total")
            total += self.kernel_drops(a)
        return int(total) - self.forced_gc_drops

    def kernel_drops(self, a):
        """Datagrams the kernel dropped at agent A's sockets since the soak began (buffers full, filters)."""
        now = udp6_counters(a.proc.pid)
        base = self.base_kernel[a.role]
        return sum(now.get(k, 0) - base.get(k, 0) for k in ("Udp6InErrors", "Udp6SndbufErrors"))

    def take(self, elapsed, phase, commits, live=False, histograms=None):
        """
        One sample (a CSV row), ELAPSED s into the load; LIVE: with each agent's live heap (a full
        GC), HISTOGRAMS: a directory for their class histograms. Returns the row and the sender's
        metrics.
        """
        entered = time.monotonic()
        row = {"phase": phase, "commits": commits}
        # fds and threads before the scrape: its HTTP connection would count as one.
        for a, p in ((self.sender, "snd"), (self.reflector, "rfl")):
            row[f"{p}_fds"] = open_fds(a.proc.pid)
            row[f"{p}_pool_workers"] = pool_workers(a.proc.pid)
            row[f"{p}_threads"] = proc_status(a.proc.pid, "Threads") - row[f"{p}_pool_workers"]
            if phase == "baseline":
                self.open_at_baseline[a.role] = what_is_open(a.proc.pid)
            elif a.role in self.open_at_baseline:
                base = self.open_at_baseline[a.role]
                for k in ("threads", "fds"):
                    if row[f"{p}_{k}"] != row_of(base, k) and (a.role, k) not in self.first_change:
                        self.first_change[(a.role, k)] = \
                            f"at {elapsed:.0f} s: " + difference(base[k], what_is_open(a.proc.pid)[k])
        live_mb = {}
        if live:
            for a in (self.sender, self.reflector):
                path = os.path.join(histograms, f"{a.role}-heap-{phase}.txt") if histograms else None
                before = self.kernel_drops(a)
                t = time.monotonic()
                live_mb[a.role] = round(a.live_heap(path) / 2**20, 1)
                self.forced_gc_s.append(time.monotonic() - t)
                if a is self.sender:
                    self.forced_gc_drops += self.kernel_drops(a) - before
        sm = self.sender.scrape()
        rm = self.reflector.scrape()
        for a, p, m in ((self.sender, "snd", sm), (self.reflector, "rfl", rm)):
            row[f"{p}_rss_mb"] = round(proc_status(a.proc.pid, "VmRSS") / 1024, 1)
            row[f"{p}_heap_used_mb"] = round(m.total("jvm_memory_used_bytes", area="heap") / 2**20, 1)
            row[f"{p}_live_heap_mb"] = live_mb.get(a.role, "")
            row[f"{p}_cpu_s"] = round(a.cpu_s(), 2)
            row[f"{p}_gcs"] = int(m.total("jvm_gc_collection_seconds_count"))
            row[f"{p}_full_gcs"] = int(m.total("jvm_gc_collection_seconds_count", gc="MarkSweepCompact"))
            row[f"{p}_gc_s"] = round(m.total("jvm_gc_collection_seconds_sum"), 3)
            row[f"{p}_socket_drops"] = self.kernel_drops(a)
        row["sessions"] = len(sm.series.get("stampd_sender_packets_sent_total", []))
        row["sent"] = int(sm.total("stampd_sender_packets_sent_total"))
        row["received"] = int(sm.total("stampd_sender_packets_received_total"))
        row["lost"] = int(sm.total("stampd_sender_packets_lost_total"))
        row["in_flight"] = int(sm.total("stampd_sender_packets_in_flight"))
        row["reflected"] = int(rm.total("stampd_reflector_packets_reflected_total"))
        row["reflector_received"] = int(rm.total("stampd_reflector_packets_received_total"))
        row["unmatched"] = int(sm.total("stampd_dataplane_unmatched_total"))
        row["rejected"] = int(sm.total("stampd_sender_rejected_total"))
        # What the sender's namespace sent and took in, through the kernel's UDP and past it:
        # the af-packet plane sends and receives through its ring, the xdp plane collects
        # replies in the kernel (their program counters; none on the socket plane).
        pcs = self.sender.program_counters()
        kernel = udp6_counters(self.sender.proc.pid)
        row["udp6_in"] = kernel["Udp6InDatagrams"]
        row["udp6_noports"] = kernel["Udp6NoPorts"]
        row["taken_past_udp"] = pcs.get("af-packet/filter-taken", 0) + pcs.get("collector/collected", 0)
        out = kernel["Udp6OutDatagrams"] + pcs.get("af-packet/test-packets-sent", 0)
        t = time.monotonic()
        # The time of the packet counts (a forced GC may have taken seconds since the call).
        row["elapsed_s"] = round(elapsed + t - entered, 1)
        row["sent_out"] = out
        row["pps"] = round((out - self.last_out[1]) / (t - self.last_out[0])) if self.last_out else ""
        self.last_out = (t, out)
        row["agent_drops"] = self.drops(sm, rm)
        self.rows.append(row)
        self.csv.write(",".join(str(row[c]) for c in COLUMNS) + "\n")
        self.csv.flush()
        return row, sm


def testbed(*args):
    r = subprocess.run([os.path.join(ROOT, "tools/testbed"), *args], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise SoakError(f"tools/testbed {' '.join(args)} failed: {r.stderr.strip()}")
    return dict(line.split("=", 1) for line in r.stdout.split() if "=" in line)


def warmup_s(duration, interval_us):
    """
    20 % of the run, at most a minute; but at least until every session's structures that grow
    with its first packets have their final size (plus 5 s): the record ring (256 records by
    default) doubles for the last time at its 128th record, and the interval history is full
    after HISTORY_SIZE + 1 intervals. Never more than half the run.
    """
    grown = max(RING_LAST_GROWTH * interval_us / 1e6, (HISTORY_SIZE + 1) * MEASUREMENT_INTERVAL_S) + 5
    return min(max(min(0.2 * duration, 60.0), grown), 0.5 * duration)


def run(a, out):
    """Sets up, loads, samples and judges; returns the summary's verdict lines (failures first)."""
    tb_id = f"soak{os.getpid() % 100000}"
    work = tempfile.mkdtemp(prefix="stampd-soak-")
    password = secrets.token_hex(12)
    agents = []
    try:
        log(f"test bed {tb_id}")
        tb = testbed("up", "--id", tb_id, "--delay-us", "0", "--loss-pct", "0")
        java_opts = "" if a.launcher_heap else f"-Xms{a.heap_mb}m -Xmx{a.heap_mb}m -Xmn48m -XX:+AlwaysPreTouch"
        reflector = Agent("reflector", tb["REFLECTOR_NS"], work, password, java_opts)
        sender = Agent("sender", tb["SENDER_NS"], work, password, java_opts)
        agents = [reflector, sender]
        for ag in agents:
            ag.start()
        for ag in agents:
            ag.await_listening()
        interval_us = round(a.sessions * 1e6 / a.rate)
        log(f"agents listening; reflector on {a.reflector_plane}, sender on {a.plane}, {a.sessions} sessions every "
            f"{interval_us} us ({a.sessions * 1e6 / interval_us:.0f} pps)")
        reflector.commit(config(data_plane(a.reflector_plane, tb["REFLECTOR_DEV"])
                                + reflector_sessions(tb, SPARE_REFLECTOR_PORTS[0])))
        sender.commit(config(data_plane(a.plane, tb["SENDER_DEV"])))
        # Attach once now: jcmd's first attach starts the JVM's Attach Listener thread for good.
        sender.live_heap()
        reflector.live_heap()
        cycle = CommitCycle(tb, a.sessions, interval_us, sender, reflector)
        sampler = Sampler(sender, reflector, os.path.join(out, "soak.csv"))
        started = time.monotonic()
        sender.commit(config(senders("".join(sender_session(tb, i, interval_us) for i in range(1, a.sessions + 1)))))
        t0 = time.monotonic()  # the sessions run from here
        log(f"{a.sessions} sender sessions committed in {t0 - started:.1f} s")
        duration = a.minutes * 60
        warmup = warmup_s(duration, interval_us)
        gc_every = 60.0
        next_commit = t0 + a.commit_every
        next_sample = t0
        next_gc = t0 + warmup
        commits = 0
        commit_failures = []
        baseline = None
        while True:
            now = time.monotonic()
            if now - t0 >= duration:
                break
            if now >= next_commit:
                try:
                    cycle.next()
                    commits += 1
                except SoakError as e:
                    commit_failures.append(f"{now - t0:.0f} s: {e}")
                    log(str(e))
                next_commit += a.commit_every
            if now >= next_sample:
                live = now >= next_gc
                phase = "warm-up" if now - t0 < warmup else "baseline" if baseline is None and live else "soak"
                row, _ = sampler.take(now - t0, phase, commits, live, out if phase == "baseline" else None)
                if live:
                    next_gc += gc_every
                if phase == "baseline":
                    baseline = row
                log(f"{row['elapsed_s']:6.0f} s {row['phase']:8} RSS {row['snd_rss_mb']} MB heap "
                    f"{row['snd_heap_used_mb']} MB{' live ' + str(row['snd_live_heap_mb']) + ' MB' if live else ''}"
                    f" fds {row['snd_fds']} threads {row['snd_threads']} sent {row['sent']} rcv {row['received']}"
                    f" lost {row['lost']} {row['pps']} pps drops {row['agent_drops']} commits {commits}")
                next_sample += a.sample_every
            time.sleep(max(0.0, min(next_commit, next_sample, t0 + duration) - time.monotonic()))
        end_of_load = time.monotonic()
        # The last figures under load, with a full GC: the heap's live level at the end.
        last, _ = sampler.take(end_of_load - t0, "end", commits, True, out)
        log("stopping the traffic (sender-enable false), then waiting the loss timeout")
        cycle.settle()
        sender.commit(config(senders("", enable=False)))
        time.sleep(a.loss_timeout_s + 1.5)
        final, sm = sampler.take(time.monotonic() - t0, "stopped", commits, False)
        dp_counters = {}
        for ag in agents:
            d = ag.get(f'<stamp-state xmlns="{NS}"><data-plane/></stamp-state>')
            for pc in d.xpath("//s:data-plane/s:program-counter", namespaces={"s": NS}):
                dp_counters[f"{ag.role} {pc.findtext('s:name', namespaces={'s': NS})}"] = \
                    int(pc.findtext("s:packets", namespaces={"s": NS}))
        return judge(a, sampler, baseline, last, final, sm, dp_counters, commits, cycle.counts,
                     commit_failures, warmup, end_of_load - t0, interval_us)
    finally:
        for ag in agents:
            ag.stop()
            with contextlib.suppress(OSError):
                shutil.copy(ag.log_path, os.path.join(out, f"{ag.role}-agent.log"))
        with contextlib.suppress(SoakError, subprocess.TimeoutExpired):
            testbed("down", "--id", tb_id)
        shutil.rmtree(work, ignore_errors=True)


def judge(a, sampler, baseline, last, final, sm, dp_counters, commits, counts, commit_failures, warmup,
          load_s, interval_us):
    """The verdict: (failures, figures), each a list of lines."""
    fail, fig = [], []
    rows = sampler.rows
    if baseline is None:
        fail.append("no sample at the end of the warm-up (the run is too short)")
        return fail, fig
    after = [r for r in rows if r["phase"] in ("baseline", "soak", "end")]
    for p, who in (("snd", "sender"), ("rfl", "reflector")):
        rss0 = baseline[f"{p}_rss_mb"]
        rss_max = max(r[f"{p}_rss_mb"] for r in after)
        fig.append(f"{who} RSS: {rss0} MB at the end of the warm-up, at most {rss_max} MB after it "
                   f"({100 * (rss_max / rss0 - 1):+.1f} %), {last[f'{p}_rss_mb']} MB at the end")
        if rss_max > 1.10 * rss0:
            fail.append(f"{who} RSS grew from {rss0} MB to {rss_max} MB after the warm-up (more than +10 %)")
        lives = [r[f"{p}_live_heap_mb"] for r in after if r[f"{p}_live_heap_mb"] != ""]
        live0 = baseline[f"{p}_live_heap_mb"]
        live_max = max(lives)
        fig.append(f"{who} live heap (after a full GC): {live0} MB at the end of the warm-up, at most {live_max} MB"
                   f" after it ({100 * (live_max / live0 - 1):+.1f} %, {len(lives)} full GCs), {last[f'{p}_live_heap_mb']}"
                   f" MB at the end; heap used between GCs {min(r[f'{p}_heap_used_mb'] for r in after)}-"
                   f"{max(r[f'{p}_heap_used_mb'] for r in after)} MB")
        if live_max > 1.10 * live0:
            fail.append(f"{who} live heap grew from {live0} MB to {live_max} MB after the warm-up (more than +10 %)")
        for k in ("fds", "threads"):
            values = sorted({r[f"{p}_{k}"] for r in after})
            fig.append(f"{who} {k}: {baseline[f'{p}_{k}']} at the end of the warm-up, {values[0]}..{values[-1]} after it")
            if values != [baseline[f"{p}_{k}"]]:
                fail.append(f"{who} {k} changed after the warm-up: {baseline[f'{p}_{k}']} then {values} "
                            f"({sampler.first_change.get((who, k), '')})")
        workers = [r[f"{p}_pool_workers"] for r in after]
        fig.append(f"{who} ForkJoinPool workers (started on demand, ended when idle; not in the threads above): "
                   f"{min(workers)}..{max(workers)}")
        if max(workers) > 2 * os.cpu_count():
            fail.append(f"{who} had {max(workers)} ForkJoinPool workers, more than twice the {os.cpu_count()} CPUs "
                        "(the virtual-thread scheduler's parallelism and the common pool's): something blocks them")
    # Rate: test packets the sender's namespace sent (the kernel's UDP count, nothing else sends UDP
    # there, and the af-packet plane's own sends).
    first = rows[0]
    achieved = (last["sent_out"] - first["sent_out"]) / (last["elapsed_s"] - first["elapsed_s"])
    asked = a.sessions * 1e6 / interval_us
    fig.append(f"rate: {achieved:.0f} pps sent of {asked:.0f} asked ({100 * achieved / asked:.1f} %), "
               f"{a.sessions} sessions every {interval_us / 1000:g} ms, {load_s:.0f} s under load")
    if achieved < 0.95 * asked:
        fail.append(f"the sender sent {achieved:.0f} pps, less than 95 % of the {asked:.0f} pps asked")
    # Accounting, after the traffic stopped and the loss timeout passed.
    sent, rcv, lost, inflight = (sm.per_session(f"stampd_sender_packets_{k}") for k in
                                 ("sent_total", "received_total", "lost_total", "in_flight"))
    bad = [i for i in sent if sent[i] != rcv.get(i, 0) + lost.get(i, 0) or inflight.get(i, 0) != 0]
    fig.append(f"records: {final['sent']} sent = {final['received']} received + {final['lost']} lost "
               f"({final['in_flight']} in flight) over {len(sent)} sessions, after the traffic stopped")
    # Where the lost ones went. The test bed loses nothing on purpose, but the kernel may still
    # drop packets on the way (a machine too busy to run its softirqs): a test packet the sender's kernel
    # sent either reached the reflector's session or went missing on the way there, and a reply
    # the reflector sent either reached the sender's UDP layer (read by the agent, refused by a
    # full buffer, or to a closed port) or went missing on the way back. Every packet a session
    # counts lost must be one of those that went missing, or a reply that came when no session was
    # there for it (unmatched, no port: after the stop), came too late for the session's window of
    # sequence numbers (rejected: a stall of the machine) or was dropped while the soak itself held
    # the agent in a full GC. More than that is a reply the agent took and lost count of. (The
    # reflector's count also covers the sessions removed or replaced meanwhile, whose counters
    # went with them: the explanation can only be larger than the loss.)
    arrived = (final["udp6_in"] + final["udp6_noports"] + sampler.kernel_drops(sampler.sender)
               + final["taken_past_udp"])
    missing_there = final["sent_out"] - final["reflector_received"]
    missing = final["reflected"] - arrived
    late = final["unmatched"] + final["udp6_noports"] + final["rejected"]
    explained = missing_there + missing + late + sampler.forced_gc_drops
    fig.append(f"lost: {last['lost']} counted under load, {final['lost']} at the end; of the sender's "
               f"{final['sent_out']} test packets {missing_there} never reached the reflector's session, of the "
               f"reflector's {final['reflected']} replies {missing} never reached the sender (its UDP layer, or its "
               f"plane's filter or collector), {late} came with no session or port left for them (after the stop) "
               f"or too late for their session ({final['rejected']} rejected), {sampler.forced_gc_drops} were "
               "dropped at a full socket buffer during the soak's forced full GCs")
    if final["lost"] > explained:
        fail.append(f"{final['lost']} packets lost, {final['lost'] - explained} more than the packets that went "
                    f"missing outside the agents or came too late ({explained}): the agents lost count of some")
    fig.append("sender replies in error: " + ", ".join(
        f"{k} {int(sm.total(f'stampd_sender_{k}_total'))}" for k in ("duplicates", "reordered", "malformed", "rejected")))
    if len(sent) != a.sessions:
        fail.append(f"{len(sent)} sender sessions at the end, not {a.sessions}")
    if bad:
        fail.append(f"{len(bad)} sessions with sent != received + lost or packets still in flight, e.g. " + "; ".join(
            f"session {i}: sent {sent[i]} received {rcv.get(i)} lost {lost.get(i)} in flight {inflight.get(i)}"
            for i in bad[:3]))
    pauses = sampler.forced_gc_s
    fig.append(f"forced full GCs (jcmd GC.class_histogram): {len(pauses)}, {min(pauses):.2f}-{max(pauses):.2f} s each"
               f" for the command; {sampler.forced_gc_drops} replies dropped at a full socket buffer meanwhile"
               " (the soak's own doing: not counted below)")
    fig.append(f"agent drops: {final['agent_drops']} (send errors, I/O-loop failures, socket buffer overruns);"
               f" data-plane counters: " + ", ".join(f"{k} {v}" for k, v in sorted(dp_counters.items())))
    if final["agent_drops"] != 0:
        fail.append(f"{final['agent_drops']} packets dropped inside the agents")
    ring = {k: v for k, v in dp_counters.items() if "drop" in k and v}
    if ring:
        fail.append(f"data-plane drop counters: {ring}")
    fig.append(f"reflector answered {final['reflected']} (session 1), sender received {final['received']}")
    if final["reflected"] < final["received"]:
        fail.append(f"the reflector answered {final['reflected']}, fewer than the {final['received']} received")
    first_after = baseline
    span = last["elapsed_s"] - first_after["elapsed_s"]
    for p, who in (("snd", "sender"), ("rfl", "reflector")):
        cpu = last[f"{p}_cpu_s"] - first_after[f"{p}_cpu_s"]
        fig.append(f"{who} after the warm-up: CPU {100 * cpu / span:.0f} % of one core "
                   f"({1e6 * cpu / max(1, last['sent_out'] - first_after['sent_out']):.1f} us per test packet), "
                   f"{last[f'{p}_gcs'] - first_after[f'{p}_gcs']} collections "
                   f"({last[f'{p}_full_gcs'] - first_after[f'{p}_full_gcs']} full, with the forced ones), "
                   f"{last[f'{p}_gc_s'] - first_after[f'{p}_gc_s']:.2f} s in GC")
    fig.append(f"commits under load: {commits} (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"
               f", every {a.commit_every:g} s, {len(commit_failures)} refused")
    if commit_failures:
        fail.append(f"{len(commit_failures)} commits failed: " + "; ".join(commit_failures[:3]))
    fig.append(f"warm-up: the first {warmup:.0f} s (20 % of the run, at most 60 s, but until the sessions' record "
               f"rings and interval history have their final size, at most half the run); samples every {a.sample_every:g} s,"
               f" a full GC every 60 s after the warm-up and at the end; "
               + ("the launcher's heap sizing" if a.launcher_heap else
                  f"heap {a.heap_mb} MB fixed and touched at start (RSS beyond it is memory outside the heap)"))
    return fail, fig


def on_sigterm(_signum, _frame):
    """SIGTERM as Ctrl-C: the agents are stopped and the test bed removed on the way out."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt("SIGTERM")


def main():
    ap = argparse.ArgumentParser(prog="tools/soak", description="soak of the NETCONF agent under test traffic")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--rate", type=int, default=50000, help="total test packets a second (default 50000)")
    ap.add_argument("--plane", choices=("socket", "af-packet", "xdp"), default="socket",
                    help="the sender agent's data plane (default socket)")
    ap.add_argument("--reflector-plane", choices=("socket", "af-packet", "xdp"), default="xdp")
    ap.add_argument("--commit-every", type=float, default=5.0, help="seconds between commits (default 5)")
    ap.add_argument("--sample-every", type=float, default=5.0, help="seconds between samples (default 5)")
    ap.add_argument("--heap-mb", type=int, default=384,
                    help="each agent's heap, fixed and touched at start (default 384, the launcher's floor)")
    ap.add_argument("--launcher-heap", action="store_true",
                    help="the launcher's own heap sizing instead (grows with the load; RSS then follows the GC)")
    ap.add_argument("--out", help="directory for soak.csv and summary.md (default: a new /tmp directory)")
    a = ap.parse_args()
    a.loss_timeout_s = 2.0  # the sessions' default loss-timeout
    if not 0 < a.minutes <= 24 * 60:
        ap.error("--minutes must be more than 0 and at most 1440")
    if not 1 <= a.sessions <= 60000:
        ap.error("--sessions must be 1..60000")
    if not 1 <= a.rate <= 1_000_000 or a.sessions * 1e6 / a.rate < 1000:
        ap.error("--rate must be 1..1000000 pps with each session's interval at least 1 ms")
    if a.heap_mb < 128:
        ap.error("--heap-mb must be at least 128 (the young generation alone is 48 MB)")
    if a.commit_every <= 0 or a.sample_every <= 0:
        ap.error("--commit-every and --sample-every must be positive")
    if os.geteuid() != 0:
        sys.exit("soak: must run as root (it creates network namespaces and attaches XDP programs)")
    out = a.out or tempfile.mkdtemp(prefix="stampd-soak-out-")
    os.makedirs(out, exist_ok=True)
    signal.signal(signal.SIGTERM, on_sigterm)
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    try:
        fail, fig = run(a, out)
    except SoakError as e:
        print(f"soak: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("soak: interrupted; agents stopped, test bed removed", file=sys.stderr)
        sys.exit(130)
    verdict = "PASS" if not fail else "FAIL"
    cmd = "tools/soak " + " ".join(sys.argv[1:])
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(f"# soak: {verdict}\n\n`{cmd}`, started {started}, {os.cpu_count()} CPUs\n\n")
        for line in fail:
            f.write(f"- FAIL: {line}\n")
        for line in fig:
            f.write(f"- {line}\n")
        f.write("\nTime series: soak.csv (one row per sample).\n")
    with open(os.path.join(out, "summary.md")) as f:
        print(f.read())
    print(f"soak: {verdict}; results in {out}", file=sys.stderr)
    sys.exit(0 if not fail else 1)


if __name__ == "__main__":
    main()
