# Sourced by tools/stampd: the agent's maximum heap, from the sessions of its saved running
# configuration, so that 10 sessions and 10,000 get the heap they need (issue 11) instead of one
# fixed cap. Bash, not Java: a second JVM would cost the restart ~0.3 s (issue 3).
#
# Per session the agent keeps ~27 KB of live heap at 10 pps once its 256-record ring is full
# (tools/lib/bench/agent-heap: 2,000 sessions 40 s after start less none, 2026-12-07, with state
# computed on demand and shared sender sockets; 58-82 KB before them; of it ~18 KB are the
# sender's statistics and records, stampd bench-footprint). Measurement intervals (issue 13) add
# ~6 KB of open intervals and ~0.7 KB per kept interval, ~17 KB at the default history-size of 16
# once it has filled (measured on the intervals branch with a heap histogram, not yet by the
# agent-heap benchmark): ~50 KB per session in all. The heap gets twice that per session,
# room for sessions committed later and for histograms that grow with rare large delays, on top
# of 128 MB (young generation 48 MB, the idle agent ~20 MB live, the start-up's YANG parsing),
# and never less than a quarter of the machine's memory up to 1 GB, or 384 MB (stampd_agent_heap_mb). The
# JVM takes only what is live plus MaxHeapFreeRatio: a generous maximum costs no RSS.
STAMPD_HEAP_PER_SESSION_KB=50
STAMPD_HEAP_BASE_MB=128
STAMPD_HEAP_FLOOR_MB=384

# stampd_agent_config_file ARGS...: the --config/-c FILE of the agent's arguments, if any.
stampd_agent_config_file() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --config | -c) [ $# -ge 2 ] && printf '%s\n' "$2"; return 0 ;;
      --config=*) printf '%s\n' "${1#--config=}"; return 0 ;;
    esac
    shift
  done
}

# stampd_saved_sessions CONFIG_FILE: sender and reflector sessions in the running.xml of the
# file's stampd.state-dir (EngineSettings: relative to the file's directory, default that
# directory); 0 when there is none. The file is written by the agent without indentation, in the
# stamp namespace; an element prefix is allowed for hand-written files.
stampd_saved_sessions() {
  local config=$1 dir state
  [ -r "$config" ] || { echo 0; return 0; }
  dir=$(cd "$(dirname "$config")" && pwd)
  # Java properties "key = value" or "key: value"; the last one wins, as in Properties.load.
  state=$(sed -n 's/^[[:space:]]*stampd\.state-dir[[:space:]]*[=:][[:space:]]*//p' "$config" | tail -n 1 \
    | sed 's/[[:space:]]*$//')
  case "$state" in
    "") state=$dir ;;
    /*) ;;
    *) state=$dir/$state ;;
  esac
  if [ -r "$state/running.xml" ]; then
    grep -oE '<([A-Za-z_][A-Za-z0-9_.-]*:)?(sender|reflector)-test-session[[:space:]/>]' "$state/running.xml" | wc -l
  else
    echo 0
  fi
}

# stampd_agent_heap_mb SESSIONS [MEMORY_MB]: the -Xmx, in MB, for that many saved sessions on a
# machine with MEMORY_MB of memory (default: /proc/meminfo's MemTotal). At least a quarter of the
# memory up to 1 GB (and at least 384 MB): sessions committed after the start need room too (a fresh
# agent capped at 384 MB ran out of heap committing 10,000, which need ~500 MB). Not more: the
# serial GC gives memory back only at a full collection, so a heap that a large reply once grew
# (a <get> of 10,000 sessions' whole state builds ~100 MB of XML) would stay in the RSS.
STAMPD_HEAP_FRESH_MAX_MB=1024
stampd_agent_heap_mb() {
  local memory_mb=${2:-$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || echo 0)}
  local mb=$((STAMPD_HEAP_BASE_MB + (2 * $1 * STAMPD_HEAP_PER_SESSION_KB + 1023) / 1024))
  local floor=$((memory_mb / 4 < STAMPD_HEAP_FRESH_MAX_MB ? memory_mb / 4 : STAMPD_HEAP_FRESH_MAX_MB))
  floor=$((floor > STAMPD_HEAP_FLOOR_MB ? floor : STAMPD_HEAP_FLOOR_MB))
  echo $((mb > floor ? mb : floor))
}
