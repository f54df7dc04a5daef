"""Shared helpers of the ncclient test scripts: connecting, building <config> payloads, and checking
rpc-errors (error-tag, error-path, error-type, error-app-tag, error-info) of a refused operation."""
import re
import socket
import struct
import sys
import xml.etree.ElementTree as ET

from ncclient import manager
from ncclient.operations.rpc import RPCError

STAMP_NS = "urn:stampd:yang:stampd-stamp"
MON_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
YANG_NS = "urn:ietf:params:xml:ns:yang:1"
SENDERS = "/sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session"
REFLECTORS = "/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session"


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


def connect(host, port, user, password):
    return manager.connect(host=host, port=int(port), username=user, password=password, hostkey_verify=False,
                           allow_agent=False, look_for_keys=False, timeout=60)


def args():
    """host port user password [extra...] from the command line."""
    if len(sys.argv) < 5:
        print(f"usage: {sys.argv[0]} HOST PORT USER PASSWORD [...]", file=sys.stderr)
        sys.exit(2)
    return sys.argv[1:]


def config(stamp_body, extra=""):
    """A <config> holding /stamp with the given children (and other top-level elements)."""
    return (f'<config xmlns="{BASE_NS}" xmlns:xc="{BASE_NS}">'
            f'<stamp xmlns="{STAMP_NS}">{stamp_body}</stamp>{extra}</config>')


def sender(sid, body, attrs=""):
    return (f'<stamp-session-sender><sender-test-session{attrs}><stamp-session-id>{sid}</stamp-session-id>'
            f'{body}</sender-test-session></stamp-session-sender>')


def reflector(index, body, attrs=""):
    return reflectors((index, body, attrs))


def reflectors(*entries):
    """One stamp-session-reflector container with entries (index, body[, attributes])."""
    inner = "".join(f'<reflector-test-session{e[2] if len(e) > 2 else ""}><session-index>{e[0]}</session-index>'
                    f'{e[1]}</reflector-test-session>' for e in entries)
    return f"<stamp-session-reflector>{inner}</stamp-session-reflector>"


def canonical(xml_text):
    """An XML text with insignificant whitespace removed and children sorted, for equality."""
    def norm(e):
        kids = sorted((norm(c) for c in e), key=ET.tostring)
        text = (e.text or "").strip()
        n = ET.Element(e.tag, dict(sorted(e.attrib.items())))
        n.text = text or None
        n.extend(kids)
        return n
    return ET.tostring(norm(ET.fromstring(xml_text.encode())))


def info_of(err):
    """error-info children as {local-name: text}."""
    if not err.info:
        return {}
    root = ET.fromstring(err.info.encode())
    return {re.sub(r"^\{.*\}", "", c.tag): (c.text or "").strip() for c in root}


def error_of(call):
    """Runs call; returns the RPCError it raised, or None if it succeeded."""
    try:
        call()
    except RPCError as e:
        return e
    return None


def check_error(label, err, tag, path=None, path_prefix=None, etype="application", app_tag=None, info=None):
    """Checks an rpc-error against what the RFCs prescribe; path None means: no error-path."""
    if err is None:
        fail(f"{label}: accepted, expected {tag}")
    if getattr(err, "_errlist", None):
        err = err._errlist[0]  # several rpc-errors: the first names the reason
    problems = []
    if err.tag != tag:
        problems.append(f"error-tag {err.tag} (expected {tag})")
    if err.type != etype:
        problems.append(f"error-type {err.type} (expected {etype})")
    if path is not None and err.path != path:
        problems.append(f"error-path {err.path} (expected {path})")
    if path_prefix is not None and not (err.path or "").startswith(path_prefix):
        problems.append(f"error-path {err.path} (expected to start with {path_prefix})")
    if app_tag is not None and err.app_tag != app_tag:
        problems.append(f"error-app-tag {err.app_tag} (expected {app_tag})")
    if info:
        got = info_of(err)
        for k, v in info.items():
            if got.get(k) != v:
                problems.append(f"error-info {k}={got.get(k)} (expected {v})")
    if not err.message or not err.message.strip():
        problems.append("no error-message")
    if problems:
        fail(f"{label}: " + "; ".join(problems) + f" — message: {err.message}")


def reflector_on_port(index, udp_port):
    """A <config> with Session-Reflector INDEX (SSID INDEX) listening on UDP_PORT."""
    return config(reflectors((index, f"<ssid>{index}</ssid><reflector-udp-port>{udp_port}</reflector-udp-port>")))


def answers(index, udp_port, tries=4):
    """Whether a Session-Reflector answers an unauthenticated STAMP test packet (RFC 8762, 4.2.1) on ::1."""
    packet = struct.pack("!IQHH28x", 1, 0, 0x0001, index)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for _ in range(tries):
            s.sendto(packet, ("::1", udp_port))
            try:
                reply, _ = s.recvfrom(2048)
                return len(reply) >= 44
            except socket.timeout:
                continue
    return False


def in_running(m, index):
    return f"<session-index>{index}</session-index>" in m.get_config(source="running").data_xml
