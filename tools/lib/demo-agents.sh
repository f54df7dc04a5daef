# Sourced by tools/demo once the test bed is up: the same measurement through two NETCONF agents,
# one per end namespace. The reflector and sender sessions are configured over NETCONF (ncclient)
# and the delays are read back as operational state.
demo_agents() {
  local work pw hash role ns conf
  work=$(mktemp -d /tmp/stampd-demo.XXXXXX)
  pw=$(openssl rand -hex 12)
  hash=$(openssl passwd -6 "$pw")
  AGENT_PIDS=()
  for role in reflector sender; do
    ns=$([ "$role" = sender ] && echo "$SENDER_NS" || echo "$REFLECTOR_NS")
    mkdir -p "$work/$role"
    conf="$work/$role/agent.conf"
    printf 'netconf.port = 830\nnetconf.listen-address = ::1\nnetconf.user.admin.password-hash = %s\nstampd.state-dir = %s\n' \
      "$hash" "$work/$role" > "$conf"
    ip netns exec "$ns" tools/stampd agent --config "$conf" > "$work/$role/agent.log" 2>&1 &
    AGENT_PIDS+=($!)
  done
  DEMO_WORK="$work"
  for role in reflector sender; do
    for _ in $(seq 200); do grep -q "NETCONF listening" "$work/$role/agent.log" && break; sleep 0.1; done
    grep -q "NETCONF listening" "$work/$role/agent.log" || { echo "demo: the $role agent did not start:" >&2; cat "$work/$role/agent.log" >&2; return 1; }
  done
  echo "demo: agents listening on [::1]:830 in $REFLECTOR_NS and $SENDER_NS; configuring over NETCONF" >&2

  local segs_r="" segs_f="" s
  for s in ${RETURN_SEGMENTS//,/ }; do segs_r+="<segment>$s</segment>"; done
  for s in ${FORWARD_SEGMENTS//,/ }; do segs_f+="<segment>$s</segment>"; done
  cat > "$work/reflector.xml" <<XML
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><stamp xmlns="urn:stampd:yang:stampd-stamp">
 <stamp-session-reflector><reflector-mode-state>stateful</reflector-mode-state>
  <reflector-test-session><session-index>1</session-index>
  <reflector-ip>$REFLECTOR_ADDR</reflector-ip><reflector-udp-port>862</reflector-udp-port>
  <return-path>$segs_r</return-path></reflector-test-session></stamp-session-reflector></stamp></config>
XML
  cat > "$work/sender.xml" <<XML
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><stamp xmlns="urn:stampd:yang:stampd-stamp">
 <stamp-session-sender><sender-test-session><stamp-session-id>1</stamp-session-id>
  <interval>50000</interval><sender-ip>$SENDER_ADDR</sender-ip><follow-up-telemetry>true</follow-up-telemetry>
  <session-reflector-ip>$REFLECTOR_ADDR</session-reflector-ip>
  <forward-path>$segs_f</forward-path></sender-test-session></stamp-session-sender></stamp></config>
XML
  ip netns exec "$REFLECTOR_NS" /usr/bin/python3 tools/lib/stampd_nc.py ::1 830 admin "$pw" commit "$work/reflector.xml" 2>/dev/null
  ip netns exec "$SENDER_NS" /usr/bin/python3 tools/lib/stampd_nc.py ::1 830 admin "$pw" commit "$work/sender.xml" 2>/dev/null
  echo "demo: sender session 1 every 50 ms over $FORWARD_SEGMENTS; reading its state in 5 s" >&2
  sleep 5
  ip netns exec "$SENDER_NS" /usr/bin/python3 tools/lib/stampd_nc.py ::1 830 admin "$pw" get \
    '<stamp-state xmlns="urn:stampd:yang:stampd-stamp"><stamp-session-sender-state/></stamp-state>' 2>/dev/null \
    > "$work/state.xml"
  /usr/bin/python3 - "$work/state.xml" <<'PY'
import sys
from lxml import etree
ns = {"s": "urn:stampd:yang:stampd-stamp"}
doc = etree.parse(sys.argv[1])
for st in doc.iterfind(".//s:test-session-state", ns):
    def v(path):
        e = st.find(path, ns)
        return int(e.text) if e is not None and e.text else 0
    stats = "s:current-stats/"
    print(f"session {st.findtext('s:session-index', namespaces=ns)} ({st.findtext('s:sender-session-state', namespaces=ns)}), "
          f"{v(stats + 's:sent-packets')} sent, {v(stats + 's:rcv-packets')} received, as NETCONF state:")
    for name, path in (("forward", "s:one-way-delay-far-end"), ("backward", "s:one-way-delay-near-end"),
                       ("round-trip", "s:two-way-delay")):
        d = stats + path + "/s:delay/"
        print(f"  {name:<11} min {v(d + 's:min') / 1e6:.3f} ms  avg {v(d + 's:avg') / 1e6:.3f} ms  max {v(d + 's:max') / 1e6:.3f} ms")
PY
}

demo_agents_stop() {
  local pid
  for pid in "${AGENT_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [ -n "${DEMO_WORK:-}" ] && rm -rf "$DEMO_WORK"
  return 0
}
