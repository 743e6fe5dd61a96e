#!/usr/bin/env node
// HTTPS in a real, headless Debian Chromium: prints one JSON object.
//   https  the page at --https-url loads (200), lists --mount, window.isSecureContext is true, and the
//          player's secure-only APIs are there (AudioDecoder, for WebCodecs)
//   http   the same page over plain http on a name that is not localhost: isSecureContext is false,
//          so the secure context above is TLS's doing, not the loopback exemption
//
//   node tls.mjs --https-url https://mp3cast.test:PORT/ --http-url http://mp3cast.test:PORT/
//                --host mp3cast.test --spki BASE64 [--mount /stream.mp3] [--executable PATH]
//
// The name resolves to 127.0.0.1 inside the browser only (--host-resolver-rules), and the test's
// self-signed certificate is trusted by its public key only (--ignore-certificate-errors-spki-list):
// the browser checks the chain, the name and the key as it would on another machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

function parseArgs(argv) {
  const opts = { mount: '/stream.mp3' };
  for (let i = 0; i < argv.length; i += 2) {
    opts[argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = argv[i + 1];
  }
  if (!opts.httpsUrl || !opts.httpUrl || !opts.host || !opts.spki) {
    throw new Error('usage: tls.mjs --https-url URL --http-url URL --host NAME --spki BASE64');
  }
  opts.executable = opts.executable || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(p => fs.existsSync(p));
  if (!opts.executable) throw new Error('chromium is not installed');
  return opts;
}

async function visit(browser, url, mount) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  try {
    const res = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
    let listed = true;
    try {
      await page.waitForSelector(`.mount[data-mount="${mount}"]`, { timeout: 10000 });
    } catch (e) {
      listed = false;
    }
    const state = await page.evaluate(() => ({
      isSecureContext: window.isSecureContext,
      protocol: location.protocol,
      audioDecoder: typeof AudioDecoder === 'function',
    }));
    return { status: res.status(), listed, ...state, consoleErrors: errors };
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mp3cast-tls-'));
  const args = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
    '--disable-gpu', '--no-first-run', '--no-default-browser-check', `--user-data-dir=${path.join(home, 'chromium')}`,
    `--host-resolver-rules=MAP ${opts.host} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${opts.spki}`];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const env = { ...process.env, HOME: home };
  delete env.DISPLAY;
  const browser = await puppeteer.launch({ executablePath: opts.executable, headless: true, browser: 'chrome', args, env,
    protocolTimeout: 20000, timeout: 20000 });
  try {
    const https = await visit(browser, opts.httpsUrl, opts.mount);
    const http = await visit(browser, opts.httpUrl, opts.mount);
    console.log(JSON.stringify({ https, http }));
  } finally {
    await browser.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.log(JSON.stringify({ fatal: String(e && e.stack || e) }));
  process.exit(2);
});
