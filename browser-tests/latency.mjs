#!/usr/bin/env node
// Measures mp3cast's browser player (/web/player.js) in a real headless browser, from its audio
// graph (see page/tap.js), on every decoder path the browser offers, against a running mp3cast
// server, and prints one JSON object:
//   ttfs      time to first sound: play() to the first sound of a paced 24 kHz 64 kbps
//             /tone.mp3?pace=realtime, --ttfs-runs times per path
//   gapless   a 440 Hz tone pushed as float32 in chunks of 20, 37 and 1000 ms into a push mount,
//             5 s of the output fitted to a pure tone (correlation), and the player's underruns
//   g2g       glass to glass: clicks pushed into a push mount 1 s apart (wall time noted after
//             each write), and when the page hears each; --long-clicks on the first path, with
//             behindLiveMs sampled every 250 ms (the drift check), --clicks on the others
//   fallback  WebCodecs and MSE hidden from the page: the player falls back to <audio> and plays
//             the demo mount /stream.mp3
//
//   node latency.mjs --browser chromium|firefox --server http://127.0.0.1:8000/ [--out DIR]
//        [--checks ttfs,gapless,g2g,fallback] [--decoders webcodecs,mse-mpeg,...] [--latency-ms 300]
//        [--ttfs-runs 5] [--clicks 12] [--long-clicks 60] [--executable PATH] [--timeout-ms 300000]
//        [--player local]   (this checkout's player.js instead of the server's)
//        [--stream URL --label NAME]   (g2g/ttfs against another server's URL, e.g. Icecast; see bench/)
//
// Exit code 0 when it ran (the caller judges the figures), 2 when the run itself broke (`fatal`).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable, launch, parseArgs, quietHome, shutDown, sleep } from './lib/browser.mjs';
import { pushClicks, pushTone, wall } from './lib/producer.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The player in this checkout, for `--player local` (no server rebuild between edits). */
const LOCAL_PLAYER = path.join(HERE, '../mp3cast-server/src/main/resources/io/mp3cast/server/web/player.js');
const TONE_QUERY = 'pace=realtime&rate=24000&channels=1&bitrate=64&hz=440&seconds=4';

function options() {
  const o = parseArgs(process.argv.slice(2), { checks: 'ttfs,gapless,g2g,fallback', latencyMs: '300',
    ttfsRuns: '5', clicks: '12', longClicks: '60', timeoutMs: '300000' });
  if (!o.server) throw new Error('--server http://127.0.0.1:PORT/ is required');
  o.executable = findExecutable(o.browser, o.executable);
  o.checks = o.checks.split(',');
  for (const k of ['latencyMs', 'ttfsRuns', 'clicks', 'longClicks', 'timeoutMs']) o[k] = Number(o[k]);
  return o;
}

/** Serves page/ on 127.0.0.1: a page of its own, so the server's page and its CSP stay as they are. */
function servePage() {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname === '/' ? 'tap.html' : path.basename(req.url.split('?')[0]);
    const file = name === 'player.js' ? LOCAL_PLAYER : path.join(HERE, 'page', name);
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const percentile = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
};
const round = x => (x === null || x === undefined ? null : Math.round(x * 10) / 10);

async function runFor(page, id, untilMs, done) {
  const deadline = Date.now() + untilMs;
  while (Date.now() < deadline) {
    const p = await page.evaluate(i => window.tap.peek(i), id);
    if (done(p)) break;
    await sleep(100);
  }
  return page.evaluate(i => window.tap.stop(i), id);
}

async function timeToFirstSound(page, o, decoder, streamUrl) {
  const runs = [];
  for (let i = 0; i < o.ttfsRuns; i++) {
    const id = await page.evaluate((u, opts) => window.tap.start(u, opts, { threshold: 0.02 }), streamUrl,
      { decoder, latencyMs: o.latencyMs });
    const r = await runFor(page, id, decoder === 'audio' ? 12000 : 4000, p => p.firstOnset !== null);
    runs.push({ ms: r.onsets.length ? round(r.onsets[0] - r.playAt) : null, decoder: r.final.decoder,
      firstSoundMs: r.final.firstSoundMs, error: r.final.error, events: r.events.map(e => e.type) });
    await sleep(300);
  }
  const heard = runs.map(r => r.ms).filter(x => x !== null);
  return { url: streamUrl, runs, medianMs: heard.length === runs.length ? percentile(heard, 50) : null };
}

/** Development aid: the player's figures every 50 ms for a few seconds of the tone (`--checks trace`). */
async function trace(page, o, decoder, streamUrl) {
  const id = await page.evaluate((u, opts) => window.tap.start(u, opts, { threshold: 0.02 }), streamUrl,
    { decoder, latencyMs: o.latencyMs });
  const rows = [];
  const t0 = Date.now();
  while (Date.now() - t0 < (o.traceMs ? Number(o.traceMs) : 3000)) {
    const p = await page.evaluate(i => window.tap.peek(i), id);
    const s = p.stats;
    rows.push([Math.round(wall() - p.playAt), p.firstOnset === null ? null : Math.round(p.firstOnset - p.playAt),
      s.positionMs, s.bufferedMs, s.behindLiveMs, s.underruns, s.skippedMs, Math.round(s.clockRate * 10000) / 10000, s.debug,
      p.events.map(e => e.type[0]).join('')]);
    await sleep(50);
  }
  await page.evaluate(i => window.tap.stop(i), id);
  return { columns: 'ms heard pos buffered behind underruns skipped clock debug events', rows };
}

async function gapless(page, o, decoder) {
  const mount = `/gapless-${decoder}-${Date.now() % 100000}.mp3`;
  const pushing = pushTone(o.server, mount, { seconds: 12 });
  pushing.catch(() => {});
  await sleep(700);
  const id = await page.evaluate((u, opts) => window.tap.start(u, opts, { threshold: 0.05, captureMs: 5000,
    captureAfterMs: 1000 }), new URL(mount, o.server).href, { decoder, latencyMs: o.latencyMs });
  const r = await runFor(page, id, 10000, p => p.captured >= 5);
  const pushed = await pushing.catch(e => String(e));
  return { mount, pushed, tone: r.tone, underruns: r.final.underruns, skippedMs: r.final.skippedMs,
    decoder: r.final.decoder, clockRate: r.final.clockRate, error: r.final.error };
}

async function glassToGlass(page, o, decoder, clicks, base, mountOverride) {
  const mount = mountOverride || `/g2g-${decoder}-${Date.now() % 100000}.mp3`;
  const leadInMs = 2000;
  const pushing = pushClicks(base, mount, { clicks, leadInMs });
  pushing.catch(() => {});
  await sleep(600);
  const streamUrl = o.stream || new URL(mount, base).href;
  const id = await page.evaluate((u, opts) => window.tap.start(u, opts, { threshold: 0.1, quietMs: 400 }),
    streamUrl, { decoder, latencyMs: o.latencyMs });
  const pushedAt = await pushing;
  const r = await runFor(page, id, 2500, () => false);
  const latencies = [];
  for (const p of pushedAt) {
    const heard = r.onsets.find(t => t >= p && t < p + 3000);
    latencies.push(heard === undefined ? null : heard - p);
  }
  const got = latencies.filter(x => x !== null);
  const playing = r.stats.filter(s => s.behindLiveMs !== null && s.at > pushedAt[0] - 500);
  const behind = playing.map(s => s.behindLiveMs);
  const firstTen = got.slice(0, 10), lastTen = got.slice(-10);
  return {
    url: streamUrl, clicks: pushedAt.length, heard: got.length, missed: latencies.length - got.length,
    p50Ms: round(percentile(got, 50)), p99Ms: round(percentile(got, 99)), maxMs: round(Math.max(...got)),
    latenciesMs: latencies.map(round),
    driftMs: got.length >= 20 ? round(percentile(lastTen, 50) - percentile(firstTen, 50)) : null,
    behindLiveMs: behind.length ? { p50: percentile(behind, 50), max: Math.max(...behind), min: Math.min(...behind),
      samples: behind.length, seconds: round((playing[playing.length - 1].at - playing[0].at) / 1000) } : null,
    underruns: r.final.underruns, skippedMs: r.final.skippedMs, decoder: r.final.decoder,
    clockRate: r.final.clockRate, cushionMs: r.final.cushionMs, error: r.final.error,
  };
}

async function fallback(page, o) {
  await page.evaluate(() => window.tap.hideDecoders());
  const id = await page.evaluate((u, opts) => window.tap.start(u, opts, { threshold: 0.05 }),
    new URL('/stream.mp3', o.server).href, { latencyMs: o.latencyMs });
  const r = await runFor(page, id, 12000, p => p.firstOnset !== null && performance.now() > 0);
  return { decoder: r.final.decoder, heardAfterMs: r.onsets.length ? round(r.onsets[0] - r.playAt) : null,
    peak: round(r.peak * 1000) / 1000, behindLiveMs: r.final.behindLiveMs, error: r.final.error,
    events: r.events.map(e => e.type) };
}

async function main() {
  const o = options();
  if (o.out) fs.mkdirSync(o.out, { recursive: true });
  const result = { browser: o.browser, executable: o.executable, server: o.server, latencyMs: o.latencyMs, checks: {} };
  const home = quietHome();
  const pageServer = await servePage();
  let browser;
  const watchdog = setTimeout(() => {
    result.fatal = `timed out after ${o.timeoutMs} ms`;
    finish(result, 2, browser, home, pageServer);
  }, o.timeoutMs);
  try {
    browser = await launch(o.browser, o.executable, home);
    result.version = await browser.version();
    const page = await browser.newPage();
    const problems = [];
    page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', e => problems.push(`page error: ${e.message || e}`));
    const pageBase = `http://127.0.0.1:${pageServer.address().port}/`;
    const playerUrl = o.player === 'local' ? pageBase + 'player.js' : new URL('/web/player.js', o.server).href;
    result.player = playerUrl;
    const tapUrl = `${pageBase}?player=${encodeURIComponent(playerUrl)}`;
    await page.goto(tapUrl, { waitUntil: 'load' });
    await page.waitForFunction(() => window.tapReady === true, { timeout: 10000 });
    result.supported = await page.evaluate(() => window.tap.decoders({ sampleRate: 24000, channels: 1 }));
    result.secureContext = await page.evaluate(() => isSecureContext);
    const decoders = o.decoders ? o.decoders.split(',') : result.supported.filter(d => d !== 'audio');
    result.decoders = decoders;
    const c = result.checks;
    if (o.checks.includes('ttfs')) {
      c.ttfs = {};
      const url = o.stream || new URL('/tone.mp3?' + TONE_QUERY, o.server).href;
      for (const d of decoders) c.ttfs[d] = await timeToFirstSound(page, o, d, url);
    }
    if (o.checks.includes('trace')) {
      c.trace = {};
      const url = o.stream || new URL('/tone.mp3?' + TONE_QUERY.replace('seconds=4', 'seconds=60'), o.server).href;
      for (const d of decoders) c.trace[d] = await trace(page, o, d, url);
    }
    if (o.checks.includes('gapless')) {
      c.gapless = {};
      for (const d of decoders) c.gapless[d] = await gapless(page, o, d);
    }
    if (o.checks.includes('g2g')) {
      c.g2g = {};
      for (const [i, d] of decoders.entries()) c.g2g[d] = await glassToGlass(page, o, d, i === 0 ? o.longClicks : o.clicks, o.server);
    }
    if (o.checks.includes('fallback')) c.fallback = await fallback(page, o);
    result.problems = problems;
  } catch (e) {
    result.fatal = String(e && e.stack || e);
  }
  clearTimeout(watchdog);
  await finish(result, result.fatal ? 2 : 0, browser, home, pageServer);
}

let finished = false;
async function finish(result, code, browser, home, pageServer) {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  pageServer.close();
  await shutDown(browser, home);
  process.exit(code);
}

main().catch(e => {
  process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e) }) + '\n');
  process.exit(2);
});
