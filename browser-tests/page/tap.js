// Measures what a player makes audible, from the audio graph: an AnalyserNode on the player's
// output, polled every few milliseconds, timestamps the first loud sample after a quiet spell
// (performance.timeOrigin + performance.now(), the producer's clock too on this machine), and an
// AudioWorklet (tap-worklet.js) copies the output for the gapless check. With `spectrumMs`, a
// second AnalyserNode's spectra, summed from 300 ms after the first sound, give the output's
// dominant frequency (an insecure context has no AudioWorklet in Firefox; an AnalyserNode works
// everywhere). latency.mjs and insecure.mjs call window.tap.
const params = new URLSearchParams(location.search);
const playerUrl = params.get('player');
let mod = null;
let ctx = null;
const workletLoaded = new WeakSet();

async function playerModule() {
  mod = mod || await import(playerUrl);
  return mod;
}

function context() {
  ctx = ctx || new AudioContext({ latencyHint: 'interactive' });
  return ctx;
}

const wall = () => performance.timeOrigin + performance.now();

/** Hides WebCodecs and MSE from the page, as a browser without them would be. */
function hideDecoders() {
  for (const name of ['AudioDecoder', 'EncodedAudioChunk', 'MediaSource', 'ManagedMediaSource', 'WebKitMediaSource']) {
    try { delete window[name]; } catch (e) { /* not configurable */ }
    if (window[name]) window[name] = undefined;
  }
}

class Run {
  constructor(url, options, { threshold = 0.05, quietMs = 300, captureMs = 0, captureAfterMs = 1000,
    spectrumMs = 0 } = {}) {
    this.url = url;
    this.options = options;
    this.threshold = threshold;
    this.quietMs = quietMs;
    this.onsets = [];
    this.stats = [];
    this.events = [];
    this.lastLoud = -Infinity;
    this.peak = 0;
    this.captureMs = captureMs;
    this.captureAfterMs = captureAfterMs;
    this.captured = [];
    this.capturedFrames = 0;
    this.spectrumMs = spectrumMs;
    this.spectra = 0;
  }

  async start() {
    const { Mp3castPlayer } = await playerModule();
    const c = context();
    await c.resume();
    this.player = new Mp3castPlayer(this.url, { ...this.options, audioContext: c });
    for (const type of ['playing', 'stalled', 'error', 'ended']) {
      this.player.addEventListener(type, ev => this.events.push({ type, at: wall(),
        detail: ev.detail ? String(ev.detail.message || ev.detail) : null }));
    }
    this.analyser = c.createAnalyser();
    this.analyser.fftSize = 512;
    this.data = new Float32Array(this.analyser.fftSize);
    this.player.output.connect(this.analyser);
    if (this.captureMs > 0) await this.startCapture(c);
    if (this.spectrumMs > 0) this.startSpectrum(c);
    this.playAt = wall();
    this.player.play();
    this.poll = setInterval(() => this.listen(), 3);
    this.statsTimer = setInterval(() => this.stats.push({ at: wall(), ...this.player.stats }), 250);
  }

  listen() {
    this.analyser.getFloatTimeDomainData(this.data);
    let max = 0;
    for (const v of this.data) max = Math.max(max, Math.abs(v));
    const now = wall();
    this.peak = Math.max(this.peak, max);
    if (max >= this.threshold) {
      if (now - this.lastLoud > this.quietMs) this.onsets.push(now);
      this.lastLoud = now;
    }
    if (this.spectrum) this.addSpectrum(now);
  }

  /** A long-window analyser (16384 samples: 2.9 Hz a bin at 48 kHz) whose power spectra are summed. */
  startSpectrum(c) {
    this.spectrum = c.createAnalyser();
    this.spectrum.fftSize = 16384;
    this.spectrum.smoothingTimeConstant = 0;
    this.bins = new Float32Array(this.spectrum.frequencyBinCount);
    this.power = new Float64Array(this.spectrum.frequencyBinCount);
    this.player.output.connect(this.spectrum);
  }

  /** One spectrum every analyser window, from 300 ms after the first sound for `spectrumMs`. */
  addSpectrum(now) {
    const from = this.onsets.length ? this.onsets[0] + 300 : Infinity;
    const windowMs = this.spectrum.fftSize / this.spectrum.context.sampleRate * 1000;
    if (now < from || now > from + this.spectrumMs || now < (this.lastSpectrum ?? -Infinity) + windowMs) return;
    this.lastSpectrum = now;
    this.spectrum.getFloatFrequencyData(this.bins);
    for (let i = 0; i < this.bins.length; i++) if (Number.isFinite(this.bins[i])) this.power[i] += 10 ** (this.bins[i] / 10);
    this.spectra++;
  }

  /** The strongest frequency of the summed spectra (parabolic peak on the dB bins), or null. */
  dominant() {
    if (!this.spectra) return null;
    const p = this.power;
    let k = 1;
    for (let i = 2; i < p.length - 1; i++) if (p[i] > p[k]) k = i;
    const [a, b, c] = [p[k - 1], p[k], p[k + 1]].map(v => 10 * Math.log10(v + 1e-30));
    const shift = a - 2 * b + c === 0 ? 0 : 0.5 * (a - c) / (a - 2 * b + c);
    const binHz = this.spectrum.context.sampleRate / this.spectrum.fftSize;
    const total = p.reduce((x, y) => x + y, 0);
    const near = p.slice(Math.max(0, k - 3), k + 4).reduce((x, y) => x + y, 0);
    return { hz: Math.round((k + shift) * binHz * 10) / 10, binHz: Math.round(binHz * 100) / 100, spectra: this.spectra,
      share: Math.round(near / total * 1000) / 1000 };
  }

  /** Copies the player's output from an AudioWorklet, from `captureAfterMs` after the first sound. */
  async startCapture(c) {
    if (!workletLoaded.has(c)) {
      workletLoaded.add(c);
      await c.audioWorklet.addModule('/tap-worklet.js');
    }
    this.tapNode = new AudioWorkletNode(c, 'mp3cast-tap');
    const frames = Math.round(this.captureMs / 1000 * c.sampleRate);
    this.tapHoles = 0;
    this.tapNode.port.onmessage = ({ data }) => {
      if (!this.onsets.length || wall() < this.onsets[0] + this.captureAfterMs || this.capturedFrames >= frames) return;
      if (this.nextFrame !== undefined && data.frame !== this.nextFrame) this.tapHoles++;
      this.nextFrame = data.frame + data.samples.length;
      const n = Math.min(data.samples.length, frames - this.capturedFrames);
      this.captured.push(data.samples.subarray(0, n));
      this.capturedFrames += n;
    };
    this.player.output.connect(this.tapNode);
    this.tapNode.connect(c.destination);  // pulled like any node that sounds; it outputs silence
  }

  stop() {
    clearInterval(this.poll);
    clearInterval(this.statsTimer);
    const final = this.player.stats;
    this.player.stop();
    this.player.output.disconnect();
    if (this.tapNode) this.tapNode.disconnect();
    return { playAt: this.playAt, onsets: this.onsets, peak: this.peak, stats: this.stats, final, dominant: this.dominant(),
      events: this.events, sampleRate: ctx.sampleRate, tapHoles: this.tapHoles || 0,
      tone: this.captureMs ? toneFit(this.joined(), ctx.sampleRate) : null };
  }

  joined() {
    const out = new Float32Array(this.capturedFrames);
    let at = 0;
    for (const c of this.captured) { out.set(c, at); at += c.length; }
    return out;
  }
}

/**
 * How well `x` matches a pure tone: its frequency (the strongest near the zero-crossing estimate),
 * then in 50 ms windows (overlapping by half) a tone of that frequency, the signal's median
 * amplitude and the window's best phase. `correlation` is of the whole signal with that tone; a
 * gap, click or dropout lowers it and its window's figure (`minWindow`), a slow drift of pitch (a
 * resampling rate being corrected) does not.
 */
function toneFit(x, rate) {
  if (x.length < rate) return { seconds: x.length / rate, correlation: 0, minWindow: 0, hz: 0 };
  // Rough frequency from zero crossings in the loud 50 ms stretches only (a gap would lower it).
  const win = Math.round(rate * 0.05);
  let crossings = 0, loud = 0;
  for (let at = 0; at + win <= x.length; at += win) {
    let e = 0, c = 0;
    for (let i = at; i < at + win; i++) {
      e += x[i] * x[i];
      if (i > 0 && x[i - 1] < 0 && x[i] >= 0) c++;
    }
    if (Math.sqrt(e / win) >= 0.01) { crossings += c; loud += win; }
  }
  const rough = loud ? crossings * rate / loud : 440;
  let best = { hz: rough, power: -1 };
  for (let hz = rough * 0.99; hz <= rough * 1.01; hz += rough * 0.0002) {
    const p = power(x, hz, rate, 0, x.length);
    if (p > best.power) best = { hz, power: p };
  }
  // Per window the tone's phase (and its pitch, within 2 %: a resampling rate being corrected)
  // is free, its amplitude is the signal's typical one: a gap or a dropout then counts against
  // the figure as it would against the ear.
  const hop = win >> 1;  // overlapping windows: a cut anywhere falls inside one
  const fits = [];
  for (let at = 0; at + win <= x.length; at += hop) fits.push(windowFit(x, at, win, best.hz, rate));
  const amplitude = fits.map(([a, b]) => Math.hypot(a, b)).sort((p, q) => p - q)[fits.length >> 1];
  let dot = 0, xx = 0, ff = 0, minWindow = 1, quiet = 0;
  const bad = [];
  for (let k = 0, at = 0; at + win <= x.length; k++, at += hop) {
    const [fa, fb, fw] = fits[k];
    const phase = Math.atan2(fb, fa);
    const a = Math.cos(phase) * amplitude, b = Math.sin(phase) * amplitude;
    let d = 0, e = 0, f = 0;
    for (let i = at; i < at + win; i++) {
      const fit = a * Math.cos(fw * (i - at)) + b * Math.sin(fw * (i - at));
      d += x[i] * fit; e += x[i] * x[i]; f += fit * fit;
    }
    dot += d; xx += e; ff += f;
    const c = e > 0 && f > 0 ? d / Math.sqrt(e * f) : 0;
    minWindow = Math.min(minWindow, c);
    if (c < 0.99) bad.push({ atMs: Math.round(at / rate * 1000), correlation: Math.round(c * 1000) / 1000 });
    if (Math.sqrt(e / win) < 0.01) quiet++;
  }
  return { seconds: x.length / rate, hz: best.hz, amplitude, correlation: xx > 0 && ff > 0 ? dot / Math.sqrt(xx * ff) : 0,
    minWindow, quietWindows: quiet, windowMs: 50, badWindows: bad.slice(0, 10) };
}

/**
 * The best pure tone for x[at, at + win): [cos, sin] amplitudes and its angular frequency, within 2 % of `hz`
 * (a player absorbing a skewed device clock, as Firefox's headless mock device under load, resamples by up
 * to that much: a steady change of pitch, which no listener hears as a fault, unlike a gap or a click).
 */
function windowFit(x, at, win, hz, rate) {
  let best = null;
  for (let k = -20; k <= 20; k++) {
    const w = 2 * Math.PI * hz * (1 + k * 0.001) / rate;
    let a = 0, b = 0;
    for (let i = 0; i < win; i++) { a += x[at + i] * Math.cos(w * i); b += x[at + i] * Math.sin(w * i); }
    const p = a * a + b * b;
    if (!best || p > best.p) best = { p, fit: [a * 2 / win, b * 2 / win, w] };
  }
  return best.fit;
}

function power(x, hz, rate, from, to) {
  const w = 2 * Math.PI * hz / rate;
  let a = 0, b = 0;
  for (let i = from; i < to; i += 2) { a += x[i] * Math.cos(w * i); b += x[i] * Math.sin(w * i); }
  return a * a + b * b;
}

const runs = new Map();
let nextId = 1;

window.tap = {
  async decoders(format) {
    return (await playerModule()).supportedDecoders(format);
  },
  hideDecoders,
  async start(url, options, measure) {
    const run = new Run(url, options, measure);
    const id = nextId++;
    runs.set(id, run);
    await run.start();
    return id;
  },
  peek(id) {
    const r = runs.get(id);
    return { onsets: r.onsets.length, firstOnset: r.onsets[0] ?? null, playAt: r.playAt, stats: r.player.stats,
      captured: r.capturedFrames / ctx.sampleRate, spectra: r.spectra, events: r.events };
  },
  stop(id) {
    const r = runs.get(id);
    runs.delete(id);
    return r.stop();
  },
  wall,
};
window.tapReady = true;
