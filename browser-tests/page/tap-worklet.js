// Copies every render quantum of its input to the page, with the quantum's first frame number: a
// capture with no holes (a ScriptProcessorNode loses blocks when the page is busy).
class Tap extends AudioWorkletProcessor {
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) this.port.postMessage({ frame: currentFrame, samples: ch.slice(0) });
    return true;
  }
}
registerProcessor('mp3cast-tap', Tap);
