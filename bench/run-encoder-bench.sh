#!/usr/bin/env bash
# Encoder benchmarks, printed as one Markdown table (see BENCHMARKS.md):
#   1. JMH, EncodeCallBenchmark with -prof gc: wall time and heap bytes allocated per steady-state
#      encode call, both backends, both configs;
#   2. EncoderVsLameCli: CPU per second of audio for the lame CLI and both backends on the same
#      signal, interleaved rounds, medians, ratios to the lame CLI.
# Takes about 4 minutes on 2 cores. Arguments go to EncoderBenchReport, e.g.
#   bench/run-encoder-bench.sh --rounds 9 --seconds 180 --jmh-iterations 8
#   bench/run-encoder-bench.sh --no-jmh --config MONO_24K_64
# Needs: JDK 17+, Maven, the lame CLI and libmp3lame0 (apt-get install lame libmp3lame0).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v lame >/dev/null || { echo "lame CLI not found: apt-get install lame" >&2; exit 1; }

mvn -q -B -ntp -DskipTests -pl bench -am package
cp="bench/target/classes:$(cat bench/target/classpath.txt)"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); lame: $(lame --version 2>&1 | head -1)"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" io.mp3cast.bench.EncoderBenchReport "$@"
