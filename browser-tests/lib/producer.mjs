// A producer pushing PCM into an mp3cast push mount, as README's "Push audio into a mount" shows:
// one long chunked PUT of 24 kHz mono float32 (f32le). Times are wall-clock milliseconds
// (performance.timeOrigin + performance.now(), the page's clock too on this machine).
import { spawn } from 'node:child_process';
import http from 'node:http';

export const RATE = 24000;
export const wall = () => performance.timeOrigin + performance.now();

/** Opens the PUT; resolves to { write(samples) -> Promise, end() -> Promise<string> }. */
export function openPush(base, mountPath, query = '') {
  const url = new URL(mountPath + '?format=f32le&rate=' + RATE + '&channels=1' + (query ? '&' + query : ''), base);
  if (url.hostname !== '127.0.0.1') throw new Error('producer: only 127.0.0.1, got ' + url.hostname);
  const req = http.request(url, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' } });
  req.setNoDelay(true);
  const response = new Promise((resolve, reject) => {
    req.on('response', res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => { body += d; });
      res.on('end', () => (res.statusCode === 200 ? resolve(body.trim()) : reject(new Error(`PUT ${url}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
  });
  response.catch(() => {});  // reported by end()
  return {
    write(samples) {
      const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      return new Promise(resolve => { if (req.write(bytes)) resolve(); else req.once('drain', resolve); });
    },
    end() {
      req.end();
      return response;
    },
    failed: response,
  };
}

const sleepUntil = t => new Promise(r => setTimeout(r, Math.max(0, t - wall())));

/**
 * Silence with a click (10 ms of 1 kHz at 0.8) every `everyMs`, pushed in 20 ms chunks at real
 * time by an absolute schedule into `push` (openPush or openIcecastPush). Resolves to the wall time
 * at which each click's chunk was written.
 */
export async function pushClicks(push, { clicks, everyMs = 1000, leadInMs = 1000, tailMs = 2000 }) {
  const chunk = RATE / 50;
  const total = Math.ceil((leadInMs + (clicks - 1) * everyMs + tailMs) / 20);
  const clickEvery = everyMs / 20;
  const pushedAt = [];
  const start = wall();
  for (let i = 0; i < total; i++) {
    await sleepUntil(start + i * 20);
    const samples = new Float32Array(chunk);
    const k = i - leadInMs / 20;
    const isClick = k >= 0 && k % clickEvery === 0 && k / clickEvery < clicks;
    if (isClick) for (let j = 0; j < RATE / 100; j++) samples[j] = 0.8 * Math.sin(2 * Math.PI * 1000 * j / RATE);
    await push.write(samples);
    if (isClick) pushedAt.push(wall());
  }
  await push.end();
  return pushedAt;
}

/**
 * A 440 Hz tone at 0.5, pushed in chunks cycling through `chunkMs` (20, 37, 1000 ms), as fast as
 * the server takes them: the mount plays it out at real time, however it was cut.
 */
export async function pushTone(base, mountPath, { seconds, hz = 440, chunkMs = [20, 37, 1000] }) {
  const push = openPush(base, mountPath);
  const total = seconds * RATE;
  let at = 0;
  for (let i = 0; at < total; i++) {
    const n = Math.min(total - at, Math.round(chunkMs[i % chunkMs.length] * RATE / 1000));
    const samples = new Float32Array(n);
    for (let j = 0; j < n; j++) samples[j] = 0.5 * Math.sin(2 * Math.PI * hz * (at + j) / RATE);
    await push.write(samples);
    at += n;
  }
  return push.end();
}

/**
 * The same pushes into an Icecast server: ffmpeg encodes the PCM it reads on stdin (MP3, 64 kbps)
 * and sends it as a source to `icecastUrl` (icecast://source:PASSWORD@HOST:PORT/MOUNT), flushing
 * every frame. A write returns once ffmpeg has the bytes, as a PUT's does once the socket has them.
 */
export function openIcecastPush(icecastUrl) {
  const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'f32le', '-ar', String(RATE),
    '-ac', '1', '-i', 'pipe:0', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', '-flush_packets', '1',
    '-content_type', 'audio/mpeg', icecastUrl], { stdio: ['pipe', 'ignore', 'pipe'] });
  let errors = '';
  ffmpeg.stderr.on('data', d => { errors += d; });
  const exited = new Promise(resolve => ffmpeg.on('exit', code => resolve(code)));
  return {
    write(samples) {
      const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      return new Promise(resolve => { if (ffmpeg.stdin.write(bytes)) resolve(); else ffmpeg.stdin.once('drain', resolve); });
    },
    async end() {
      ffmpeg.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error('ffmpeg to ' + icecastUrl.replace(/:[^:@/]*@/, ':***@') + ' exited ' + code + ': ' + errors.trim());
      return 'pushed through ffmpeg';
    },
  };
}
