'use strict';
// The page lists live mounts from /status.json and plays them with plain <audio> elements:
// Firefox's MSE rejects audio/mpeg, and every browser plays a progressive MP3 stream natively.
// Each player runs through a Web Audio AnalyserNode that draws what is heard on a canvas.
(function () {
  const REFRESH_MS = 2000;
  const mountsEl = document.getElementById('mounts');
  const emptyEl = document.getElementById('mounts-empty');
  const stateEl = document.getElementById('server-state');
  const template = document.getElementById('mount-template');
  const cards = new Map();
  let audioContext = null;

  function context() {
    if (!audioContext) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      audioContext = Ctx ? new Ctx() : null;
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

  // Routes an <audio> element through an AnalyserNode; draws while it plays.
  function attachMeter(audio, canvas) {
    let analyser = null, data = null, running = false;
    requestAnimationFrame(() => drawIdle(canvas));  // once the canvas is in the page and has a size
    const tick = () => {
      if (audio.paused || !analyser) {
        running = false;
        drawIdle(canvas);
        return;
      }
      analyser.getByteTimeDomainData(data);
      drawWave(canvas, data);
      requestAnimationFrame(tick);
    };
    audio.addEventListener('play', () => {
      const ctx = context();
      if (ctx && !analyser) {
        analyser = ctx.createAnalyser();
        analyser.fftSize = 1024;
        data = new Uint8Array(analyser.fftSize);
        ctx.createMediaElementSource(audio).connect(analyser);
        analyser.connect(ctx.destination);
      }
      if (!running) {
        running = true;
        requestAnimationFrame(tick);
      }
    });
    window.addEventListener('resize', () => { if (audio.paused) drawIdle(canvas); });
  }

  // ---- mounts

  function clock(seconds) {
    const s = Math.floor(seconds);
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  // status.json: { mounts: [ { mount, listeners, format: { sampleRateHz, channels }, bitrateKbps,
  //                            source: { state, description }, title } ] }
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
    const audio = card.querySelector('audio');
    const button = card.querySelector('button.play');
    const clockEl = card.querySelector('.clock');
    const showState = playing => {
      card.classList.toggle('playing', playing);
      button.setAttribute('aria-pressed', String(playing));
      button.querySelector('.icon').textContent = playing ? '■' : '▶';
      button.querySelector('.label').textContent = playing ? 'Stop' : 'Play';
    };
    // Connect only when asked: an idle page holds no listener slot. On stop the source is
    // dropped, so the connection closes and the next play starts at the live edge.
    button.addEventListener('click', () => {
      if (audio.paused) {
        clockEl.textContent = 'connecting…';
        audio.src = mount;
        audio.load();  // iOS needs load() after setting src
        audio.play().catch(e => { clockEl.textContent = e.name === 'NotAllowedError' ? 'press Play again' : ''; });
      } else {
        audio.pause();
        audio.removeAttribute('src');
        audio.load();
        clockEl.textContent = '';
      }
    });
    audio.addEventListener('play', () => showState(true));
    audio.addEventListener('pause', () => showState(false));
    audio.addEventListener('waiting', () => { if (!audio.paused) clockEl.textContent = 'buffering…'; });
    audio.addEventListener('timeupdate', () => {
      if (!audio.paused && audio.currentTime > 0) clockEl.textContent = 'live · ' + clock(audio.currentTime);
    });
    audio.addEventListener('error', () => {
      if (!audio.getAttribute('src')) return;  // stopping empties the player on purpose
      showState(false);
      clockEl.textContent = 'could not play (' + (audio.error ? audio.error.code : '?') + ')';
    });
    attachMeter(audio, card.querySelector('canvas'));
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
        card.querySelector('audio').pause();
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
  attachMeter(toneAudio, document.getElementById('tone-meter'));
  toneForm.addEventListener('submit', ev => {
    ev.preventDefault();
    const query = new URLSearchParams({ hz: toneForm.hz.value, seconds: toneForm.seconds.value });
    toneAudio.src = '/tone.mp3?' + query;
    toneAudio.load();
    toneAudio.play().catch(() => {});
  });

  refresh();
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
  window.mp3cast = { refresh, cards };
})();
