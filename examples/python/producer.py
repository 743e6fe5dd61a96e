#!/usr/bin/env python3
"""Push generated audio into an mp3cast live mount while it is being generated.

The generator below stands in for a speech synthesizer: it yields numpy.float32 arrays at
24000 Hz mono. The upload uses the standard library alone (http.client, chunked transfer):
mp3cast encodes the chunks with one continuous MP3 encoder, so their boundaries leave no
trace, and plays them out at real time to every listener of the mount. When the producer is
faster than real time, the server slows the upload down (TCP backpressure) instead of
dropping audio.

    python3 producer.py http://127.0.0.1:8000/live.mp3 --seconds 5
    mpv http://127.0.0.1:8000/live.mp3

Needs numpy (Debian: python3-numpy).
"""
import argparse
import base64
import http.client
import os
import sys
import urllib.parse

import numpy as np

RATE = 24000


def synthesizer(seconds, chunk=1024, tone_hz=None):
    """Yields float32 chunks in [-1, 1]: random noise like the mock TTS, or a sine tone."""
    produced = 0
    total = int(seconds * RATE)
    while produced < total:
        n = min(chunk, total - produced)
        if tone_hz:
            t = (produced + np.arange(n)) / RATE
            yield (0.5 * np.sin(2 * np.pi * tone_hz * t)).astype(np.float32)
        else:
            yield (np.random.rand(n) * 2 - 1).astype(np.float32)
        produced += n


def push(url, chunks, rate=RATE, channels=1, user="source", password=None):
    """PUTs float32 little-endian PCM chunks to an mp3cast mount; returns (status, body)."""
    u = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode({"format": "f32le", "rate": rate, "channels": channels})
    headers = {"Content-Type": "application/octet-stream"}
    if password:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        headers["Authorization"] = "Basic " + token
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)
    body = (np.asarray(c, dtype="<f4").tobytes() for c in chunks)
    conn.request("PUT", f"{u.path}?{query}", body=body, headers=headers, encode_chunked=True)
    response = conn.getresponse()
    return response.status, response.read().decode(errors="replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="mount URL, e.g. http://127.0.0.1:8000/live.mp3")
    parser.add_argument("--seconds", type=float, default=10.0, help="how much audio to generate")
    parser.add_argument("--tone", type=float, metavar="HZ", help="a sine tone instead of noise")
    parser.add_argument("--password", default=os.environ.get("MP3CAST_SOURCE_PASSWORD"),
                        help="source password, if the server has one (default: $MP3CAST_SOURCE_PASSWORD)")
    args = parser.parse_args()
    status, body = push(args.url, synthesizer(args.seconds, tone_hz=args.tone), password=args.password)
    print(f"{status} {body.strip()}")
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
