// Opens one of ferry's pages (report, timeline or task graph) from file:// in
// Debian's headless chromium with every network request refused, and prints
// as JSON what a person would see: console errors, requests the page tried,
// table rows, timeline bars, plot marks per task name, the table's order
// after sorting by memory, and how long it took to open and draw.
//   node check_page.js PAGE.html SCREENSHOT.png [PAGE2.html SHOT2.png ...]
// ("-" for no screenshot); one browser opens them all, and one JSON object
// per page is printed, as an array.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const {chromium} = require("playwright-core");

async function main() {
  const args = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    offline: true,
    viewport: {width: 1400, height: 1000},
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const results = [];
  try {
    for (let k = 0; k + 1 < args.length; k += 2) {
      const url = "file://" + path.resolve(args[k]);
      results.push(await checkPage(browser, url, args[k + 1] === "-" ? null : args[k + 1]));
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

async function checkPage(browser, url, screenshot) {
  const out = {console_errors: [], requests: []};
  const page = await browser.newPage();
  try {
    page.on("console", (m) => { if (m.type() === "error") out.console_errors.push(m.text()); });
    page.on("pageerror", (e) => out.console_errors.push(String(e)));
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      out.requests.push(u);
      return route.abort();
    });
    const t0 = Date.now();
    await page.goto(url, {waitUntil: "load"});
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    out.open_ms = Date.now() - t0;
    if (screenshot) await page.screenshot({path: screenshot, fullPage: false});
    out.title = await page.title();
    // The table keeps only the rows in view in the page: make its box as
    // tall as every row (as a very tall window would) and read the ids of the
    // rows it then shows, in order.
    const scrollIds = () => page.evaluate(async () => {
      const box = document.getElementById("tasks-scroll");
      if (!box) return [];
      box.style.height = (Number(document.getElementById("tasks").dataset.shown) + 2) * 22 + 40 + "px";
      box.dispatchEvent(new Event("scroll"));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const ids = [...document.querySelectorAll("#tasks-body tr.task")].map((tr) => Number(tr.firstChild.textContent));
      box.style.height = "";
      return ids;
    });
    out.row_ids = await scrollIds();
    out.rows = out.row_ids.length;
    out.bars = await page.locator("#timeline rect.bar").count();
    out.dag_nodes = await page.locator("#dag g.node").count();
    out.marks = await page.evaluate(() => [...document.querySelectorAll(".plot")].map((p) =>
      [...p.querySelectorAll("g.mark")].map((g) => g.dataset.name)));
    out.bar_names = await page.evaluate(() =>
      [...new Set([...document.querySelectorAll("#timeline rect.bar")].map((r) => r.dataset.name))]);
    out.cached_marks = await page.locator("#timeline rect.bar.cached").count();
    out.runnable = await page.locator("#timeline rect.runnable").count();
    out.unknown = await page.locator(".unknown").count();
    out.config = await page.evaluate(() => (document.getElementById("config") || {}).textContent || "");
    if (out.rows > 0) {
      const idOrder = scrollIds;
      // Sorted by used memory (peak_rss) and by requested memory: the ids in
      // the order shown, up then down, and each task's values to check them.
      out.sorted = {};
      out.values = {};
      for (const c of ["peak_rss", "memory"]) {
        await page.click('#tasks-head th[data-col="' + c + '"]');
        const up = await idOrder();
        await page.click('#tasks-head th[data-col="' + c + '"]');
        out.sorted[c] = {up, down: await idOrder()};
        out.values[c] = await page.evaluate((name) => Object.fromEntries(
          ferry.data.tasks.map((t) => [t[ferry.col.id], t[ferry.col[name]]])), c);
      }
      await page.fill("#filter", "failed");
      out.filtered_rows = (await scrollIds()).length;
      await page.fill("#filter", "");
    }
  } finally {
    await page.close();
  }
  return out;
}

main().catch((e) => { console.error(String(e)); process.exit(1); });
