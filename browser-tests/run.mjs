#!/usr/bin/env node
// Drives a real, headless Debian browser against a running mp3cast server and prints one JSON
// object with the result of each check:
//   1. pageLoads       the page loads with no console errors, lists the demo mount, and has the
//                      low-latency player switched on
//   then with the switch off (plain <audio>):
//   2. livePlayback    Play on the demo mount: audio.currentTime advances >= 2 s within 5 s, no `error`
//   3. tonePlayback    /tone.mp3?seconds=3 from the form plays to `ended`, duration within 0.2 s of 3 s
//   then with the switch on (mp3cast's player, /web/player.js):
//   4. playerPlayback  Play on the demo mount: the card shows how far behind live it plays within
//                      5 s, and the meter draws the sound
//   5. screenshots     the page while the player plays (desktop and phone width), written to --out
//
//   node run.mjs --browser chromium|firefox --url http://127.0.0.1:8000/ --out DIR
//                [--executable PATH] [--mount /stream.mp3] [--timeout-ms 60000]
//
// Browsers come from Debian (/usr/bin/chromium, /usr/bin/firefox-esr) and are never downloaded:
// puppeteer-core drives Chromium over CDP and Firefox over WebDriver BiDi. Exit code 0 when every
// check passed, 1 when one failed, 2 when the run itself broke (the JSON then has `fatal`).
import fs from 'node:fs';
import path from 'node:path';
import { findExecutable, launch, parseArgs, quietHome, shutDown, sleep } from './lib/browser.mjs';

const LIVE_WINDOW_MS = 5000;
const LIVE_MIN_ADVANCE_S = 2;
const TONE_SECONDS = 3;
const TONE_TOLERANCE_S = 0.2;
const PLAYER_WINDOW_MS = 5000;
// Only the width changes: switching isMobile or hasTouch would make puppeteer reload the page.
const PHONE = { width: 390, height: 844, deviceScaleFactor: 1 };

function options() {
  const opts = parseArgs(process.argv.slice(2), { mount: '/stream.mp3', timeoutMs: 60000 });
  opts.timeoutMs = Number(opts.timeoutMs);
  if (!opts.url || !opts.out) {
    throw new Error('usage: run.mjs --browser chromium|firefox --url URL --out DIR [--executable PATH]');
  }
  opts.executable = findExecutable(opts.browser, opts.executable);
  return opts;
}

// Installed in the page: records every media event of interest on every <audio>, present or later.
function recordMediaEvents() {
  const log = window.__mp3castTest = { events: [] };
  const types = ['error', 'playing', 'ended', 'durationchange', 'waiting', 'stalled', 'emptied', 'abort'];
  for (const type of types) {
    document.addEventListener(type, ev => {
      const a = ev.target;
      if (!(a instanceof HTMLMediaElement)) return;
      const card = a.closest('[data-mount]');
      log.events.push({
        element: a.id || (card && card.dataset.mount) || 'audio', type, at: performance.now(),
        currentTime: a.currentTime, duration: Number.isFinite(a.duration) ? a.duration : String(a.duration),
        src: a.currentSrc, error: a.error ? { code: a.error.code, message: a.error.message } : null,
      });
    }, true);  // media events do not bubble: listen in the capture phase
  }
}

async function checkPageLoads(page, opts, problems) {
  const started = Date.now();
  const res = await page.goto(opts.url, { waitUntil: 'load', timeout: 15000 });
  await page.evaluate(recordMediaEvents);
  const selector = `.mount[data-mount="${opts.mount}"]`;
  let listed = true;
  try {
    await page.waitForSelector(selector, { timeout: 10000 });
  } catch (e) {
    listed = false;
  }
  await sleep(500);  // let a late console error or failed request show up
  const mounts = await page.$$eval('.mount[data-mount]', els => els.map(el => ({
    mount: el.dataset.mount,
    title: el.querySelector('.title')?.textContent.trim(),
    listeners: el.querySelector('.listeners')?.textContent.trim(),
    format: [...el.querySelectorAll('.format li')].map(li => li.textContent).join(' · '),
    preload: el.querySelector('audio')?.getAttribute('preload'),
  })));
  const errors = problems.slice();
  const playerSwitchOn = await page.$eval('#low-latency', el => el.checked).catch(() => null);
  return {
    ok: res.status() === 200 && listed && errors.length === 0 && playerSwitchOn === true,
    status: res.status(), title: await page.title(), mounts, consoleErrors: errors, playerSwitchOn,
    millis: Date.now() - started,
  };
}

/** Turns the low-latency player on or off with the page's switch. */
async function usePlayer(page, on) {
  if (await page.$eval('#low-latency', el => el.checked) !== on) await page.click('#low-latency');
  return page.$eval('#low-latency', el => el.checked);
}

async function checkPlayerPlayback(page, opts) {
  const card = `.mount[data-mount="${opts.mount}"]`;
  const switchedOn = await usePlayer(page, true);
  const clickedAt = Date.now();
  await page.click(`${card} button.play`);
  const samples = [];
  let shownAfterMs = null, meterPeak = 0;
  while (Date.now() - clickedAt <= PLAYER_WINDOW_MS) {
    const [text, behind, level] = await page.$eval(card, c => [c.querySelector('.clock').textContent,
      c.querySelector('.clock').dataset.behindMs, Number(c.querySelector('canvas.meter').dataset.level || 0)]);
    const ms = Date.now() - clickedAt;
    meterPeak = Math.max(meterPeak, level);
    samples.push([ms, text, behind === undefined || behind === '' ? null : Number(behind)]);
    if (shownAfterMs === null && behind) shownAfterMs = ms;
    if (shownAfterMs !== null && ms - shownAfterMs > 1500) break;
    await sleep(250);
  }
  const shown = samples.filter(x => x[2] !== null).map(x => x[2]);
  return {
    ok: switchedOn && shownAfterMs !== null && meterPeak > 0.05,
    switchedOn, shownAfterMs, behindLiveMs: shown.length ? shown[shown.length - 1] : null,
    figure: samples.length ? samples[samples.length - 1][1] : null, meterPeakLevel: meterPeak, samples,
  };
}

async function checkLivePlayback(page, opts) {
  const card = `.mount[data-mount="${opts.mount}"]`;
  await usePlayer(page, false);
  const clickedPerf = await page.evaluate(() => performance.now());
  const clickedAt = Date.now();
  await page.click(`${card} button.play`);
  const samples = [];
  let reachedAfterMs = null, meterPeak = 0;
  while (Date.now() - clickedAt <= LIVE_WINDOW_MS) {
    const [t, level] = await page.$eval(card, c => [c.querySelector('audio').currentTime,
      Number(c.querySelector('canvas.meter').dataset.level || 0)]);
    const ms = Date.now() - clickedAt;
    meterPeak = Math.max(meterPeak, level);
    samples.push([ms, Math.round(t * 1000) / 1000]);
    if (reachedAfterMs === null && t >= LIVE_MIN_ADVANCE_S) reachedAfterMs = ms;
    await sleep(250);
  }
  const state = await page.$eval(`${card} audio`, a => ({
    currentTime: a.currentTime, paused: a.paused, readyState: a.readyState, networkState: a.networkState,
    error: a.error ? { code: a.error.code, message: a.error.message } : null, src: a.currentSrc,
  }));
  const events = await mediaEvents(page, opts.mount);
  const errorEvents = events.filter(e => e.type === 'error');
  const meterInk = await inkPixels(page, `${card} canvas.meter`);
  return {
    ok: reachedAfterMs !== null && errorEvents.length === 0 && !state.error,
    advancedSeconds: state.currentTime, reached2sAfterMs: reachedAfterMs, windowMs: LIVE_WINDOW_MS,
    errorEvents, state, meterPeakLevel: meterPeak, meterInkPixels: meterInk, samples,
    firstPlayingAfterMs: after(events, 'playing', clickedPerf),
  };
}

// Milliseconds from `sincePerf` (the page's performance.now()) to the first event of `type`.
function after(events, type, sincePerf) {
  const e = events.find(x => x.type === type);
  return e ? Math.round(e.at - sincePerf) : null;
}

async function mediaEvents(page, element) {
  return page.evaluate(el => window.__mp3castTest.events.filter(e => e.element === el), element);
}

// How many pixels of a meter canvas were drawn on.
async function inkPixels(page, selector) {
  return page.$eval(selector, c => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
    return ink;
  });
}

async function startTone(page) {
  await usePlayer(page, false);
  const startedPerf = await page.evaluate(() => performance.now());
  await page.$eval('#tone-form [name=hz]', el => { el.value = '440'; });
  await page.$eval('#tone-form [name=seconds]', (el, s) => { el.value = String(s); }, TONE_SECONDS);
  await page.click('#tone-form button[type=submit]');
  return { at: Date.now(), perf: startedPerf };
}

async function checkTonePlayback(page, started) {
  const startedAt = started.at;
  const limitMs = (TONE_SECONDS + 12) * 1000;
  let ended = false;
  try {
    await page.waitForFunction(() => window.__mp3castTest.events.some(e => e.element === 'tone-audio' && e.type === 'ended'),
      { timeout: Math.max(1000, limitMs - (Date.now() - startedAt)), polling: 100 });
    ended = true;
  } catch (e) {
    // reported below
  }
  const events = await mediaEvents(page, 'tone-audio');
  const end = events.find(e => e.type === 'ended');
  const errorEvents = events.filter(e => e.type === 'error');
  const state = await page.$eval('#tone-audio', a => ({
    duration: Number.isFinite(a.duration) ? a.duration : String(a.duration), currentTime: a.currentTime,
    ended: a.ended, src: a.currentSrc, error: a.error ? { code: a.error.code, message: a.error.message } : null,
  }));
  const duration = end && typeof end.duration === 'number' ? end.duration : state.duration;
  const durationOk = typeof duration === 'number' && Math.abs(duration - TONE_SECONDS) <= TONE_TOLERANCE_S;
  return {
    ok: ended && durationOk && errorEvents.length === 0,
    ended, duration, expectedSeconds: TONE_SECONDS, toleranceSeconds: TONE_TOLERANCE_S,
    endedAfterMs: after(events, 'ended', started.perf),
    errorEvents, state,
    durationChanges: events.filter(e => e.type === 'durationchange').map(e => e.duration),
  };
}

async function screenshot(page, file) {
  await page.screenshot({ path: file, fullPage: true });
  const size = fs.statSync(file).size;
  return { path: file, bytes: size };
}

async function main() {
  const opts = options();
  fs.mkdirSync(opts.out, { recursive: true });
  const result = { browser: opts.browser, executable: opts.executable, url: opts.url, checks: {} };
  const home = quietHome();
  let browser;
  const watchdog = setTimeout(() => {
    result.fatal = `timed out after ${opts.timeoutMs} ms`;
    finish(result, 2, browser, home);
  }, opts.timeoutMs);
  try {
    browser = await launch(opts.browser, opts.executable, home);
    result.version = await browser.version();
    const page = await browser.newPage();
    const problems = [];
    page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', e => problems.push(`page error: ${e.message || e}`));
    page.on('response', r => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });

    result.checks.pageLoads = await checkPageLoads(page, opts, problems);
    const problemsBeforePlay = problems.length;
    result.checks.livePlayback = await checkLivePlayback(page, opts);
    const toneStartedAt = await startTone(page);
    result.checks.tonePlayback = await checkTonePlayback(page, toneStartedAt);
    result.checks.playerPlayback = await checkPlayerPlayback(page, opts);
    await page.click('#tone-form button[type=submit]');  // the tone too, through the player
    await sleep(1500);  // both playing: the picture shows two moving meters and the latency figure
    const shots = { ok: false, files: [] };
    result.checks.screenshots = shots;
    shots.files.push(await screenshot(page, path.join(opts.out, `${opts.browser}-playing.png`)));
    await page.setViewport(PHONE);
    await sleep(700);
    shots.files.push(await screenshot(page, path.join(opts.out, `${opts.browser}-phone.png`)));
    shots.livePlayingDuringShots = await page.$eval(`.mount[data-mount="${opts.mount}"]`, c => c.classList.contains('playing'));
    shots.latencyFigure = await page.$eval(`.mount[data-mount="${opts.mount}"] .clock`, c => c.textContent);
    shots.ok = shots.files.every(f => f.bytes > 10000) && shots.livePlayingDuringShots && /ms behind/.test(shots.latencyFigure);
    result.laterConsoleErrors = problems.slice(problemsBeforePlay);
    result.ok = Object.values(result.checks).every(c => c.ok) && result.laterConsoleErrors.length === 0;
  } catch (e) {
    result.fatal = String(e && e.stack || e);
  }
  clearTimeout(watchdog);
  await finish(result, result.fatal ? 2 : result.ok ? 0 : 1, browser, home);
}

let finished = false;
async function finish(result, code, browser, home) {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  await shutDown(browser, home);
  process.exit(code);
}

main().catch(e => {
  process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e) }) + '\n');
  process.exit(2);
});
