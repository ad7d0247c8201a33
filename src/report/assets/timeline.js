// ferry's run timeline: one row per task attempt, grouped and coloured by
// task name: the wait from submit to start (with a Batch job's time in
// Batch's queue marked: queue_time, createdAt to startedAt, which holds its
// RUNNABLE wait), then the run from start to end; cached tasks are marked.
"use strict";
(() => {
  const {data, col, esc, duration, clock} = ferry;
  const run = data.run;
  const $ = (id) => document.getElementById(id);
  document.title = "ferry timeline: " + run.name;
  $("title").textContent = "Timeline of run " + run.name;
  $("subtitle").textContent = run.status + " \u00b7 " + data.tasks.length + " attempts \u00b7 made " + clock(data.created);

  const order = data.tasks.map((_, i) => i);
  const t0 = (t) => t[col.submit] > 0 ? t[col.submit] : t[col.start] > 0 ? t[col.start] : t[col.end];
  order.sort((a, b) => data.tasks[a][col.process] - data.tasks[b][col.process] ||
                       t0(data.tasks[a]) - t0(data.tasks[b]) || a - b);
  const times = data.tasks.flatMap((t) => [t[col.submit], t[col.start], t[col.end]]).filter((v) => v > 0);
  const origin = Math.min(run.start > 0 ? run.start : Infinity, ...times);
  const last = Math.max(run.end, ...times, origin + 1);
  const n = data.tasks.length;
  const rowH = n > 2000 ? 3 : n > 300 ? 6 : 14, gap = rowH > 6 ? 2 : 0;
  const labelW = 150, plotW = 900, top = 24, groupGap = 8;
  const x = (ms) => labelW + plotW * (ms - origin) / (last - origin);

  let y = top, svg = "", prev = -1;
  const groups = [];
  order.forEach((i) => {
    const t = data.tasks[i], p = t[col.process];
    if (p !== prev) {
      if (prev >= 0) y += groupGap;
      groups.push({p, y, count: 0});
      prev = p;
    }
    groups[groups.length - 1].count++;
    const c = ferry.colour(p);
    const submit = t[col.submit], start = t[col.start], end = t[col.end];
    const cached = t[col.status] === "CACHED";
    // No element per task beyond its bars: a tooltip is made on hover from
    // the row's data-i (10,000 <title>s cost more to draw than the bars).
    const attrs = '" data-i="' + i + '" y="' + y + '" height="' + (rowH - gap) + '"';
    if (submit > 0 && start > submit)
      svg += '<rect class="wait" x="' + x(submit) + '" width="' + (x(start) - x(submit)) + attrs + "/>";
    if (t[col.queue] > 0 && start > 0) {
      const from = Math.max(x(start - t[col.queue]), submit > 0 ? x(submit) : labelW);
      svg += '<rect class="runnable" x="' + from + '" width="' + (x(start) - from) + attrs + "/>";
    }
    const from = start > 0 ? start : (submit > 0 ? submit : end);
    const to = end > 0 ? end : last;
    svg += '<rect class="bar' + (cached ? " cached" : "") + '" data-name="' + esc(data.names[p]) + '" x="' + x(from) +
           '" width="' + Math.max(2, x(to) - x(from)) + attrs + ' fill="' + c + '"/>';
    if (cached) svg += '<text class="cached-mark" x="' + (x(to) + 4) + '" y="' + (y + rowH - gap) + '">cached</text>';
    y += rowH;
  });
  let labels = "";
  groups.forEach((g) => {
    labels += '<text class="group" x="' + (labelW - 8) + '" y="' + (g.y + Math.min(12, g.count * rowH)) +
              '" text-anchor="end" fill="' + ferry.colour(g.p) + '">' + esc(data.names[g.p]) + " (" + g.count +
              ")</text>";
  });
  let axis = "";
  for (let k = 0; k <= 5; k++) {
    const ms = origin + (last - origin) * k / 5;
    axis += '<line class="tick" x1="' + x(ms) + '" x2="' + x(ms) + '" y1="' + (top - 4) + '" y2="' + y + '"/>' +
            '<text x="' + x(ms) + '" y="' + (top - 8) + '" text-anchor="middle">' + duration(ms - origin) + "</text>";
  }
  $("timeline").innerHTML = '<svg width="' + (labelW + plotW + 70) + '" height="' + (y + 10) + '">' + axis +
                            labels + svg + "</svg>";
  const tip = $("tip");
  $("timeline").addEventListener("mousemove", (e) => {
    const i = e.target.dataset ? e.target.dataset.i : undefined;
    if (i === undefined) { tip.style.display = "none"; return; }
    const t = data.tasks[i], submit = t[col.submit], start = t[col.start], end = t[col.end];
    tip.innerHTML = "<b>" + esc(t[col.name]) + "</b> \u00b7 " + esc(t[col.status]) +
      (submit > 0 && start > 0 ? "<br>waited " + duration(start - submit) : "") +
      (t[col.queue] >= 0 ? " (in Batch's queue " + duration(t[col.queue]) + ")" : "") +
      (start > 0 && end > 0 ? "<br>ran " + duration(end - start) : "");
    tip.style.display = "block";
    tip.style.left = e.pageX + 12 + "px";
    tip.style.top = e.pageY + 12 + "px";
  });
  $("legend").innerHTML = data.names.map((name, p) =>
    '<span class="key"><i style="background:' + ferry.colour(p) + '"></i>' + esc(name) + "</span>").join("") +
    '<span class="key"><i class="wait"></i>submitted, waiting</span>' +
    '<span class="key"><i class="runnable"></i>in Batch\'s queue (RUNNABLE)</span>' +
    '<span class="key"><i class="cached"></i>cached</span>';
})();
