#!/usr/bin/env python3
"""The seed's approach, kept for comparison with mp3cast: Flask, and one ffmpeg subprocess per request
turning float32 PCM into MP3.

GET /tone.mp3?seconds=S&pace=realtime streams a 440 Hz tone as 24 kHz mono 64 kbps MP3, the same
signal and settings as mp3cast's /tone.mp3?rate=24000&bitrate=64&pace=realtime (LAME quality 5 on both
sides: ffmpeg's -compression_level 5). A producer thread plays the synthesizer: it writes 20 ms chunks of
PCM into ffmpeg's stdin, paced at real time; the response streams whatever ffmpeg writes to its stdout.
&step-ms=MS makes the chunks MS long instead
(20-1000, as mp3cast's &step-ms). When the client goes away, ffmpeg is killed. With &clicks=MS the producer sends silence with a click every
MS instead, and the X-Producer-Start header says when it started (time.monotonic_ns) for glass-to-glass timing.

Run: /usr/bin/python3 bench/flask/seed_app.py PORT   (Debian's python3-flask; listens on 127.0.0.1 only)
"""
import math
import os
import subprocess
import sys
import threading
import time
from array import array

from flask import Flask, Response, request

RATE = 24000
CHUNK = RATE // 50  # 20 ms
app = Flask(__name__)


def tone_second(hz):
    # One second holds a whole number of periods for integer hz, so it loops seamlessly.
    step = 2 * math.pi * hz / RATE
    return array("f", (0.5 * math.sin(i * step) for i in range(RATE))).tobytes()


SECOND_440 = tone_second(440)


def clicks_second(period_ms):
    """Silence with a 20 ms 1 kHz click every period_ms, for glass-to-glass timing (GlassToGlass.java)."""
    period = RATE * period_ms // 1000
    return array("f", ((0.8 * math.sin(2 * math.pi * 1000 * (i % period) / RATE)) if i % period < CHUNK else 0.0
                       for i in range(period))).tobytes()


def produce(stdin, seconds, paced, start_ns, pcm, chunk_frames=CHUNK):
    """The mock synthesizer: chunks of float32 PCM (20 ms unless told; pcm looped), at real time from start_ns
    when paced."""
    total = int(seconds * RATE)
    period = len(pcm) // 4
    start = start_ns / 1e9
    sent = 0
    try:
        while sent < total:
            n = min(chunk_frames, total - sent)
            if paced:
                delay = start + (sent + n) / RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            offset = (sent % period) * 4
            chunk = pcm[offset:offset + n * 4]
            if len(chunk) < n * 4:
                chunk += pcm[:n * 4 - len(chunk)]
            stdin.write(chunk)
            stdin.flush()
            sent += n
    except (BrokenPipeError, ValueError, OSError):
        pass
    finally:
        try:
            stdin.close()
        except OSError:
            pass


@app.route("/tone.mp3")
def tone():
    seconds = float(request.args.get("seconds", "10"))
    paced = request.args.get("pace", "none") == "realtime"
    step_ms = int(request.args.get("step-ms", "20"))
    if not 20 <= step_ms <= 1000:
        return Response("step-ms: 20-1000\n", status=400, mimetype="text/plain")
    proc = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "f32le", "-ar", str(RATE), "-ac", "1",
         "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "5", "-f", "mp3", "pipe:1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    clicks = request.args.get("clicks")
    pcm = clicks_second(int(clicks)) if clicks else SECOND_440
    start_ns = time.monotonic_ns()  # CLOCK_MONOTONIC, as Java's System.nanoTime
    producer = threading.Thread(target=produce, args=(proc.stdin, seconds, paced, start_ns, pcm, RATE * step_ms // 1000), daemon=True)
    producer.start()

    def body():
        try:
            while True:
                data = os.read(proc.stdout.fileno(), 8192)
                if not data:
                    break
                yield data
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()

    return Response(body(), mimetype="audio/mpeg",
                    headers={"Cache-Control": "no-cache", "X-Producer-Start": str(start_ns)})


if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True)
