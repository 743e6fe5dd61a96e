// Launching Debian's headless browsers for the harnesses (run.mjs, latency.mjs): puppeteer-core
// drives Chromium over CDP and Firefox over WebDriver BiDi; nothing is ever downloaded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { servePage } from './page.mjs';

export const EXECUTABLES = {
  chromium: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
  firefox: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
};
export const DESKTOP = { width: 1280, height: 900, deviceScaleFactor: 1 };

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/** `--key value` pairs as { key: value } (dashed names camel-cased). */
export function parseArgs(argv, defaults) {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    opts[key] = argv[i + 1];
  }
  return opts;
}

export function findExecutable(browser, given) {
  if (!EXECUTABLES[browser]) throw new Error(`--browser: chromium or firefox, got ${browser}`);
  const found = given || EXECUTABLES[browser].find(p => fs.existsSync(p));
  if (!found) throw new Error(`${browser}: none of ${EXECUTABLES[browser]} exists`);
  return found;
}

// A HOME of its own for the browser. Its ALSA null sink gives Chromium an audio output that is
// silent (Chromium still paces playback by its own clock). Firefox writes to that sink as fast as
// it accepts data, so its media clock races ahead of real time: it gets cubeb's mock context
// instead (see launch).
export function quietHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mp3cast-browser-'));
  fs.writeFileSync(path.join(home, '.asoundrc'), 'pcm.!default { type null }\n');
  return home;
}

/**
 * Launches `browser` headless. `mapHost` (a name such as 'mp3cast.test') makes that name resolve to
 * 127.0.0.1 without DNS, so http://NAME:PORT/ reaches a local server as a page from another host
 * would be reached on a LAN: an insecure context (no WebCodecs; no AudioWorklet in Firefox), where
 * http://127.0.0.1 is a secure one. Chromium maps the one name (--host-resolver-rules); Firefox
 * resolves every name to 127.0.0.1 (network.dns.forceResolve). Nothing leaves the loopback.
 */
export async function launch(browser, executable, home, { mapHost = null } = {}) {
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache') };
  delete env.DISPLAY;
  const common = { executablePath: executable, headless: true, env, protocolTimeout: 30000,
    timeout: 20000, defaultViewport: DESKTOP, dumpio: false };
  if (browser === 'chromium') {
    const args = ['--autoplay-policy=no-user-gesture-required', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-gpu', '--no-first-run',
      '--no-default-browser-check', '--disable-features=Translate,MediaRouter,OptimizationHints',
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      `--user-data-dir=${path.join(home, 'chromium')}`];
    if (mapHost) args.push(`--host-resolver-rules=MAP ${mapHost} 127.0.0.1`);
    if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
    return puppeteer.launch({ ...common, browser: 'chrome', args });
  }
  return puppeteer.launch({ ...common, browser: 'firefox', extraPrefsFirefox: {
    // A mock audio device, paced in real time: media and Web Audio run as with a sound card.
    // (An ALSA null sink with media.cubeb.backend=alsa plays too, but faster than real time.)
    'media.cubeb.force_mock_context': true,
    'media.autoplay.default': 0,
    'media.autoplay.blocking_policy': 0,
    'media.autoplay.block-webaudio': false,
    'app.update.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.safebrowsing.update.enabled': false,
    'extensions.update.enabled': false,
    ...(mapHost ? { 'network.dns.forceResolve': '127.0.0.1', 'dom.security.https_first': false } : {}),
  } });
}

/** Closes the browser (killing it if it hangs) and removes its HOME. */
export async function shutDown(browser, home) {
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), sleep(5000)]);
    const proc = browser.process();
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  }
  fs.rmSync(home, { recursive: true, force: true });
}

let finished = false;
/**
 * Ends a harness that prints one JSON object: prints `result` (once, even when a watchdog and the
 * run both get here), closes `servers` and the browser, and exits with `code`.
 */
export async function finish(result, code, browser, home, ...servers) {
  if (finished) return;
  finished = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  for (const s of servers) s.close();
  await shutDown(browser, home);
  process.exit(code);
}

/**
 * The frame of a harness that prints one JSON object: notes the load average in `result`, starts
 * the page server (lib/page.mjs) and launches the browser (`launchOptions` as for launch), then
 * runs `body(browser, pageServer)`, which fills `result`. What it throws, or `o.timeoutMs` passing,
 * becomes `result.fatal` (exit 2); either way it ends with finish().
 */
export async function runHarness(o, result, launchOptions, body) {
  result.load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const home = quietHome();
  const pageServer = await servePage();
  let browser;
  const watchdog = setTimeout(() => {
    result.fatal = `timed out after ${o.timeoutMs} ms`;
    finish(result, 2, browser, home, pageServer);
  }, o.timeoutMs);
  try {
    browser = await launch(o.browser, o.executable, home, launchOptions);
    result.version = await browser.version();
    await body(browser, pageServer);
  } catch (e) {
    result.fatal = String(e && e.stack || e);
  }
  clearTimeout(watchdog);
  await finish(result, result.fatal ? 2 : 0, browser, home, pageServer);
}

/** Runs a harness's `main`; what it throws is printed as `fatal` (exit 2). */
export function runMain(main) {
  main().catch(e => {
    process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e) }) + '\n');
    process.exit(2);
  });
}
