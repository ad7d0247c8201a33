// ferry's run report: summary, per-name distributions, sizing advice, the
// task table (sortable, filterable) and failures, drawn from the embedded data.
"use strict";
(() => {
  const {data, col, esc, bytes, duration, clock, show, unknown} = ferry;
  const run = data.run;
  const tasks = data.tasks;
  const $ = (id) => document.getElementById(id);

  // Summary.
  const cpuMs = tasks.reduce((s, t) => {
    const rt = t[col.realtime], pct = t[col.cpu_pct];
    return rt >= 0 && pct >= 0 ? s + rt * pct / 100 : s;
  }, 0);
  const measured = tasks.some((t) => t[col.cpu_pct] >= 0);
  const executors = [...new Set(tasks.map((t) => t[col.executor]).filter((e) => e))];
  const attempts = {};
  tasks.forEach((t) => { attempts[t[col.status]] = (attempts[t[col.status]] || 0) + 1; });
  document.title = "ferry report: " + run.name;
  $("title").textContent = "Run " + run.name;
  $("subtitle").textContent = run.status + " \u00b7 report made " + clock(data.created);
  const rows = [
    ["pipeline", show(run.pipeline)], ["command line", "<code>" + esc(run.command) + "</code>"],
    ["launch dir", show(run.launch_dir)], ["work dir", show(run.work_dir)],
    ["started", show(clock(run.start))], ["ended", show(clock(run.end))],
    ["duration", run.end > 0 ? show(duration(run.end - run.start)) : unknown],
    ["CPU hours", measured ? (cpuMs / 3600000).toFixed(3) : unknown],
    ["tasks", run.completed + " completed, " + run.cached + " cached, " + run.failed + " failed"],
    ["attempts", Object.keys(attempts).sort().map((k) => attempts[k] + " " + k.toLowerCase()).join(", ") || "none"],
    ["executors", executors.length ? esc(executors.join(", ")) : unknown],
  ];
  $("summary").innerHTML = rows.map(([k, v]) => "<tr><td>" + k + "</td><td>" + v + "</td></tr>").join("");

  // Distributions: one box per task name and measure; a name with no
  // measured value says unknown instead of drawing a zero.
  const measures = [
    {title: "CPU % (of one core)", get: (t) => t[col.cpu_pct], fmt: (v) => v.toFixed(1) + "%"},
    {title: "Memory used (peak RSS)", get: (t) => t[col.peak_rss], fmt: bytes},
    {title: "Memory used / requested", fmt: (v) => v.toFixed(1) + "%",
     get: (t) => t[col.peak_rss] >= 0 && t[col.memory] > 0 ? 100 * t[col.peak_rss] / t[col.memory] : -1},
    {title: "Time (realtime)", get: (t) => t[col.realtime], fmt: duration},
    {title: "Read (rchar)", get: (t) => t[col.rchar], fmt: bytes},
    {title: "Written (wchar)", get: (t) => t[col.wchar], fmt: bytes},
  ];
  const byName = data.names.map(() => []);
  tasks.forEach((t) => byName[t[col.process]].push(t));
  const quantile = (s, q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  const labelW = 110, plotW = 300, rowH = 22;
  const plot = (m) => {
    const values = byName.map((ts) => ts.map(m.get).filter((v) => v >= 0).sort((a, b) => a - b));
    const any = values.some((v) => v.length);
    const max = Math.max(1e-9, ...values.map((v) => v.length ? v[v.length - 1] : 0));
    const x = (v) => labelW + plotW * v / max;
    const h = rowH * data.names.length + 18;
    let svg = '<svg class="dist" width="' + (labelW + plotW + 60) + '" height="' + h + '">';
    values.forEach((v, i) => {
      const y = i * rowH + 4, mid = y + rowH / 2 - 2, name = data.names[i];
      svg += '<g class="mark" data-name="' + esc(name) + '"><text x="' + (labelW - 6) + '" y="' + (mid + 4) +
             '" text-anchor="end">' + esc(name) + "</text>";
      if (!v.length) {
        svg += '<text class="unknown" x="' + (labelW + 4) + '" y="' + (mid + 4) + '">unknown</text></g>';
        return;
      }
      const [lo, q1, med, q3, hi] = [v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]];
      const c = ferry.colour(i);
      svg += "<title>" + esc(name) + ": n=" + v.length + ", min " + m.fmt(lo) + ", median " + m.fmt(med) +
             ", max " + m.fmt(hi) + "</title>" +
             '<line x1="' + x(lo) + '" x2="' + x(hi) + '" y1="' + mid + '" y2="' + mid + '" stroke="' + c + '"/>' +
             '<rect x="' + x(q1) + '" y="' + (mid - 7) + '" width="' + Math.max(2, x(q3) - x(q1)) +
             '" height="14" fill="' + c + '" fill-opacity="0.35" stroke="' + c + '"/>' +
             '<line x1="' + x(med) + '" x2="' + x(med) + '" y1="' + (mid - 7) + '" y2="' + (mid + 7) +
             '" stroke="' + c + '" stroke-width="2"/></g>';
    });
    const axisY = rowH * data.names.length + 14;
    if (any)  // no scale to show when nothing was measured
      svg += '<text x="' + labelW + '" y="' + axisY + '">0</text><text x="' + (labelW + plotW) + '" y="' + axisY +
             '" text-anchor="end">' + esc(m.fmt(max)) + "</text>";
    svg += "</svg>";
    return '<div class="plot"><div class="title">' + m.title + "</div>" + svg + "</div>";
  };
  $("plots").innerHTML = measures.map(plot).join("");

  // Sizing advice.
  const rec = data.recommendations;
  const cell = (v, fmt) => v >= 0 ? esc(fmt(v)) : unknown;
  const ident = (v) => String(v);
  $("advice").innerHTML = "<tr><th>task</th><th class=num>attempts</th><th class=num>memory asked</th>" +
    "<th class=num>peak RSS p95</th><th class=num>suggested memory</th><th class=num>cpus asked</th>" +
    "<th class=num>CPU % p95</th><th class=num>suggested cpus</th><th class=num>time p95</th>" +
    "<th class=num>suggested time</th></tr>" +
    rec.map((r) => "<tr><td>" + esc(r.process) + "</td><td class=num>" + r.tasks + "</td><td class=num>" +
      [cell(r.requested_memory, bytes), cell(r.peak_rss_p95, bytes), cell(r.memory, bytes),
       cell(r.requested_cpus, ident), cell(r.cpu_pct_p95, (v) => v.toFixed(1) + "%"), cell(r.cpus, ident),
       cell(r.realtime_p95, duration), cell(r.time, duration)].join("</td><td class=num>") + "</td></tr>").join("");
  $("config").textContent = data.config || "(nothing measured yet: no suggestion)";

  // Task table.
  const shown = [
    ["id", "id", ident], ["task", "name", ident], ["status", "status", ident], ["exit", "exit", ident],
    ["attempt", "attempt", ident], ["executor", "executor", ident], ["realtime", "realtime", duration],
    ["%cpu", "cpu_pct", (v) => v.toFixed(1)], ["peak_rss", "peak_rss", bytes], ["memory", "memory", bytes],
    ["cpus", "cpus", ident], ["rchar", "rchar", bytes], ["wchar", "wchar", bytes],
    ["read_bytes", "read_bytes", bytes], ["write_bytes", "write_bytes", bytes], ["queue", "queue", duration],
    ["work dir", "work_dir", ident],
  ];
  const numeric = (c) => typeof (tasks[0] || [])[col[c]] === "number";
  $("tasks-head").innerHTML = "<tr>" + shown.map(([label, c]) =>
    '<th data-col="' + c + '"' + (numeric(c) ? ' class="num"' : "") + ">" + label + "</th>").join("") + "</tr>";
  const rowHtml = (t) => '<tr class="task">' + shown.map(([, c, fmt]) => {
    const v = t[col[c]];
    if (c === "status") return '<td class="' + esc(v) + '">' + esc(v) + "</td>";
    if (typeof v === "number") return "<td class=num>" + (v >= 0 ? esc(fmt(v)) : unknown) + "</td>";
    return "<td>" + (v === "" ? unknown : esc(v)) + "</td>";
  }).join("") + "</tr>";
  const text = tasks.map((t) => (t[col.name] + " " + t[col.status] + " " + t[col.executor] + " " +
                                 t[col.work_dir]).toLowerCase());
  // Only the rows in view are in the page (a window over the sorted and
  // filtered list, with spacers above and below), so 10,000 tasks scroll as
  // lightly as 10: laying out every row of a big table takes seconds.
  const rowPx = 22, spare = 30;
  const scroller = $("tasks-scroll");
  let order = tasks.map((_, i) => i), sortCol = null, sortDir = 1, filter = "", rowsShown = order;
  const spacer = (px) => px > 0 ? '<tr class="spacer"><td colspan="' + shown.length + '" style="height:' + px +
                                  'px"></td></tr>' : "";
  const drawWindow = () => {
    const first = Math.max(0, Math.floor(scroller.scrollTop / rowPx) - spare);
    const last = Math.min(rowsShown.length, first + Math.ceil(scroller.clientHeight / rowPx) + 2 * spare);
    $("tasks-body").innerHTML = spacer(first * rowPx) +
      rowsShown.slice(first, last).map((i) => rowHtml(tasks[i])).join("") +
      spacer((rowsShown.length - last) * rowPx);
  };
  const draw = () => {
    const f = filter.toLowerCase();
    rowsShown = order.filter((i) => !f || text[i].includes(f));
    $("tasks-count").textContent = rowsShown.length + " of " + tasks.length + " attempts";
    $("tasks").dataset.shown = rowsShown.length;
    drawWindow();
  };
  scroller.addEventListener("scroll", () => requestAnimationFrame(drawWindow));
  const compare = (c) => (a, b) => {
    const x = tasks[a][col[c]], y = tasks[b][col[c]];
    if (typeof x === "number") {
      if (x < 0 || y < 0) return (x < 0) - (y < 0);  // unknown last, whatever the direction
      return sortDir * (x - y) || a - b;
    }
    return sortDir * String(x).localeCompare(String(y)) || a - b;
  };
  $("tasks-head").addEventListener("click", (e) => {
    const th = e.target.closest("th");
    if (!th) return;
    const c = th.dataset.col;
    sortDir = c === sortCol ? -sortDir : 1;
    sortCol = c;
    order.sort(compare(c));
    document.querySelectorAll("#tasks-head th").forEach((h) => { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
    draw();
  });
  $("filter").addEventListener("input", (e) => { filter = e.target.value; draw(); });
  draw();

  // Failures.
  $("failures").innerHTML = data.failures.length ? data.failures.map((f) => {
    const t = tasks[f.row];
    return '<div class="failure"><b>' + esc(t[col.name]) + "</b> attempt " + t[col.attempt] + ", exit " +
           (t[col.exit] >= 0 ? t[col.exit] : unknown) + " \u00b7 " + esc(t[col.work_dir]) +
           "<pre>" + (f.stderr ? esc(f.stderr) : '<span class="unknown">no stderr kept</span>') + "</pre></div>";
  }).join("") : "<p>No task failed.</p>";
})();
