// mp3cast's browser player: a live MP3 stream heard ~150 ms behind its live edge, where a plain
// <audio> element waits for 32 KiB (4 s at 64 kbps) before it makes a sound. An ES module with no
// dependency and no build step:
//
//   import { Mp3castPlayer } from 'http://HOST:8000/web/player.js';
//   const player = new Mp3castPlayer('http://HOST:8000/stream.mp3', { latencyMs: 300 });
//   button.onclick = () => player.play();                    // play() in a click: autoplay rules
//   player.addEventListener('playing', () => console.log(player.stats.decoder));
//   setInterval(() => label.textContent = player.stats.behindLiveMs + ' ms behind live', 500);
//
// How: fetch() streams the body; whole MP3 frames are split out of it (headers parsed, garbage
// skipped); each frame is decoded by one of these paths, the first the browser has:
//   webcodecs  WebCodecs AudioDecoder('mp3'), each decoded block scheduled back to back on
//              AudioBufferSourceNodes (secure contexts: https, localhost, 127.0.0.1)
//   mse-mpeg   Media Source Extensions with audio/mpeg (Chromium, Safari, any context)
//   mse-fmp4   MSE with MP3 wrapped here in fragmented MP4 (Firefox, any context)
//   audio      a plain <audio> element (seconds behind, as without this player)
// Every path ends in one GainNode, `player.output`, in one AudioContext: tap it for a level meter.
//
// Latency. The player tracks the live edge from when frames arrive (the earliest arrival relative
// to the audio they carry, over the last 10 s), starts `latencyMs / 2` behind it (the cushion) and
// keeps there: the audio clock's skew against the wall clock (a sound card's crystal, 0.975 in
// Firefox's headless mock device) is measured and absorbed by resampling (playbackRate), and what
// is left of the drift is pulled back by at most 0.5 % of speed. When it falls more than `latencyMs`
// behind (a network hiccup delivered a flood), it drops audio back to the cushion, with a 5 ms
// fade each side of the cut; when it runs dry (an underrun, a `stalled` event), it waits until a
// cushion of audio is in again and plays on from where it stopped (nothing skipped), and the
// cushion grows by 50 ms (up to latencyMs - 100 ms). On a mp3cast live mount the player asks for
// `?burst-ms=<cushion>`: the server then sends that much recent audio at once and every frame as
// it is published, so the first sound comes right after the first bytes.

export const DECODERS = Object.freeze(['webcodecs', 'mse-mpeg', 'mse-fmp4', 'audio']);

const DEFAULT_LATENCY_MS = 300;
/** A block is scheduled at least this far ahead of the audio clock, or the clock has passed it. */
const LEAD_MS = 15;
/** Fade out and in over a cut (catch-up) or a restart, so neither clicks. */
const FADE_MS = 5;
const TICK_MS = 100;
const EDGE_WINDOW_MS = 10000;
const CLOCK_WINDOW_MS = 6000;
/** Speed added per ms behind the cushion (0.1 % per 100 ms), and its bound (a pitch change of 9 cents). */
const PULL_PER_MS = 0.00001;
const MAX_PULL = 0.005;
/** An element's playbackRate is changed only by more than this (0.2 %). */
const MSE_RATE_STEP = 0.002;
/** MSE keeps this much played audio before removing it. */
const MSE_KEEP_S = 10;

// ---------------------------------------------------------------- MP3 frames

//  byte 0    byte 1    byte 2    byte 3
// AAAAAAAA  AAABBCCD  EEEEFFGH  IIJJKLMM
// A sync, all ones (11 bits)        B version: 00 = 2.5, 01 reserved, 10 = 2, 11 = 1
// C layer: 01 = III                  D protection: 0 = a 16-bit CRC follows
// E bitrate index (0 free, 15 bad)   F sample rate index (3 reserved)   G padding
// H private  I channel mode (11 = mono)  J mode extension  K copyright  L original  M emphasis
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The Layer III header at `i`, or null when those four bytes are none. */
export function parseHeader(b, i) {
  if (b[i] !== 0xFF || (b[i + 1] & 0xE0) !== 0xE0) return null;
  const version = (b[i + 1] >> 3) & 3;
  const layer = (b[i + 1] >> 1) & 3;
  const bitrateIndex = b[i + 2] >> 4;
  const rateIndex = (b[i + 2] >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const mpeg1 = version === 3;
  const bitrateKbps = (mpeg1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex];
  const sampleRate = RATES[version][rateIndex];
  const samples = mpeg1 ? 1152 : 576;
  const bytes = Math.floor((samples / 8) * bitrateKbps * 1000 / sampleRate) + ((b[i + 2] >> 1) & 1);
  const channels = (b[i + 3] >> 6) === 3 ? 1 : 2;
  return { version, mpeg1, bitrateKbps, sampleRate, channels, samples, bytes };
}

const sameFormat = (a, b) => a && b && a.version === b.version && a.sampleRate === b.sampleRate
  && a.channels === b.channels;

/**
 * Whole frames out of a byte stream. A header is believed when it follows the previous frame in
 * the same format, opens the stream, or is confirmed by the next frame's header; bytes between
 * (an Icecast burst that starts mid-frame, garbage) are skipped and counted. An ID3v2 tag at the
 * start is skipped.
 */
export class FrameSplitter {
  constructor() {
    this.buf = new Uint8Array(0);
    this.last = null;        // header of the last frame handed out
    this.atStart = true;
    this.skippedBytes = 0;
    this.samples = 0;        // samples handed out so far: the media clock
  }

  /** Appends `chunk`; returns the whole frames now available: { header, data, startSample }. */
  push(chunk) {
    this.buf = concat(this.buf, chunk);
    const frames = [];
    let i = this.atStart ? this.skipId3() : 0;
    if (i < 0) return frames;  // the tag is not all in yet
    for (;;) {
      const found = this.nextFrame(i);
      if (found === null) break;
      this.skippedBytes += found.at - i;
      const { at, header } = found;
      frames.push({ header, data: this.buf.slice(at, at + header.bytes), startSample: this.samples,
        sampleRate: header.sampleRate });
      this.samples += header.samples;
      this.last = header;
      this.atStart = false;
      i = at + header.bytes;
    }
    this.buf = this.buf.subarray(i);
    return frames;
  }

  /** The next believable frame at or after `i` that is all in the buffer, or null (wait for more). */
  nextFrame(i) {
    const b = this.buf;
    for (let at = i; at + 4 <= b.length; at++) {
      const header = parseHeader(b, at);
      if (!header) continue;
      const trusted = (at === i && (this.atStart || sameFormat(header, this.last)));
      if (trusted) return at + header.bytes <= b.length ? { at, header } : null;
      const next = at + header.bytes;
      if (next + 4 > b.length) return null;  // cannot confirm it yet
      if (sameFormat(parseHeader(b, next), header)) return { at, header };
    }
    return null;
  }

  /** Bytes to skip for an ID3v2 tag at the start; 0 when there is none, -1 while it is incomplete. */
  skipId3() {
    const b = this.buf;
    if (b.length < 10) return b.length >= 3 && !(b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) ? 0 : -1;
    if (!(b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33)) return 0;
    const size = 10 + ((b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F))
      + ((b[5] & 0x10) ? 10 : 0);
    if (b.length < size) return -1;
    this.buf = b.subarray(size);
    this.atStart = true;
    return 0;
  }
}

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// ---------------------------------------------------------------- fragmented MP4 (for Firefox's MSE)

/**
 * MP3 frames in fragmented MP4 (ISO 14496-12 boxes, MP3 as object type 0x6B/0x69 in an `esds`,
 * ISO 14496-14): one init segment, then a `moof` + `mdat` per batch of frames. Firefox's MSE takes
 * MP3 only this way; doing it here keeps the server's one byte stream for every listener.
 */
export class Mp4Muxer {
  constructor(header) {
    this.header = header;
    this.sequence = 0;
  }

  init() {
    const h = this.header;
    const ftyp = box('ftyp', str('iso6'), u32(0), str('iso6'), str('mp41'));
    const esds = fullBox('esds', 0, 0, descriptor(0x03, u16(1), u8(0),
      descriptor(0x04, u8(h.mpeg1 ? 0x6B : 0x69), u8(0x15), u24(0), u32(h.bitrateKbps * 1000),
        u32(h.bitrateKbps * 1000)),
      descriptor(0x06, u8(0x02))));
    const mp4a = box('mp4a', zeros(6), u16(1), zeros(8), u16(h.channels), u16(16), zeros(4),
      u32(h.sampleRate * 65536), esds);
    const stbl = box('stbl', fullBox('stsd', 0, 0, u32(1), mp4a), emptyTable('stts'), emptyTable('stsc'),
      fullBox('stsz', 0, 0, u32(0), u32(0)), emptyTable('stco'));
    const minf = box('minf', fullBox('smhd', 0, 0, u32(0)),
      box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))), stbl);
    const mdia = box('mdia', fullBox('mdhd', 0, 0, u32(0), u32(0), u32(h.sampleRate), u32(0), u16(0x55C4), u16(0)),
      fullBox('hdlr', 0, 0, u32(0), str('soun'), zeros(12), str('mp3\0')), minf);
    const tkhd = fullBox('tkhd', 0, 7, u32(0), u32(0), u32(1), u32(0), u32(0), zeros(8), u16(0), u16(0),
      u16(0x0100), u16(0), matrix(), u32(0), u32(0));
    const mvhd = fullBox('mvhd', 0, 0, u32(0), u32(0), u32(h.sampleRate), u32(0), u32(0x00010000), u16(0x0100),
      zeros(10), matrix(), zeros(24), u32(2));
    const mvex = box('mvex', fullBox('trex', 0, 0, u32(1), u32(1), u32(0), u32(0), u32(0)));
    return join(ftyp, box('moov', mvhd, box('trak', tkhd, mdia), mvex));
  }

  /** A `moof` + `mdat` for `frames` (all in the init segment's format), starting at `startSample`. */
  fragment(frames, startSample) {
    const sizes = frames.map(f => u32(f.data.length));
    const tfhd = fullBox('tfhd', 0, 0x020008, u32(1), u32(this.header.samples));  // base is moof; duration
    const tfdt = fullBox('tfdt', 1, 0, u32(Math.floor(startSample / 2 ** 32)), u32(startSample >>> 0));
    const mfhd = fullBox('mfhd', 0, 0, u32(++this.sequence));
    const moof = dataOffset => box('moof', mfhd, box('traf', tfhd, tfdt,
      fullBox('trun', 0, 0x000201, u32(frames.length), u32(dataOffset), ...sizes)));  // data offset; sizes
    const moofBytes = moof(0).length;
    return join(moof(moofBytes + 8), box('mdat', ...frames.map(f => f.data)));
  }
}

const u8 = v => Uint8Array.of(v);
const u16 = v => Uint8Array.of(v >> 8, v);
const u24 = v => Uint8Array.of(v >> 16, v >> 8, v);
const u32 = v => Uint8Array.of(v >>> 24, v >> 16, v >> 8, v);
const zeros = n => new Uint8Array(n);
const str = s => Uint8Array.from(s, c => c.charCodeAt(0));
const matrix = () => join(u32(0x00010000), zeros(12), u32(0x00010000), zeros(12), u32(0x40000000));
const emptyTable = type => fullBox(type, 0, 0, u32(0));

function join(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function box(type, ...body) {
  const content = join(...body);
  return join(u32(content.length + 8), str(type), content);
}

function fullBox(type, version, flags, ...body) {
  return box(type, u8(version), u24(flags), ...body);
}

function descriptor(tag, ...body) {
  const content = join(...body);
  return join(u8(tag), u8(content.length), content);  // every descriptor here is under 128 bytes
}

// ---------------------------------------------------------------- clocks

/**
 * The live edge, from arrivals: each frame's arrival time less the media time at its end is how
 * late it came; the smallest of these over the last window is the transport's delay, and
 * `now - delay` is the media time at the live edge. A burst of old frames arriving at once counts
 * by its newest frame.
 */
class LiveEdge {
  constructor() {
    this.samples = [];  // { at, offset }, offsets increasing: the front is the window's minimum
    this.stale = false;
  }

  note(atMs, mediaEndMs) {
    const offset = atMs - mediaEndMs;
    if (this.stale) this.samples = [];
    this.stale = false;
    const s = this.samples;
    while (s.length && s[s.length - 1].offset >= offset) s.pop();
    s.push({ at: atMs, offset });
    while (s.length > 1 && s[0].at < atMs - EDGE_WINDOW_MS) s.shift();
  }

  /**
   * After a stall the old delays say nothing about the new ones: the newest stands in until the
   * next arrival replaces it.
   */
  reset() {
    this.samples = this.samples.slice(-1);
    this.stale = true;
  }

  get known() {
    return this.samples.length > 0;
  }

  /** Media time (ms) at the live edge at wall time `nowMs`. */
  mediaAt(nowMs) {
    return nowMs - this.samples[0].offset;
  }

  /** Wall time (ms) at which media time `mediaMs` was at the live edge. */
  wallOf(mediaMs) {
    return mediaMs + this.samples[0].offset;
  }
}

/**
 * How fast an audio clock runs against the wall clock (performance.now()): the least-squares slope
 * of its readings over the last 6 s. 1 until 1.5 s of readings; a slope out of [0.9, 1.1] (a
 * suspended context, a seek) starts the readings over and keeps the last good rate.
 */
class ClockRate {
  constructor() {
    this.points = [];
    this.rate = 1;
  }

  note(wallMs, clockS) {
    const p = this.points;
    p.push([wallMs / 1000, clockS]);
    while (p.length > 2 && p[0][0] < wallMs / 1000 - CLOCK_WINDOW_MS / 1000) p.shift();
    if (p[p.length - 1][0] - p[0][0] < 1.5) return;
    const slope = fitSlope(p);
    if (slope > 0.9 && slope < 1.1) {
      this.rate = slope;
    } else {
      this.restart();
    }
  }

  /** Forgets the readings (the clock jumped or stopped), not the rate. */
  restart() {
    this.points = [];
  }
}

/**
 * One clock estimate per AudioContext, kept between players and plays: a page that plays again
 * (or plays another stream) starts with its context's skew already known.
 */
const contextClocks = new WeakMap();

function contextClock(ctx) {
  let clock = contextClocks.get(ctx);
  if (!clock) {
    clock = new ClockRate();
    contextClocks.set(ctx, clock);
  }
  return clock;
}

function fitSlope(points) {
  const n = points.length;
  let sx = 0, sy = 0;
  for (const [x, y] of points) { sx += x; sy += y; }
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of points) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); }
  return sxx > 0 ? sxy / sxx : 1;
}

// ---------------------------------------------------------------- decoder paths

/** Which decoder paths this browser offers for a stream of `format` ({ sampleRate, channels }). */
export async function supportedDecoders(format = { sampleRate: 24000, channels: 1 }) {
  const found = [];
  if (await WebCodecsPath.supports(format)) found.push('webcodecs');
  if (MsePath.supports('mse-mpeg')) found.push('mse-mpeg');
  if (MsePath.supports('mse-fmp4')) found.push('mse-fmp4');
  found.push('audio');
  return found;
}

/** What the paths that play the frames the player fetched share: how far they reach, their clock. */
class FramePath {
  constructor(session) {
    this.s = session;
    this.sentMs = 0;        // media time (ms) at the end of the frames handed on
    this.clock = new ClockRate();
  }

  sent(frame) {
    this.sentMs = (frame.startSample + frame.header.samples) * 1000 / frame.sampleRate;
  }

  bufferedMs() {
    const pos = this.position();
    return pos === null ? 0 : Math.max(0, this.sentMs - pos);
  }

  clockRate() {
    return this.clock.rate;
  }
}

/**
 * WebCodecs: frames decoded by an AudioDecoder, each decoded block played by its own
 * AudioBufferSourceNode starting where the previous one ends (sample-exact on one AudioContext).
 */
class WebCodecsPath extends FramePath {
  static async supports(format) {
    if (!globalThis.AudioDecoder || !globalThis.EncodedAudioChunk || !globalThis.AudioContext) return false;
    try {
      const r = await AudioDecoder.isConfigSupported({ codec: 'mp3', sampleRate: format.sampleRate,
        numberOfChannels: format.channels });
      return r.supported === true;
    } catch (e) {
      return false;
    }
  }

  constructor(session) {
    super(session);
    this.ctx = session.ctx;
    this.clock = contextClock(this.ctx);
    this.gain = this.ctx.createGain();  // fades at cuts and restarts
    this.gain.connect(session.out);
    this.decoder = null;
    this.format = null;
    this.started = false;
    this.restarting = false;
    this.skipping = false;
    this.nextTime = 0;      // context time where the next block starts
    this.scheduled = [];    // { start, end, mediaMs, rate, node }: playing or waiting to play
    this.sentAt = new Map();  // chunk timestamp -> when it went to the decoder
    this.decodeMs = 0;      // how long the decoder takes, smoothed
  }

  get name() {
    return 'webcodecs';
  }

  push(frames) {
    for (const f of frames) {
      if (!sameFormat(f.header, this.format)) this.configure(f.header);
      const ts = Math.round(f.startSample * 1e6 / f.sampleRate);
      this.sentAt.set(ts, performance.now());
      this.decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: ts,
        duration: Math.round(f.header.samples * 1e6 / f.sampleRate), data: f.data }));
      this.sent(f);
    }
  }

  configure(header) {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.format = header;
    this.decoder = new AudioDecoder({
      output: data => this.decoded(data),
      error: e => this.s.fail(e),
    });
    this.decoder.configure({ codec: 'mp3', sampleRate: header.sampleRate, numberOfChannels: header.channels });
  }

  decoded(data) {
    try {
      if (this.s.closed) return;
      const sent = this.sentAt.get(data.timestamp);
      if (sent !== undefined) {
        this.sentAt.delete(data.timestamp);
        this.decodeMs += (performance.now() - sent - this.decodeMs) / 8;
      }
      const buffer = this.ctx.createBuffer(data.numberOfChannels, data.numberOfFrames, data.sampleRate);
      for (let ch = 0; ch < data.numberOfChannels; ch++) {
        data.copyTo(buffer.getChannelData(ch), { planeIndex: ch, format: 'f32-planar' });
      }
      this.schedule(buffer, data.timestamp / 1000);
    } finally {
      data.close();
    }
  }

  /** Plays `buffer` (media time `mediaMs`) after what is scheduled; or starts, skips, restarts. */
  schedule(buffer, mediaMs) {
    const s = this.s, ctx = this.ctx, now = performance.now();
    const durMs = buffer.duration * 1000;
    if (this.started && this.nextTime < ctx.currentTime) this.underrun();
    if (!this.started) {
      // At first, due when it is a cushion behind the live edge: a burst's blocks already past that
      // are skipped. After an underrun nothing is skipped: it plays on once a cushion is in again.
      const due = this.restarting ? now + s.cushionMs - (this.sentMs - mediaMs) : s.edge.wallOf(mediaMs) + s.cushionMs;
      if (!this.restarting && due + durMs < now + LEAD_MS) {
        s.skippedMs += durMs;
        return;
      }
      this.nextTime = ctx.currentTime + Math.max(due - now, LEAD_MS) / 1000 * this.clock.rate;
      this.fadeIn(this.nextTime);
      this.started = true;
      s.startedAt(now + (this.nextTime - ctx.currentTime) * 1000 / this.clock.rate);
    } else if (this.lateness(mediaMs) > (this.skipping ? s.cushionMs : s.latencyMs)) {
      this.skipping = true;  // too far behind: drop blocks until a cushion behind again
      s.skippedMs += durMs;
      return;
    } else if (this.skipping) {
      this.skipping = false;
      this.cut(this.nextTime);
    }
    const rate = s.playbackRate(this.clock.rate, s.cushionMs);
    const node = ctx.createBufferSource();
    node.buffer = buffer;
    node.playbackRate.value = rate;
    node.connect(this.gain);
    node.start(this.nextTime);
    const end = this.nextTime + buffer.duration / rate;
    this.scheduled.push({ start: this.nextTime, end, mediaMs, rate, node });
    this.nextTime = end;
  }

  /** How far behind the live edge a block of media time `mediaMs` will be heard, scheduled next. */
  lateness(mediaMs) {
    const wallNext = performance.now() + (this.nextTime - this.ctx.currentTime) * 1000 / this.clock.rate;
    return wallNext - this.s.edge.wallOf(mediaMs);
  }

  underrun() {
    this.started = false;
    this.restarting = true;
    this.skipping = false;
    this.s.underran();
  }

  /** The stream ended: the decoder gives out what it holds. */
  finish() {
    if (this.decoder && this.decoder.state === 'configured') this.decoder.flush().catch(() => {});
  }

  /** Whether everything received has been played. */
  drained() {
    return this.ctx.currentTime >= this.nextTime && (!this.decoder || this.decoder.decodeQueueSize === 0);
  }

  fadeIn(t) {
    const g = this.gain.gain;
    g.cancelScheduledValues(0);
    g.setValueAtTime(0, t);
    g.linearRampToValueAtTime(1, t + FADE_MS / 1000);
  }

  /** A fade to silence just before `t` and back after it: the cut does not click. */
  cut(t) {
    const g = this.gain.gain;
    const from = Math.max(this.ctx.currentTime, t - FADE_MS / 1000);
    g.cancelScheduledValues(0);
    g.setValueAtTime(1, from);
    g.linearRampToValueAtTime(0, t);
    g.linearRampToValueAtTime(1, t + FADE_MS / 1000);
  }

  tick(now) {
    const ctx = this.ctx;
    if (ctx.state === 'running') {
      const ts = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : null;
      if (ts && ts.performanceTime > 0) this.clock.note(ts.performanceTime, ts.contextTime);
      else this.clock.note(now, ctx.currentTime);
    } else {
      this.clock.restart();
    }
    while (this.scheduled.length && this.scheduled[0].end <= ctx.currentTime) this.scheduled.shift();
    if (this.started && this.nextTime < ctx.currentTime && !this.s.bodyEnded) this.underrun();
  }

  /** Media time (ms) being played now, or null when nothing is. */
  position() {
    const t = this.ctx.currentTime;
    const b = this.scheduled.find(x => x.start <= t && t < x.end);
    return b ? b.mediaMs + (t - b.start) * b.rate * 1000 : null;
  }

  debug() {
    return { decodeMs: Math.round(this.decodeMs), aheadMs: this.started
      ? Math.round((this.nextTime - this.ctx.currentTime) * 1000) : null };
  }

  close() {
    for (const b of this.scheduled) {
      try { b.node.stop(); } catch (e) { /* not started yet */ }
    }
    this.scheduled = [];
    this.gain.disconnect();
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
  }
}

/** The MediaSource a browser offers: ManagedMediaSource on iOS 17.1+, MediaSource elsewhere. */
function mediaSourceClass() {
  return globalThis.ManagedMediaSource || globalThis.MediaSource || null;
}

const MSE_TYPES = { 'mse-mpeg': 'audio/mpeg', 'mse-fmp4': 'audio/mp4; codecs="mp3"' };

/**
 * Media Source Extensions: frames appended to a SourceBuffer of an <audio> element (raw, or in
 * fragmented MP4), the element routed into the AudioContext. The element's own clock plays them;
 * the player starts it a cushion behind the live edge, sets its playbackRate (pitch not kept: a
 * resampling, as on the WebCodecs path) to absorb its clock's skew when that moved by over 0.2 %
 * (each change is a small glitch in Chromium), and seeks forward when it falls more than
 * latencyMs behind.
 */
class MsePath extends FramePath {
  static supports(kind) {
    const MS = mediaSourceClass();
    return !!(MS && globalThis.AudioContext && MS.isTypeSupported(MSE_TYPES[kind]));
  }

  constructor(session, kind) {
    super(session);
    this.kind = kind;
    this.queue = [];
    this.muxer = null;
    this.started = false;
    this.heard = false;
    this.waiting = false;
    this.pending = null;
    this.floorMs = 0;       // how far behind the element was when it started playing: its least
    this.clockS = 0;
    // Routed into the context, the element plays by its clock too (Firefox) or close to it: a
    // first guess until its own readings say otherwise.
    this.clock.rate = contextClock(session.ctx).rate;
    this.el = document.createElement('audio');
    this.el.preload = 'auto';
    this.el.preservesPitch = this.el.mozPreservesPitch = this.el.webkitPreservesPitch = false;
    this.el.disableRemotePlayback = true;  // ManagedMediaSource needs it
    const MS = mediaSourceClass();
    this.ms = new MS();
    this.url = URL.createObjectURL(this.ms);
    this.el.src = this.url;
    this.source = session.ctx.createMediaElementSource(this.el);
    this.source.connect(session.out);
    this.ready = new Promise((resolve, reject) => {
      this.ms.addEventListener('sourceopen', () => {
        try {
          this.sb = this.ms.addSourceBuffer(MSE_TYPES[kind]);
          if (kind === 'mse-mpeg') this.sb.mode = 'sequence';  // raw MP3 carries no timestamps
          this.sb.addEventListener('updateend', () => this.drain());
          this.sb.addEventListener('error', () => session.fail(new Error(kind + ': SourceBuffer error')));
          resolve();
        } catch (e) {
          reject(e);
        }
      }, { once: true });
    });
    this.el.addEventListener('error', () => session.fail(new Error(kind + ': media error '
      + (this.el.error ? this.el.error.code + ' ' + this.el.error.message : ''))));
    // Ran dry: the element waits until it has buffered enough again, and plays on from there.
    this.el.addEventListener('waiting', () => {
      if (this.heard && !this.waiting && !session.bodyEnded) session.underran();
      this.waiting = true;
      this.lastTime = undefined;
      this.clock.restart();  // the clock stood still: no skew to learn from that
    });
    this.el.addEventListener('playing', () => {
      this.waiting = false;
      this.heard = true;
      const now = performance.now();
      this.floorMs = Math.max(this.floorMs, session.edge.mediaAt(now) - this.el.currentTime * 1000);
      session.startedAt(now);
    });
  }

  get name() {
    return this.kind;
  }

  push(frames) {
    if (this.kind === 'mse-fmp4') {
      this.pushFragments(frames);
    } else {
      this.queue.push(join(...frames.map(f => f.data)));
    }
    this.sent(frames[frames.length - 1]);
    this.ready.then(() => this.drain(), e => this.s.fail(e));
  }

  /** One fragment per run of frames in one format; a new format gets a new init segment. */
  pushFragments(frames) {
    let run = [];
    const flush = () => {
      if (run.length) this.queue.push(this.muxer.fragment(run, run[0].startSample));
      run = [];
    };
    for (const f of frames) {
      if (!this.muxer || !sameFormat(f.header, this.muxer.header)) {
        flush();
        this.muxer = new Mp4Muxer(f.header);
        this.queue.push(this.muxer.init());
      }
      run.push(f);
    }
    flush();
  }

  drain() {
    if (!this.sb || this.sb.updating || this.s.closed) return;
    if (this.queue.length) {
      this.sb.appendBuffer(this.queue.length === 1 ? this.queue.shift() : join(...this.queue.splice(0)));
      return;
    }
    const played = this.el.currentTime - MSE_KEEP_S;
    if (this.sb.buffered.length && played > this.sb.buffered.start(0) + 1) {
      this.sb.remove(0, played);
      return;
    }
    if (this.s.bodyEnded && this.ms.readyState === 'open') this.ms.endOfStream();
    if (!this.started) this.start();
  }

  finish() {
    this.drain();
  }

  drained() {
    return this.el.ended || (this.s.bodyEnded && !this.started && !this.queue.length);
  }

  /**
   * Starts the element when its first buffered audio is a cushion behind the live edge (at once,
   * from a cushion behind, when a burst brought more). The element may want more before it plays
   * (Chromium: 200 ms): what it wants sets this path's least delay.
   */
  start() {
    const b = this.sb.buffered;
    if (!b.length || this.pending) return;
    const s = this.s;
    const now = performance.now();
    const from = Math.max(b.start(0), Math.min(b.end(b.length - 1), (s.edge.mediaAt(now) - s.cushionMs) / 1000));
    const due = s.edge.wallOf(from * 1000) + s.cushionMs;
    this.pending = setTimeout(() => {
      this.pending = null;
      if (s.closed) return;
      this.started = true;
      if (from > this.el.currentTime) this.el.currentTime = from;
      this.el.playbackRate = 1 / this.clock.rate;
      this.el.play().catch(e => s.fail(e));
    }, Math.max(0, due - now));
  }

  tick(now) {
    if (!this.started || this.el.paused || this.waiting) return;
    this.noteClock(now);
    // Only the skew, and only when it moved: each change of an element's rate is a small glitch.
    const want = 1 / this.clock.rate;
    if (Math.abs(this.el.playbackRate - want) > MSE_RATE_STEP) this.el.playbackRate = want;
    if (this.heard && !this.waiting) this.catchUp(now);
  }

  /**
   * The element's clock: media time advanced divided by the playbackRate it advanced at, summed,
   * so changing the rate does not look like skew.
   */
  noteClock(now) {
    const t = this.el.currentTime;
    if (this.lastTime !== undefined && t >= this.lastTime) this.clockS += (t - this.lastTime) / this.lastRate;
    else this.clockS = this.clockS || 0;
    this.lastTime = t;
    this.lastRate = this.el.playbackRate || 1;
    this.clock.note(now, this.clockS);
  }

  /**
   * More than latencyMs behind (or, where the element needs more than that to play, 150 ms more
   * than it needed): seek forward to a cushion behind, or what the element needs.
   */
  catchUp(now) {
    const s = this.s;
    const pos = this.el.currentTime * 1000;
    const behind = s.edge.mediaAt(now) - pos;
    if (behind <= Math.max(s.latencyMs, this.floorMs + 150)) return;
    const b = this.sb.buffered;
    const want = s.edge.mediaAt(now) - Math.max(s.cushionMs, this.floorMs);
    const target = Math.min(want, b.length ? b.end(b.length - 1) * 1000 - LEAD_MS : pos);
    if (target > pos) {
      s.skippedMs += target - pos;
      this.el.currentTime = target / 1000;
      this.lastTime = undefined;  // a seek is no clock
      this.clock.restart();
    }
  }

  position() {
    return this.started && !this.el.paused ? this.el.currentTime * 1000 : null;
  }

  debug() {
    const b = this.sb ? this.sb.buffered : null;
    return { readyState: this.el.readyState, waiting: this.waiting, rate: Math.round(this.el.playbackRate * 1e4) / 1e4,
      floorMs: Math.round(this.floorMs), bufferedEndMs: b && b.length ? Math.round(b.end(b.length - 1) * 1000) : null,
      bufferedStartMs: b && b.length ? Math.round(b.start(0) * 1000) : null };
  }

  close() {
    clearTimeout(this.pending);
    this.el.pause();
    this.source.disconnect();
    this.el.removeAttribute('src');
    this.el.load();
    URL.revokeObjectURL(this.url);
  }
}

/**
 * The last resort: a plain <audio> element fetching the stream itself, routed into the
 * AudioContext for the meter. It starts when the browser has buffered its fill (about 32 KiB),
 * so it plays seconds behind; the server's default burst (40 KiB) makes that start immediate.
 */
class ElementPath {
  constructor(session, url) {
    this.s = session;
    this.el = document.createElement('audio');
    this.el.preload = 'auto';
    this.el.crossOrigin = 'anonymous';  // the meter hears a cross-origin stream only with CORS
    this.el.src = url;
    this.el.load();  // iOS needs load() after setting src
    if (session.ctx) {
      this.source = session.ctx.createMediaElementSource(this.el);
      this.source.connect(session.out);
    }
    this.started = false;
    this.el.addEventListener('playing', () => {
      if (!this.started) session.startedAt(performance.now());
      this.started = true;
    });
    this.el.addEventListener('waiting', () => { if (this.started) session.underran(); });
    this.el.addEventListener('ended', () => { session.bodyEnded = true; });
    this.el.addEventListener('error', () => session.fail(new Error('audio: media error '
      + (this.el.error ? this.el.error.code + ' ' + this.el.error.message : ''))));
    this.el.play().catch(e => session.fail(e));
  }

  get name() {
    return 'audio';
  }

  tick() {}

  position() {
    return this.started ? this.el.currentTime * 1000 : null;
  }

  /** What the element has buffered ahead: the least it is behind the live edge. */
  bufferedMs() {
    const b = this.el.buffered;
    return b.length && this.started ? Math.max(0, (b.end(b.length - 1) - this.el.currentTime) * 1000) : 0;
  }

  clockRate() {
    return 1;
  }

  debug() {
    return { readyState: this.el.readyState };
  }

  finish() {}

  drained() {
    return this.el.ended;
  }

  close() {
    this.el.pause();
    if (this.source) this.source.disconnect();
    this.el.removeAttribute('src');
    this.el.load();
  }
}

// ---------------------------------------------------------------- the player

/**
 * A live MP3 stream played with low latency. Events: `playing` (first sound, and again after a
 * stall), `stalled` (ran dry), `error` (event.detail is the Error; the player has stopped),
 * `ended` (the stream ended and its audio has played). `stats` says how it is doing.
 */
export class Mp3castPlayer extends EventTarget {
  /**
   * @param {string} url  the stream, e.g. '/stream.mp3' or 'http://host:8000/live.mp3'
   * @param {object} [options]
   * @param {number} [options.latencyMs=300] how far behind the live edge it may fall before it
   *     skips ahead; it starts and plays half of that behind (60-10000)
   * @param {string} [options.decoder='auto'] 'auto', or one of DECODERS to force a path
   *     ('mse' picks mse-mpeg or mse-fmp4); a forced path the browser lacks is an error
   * @param {AudioContext} [options.audioContext] share one context between players
   * @param {boolean} [options.burst=true] ask the server for a burst of one cushion
   *     (`?burst-ms=`), which mp3cast live mounts honour and other servers ignore
   */
  constructor(url, options = {}) {
    super();
    if (typeof url !== 'string' && !(url instanceof URL)) throw new TypeError('url: a string or URL, got ' + url);
    const latencyMs = options.latencyMs === undefined ? DEFAULT_LATENCY_MS : Number(options.latencyMs);
    if (!(latencyMs >= 60 && latencyMs <= 10000)) throw new RangeError('latencyMs not supported: ' + options.latencyMs + ' (60-10000)');
    const decoder = options.decoder || 'auto';
    if (decoder !== 'auto' && decoder !== 'mse' && !DECODERS.includes(decoder)) {
      throw new RangeError('decoder not supported: ' + decoder + ' (auto, mse, ' + DECODERS.join(', ') + ')');
    }
    this.url = new URL(url, globalThis.location ? location.href : undefined).href;
    this.latencyMs = latencyMs;
    this.decoder = decoder;
    this.burst = options.burst !== false;
    this.ctx = options.audioContext || null;
    this.out = null;
    this.session = null;
    this.last = null;  // the stopped session's stats
  }

  /** The AudioContext everything plays in; made on the first play() when not given. */
  get audioContext() {
    return this.ensureContext();
  }

  /** The GainNode every path ends in, connected to the context's destination: tap it. */
  get output() {
    this.ensureContext();
    return this.out;
  }

  get playing() {
    return this.session !== null;
  }

  /**
   * Live figures: decoder (the path in use), bufferedMs (received, not yet heard),
   * behindLiveMs (how long ago what is heard now was at the live edge; null when not known),
   * underruns, skippedMs (dropped to catch up, or burst older than the cushion), clockRate
   * (audio clock seconds per wall second), cushionMs, latencyMs, firstSoundMs (play() to the
   * first sound), skippedBytes (not MP3), format.
   */
  get stats() {
    const s = this.session || this.last;
    return s ? s.stats() : { decoder: null, bufferedMs: 0, behindLiveMs: null, underruns: 0, skippedMs: 0,
      clockRate: 1, cushionMs: this.latencyMs / 2, latencyMs: this.latencyMs, firstSoundMs: null,
      skippedBytes: 0, format: null };
  }

  /** Starts playing at the live edge (call it from a click: browsers need a gesture for sound). */
  play() {
    this.stop();
    const ctx = this.ensureContext();
    if (ctx && ctx.state === 'suspended') ctx.resume().catch(() => {});
    this.session = new Session(this, ctx);
    this.session.run();
  }

  stop() {
    if (this.session) {
      this.last = this.session;
      this.session.close();
      this.session = null;
    }
  }

  ensureContext() {
    if (!this.ctx && globalThis.AudioContext) this.ctx = new AudioContext({ latencyHint: 'interactive' });
    if (this.ctx && !this.out) {
      this.out = this.ctx.createGain();
      this.out.connect(this.ctx.destination);
    }
    return this.ctx;
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  static supportedDecoders(format) {
    return supportedDecoders(format);
  }
}

/** One play(): the fetch, the splitter, the path, the figures. Closed by stop() or a failure. */
class Session {
  constructor(player, ctx) {
    this.player = player;
    this.ctx = ctx;
    this.out = ctx ? ctx.createGain() : null;
    if (this.out) this.out.connect(player.out);
    this.latencyMs = player.latencyMs;
    this.cushionMs = Math.max(50, player.latencyMs / 2);
    this.abort = new AbortController();
    this.splitter = new FrameSplitter();
    this.edge = new LiveEdge();
    this.path = null;
    this.closed = false;
    this.playStarted = performance.now();
    this.firstSoundMs = null;
    this.underruns = 0;
    this.skippedMs = 0;
    this.format = null;
    this.bodyEnded = false;
    this.smoothBehind = null;  // behindLiveMs, smoothed over about a second: what the pull acts on
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async run() {
    try {
      const choices = this.candidates();
      if (choices[0] === 'audio') {
        this.path = new ElementPath(this, this.player.url);
        return;
      }
      const res = await fetch(this.streamUrl(), { signal: this.abort.signal, cache: 'no-store' });
      if (!res.ok) throw new Error(this.player.url + ': HTTP ' + res.status);
      if (!res.body && choices.includes('audio')) {  // a browser that cannot stream a fetch
        res.arrayBuffer().catch(() => {});
        this.abort.abort();
        this.path = new ElementPath(this, this.player.url);
        return;
      }
      if (!res.body) throw new Error(this.player.url + ': no streaming body in this browser');
      await this.read(res.body.getReader(), choices);
    } catch (e) {
      if (!this.closed) this.fail(e);
    }
  }

  /** The paths to try, in order, for the decoder option and what the browser has. */
  candidates() {
    const d = this.player.decoder;
    if (d === 'mse') return ['mse-mpeg', 'mse-fmp4'];
    if (d !== 'auto') return [d];
    // WebCodecs support depends on the stream's format, known from its first frame; MSE's does not.
    const webCodecs = globalThis.AudioDecoder && this.ctx ? ['webcodecs'] : [];
    return [...webCodecs, ...['mse-mpeg', 'mse-fmp4'].filter(k => MsePath.supports(k)), 'audio'];
  }

  streamUrl() {
    if (!this.player.burst) return this.player.url;
    const u = new URL(this.player.url);
    u.searchParams.set('burst-ms', String(Math.round(this.cushionMs)));
    return u.href;
  }

  async read(reader, choices) {
    for (;;) {
      const { value, done } = await reader.read();
      if (this.closed) return;
      if (done) break;
      const now = performance.now();
      const frames = this.splitter.push(value);
      if (!frames.length) continue;
      const last = frames[frames.length - 1];
      this.edge.note(now, (last.startSample + last.header.samples) * 1000 / last.sampleRate);
      if (!this.path) {
        this.format = { sampleRate: last.header.sampleRate, channels: last.header.channels,
          bitrateKbps: last.header.bitrateKbps };
        this.path = await this.choose(choices, frames[0].header);
        if (this.closed) return;
        if (this.path.name === 'audio') {
          reader.cancel().catch(() => {});
          return;
        }
      }
      this.path.push(frames);
    }
    this.bodyEnded = true;
    if (this.path) this.path.finish();
  }

  async choose(choices, header) {
    const format = { sampleRate: header.sampleRate, channels: header.channels };
    for (const name of choices) {
      if (name === 'webcodecs' && await WebCodecsPath.supports(format)) return new WebCodecsPath(this);
      if (name.startsWith('mse-') && MsePath.supports(name)) return new MsePath(this, name);
      if (name === 'audio') return new ElementPath(this, this.player.url);
    }
    throw new Error('decoder ' + this.player.decoder + ' not supported in this browser');
  }

  startedAt(wallMs) {
    if (this.firstSoundMs === null) this.firstSoundMs = wallMs - this.playStarted;
    const delay = Math.max(0, wallMs - performance.now());
    setTimeout(() => { if (!this.closed) this.player.emit('playing'); }, delay);
  }

  underran() {
    if (this.bodyEnded) return;
    this.underruns++;
    this.edge.reset();
    this.cushionMs = Math.min(Math.max(this.latencyMs / 2, this.latencyMs - 100), this.cushionMs + 50);
    this.player.emit('stalled');
  }

  fail(error) {
    if (this.closed) return;
    this.error = error instanceof Error ? error : new Error(String(error));
    this.player.stop();
    this.player.emit('error', this.error);
  }

  tick() {
    if (!this.path || this.closed) return;
    const now = performance.now();
    this.path.tick(now);
    const behind = this.behindMs(now);
    if (behind === null) this.smoothBehind = null;
    else this.smoothBehind = this.smoothBehind === null ? behind : this.smoothBehind + (behind - this.smoothBehind) / 10;
    if (this.bodyEnded && this.path.drained()) {
      this.player.stop();
      this.player.emit('ended');
    }
  }

  /** How far behind the live edge what is heard now is, in ms; null when nothing plays. */
  behindMs(now) {
    const p = this.path;
    const pos = p ? p.position() : null;
    if (pos === null) return null;
    if (p.name === 'audio') return p.bufferedMs();  // the element hides its bytes: what it holds ahead
    return this.edge.known ? this.edge.mediaAt(now) - pos : null;
  }

  /**
   * The playback rate for a path whose audio clock runs at `clockRate` wall seconds per second and
   * that should play `targetMs` behind the live edge: the skew absorbed, and any drift left pulled
   * back at up to 0.5 % of speed.
   */
  playbackRate(clockRate, targetMs) {
    const off = this.smoothBehind === null ? 0 : this.smoothBehind - targetMs;
    const pull = Math.max(-MAX_PULL, Math.min(MAX_PULL, off * PULL_PER_MS));
    return (1 + pull) / clockRate;
  }

  stats() {
    const p = this.path;
    const pos = p ? p.position() : null;
    const behind = this.behindMs(performance.now());
    return {
      decoder: p ? p.name : null,
      bufferedMs: p ? Math.round(p.bufferedMs()) : 0,
      behindLiveMs: behind === null ? null : Math.round(behind),
      underruns: this.underruns,
      skippedMs: Math.round(this.skippedMs),
      clockRate: p ? p.clockRate() : 1,
      cushionMs: this.cushionMs,
      latencyMs: this.latencyMs,
      firstSoundMs: this.firstSoundMs === null ? null : Math.round(this.firstSoundMs),
      skippedBytes: this.splitter.skippedBytes,
      format: this.format,
      positionMs: pos === null ? null : Math.round(pos),
      debug: p ? p.debug() : null,
      error: this.error ? String(this.error.message || this.error) : null,
    };
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.abort.abort();
    if (this.path) this.path.close();
    if (this.out) this.out.disconnect();
  }
}
