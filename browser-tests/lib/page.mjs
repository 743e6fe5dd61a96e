// The harnesses' own page server: page/ (tap.html, tap.js, tap-worklet.js) on 127.0.0.1, this
// checkout's player.js for `--player local`, and /relay/PORT/PATH, which relays a stream from
// another local server (Icecast) so the page may read it (same origin).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The player in this checkout, for `--player local` (no server rebuild between edits). */
const LOCAL_PLAYER = path.join(HERE, '../../mp3cast-server/src/main/resources/io/mp3cast/server/web/player.js');
const PAGE = path.join(HERE, '../page');

/** Starts the page server on 127.0.0.1, port 0; resolves to the http.Server. */
export function servePage() {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const relay = url.pathname.match(/^\/relay\/(\d+)(\/.*)$/);
    if (relay) {
      relayTo(Number(relay[1]), relay[2] + url.search, req, res);
      return;
    }
    const name = url.pathname === '/' ? 'tap.html' : path.basename(url.pathname);
    const file = name === 'player.js' ? LOCAL_PLAYER : path.join(PAGE, name);
    if (!fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function relayTo(port, pathAndQuery, req, res) {
  const upstream = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { 'Icy-MetaData': '0' } }, up => {
    res.writeHead(up.statusCode, { 'Content-Type': up.headers['content-type'] || 'audio/mpeg', 'Cache-Control': 'no-store' });
    up.socket.setNoDelay(true);
    up.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.on('close', () => upstream.destroy());
}
