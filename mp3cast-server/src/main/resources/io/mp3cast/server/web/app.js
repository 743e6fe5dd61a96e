'use strict';
// The page lists live mounts from /status.json and plays them with plain <audio> elements:
// Firefox's MSE rejects audio/mpeg, and every browser plays a progressive MP3 stream natively.
(function () {
  const mountsEl = document.getElementById('mounts');
  const emptyEl = document.getElementById('mounts-empty');
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

  // Routes an <audio> element through an AnalyserNode and draws its level on a canvas.
  function attachMeter(audio, canvas) {
    let analyser = null;
    audio.addEventListener('play', () => {
      const ctx = context();
      if (!ctx || analyser) return;
      const source = ctx.createMediaElementSource(audio);
      analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      analyser.connect(ctx.destination);
      draw(analyser, canvas, audio);
    });
  }

  function draw(analyser, canvas, audio) {
    const g = canvas.getContext('2d');
    const data = new Uint8Array(analyser.fftSize);
    const tick = () => {
      analyser.getByteTimeDomainData(data);
      const w = canvas.width, h = canvas.height;
      g.clearRect(0, 0, w, h);
      let peak = 0;
      g.beginPath();
      for (let i = 0; i < data.length; i++) {
        const v = (data[i] - 128) / 128;
        peak = Math.max(peak, Math.abs(v));
        const x = i / (data.length - 1) * w, y = h / 2 - v * h / 2;
        i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
      }
      g.strokeStyle = '#4aa3ff';
      g.lineWidth = 2;
      g.stroke();
      g.fillStyle = peak > 0.95 ? '#ff6b6b' : '#3ecf8e';
      g.fillRect(0, h - 4, peak * w, 4);
      if (!audio.paused || audio.dataset.keepDrawing) requestAnimationFrame(tick);
    };
    audio.addEventListener('play', () => requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }

  function describe(m) {
    const parts = [];
    if (m.bitrateKbps) parts.push(m.bitrateKbps + ' kbps');
    if (m.sampleRateHz) parts.push((m.sampleRateHz / 1000) + ' kHz');
    if (m.channels) parts.push(m.channels === 1 ? 'mono' : 'stereo');
    if (m.source) parts.push('source: ' + m.source);
    return parts.join(' · ');
  }

  // status.json: { mounts: [ { mount, title, listeners, bitrateKbps, sampleRateHz, channels, source } ] }
  function normalise(status) {
    const list = Array.isArray(status.mounts) ? status.mounts
      : Object.entries(status.mounts || {}).map(([mount, m]) => Object.assign({ mount }, m));
    return list.map(m => ({
      mount: m.mount || m.path || m.name,
      title: m.title || '',
      listeners: m.listeners || 0,
      bitrateKbps: m.bitrateKbps || m.bitrate,
      sampleRateHz: m.sampleRateHz || (m.format && m.format.sampleRateHz),
      channels: m.channels || (m.format && m.format.channels),
      source: typeof m.source === 'string' ? m.source : (m.sourceState || (m.source && m.source.state) || '')
    })).filter(m => m.mount);
  }

  function render(mounts) {
    emptyEl.hidden = mounts.length > 0;
    const seen = new Set();
    for (const m of mounts) {
      seen.add(m.mount);
      let card = cards.get(m.mount);
      if (!card) {
        card = template.content.firstElementChild.cloneNode(true);
        card.dataset.mount = m.mount;
        const audio = card.querySelector('audio');
        const button = card.querySelector('button.play');
        // Connect only when asked: an idle page holds no listener slot. On stop the source is
        // dropped so the connection closes and the next play starts at the live edge.
        button.addEventListener('click', () => {
          if (audio.paused) {
            audio.src = m.mount;
            audio.load(); // iOS needs load() after setting src
            audio.play().catch(() => {});
          } else {
            audio.pause();
            audio.removeAttribute('src');
            audio.load();
          }
        });
        audio.addEventListener('play', () => { button.textContent = 'Stop'; });
        audio.addEventListener('pause', () => { button.textContent = 'Play'; });
        attachMeter(audio, card.querySelector('canvas'));
        const link = card.querySelector('.url a');
        link.href = m.mount;
        link.textContent = location.origin + m.mount;
        mountsEl.appendChild(card);
        cards.set(m.mount, card);
      }
      card.querySelector('.mount-name').textContent = m.mount;
      card.querySelector('.listeners').textContent = m.listeners + (m.listeners === 1 ? ' listener' : ' listeners');
      card.querySelector('.title').textContent = m.title || '\u00a0';
      card.querySelector('.format').textContent = describe(m);
    }
    for (const [mount, card] of cards) {
      if (!seen.has(mount)) { card.remove(); cards.delete(mount); }
    }
  }

  async function refresh() {
    try {
      const res = await fetch('/status.json', { cache: 'no-store' });
      if (res.ok) render(normalise(await res.json()));
    } catch (e) {
      // The server may be restarting; try again on the next tick.
    }
  }

  const toneForm = document.getElementById('tone-form');
  const toneAudio = document.getElementById('tone-audio');
  attachMeter(toneAudio, document.getElementById('tone-meter'));
  toneForm.addEventListener('submit', ev => {
    ev.preventDefault();
    const hz = encodeURIComponent(toneForm.hz.value);
    const seconds = encodeURIComponent(toneForm.seconds.value);
    toneAudio.src = '/tone.mp3?hz=' + hz + '&seconds=' + seconds;
    toneAudio.load();
    toneAudio.play().catch(() => {});
  });

  refresh();
  setInterval(refresh, 2000);
  window.mp3cast = { refresh, cards };
})();
