// Helpers shared by ferry's report and timeline pages: reading the embedded
// data, formatting values (unknown, -1, shown as such), and colours by name.
"use strict";
const ferry = (() => {
  const data = JSON.parse(document.getElementById("ferry-data").textContent);
  const col = {};
  data.columns.forEach((c, i) => { col[c] = i; });
  const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                   "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const unknown = '<span class="unknown">unknown</span>';
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const bytes = (b) => {
    if (b < 0) return null;
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return (i === 0 ? b : b.toFixed(b < 10 ? 2 : 1)) + " " + units[i];
  };
  const duration = (ms) => {
    if (ms < 0) return null;
    if (ms === 0) return "0s";
    if (ms < 1000) return Math.round(ms) + "ms";
    let s = Math.round(ms / 1000);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    s = s % 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + s + "s";
  };
  const clock = (ms) => ms > 0 ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : null;
  const show = (v) => v === null || v === undefined ? unknown : esc(v);
  return {
    data, col, esc, bytes, duration, clock, show, unknown,
    colour: (nameIndex) => palette[nameIndex % palette.length],
  };
})();
