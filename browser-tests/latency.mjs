#!/usr/bin/env node
// Measures mp3cast's browser player (/web/player.js) in a real headless browser, from its audio
// graph (page/tap.js: an AnalyserNode and an AudioWorklet on the player's output, timed with
// performance.timeOrigin + performance.now(), which is this process's clock too), on each decoder
// path, against a running mp3cast server, and prints one JSON object. Checks:
//   ttfs      time to first sound: play() to the first sound of a paced 24 kHz 64 kbps
//             /tone.mp3?pace=realtime, --runs times per path
//             (the player asks for a burst of its cushion, which the paced producer has ready)
//   strict    the same with the player's burst off: the producer strictly at real time
//   join      the same, joining the live mount --join-url (a mount that always sounds)
//   gapless   a 440 Hz tone pushed as float32 in chunks of 20, 37 and 1000 ms into a push mount,
//             5 s of the output (from 2.5 s after the first sound) fitted to a pure tone
//             (correlation), and the player's underruns
//   g2g       glass to glass: clicks pushed into a push mount 1 s apart (wall time noted after
//             each write), and when the page hears each. --long-clicks on the first path, with
//             behindLiveMs sampled every 250 ms (the drift check), --clicks on the others.
//             With --icecast, the clicks go into Icecast through ffmpeg instead.
//   fallback  WebCodecs and MSE hidden from the page: the player falls back to <audio> and plays
//             the demo mount /stream.mp3 (run last: the page keeps them hidden)
// Decoder paths: webcodecs, mse-mpeg, mse-fmp4 (the player's), and audio (a plain <audio> element,
// routed into the same graph); by default every path of the player the browser offers.
//
//   node latency.mjs --browser chromium|firefox --server http://127.0.0.1:8000/
//        [--checks ttfs,gapless,g2g,fallback] [--decoders webcodecs,mse-mpeg,audio] [--latency-ms 300]
//        [--runs 5] [--clicks 12] [--long-clicks 60] [--join-url URL] [--label TEXT]
//        [--icecast icecast://source:PW@127.0.0.1:PORT] [--player local] [--executable PATH]
//        [--timeout-ms 300000]
// Streams on another origin (Icecast) are relayed by this script's page server, so the page can
// read them (CORS). --player local loads this checkout's player.js instead of the server's.
//
// Exit code 0 when it ran (the caller judges the figures), 2 when the run itself broke (`fatal`).
import http from 'node:http';
import { findExecutable, parseArgs, runHarness, runMain, sleep } from './lib/browser.mjs';
import { openIcecastPush, openPush, pushClicks, pushTone, wall } from './lib/producer.mjs';

const TONE_QUERY = 'pace=realtime&rate=24000&channels=1&bitrate=64&hz=440';
const CLICK_LEAD_IN_MS = 2000;
/**
 * The gapless check hears 5 s from 2.5 s after the first sound: once the audio clock's skew has
 * been learnt (1.5 s of readings) and the resampling rate set, which Firefox's media element takes
 * in with a few hundred milliseconds of a less clean tone.
 */
const GAPLESS_AFTER_MS = 2500;

function options() {
  const o = parseArgs(process.argv.slice(2), { checks: 'ttfs,gapless,g2g,fallback', latencyMs: '300',
    runs: '5', clicks: '12', longClicks: '60', timeoutMs: '300000' });
  if (!o.server) throw new Error('--server http://127.0.0.1:PORT/ is required');
  o.executable = findExecutable(o.browser, o.executable);
  o.checks = o.checks.split(',');
  for (const k of ['latencyMs', 'runs', 'clicks', 'longClicks', 'timeoutMs']) o[k] = Number(o[k]);
  o.joinUrl = o.joinUrl || new URL('/stream.mp3', o.server).href;
  return o;
}

// ---- the page (lib/page.mjs serves it), and streams on other origins

/** A stream URL the page may read: same-origin with the page when it is on another server. */
function readable(url, o, pageBase) {
  const u = new URL(url);
  return u.origin === new URL(o.server).origin ? u.href : `${pageBase}relay/${u.port}${u.pathname}${u.search}`;
}

// ---- figures

const percentile = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
};
const round = x => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const spread = xs => ({ n: xs.length, p50: round(percentile(xs, 50)), p99: round(percentile(xs, 99)),
  max: xs.length ? round(Math.max(...xs)) : null });

/** Polls the run until `done` or `untilMs`, then stops it and returns its record. */
async function runFor(page, id, untilMs, done) {
  const deadline = Date.now() + untilMs;
  while (Date.now() < deadline) {
    const p = await page.evaluate(i => window.tap.peek(i), id);
    if (done(p)) break;
    await sleep(100);
  }
  return page.evaluate(i => window.tap.stop(i), id);
}

const start = (page, url, options, measure) =>
  page.evaluate((u, opts, m) => window.tap.start(u, opts, m), url, options, measure);

// ---- checks

/** play() to the first sound, `runs` times: a paced tone (ttfs) or a live mount (join). */
async function firstSound(page, o, decoder, streamUrl, burst = true) {
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    const id = await start(page, streamUrl, { decoder, latencyMs: o.latencyMs, burst }, { threshold: 0.02 });
    const r = await runFor(page, id, decoder === 'audio' ? 12000 : 4000, p => p.firstOnset !== null);
    runs.push({ ms: r.onsets.length ? round(r.onsets[0] - r.playAt) : null, decoder: r.final.decoder,
      firstSoundMs: r.final.firstSoundMs, error: r.final.error, events: r.events.map(e => e.type) });
    await sleep(300);
  }
  const heard = runs.map(r => r.ms).filter(x => x !== null);
  return { url: streamUrl, runs, ...spread(heard), medianMs: heard.length === runs.length ? percentile(heard, 50) : null };
}

async function gapless(page, o, decoder) {
  const mount = `/gapless-${decoder}-${Date.now() % 100000}.mp3`;
  const pushing = pushTone(o.server, mount, { seconds: 12 });
  pushing.catch(() => {});
  await mountUp(new URL(mount, o.server).href);
  const id = await start(page, new URL(mount, o.server).href, { decoder, latencyMs: o.latencyMs },
    { threshold: 0.05, captureMs: 5000, captureAfterMs: GAPLESS_AFTER_MS });
  const r = await runFor(page, id, 12000, p => p.captured >= 5);
  const pushed = await pushing.catch(e => String(e));
  return { mount, pushed, tone: r.tone, tapHoles: r.tapHoles, underruns: r.final.underruns, skippedMs: r.final.skippedMs,
    decoder: r.final.decoder, clockRate: r.final.clockRate, error: r.final.error };
}

/** Waits (up to 10 s) until a GET of `url` answers 200: a push mount is made by its first source. */
async function mountUp(url) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const status = await new Promise(resolve => {
      const req = http.get(url, res => { resolve(res.statusCode); req.destroy(); });
      req.on('error', () => resolve(0));
    });
    if (status === 200 || Date.now() > deadline) return status;
    await sleep(100);
  }
}

/**
 * Each heard click's latency: the first onset belongs to the first click (the lead-in is silent),
 * later ones to the click pushed nearest their time less that first latency.
 */
function matchClicks(pushedAt, onsets) {
  const heard = onsets.filter(t => t >= pushedAt[0]);
  const latencies = pushedAt.map(() => null);
  if (!heard.length) return latencies;
  const first = heard[0] - pushedAt[0];
  for (const t of heard) {
    let best = 0;
    for (let i = 1; i < pushedAt.length; i++) if (Math.abs(t - first - pushedAt[i]) < Math.abs(t - first - pushedAt[best])) best = i;
    if (latencies[best] === null && t >= pushedAt[best]) latencies[best] = t - pushedAt[best];
  }
  return latencies;
}

async function glassToGlass(page, o, decoder, clicks, pageBase) {
  const name = `/g2g-${decoder}-${Date.now() % 100000}.mp3`;
  const push = o.icecast ? openIcecastPush(o.icecast + name) : openPush(o.server, name);
  const listenAt = o.icecast ? new URL(name, o.icecast.replace(/^icecast:\/\/[^@]*@/, 'http://')).href : new URL(name, o.server).href;
  const pushing = pushClicks(push, { clicks, leadInMs: CLICK_LEAD_IN_MS });
  pushing.catch(() => {});
  await mountUp(listenAt);  // the mount exists once its source has connected
  const streamUrl = readable(listenAt, o, pageBase);
  const id = await start(page, streamUrl, { decoder, latencyMs: o.latencyMs }, { threshold: 0.1, quietMs: 400 });
  const pushedAt = await pushing;
  const r = await runFor(page, id, 15000, p => p.onsets >= pushedAt.length && wall() > pushedAt[pushedAt.length - 1] + 1500);
  await push.end().catch(() => {});
  const latencies = matchClicks(pushedAt, r.onsets);
  const got = latencies.filter(x => x !== null);
  const playing = r.stats.filter(s => s.behindLiveMs !== null && s.at > pushedAt[0] - 500);
  const behind = playing.map(s => s.behindLiveMs);
  return {
    url: listenAt, clicks: pushedAt.length, heard: got.length, missed: latencies.length - got.length,
    ...spread(got), p50Ms: round(percentile(got, 50)), p99Ms: round(percentile(got, 99)),
    latenciesMs: latencies.map(round),
    driftMs: got.length >= 20 ? round(percentile(got.slice(-10), 50) - percentile(got.slice(0, 10), 50)) : null,
    behindLiveMs: behind.length ? { p50: percentile(behind, 50), max: Math.max(...behind), min: Math.min(...behind),
      samples: behind.length, seconds: round((playing[playing.length - 1].at - playing[0].at) / 1000) } : null,
    underruns: r.final.underruns, skippedMs: r.final.skippedMs, decoder: r.final.decoder,
    clockRate: r.final.clockRate, cushionMs: r.final.cushionMs, error: r.final.error,
  };
}

async function fallback(page, o) {
  await page.evaluate(() => window.tap.hideDecoders());
  const id = await start(page, new URL('/stream.mp3', o.server).href, { latencyMs: o.latencyMs }, { threshold: 0.05 });
  const r = await runFor(page, id, 12000, p => p.firstOnset !== null);
  return { decoder: r.final.decoder, heardAfterMs: r.onsets.length ? round(r.onsets[0] - r.playAt) : null,
    peak: round(r.peak * 1000) / 1000, behindLiveMs: r.final.behindLiveMs, error: r.final.error,
    events: r.events.map(e => e.type) };
}

/** Development aid (`--checks trace`): the player's figures every 50 ms for --trace-ms of a long tone. */
async function trace(page, o, decoder, streamUrl) {
  const id = await start(page, streamUrl, { decoder, latencyMs: o.latencyMs }, { threshold: 0.02 });
  const rows = [];
  const t0 = Date.now();
  while (Date.now() - t0 < (o.traceMs ? Number(o.traceMs) : 3000)) {
    const p = await page.evaluate(i => window.tap.peek(i), id);
    const s = p.stats;
    rows.push([Math.round(wall() - p.playAt), p.firstOnset === null ? null : Math.round(p.firstOnset - p.playAt),
      s.positionMs, s.bufferedMs, s.behindLiveMs, s.underruns, s.skippedMs, Math.round(s.clockRate * 10000) / 10000,
      s.debug, p.events.map(e => e.type[0]).join('')]);
    await sleep(50);
  }
  await page.evaluate(i => window.tap.stop(i), id);
  return { columns: 'ms heard pos buffered behind underruns skipped clock debug events', rows };
}

// ---- the run

async function openTap(browser, o, pageBase, problems) {
  const page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e.message || e}`));
  const playerUrl = o.player === 'local' ? pageBase + 'player.js' : new URL('/web/player.js', o.server).href;
  await page.goto(`${pageBase}?player=${encodeURIComponent(playerUrl)}`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.tapReady === true, { timeout: 10000 });
  return { page, playerUrl };
}

async function measure(page, o, decoders, pageBase) {
  const c = {};
  const tone = seconds => new URL(`/tone.mp3?${TONE_QUERY}&seconds=${seconds}`, o.server).href;
  const each = async (name, fn) => {
    c[name] = {};
    for (const [i, d] of decoders.entries()) c[name][d] = await fn(d, i);
  };
  if (o.checks.includes('ttfs')) await each('ttfs', d => firstSound(page, o, d, tone(d === 'audio' ? 10 : 4)));
  // The same with the player's burst off: the paced producer has nothing ready, strictly real time.
  if (o.checks.includes('strict')) await each('strict', d => firstSound(page, o, d, tone(d === 'audio' ? 10 : 4), false));
  if (o.checks.includes('join')) await each('join', d => firstSound(page, o, d, readable(o.joinUrl, o, pageBase)));
  if (o.checks.includes('trace')) await each('trace', d => trace(page, o, d, tone(60)));
  if (o.checks.includes('gapless')) await each('gapless', d => gapless(page, o, d));
  if (o.checks.includes('g2g')) await each('g2g', (d, i) => glassToGlass(page, o, d, i === 0 ? o.longClicks : o.clicks, pageBase));
  if (o.checks.includes('fallback')) c.fallback = await fallback(page, o);
  return c;
}

async function main() {
  const o = options();
  const result = { label: o.label || null, browser: o.browser, executable: o.executable, server: o.server,
    icecast: o.icecast ? o.icecast.replace(/:[^:@/]*@/, ':***@') : null, latencyMs: o.latencyMs, checks: {} };
  await runHarness(o, result, {}, async (browser, pageServer) => {
    const problems = [];
    const pageBase = `http://127.0.0.1:${pageServer.address().port}/`;
    const { page, playerUrl } = await openTap(browser, o, pageBase, problems);
    result.player = playerUrl;
    result.supported = await page.evaluate(() => window.tap.decoders({ sampleRate: 24000, channels: 1 }));
    result.secureContext = await page.evaluate(() => isSecureContext);
    result.decoders = o.decoders ? o.decoders.split(',') : result.supported.filter(d => d !== 'audio');
    result.checks = await measure(page, o, result.decoders, pageBase);
    result.problems = problems;
  });
}

runMain(main);
