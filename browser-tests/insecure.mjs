#!/usr/bin/env node
// mp3cast's browser player (/web/player.js) in an insecure context, as on a LAN over plain http,
// over loopback only: the browser resolves --host (mp3cast.test) to 127.0.0.1 (lib/browser.mjs,
// mapHost), so http://mp3cast.test:PORT/ is a page from "another host" and not a secure context
// (http://127.0.0.1 is one). There Chromium has no WebCodecs (the player should take MSE
// audio/mpeg) and Firefox has neither WebCodecs nor AudioWorklet (MSE with fragmented MP4).
// Prints one JSON object:
//   secureContext  isSecureContext on the tap page (must be false, or nothing here means anything)
//   supported      the paths player.js finds there (supportedDecoders)
//   checks.tone    --runs plays of a paced /tone.mp3?pace=realtime (--tone-hz), the player
//                  choosing its path: the path taken, play() to the first sound (an AnalyserNode
//                  on player.output polled every 3 ms), and the output's dominant frequency
//   checks.live    the same, joining the live mount --live (a tone of --live-hz)
//   checks.page    the page at / (http://HOST:PORT/), player switch on: Play on --mount shows how
//                  far behind live it plays, the meter moves, the decoder named in the figure's
//                  title; a screenshot in --out
//
//   node insecure.mjs --browser chromium|firefox --server http://127.0.0.1:PORT/ [--host mp3cast.test]
//        [--live /tone-live.mp3] [--mount /stream.mp3] [--runs 3] [--tone-hz 440] [--latency-ms 300]
//        [--out DIR] [--executable PATH] [--timeout-ms 80000]
//
// Exit code 0 when it ran (the caller judges the figures), 2 when the run itself broke (`fatal`).
import fs from 'node:fs';
import path from 'node:path';
import { findExecutable, parseArgs, runHarness, runMain, sleep } from './lib/browser.mjs';

const TONE_QUERY = 'pace=realtime&rate=24000&channels=1&bitrate=64';
/** Spectra are summed over this much output, from 300 ms after the first sound. */
const SPECTRUM_MS = 1500;
const PAGE_WINDOW_MS = 8000;

function options() {
  const o = parseArgs(process.argv.slice(2), { host: 'mp3cast.test', live: '/tone-live.mp3', mount: '/stream.mp3',
    runs: '3', toneHz: '440', latencyMs: '300', timeoutMs: '80000' });
  if (!o.server) throw new Error('--server http://127.0.0.1:PORT/ is required');
  o.executable = findExecutable(o.browser, o.executable);
  for (const k of ['runs', 'toneHz', 'latencyMs', 'timeoutMs']) o[k] = Number(o[k]);
  return o;
}

/** `url` (on 127.0.0.1) addressed by the mapped host name instead. */
function viaHost(url, host) {
  const u = new URL(url);
  u.hostname = host;
  return u.href;
}

const round = x => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
const median = xs => {
  const s = xs.filter(x => x !== null).sort((a, b) => a - b);
  return s.length === xs.length && s.length ? s[(s.length - 1) >> 1] : null;
};

/** `runs` plays of `url` with the path the player picks: first sound, path, dominant frequency. */
async function plays(page, o, url) {
  const runs = [];
  for (let i = 0; i < o.runs; i++) {
    const id = await page.evaluate((u, opts, m) => window.tap.start(u, opts, m), url, { latencyMs: o.latencyMs },
      { threshold: 0.02, spectrumMs: SPECTRUM_MS });
    const deadline = Date.now() + 6000;
    while (Date.now() < deadline) {
      const p = await page.evaluate(k => window.tap.peek(k), id);
      if (p.firstOnset !== null && performance.timeOrigin + performance.now() > p.firstOnset + 300 + SPECTRUM_MS + 400) break;
      await sleep(100);
    }
    const r = await page.evaluate(k => window.tap.stop(k), id);
    runs.push({ firstSoundMs: r.onsets.length ? round(r.onsets[0] - r.playAt) : null, decoder: r.final.decoder,
      hz: r.dominant ? r.dominant.hz : null, share: r.dominant ? r.dominant.share : null,
      spectra: r.dominant ? r.dominant.spectra : 0, peak: round(r.peak * 1000) / 1000,
      playerFirstSoundMs: r.final.firstSoundMs, behindLiveMs: r.final.behindLiveMs, clockRate: r.final.clockRate,
      underruns: r.final.underruns, error: r.final.error, events: r.events.map(e => e.type) });
    await sleep(300);
  }
  return { url, runs, decoders: [...new Set(runs.map(r => r.decoder))], medianFirstSoundMs: median(runs.map(r => r.firstSoundMs)),
    maxFirstSoundMs: runs.every(r => r.firstSoundMs !== null) ? Math.max(...runs.map(r => r.firstSoundMs)) : null,
    hz: runs.map(r => r.hz) };
}

/** The page at /, its player switch on: Play on --mount, then the latency figure and the meter. */
async function mp3castPage(browser, o, problems) {
  const page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') problems.push(`page /: console: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page /: page error: ${e.message || e}`));
  const url = viaHost(o.server, o.host);
  const res = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  const card = `.mount[data-mount="${o.mount}"]`;
  await page.waitForSelector(card, { timeout: 10000 });
  const secureContext = await page.evaluate(() => isSecureContext);
  if (!await page.$eval('#low-latency', el => el.checked)) await page.click('#low-latency');
  const switchOn = await page.$eval('#low-latency', el => el.checked);
  const clickedAt = Date.now();
  await page.click(`${card} button.play`);
  let shownAfterMs = null, meterPeak = 0, last = null;
  while (Date.now() - clickedAt <= PAGE_WINDOW_MS) {
    last = await page.$eval(card, c => ({ text: c.querySelector('.clock').textContent, title: c.querySelector('.clock').title,
      behind: c.querySelector('.clock').dataset.behindMs, level: Number(c.querySelector('canvas.meter').dataset.level || 0) }));
    const ms = Date.now() - clickedAt;
    meterPeak = Math.max(meterPeak, last.level);
    if (shownAfterMs === null && last.behind) shownAfterMs = ms;
    if (shownAfterMs !== null && ms - shownAfterMs > 1500) break;
    await sleep(200);
  }
  const decoder = last && /decoder: ([^,]+)/.exec(last.title);
  let screenshot = null;
  if (o.out) {
    fs.mkdirSync(o.out, { recursive: true });
    screenshot = path.join(o.out, `${o.browser}-insecure.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  await page.close();
  return { url, status: res.status(), secureContext, switchOn, shownAfterMs, figure: last && last.text,
    behindLiveMs: last && last.behind ? Number(last.behind) : null, decoder: decoder ? decoder[1] : null,
    meterPeakLevel: round(meterPeak * 1000) / 1000, screenshot };
}

async function main() {
  const o = options();
  const result = { browser: o.browser, executable: o.executable, server: o.server, host: o.host, latencyMs: o.latencyMs,
    checks: {} };
  await runHarness(o, result, { mapHost: o.host }, async (browser, pageServer) => {
    const started = Date.now();
    const problems = [];
    const page = await browser.newPage();
    page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', e => problems.push(`page error: ${e.message || e}`));
    const playerUrl = viaHost(new URL('/web/player.js', o.server).href, o.host);
    result.tapPage = `http://${o.host}:${pageServer.address().port}/?player=${encodeURIComponent(playerUrl)}`;
    await page.goto(result.tapPage, { waitUntil: 'load' });
    await page.waitForFunction(() => window.tapReady === true, { timeout: 10000 });
    result.secureContext = await page.evaluate(() => isSecureContext);
    if (result.secureContext !== false) throw new Error(`${result.tapPage} is a secure context: the host mapping did not work`);
    result.apis = await page.evaluate(() => ({ AudioDecoder: typeof AudioDecoder, AudioWorkletNode: typeof AudioWorkletNode,
      MediaSource: typeof MediaSource }));
    result.supported = await page.evaluate(() => window.tap.decoders({ sampleRate: 24000, channels: 1 }));
    result.checks.tone = await plays(page, o,
      viaHost(new URL(`/tone.mp3?${TONE_QUERY}&hz=${o.toneHz}&seconds=4`, o.server).href, o.host));
    result.checks.live = await plays(page, o, viaHost(new URL(o.live, o.server).href, o.host));
    await page.close();
    result.checks.page = await mp3castPage(browser, o, problems);
    result.problems = problems;
    result.seconds = round((Date.now() - started) / 1000);
  });
}

runMain(main);
