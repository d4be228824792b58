// Cairn's canvas renderer for parallel coordinates with thousands of lines, where one SVG element per line would be
// too slow. Embedded in the server and served from /ui/cairn-charts.js; nothing is fetched from elsewhere.
//
// <cairn-parallel data-axes='[{"label":"lr","min":0,"max":1}, ...]' data-values="0,512,-1,..." data-baseline="3">
// data-values holds one row per run, one entry per axis, each scaled to 0..1000 by the server (-1 = the run lacks it).
// Lines are coloured by their value on the last axis, in eight bands (dark = low, light = high), one stroke per band.
// After drawing, the element carries data-drawn (lines drawn) and data-paint-ms (time spent drawing).
(() => {
  const palette = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"];
  const margin = { left: 40, right: 40, top: 24, bottom: 24 };

  class CairnParallel extends HTMLElement {
    static observedAttributes = ["data-axes", "data-values", "data-baseline"];

    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      this.canvas = document.createElement("canvas");
      this.canvas.setAttribute("part", "canvas");
      this.canvas.style.display = "block";
      this.canvas.style.width = "100%";
      root.appendChild(this.canvas);
      this.pending = false;
    }

    connectedCallback() { this.schedule(); }

    attributeChangedCallback() { this.schedule(); }

    schedule() {
      if (this.pending || !this.isConnected) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }

    draw() {
      const started = performance.now();
      let axes;
      try { axes = JSON.parse(this.dataset.axes || "[]"); } catch { axes = []; }
      const text = this.dataset.values || "";
      const values = text.length ? text.split(",").map(Number) : [];
      const count = axes.length > 0 ? Math.floor(values.length / axes.length) : 0;
      const baseline = this.dataset.baseline ? Number(this.dataset.baseline) : -1;

      const width = this.clientWidth || 720;
      const height = Number(this.getAttribute("height")) || 300;
      const ratio = window.devicePixelRatio || 1;
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.canvas.style.height = height + "px";
      const g = this.canvas.getContext("2d");
      g.setTransform(ratio, 0, 0, ratio, 0, 0);
      g.fillStyle = "#fff";
      g.fillRect(0, 0, width, height);
      if (axes.length < 2) { this.finish(0, started); return; }

      const plotHeight = height - margin.top - margin.bottom;
      const step = (width - margin.left - margin.right) / (axes.length - 1);
      const xs = axes.map((_, i) => margin.left + i * step);
      const y = v => margin.top + (1 - v / 1000) * plotHeight;

      // One path per colour band keeps the work to a handful of strokes whatever the number of lines.
      const bands = palette.map(() => new Path2D());
      const last = axes.length - 1;
      for (let run = 0; run < count; run++) {
        if (run === baseline) continue;
        const row = run * axes.length;
        const colour = values[row + last] < 0 ? 0 : Math.min(palette.length - 1, Math.floor(values[row + last] / 1000 * palette.length));
        trace(bands[colour], values, row, axes.length, xs, y);
      }

      g.lineWidth = 1;
      g.globalAlpha = Math.max(0.04, Math.min(0.6, 60 / Math.max(count, 1)));
      bands.forEach((path, i) => { g.strokeStyle = palette[i]; g.stroke(path); });
      g.globalAlpha = 1;
      if (baseline >= 0 && baseline < count) {
        const path = new Path2D();
        trace(path, values, baseline * axes.length, axes.length, xs, y);
        g.strokeStyle = "#d0632f";
        g.lineWidth = 2.5;
        g.stroke(path);
      }

      g.strokeStyle = "#c9ced6";
      g.lineWidth = 1;
      g.fillStyle = "#5b6472";
      g.font = "11px system-ui, sans-serif";
      g.textAlign = "center";
      axes.forEach((axis, i) => {
        g.beginPath();
        g.moveTo(xs[i], margin.top);
        g.lineTo(xs[i], margin.top + plotHeight);
        g.stroke();
        g.fillText(axis.label, xs[i], 14);
        g.fillText(`${format(axis.min)}–${format(axis.max)}`, xs[i], height - 6);
      });
      this.finish(count, started);
    }

    finish(count, started) {
      this.dataset.paintMs = (performance.now() - started).toFixed(1);
      this.dataset.drawn = String(count);
    }
  }

  // A run's polyline; an axis the run lacks breaks the line there.
  function trace(path, values, row, n, xs, y) {
    let pen = false;
    for (let i = 0; i < n; i++) {
      const v = values[row + i];
      if (v < 0) { pen = false; continue; }
      if (pen) path.lineTo(xs[i], y(v)); else path.moveTo(xs[i], y(v));
      pen = true;
    }
  }

  function format(v) {
    return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Math.round(v * 1000) / 1000);
  }

  if (!customElements.get("cairn-parallel")) customElements.define("cairn-parallel", CairnParallel);
})();
