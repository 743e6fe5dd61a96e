#!/usr/bin/env node
// Plays an mp3cast HLS playlist with hls.js (pinned in package.json) in a real, headless Debian
// browser and prints one JSON object: whether hls.js is supported, every hls.js ERROR event and
// <audio> error, and currentTime sampled against the wall clock for --seconds once playing began.
// The page is about:blank (another origin than the server's), so CORS is exercised as a player
// on any site would. With --page, the playlist is the one mp3cast's own page links for --mount
// (the link is reported as `pageLink`). For low-latency HLS it also reports how many parts hls.js
// loaded (`partsLoaded`; `fragsLoaded` counts whole segments) and, sampled with currentTime,
// `hls.latency`: how far behind the playlist's live edge it plays (`latencyMedian`, seconds).
//
//   node hls.mjs --browser chromium|firefox --url http://127.0.0.1:8000/stream.m3u8
//                [--executable PATH] [--seconds 10] [--timeout-ms 60000] [--low-latency true|false|auto]
// --low-latency auto is README's advice for mp3cast's low-latency HLS: hls.js's lowLatencyMode only
// where MSE takes no raw audio/mpeg (there hls.js repackages MP3 into MP4 and places parts right).
//   node hls.mjs --browser chromium --page http://127.0.0.1:8000/ --mount /stream.mp3
//
// Exit code 0 when it played with no error, 1 when not, 2 when the run itself broke (`fatal`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import puppeteer from 'puppeteer-core';

const EXECUTABLES = {
  chromium: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
  firefox: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
};
const HLS_JS = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
const START_LIMIT_MS = 20000;
const sleep = ms => new Promise(r => setTimeout(r, ms));

function parseArgs(argv) {
  const opts = { seconds: 10, timeoutMs: 60000, lowLatency: 'true' };
  for (let i = 0; i < argv.length; i += 2) {
    opts[argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  opts.seconds = Number(opts.seconds);
  opts.timeoutMs = Number(opts.timeoutMs);
  if (!['true', 'false', 'auto'].includes(opts.lowLatency)) throw new Error(`--low-latency ${opts.lowLatency}: true, false or auto`);
  if (!EXECUTABLES[opts.browser] || !(opts.url || (opts.page && opts.mount))) {
    throw new Error('usage: hls.mjs --browser chromium|firefox --url PLAYLIST_URL [--executable PATH] [--seconds 10]');
  }
  opts.executable = opts.executable || EXECUTABLES[opts.browser].find(p => fs.existsSync(p));
  if (!opts.executable) throw new Error(`${opts.browser}: none of ${EXECUTABLES[opts.browser]} exists`);
  return opts;
}

// A HOME of its own, and audio outputs paced in real time: Chromium's fake output
// (--disable-audio-output), Firefox's cubeb mock context. Not run.mjs's ALSA null sink: it takes
// samples as fast as they come, so Chromium plays a buffer filled through MSE (hls.js's path) at
// many times real time (6 s of segments in 0.3 s), which a progressive live <audio> hides.
async function launch(opts) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mp3cast-hls-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache') };
  delete env.DISPLAY;
  const common = { executablePath: opts.executable, headless: true, env, protocolTimeout: 20000, timeout: 20000 };
  if (opts.browser === 'chromium') {
    const args = ['--autoplay-policy=no-user-gesture-required', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-gpu', '--no-first-run', '--disable-audio-output',
      `--user-data-dir=${path.join(home, 'chromium')}`];
    if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
    return puppeteer.launch({ ...common, browser: 'chrome', args });
  }
  return puppeteer.launch({ ...common, browser: 'firefox', extraPrefsFirefox: {
    'media.cubeb.force_mock_context': true, 'media.autoplay.default': 0, 'media.autoplay.blocking_policy': 0,
    'app.update.enabled': false, 'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false, 'extensions.update.enabled': false,
  } });
}

// In the page: an <audio> fed by hls.js, every error recorded.
function startPlayer(url, lowLatency) {
  const log = window.__hls = { errors: [], mediaErrors: [], playing: false, supported: Hls.isSupported(),
    partsLoaded: 0, fragsLoaded: 0 };
  const audio = document.createElement('audio');
  document.body.appendChild(audio);
  audio.addEventListener('error', () => log.mediaErrors.push(audio.error ? audio.error.message || audio.error.code : '?'));
  audio.addEventListener('playing', () => { log.playing = true; });
  if (!log.supported) return;
  const lowLatencyMode = lowLatency === 'auto' ? !MediaSource.isTypeSupported('audio/mpeg') : lowLatency === 'true';
  log.lowLatencyMode = lowLatencyMode;
  const hls = new Hls({ lowLatencyMode });
  hls.on(Hls.Events.ERROR, (_, d) => log.errors.push({ type: d.type, details: d.details, fatal: d.fatal,
    reason: d.reason || (d.error && d.error.message) || '' }));
  hls.on(Hls.Events.FRAG_LOADED, (_, d) => { if (d.part) log.partsLoaded++; else log.fragsLoaded++; });
  hls.on(Hls.Events.MANIFEST_PARSED, () => audio.play().catch(e => log.errors.push({ details: 'play()', reason: e.message })));
  hls.loadSource(url);
  hls.attachMedia(audio);
  window.__audio = audio;
  window.__player = hls;
}

// The HLS link that mp3cast's page shows on the mount's card.
async function pageLink(page, opts) {
  await page.goto(opts.page, { waitUntil: 'load', timeout: 15000 });
  const selector = `.mount[data-mount="${opts.mount}"] .url a.hls[href$=".m3u8"]`;
  await page.waitForSelector(selector, { timeout: 10000 });
  return page.$eval(selector, a => a.href);
}

async function play(page, opts) {
  await page.setContent('<!doctype html><title>hls.js</title><body></body>');
  await page.addScriptTag({ path: HLS_JS });
  await page.evaluate(startPlayer, opts.url, opts.lowLatency);
  const report = { supported: await page.evaluate(() => window.__hls.supported), hlsVersion: await page.evaluate(() => Hls.version) };
  const started = Date.now();
  while (Date.now() - started < START_LIMIT_MS
      && !(await page.evaluate(() => window.__hls.playing && window.__audio.currentTime > 0))) {
    await sleep(100);
  }
  report.startMs = Date.now() - started;
  const samples = [];
  const latencies = [];
  const first = Date.now();
  while (report.supported && Date.now() - first <= opts.seconds * 1000) {
    const [t, latency] = await page.evaluate(() => [window.__audio ? window.__audio.currentTime : 0,
      window.__player ? window.__player.latency : 0]);
    samples.push([Date.now() - first, Math.round(t * 1000) / 1000]);
    latencies.push(Math.round(latency * 1000) / 1000);
    await sleep(250);
  }
  const last = samples[samples.length - 1] || [0, 0];
  report.samples = samples;
  const sorted = [...latencies].sort((a, b) => a - b);
  report.latencyMedian = sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
  report.latencies = latencies;
  report.partsLoaded = await page.evaluate(() => window.__hls.partsLoaded);
  report.lowLatencyMode = await page.evaluate(() => window.__hls.lowLatencyMode);
  report.fragsLoaded = await page.evaluate(() => window.__hls.fragsLoaded);
  report.wallSeconds = last[0] / 1000;
  report.advancedSeconds = samples.length ? last[1] - samples[0][1] : 0;
  report.errors = await page.evaluate(() => window.__hls.errors);
  report.mediaErrors = await page.evaluate(() => window.__hls.mediaErrors);
  report.state = await page.evaluate(() => window.__audio && ({ paused: window.__audio.paused,
    readyState: window.__audio.readyState, buffered: window.__audio.buffered.length
      ? window.__audio.buffered.end(window.__audio.buffered.length - 1) - window.__audio.currentTime : 0 }));
  return report;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.log(JSON.stringify({ fatal: e.message }));
    process.exit(2);
  }
  const guard = setTimeout(() => { console.log(JSON.stringify({ fatal: `still running after ${opts.timeoutMs} ms` })); process.exit(2); },
    opts.timeoutMs);
  let browser;
  try {
    browser = await launch(opts);
    // The link from a tab of its own: a blank tab opened from a loopback page would count as that
    // address space, and the player's tab is to be a stranger's.
    const link = opts.page ? await pageLink(await browser.newPage(), opts) : null;
    const page = await browser.newPage();
    const console_ = [];
    page.on('console', m => { if (m.type() === 'error') console_.push(m.text()); });
    const report = await play(page, { ...opts, url: opts.url || link });
    report.pageLink = link;
    report.browser = opts.browser;
    report.browserVersion = await browser.version();
    report.consoleErrors = console_;
    report.ok = report.supported && report.errors.length === 0 && report.mediaErrors.length === 0
      && report.advancedSeconds > 0;
    console.log(JSON.stringify(report));
    process.exitCode = report.ok ? 0 : 1;
  } catch (e) {
    console.log(JSON.stringify({ fatal: String(e && e.stack || e) }));
    process.exitCode = 2;
  } finally {
    clearTimeout(guard);
    if (browser) await browser.close().catch(() => {});
  }
}

main();
