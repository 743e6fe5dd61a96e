// The page lists live mounts from /status.json and plays them with mp3cast's player
// (/web/player.js: ~150 ms behind the live edge), or, with the switch off, with plain <audio>
// elements (seconds behind: browsers buffer 32 KiB first). Either way the sound runs through a
// Web Audio AnalyserNode that draws what is heard on a canvas.
import { Mp3castPlayer } from './player.js';

const REFRESH_MS = 2000;
const FIGURES_MS = 250;
const mountsEl = document.getElementById('mounts');
const emptyEl = document.getElementById('mounts-empty');
const stateEl = document.getElementById('server-state');
const template = document.getElementById('mount-template');
const lowLatency = document.getElementById('low-latency');
const cards = new Map();
let audioContext = null;

function context() {
  if (!audioContext) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    audioContext = Ctx ? new Ctx({ latencyHint: 'interactive' }) : null;
  }
  if (audioContext && audioContext.state === 'suspended') {
    audioContext.resume().catch(() => {});
  }
  return audioContext;
}

// ---- level meter

const css = getComputedStyle(document.documentElement);
const colour = name => css.getPropertyValue(name).trim();

// Keeps the canvas's pixels matched to its CSS size, so lines stay sharp on any screen.
function fit(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return ratio;
}

// A flat line: what the meter shows before anything plays.
function drawIdle(canvas) {
  const ratio = fit(canvas);
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = colour('--line');
  g.lineWidth = ratio;
  g.beginPath();
  g.moveTo(0, canvas.height / 2);
  g.lineTo(canvas.width, canvas.height / 2);
  g.stroke();
  canvas.dataset.level = '0';
}

// The waveform of the last few milliseconds, and a bar for its peak level.
function drawWave(canvas, data) {
  const ratio = fit(canvas);
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, mid = (h - 6 * ratio) / 2;
  g.clearRect(0, 0, w, h);
  let peak = 0;
  g.beginPath();
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] - 128) / 128;
    peak = Math.max(peak, Math.abs(v));
    const x = i / (data.length - 1) * w, y = mid - v * mid * 0.9;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  }
  g.strokeStyle = colour('--wave');
  g.lineWidth = 2 * ratio;
  g.lineJoin = 'round';
  g.stroke();
  const bar = g.createLinearGradient(0, 0, w, 0);
  bar.addColorStop(0, colour('--accent'));
  bar.addColorStop(0.75, colour('--warn'));
  bar.addColorStop(1, colour('--hot'));
  g.fillStyle = bar;
  g.fillRect(0, h - 4 * ratio, peak * w, 4 * ratio);
  canvas.dataset.level = peak.toFixed(3);
}

/**
 * A meter on `canvas` for whatever is connected to it: `listen(node)` taps an AudioNode, and the
 * meter draws while `isPlaying()` says so.
 */
function meter(canvas, isPlaying) {
  let analyser = null, data = null, running = false;
  requestAnimationFrame(() => drawIdle(canvas));  // once the canvas is in the page and has a size
  const tick = () => {
    if (!isPlaying() || !analyser) {
      running = false;
      drawIdle(canvas);
      return;
    }
    analyser.getByteTimeDomainData(data);
    drawWave(canvas, data);
    requestAnimationFrame(tick);
  };
  window.addEventListener('resize', () => { if (!isPlaying()) drawIdle(canvas); });
  return {
    listen(node) {
      if (!analyser) {
        analyser = node.context.createAnalyser();
        analyser.fftSize = 1024;
        data = new Uint8Array(analyser.fftSize);
      }
      node.connect(analyser);
    },
    start() {
      if (!running) {
        running = true;
        requestAnimationFrame(tick);
      }
    },
  };
}

/** Routes an <audio> element through the meter (once: an element has one source node) and on to the speakers. */
function meterAudio(audio, m) {
  let routed = false;
  audio.addEventListener('play', () => {
    const ctx = context();
    if (ctx && !routed) {
      routed = true;
      const source = ctx.createMediaElementSource(audio);
      source.connect(ctx.destination);
      m.listen(source);
    }
    m.start();
  });
}

// ---- one stream, played by the player or by <audio>

function clock(seconds) {
  const s = Math.floor(seconds);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

const DECODER_NAMES = { webcodecs: 'WebCodecs', 'mse-mpeg': 'MSE', 'mse-fmp4': 'MSE (fMP4)', audio: '<audio>' };

/**
 * A Play button for one stream: `url()` gives its address, `audio` is the plain element for
 * <audio> mode, `figures` shows state and latency. `onState(playing)` follows it.
 */
function streamControl({ url, audio, canvas, figures, onState }) {
  let player = null;
  let shown = null;
  let startedAt = 0;
  const isPlaying = () => (player ? player.playing : !audio.paused);
  const m = meter(canvas, isPlaying);
  meterAudio(audio, m);

  function showFigures() {
    if (!player || !player.playing) {
      clearInterval(shown);
      shown = null;
      return;
    }
    const s = player.stats;
    if (s.firstSoundMs === null) return;
    const parts = ['live · ' + clock((performance.now() - startedAt) / 1000)];
    if (s.behindLiveMs !== null) parts.push(s.behindLiveMs + ' ms behind');
    figures.textContent = parts.join(' · ');
    figures.dataset.behindMs = s.behindLiveMs === null ? '' : String(s.behindLiveMs);
    figures.title = 'decoder: ' + (DECODER_NAMES[s.decoder] || s.decoder) + ', buffered ' + s.bufferedMs + ' ms, '
      + s.underruns + ' underruns';
  }

  function playWithPlayer() {
    const ctx = context();
    player = new Mp3castPlayer(url(), { audioContext: ctx || undefined });
    if (player.output) m.listen(player.output);
    player.addEventListener('playing', () => { m.start(); showFigures(); });
    player.addEventListener('stalled', () => { figures.textContent = 'buffering…'; });
    player.addEventListener('ended', () => stop(''));
    player.addEventListener('error', ev => stop('could not play (' + (ev.detail && ev.detail.message || 'error') + ')'));
    figures.textContent = 'connecting…';
    startedAt = performance.now();
    player.play();
    shown = setInterval(showFigures, FIGURES_MS);
    onState(true);
  }

  function playWithAudio() {
    figures.textContent = 'connecting…';
    audio.src = url();
    audio.load();  // iOS needs load() after setting src
    audio.play().catch(e => { figures.textContent = e.name === 'NotAllowedError' ? 'press Play again' : ''; });
  }

  // Connect only when asked: an idle page holds no listener slot. On stop the connection closes,
  // so the next play starts at the live edge.
  function stop(message = '') {
    if (player) {
      const p = player;
      player = null;
      p.stop();
      if (p.output) p.output.disconnect();
      onState(false);
    }
    if (!audio.paused || audio.getAttribute('src')) {
      audio.pause();
      audio.removeAttribute('src');
      audio.load();
    }
    figures.textContent = message;
    delete figures.dataset.behindMs;
  }

  audio.addEventListener('play', () => onState(true));
  audio.addEventListener('pause', () => { if (!player) onState(false); });
  audio.addEventListener('waiting', () => { if (!audio.paused) figures.textContent = 'buffering…'; });
  audio.addEventListener('timeupdate', () => {
    if (!audio.paused && audio.currentTime > 0) figures.textContent = 'live · ' + clock(audio.currentTime);
  });
  audio.addEventListener('error', () => {
    if (!audio.getAttribute('src')) return;  // stopping empties the player on purpose
    onState(false);
    figures.textContent = 'could not play (' + (audio.error ? audio.error.code : '?') + ')';
  });

  return {
    play() {
      stop();
      if (lowLatency.checked) playWithPlayer(); else playWithAudio();
    },
    stop,
    get playing() { return isPlaying(); },
  };
}

// ---- mounts

// status.json: { mounts: [ { mount, listeners, format: { sampleRateHz, channels }, bitrateKbps,
//                            source: { state, description }, title, hls: { playlist } } ] }
function normalise(status) {
  const list = Array.isArray(status.mounts) ? status.mounts : [];
  return list.filter(m => m && typeof m.mount === 'string').map(m => ({
    mount: m.mount,
    title: m.title || '',
    listeners: m.listeners || 0,
    bitrateKbps: m.bitrateKbps || 0,
    sampleRateHz: (m.format && m.format.sampleRateHz) || 0,
    channels: (m.format && m.format.channels) || 0,
    state: (m.source && m.source.state) || '',
    description: (m.source && m.source.description) || '',
    hls: (m.hls && m.hls.playlist) || '',
  }));
}

function formatChips(m) {
  const chips = [];
  if (m.bitrateKbps) chips.push(m.bitrateKbps + ' kbps');
  if (m.sampleRateHz) chips.push((m.sampleRateHz / 1000).toLocaleString('en') + ' kHz');
  if (m.channels) chips.push(m.channels === 1 ? 'mono' : 'stereo');
  chips.push('MP3');
  return chips;
}

function createCard(mount) {
  const card = template.content.firstElementChild.cloneNode(true);
  card.dataset.mount = mount;
  const button = card.querySelector('button.play');
  const control = streamControl({
    url: () => mount,
    audio: card.querySelector('audio'),
    canvas: card.querySelector('canvas'),
    figures: card.querySelector('.clock'),
    onState: playing => {
      card.classList.toggle('playing', playing);
      button.setAttribute('aria-pressed', String(playing));
      button.querySelector('.icon').textContent = playing ? '■' : '▶';
      button.querySelector('.label').textContent = playing ? 'Stop' : 'Play';
    },
  });
  button.addEventListener('click', () => (control.playing ? control.stop() : control.play()));
  card.control = control;
  const link = card.querySelector('.url a');
  link.href = mount;
  link.textContent = location.origin + mount;
  return card;
}

function render(mounts) {
  emptyEl.hidden = mounts.length > 0;
  const seen = new Set();
  for (const m of mounts) {
    seen.add(m.mount);
    let card = cards.get(m.mount);
    if (!card) {
      card = createCard(m.mount);
      mountsEl.appendChild(card);
      cards.set(m.mount, card);
    }
    card.querySelector('.mount-name').textContent = m.mount;
    card.querySelector('.url a.hls').href = m.hls;
    card.querySelector('.listeners').textContent = m.listeners + (m.listeners === 1 ? ' listener' : ' listeners');
    card.querySelector('.title').textContent = m.title || 'untitled';
    card.querySelector('.title').classList.toggle('muted', !m.title);
    card.querySelector('.source-text').textContent = [m.description, m.state !== 'running' ? m.state : '']
      .filter(Boolean).join(' · ') || 'live';
    card.classList.toggle('stalled', m.state !== '' && m.state !== 'running');
    const chips = card.querySelector('.format');
    const text = formatChips(m);
    if (chips.dataset.text !== text.join('|')) {
      chips.dataset.text = text.join('|');
      chips.replaceChildren(...text.map(t => Object.assign(document.createElement('li'), { textContent: t })));
    }
  }
  for (const [mount, card] of cards) {
    if (!seen.has(mount)) {
      card.control.stop();
      card.remove();
      cards.delete(mount);
    }
  }
}

function showServer(ok, count) {
  stateEl.classList.toggle('down', !ok);
  stateEl.textContent = ok ? (count === 1 ? '1 live mount' : count + ' live mounts') : 'server unreachable, retrying';
}

async function refresh() {
  if (document.hidden) return;
  try {
    const res = await fetch('/status.json', { cache: 'no-store' });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const mounts = normalise(await res.json());
    render(mounts);
    showServer(true, mounts.length);
  } catch (e) {
    showServer(false);  // the server may be restarting: the next tick tries again
  }
}

// ---- per-request tone

const toneForm = document.getElementById('tone-form');
const toneAudio = document.getElementById('tone-audio');
const tone = streamControl({
  // With the player the tone is paced like live audio, so it plays from its start as it is made.
  url: () => '/tone.mp3?' + new URLSearchParams({ hz: toneForm.hz.value, seconds: toneForm.seconds.value,
    ...(lowLatency.checked ? { pace: 'realtime' } : {}) }),
  audio: toneAudio,
  canvas: document.getElementById('tone-meter'),
  figures: document.getElementById('tone-figures'),
  onState: () => {},
});
toneForm.addEventListener('submit', ev => {
  ev.preventDefault();
  tone.play();
});

// ---- the switch: the player, or plain <audio>

lowLatency.checked = localStorage.getItem('mp3cast.audio') !== 'plain';
function showMode() {
  document.body.classList.toggle('plain-audio', !lowLatency.checked);
}
lowLatency.addEventListener('change', () => {
  localStorage.setItem('mp3cast.audio', lowLatency.checked ? 'player' : 'plain');
  for (const card of cards.values()) card.control.stop();
  tone.stop();
  showMode();
});
showMode();

refresh();
setInterval(refresh, REFRESH_MS);
document.addEventListener('visibilitychange', refresh);
window.mp3cast = { refresh, cards };
