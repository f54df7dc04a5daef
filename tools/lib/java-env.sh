# Sourced by the tools/ scripts: picks a JDK 25 or newer (Temurin 25 preferred) and exports JAVA_HOME.
# OpenDaylight 10.x and the FFM API need Java 21+, and stampd itself is compiled for Java 25
# (maven.compiler.release), so a JDK 21-24 could neither build nor run it; Debian's java 17 cannot either.
stampd_pick_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*-[3-9][0-9]*)
  local c v
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    # The JDK's release file names its version; reading it spares a JVM start on every launch.
    v=""
    [ -f "$c/release" ] && v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release")
    [ -n "$v" ] || v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "stampd: needs a JDK 25 or newer (it is compiled for Java 25; Temurin 25 expected at" \
       "/usr/lib/jvm/temurin-25-jdk-amd64); found none${JAVA_HOME:+ (JAVA_HOME=$JAVA_HOME is older)}." \
       "Install one and/or set JAVA_HOME to it." >&2
  return 1
}
