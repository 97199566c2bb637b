// Poll results as charts that read well on a phone and on a projector: plain SVG bars for
// single and multiple choice and for a ranking (Borda points, with place numbers), columns per
// value for a scale (the mean large above them), a word cloud of spans, open answers as a list.
// Drawing again into the same container updates it in place, so bars grow smoothly as answers
// come in; a new container width (phone turned, window resized) lays the chart out again.
// The drawing is aria-hidden: a table carries the same numbers (visually hidden on the live
// pages; the results pages render their own on the server). Text only ever goes in as text.
// Words come from #poll-chart-strings (templates/polls/_chart_strings.html).

const SVG_NS = "http://www.w3.org/2000/svg";
const charts = new WeakMap(); // container -> {question, results, options, width}

let words = null;
function say(key, vars = {}) {
  if (!words) {
    const node = document.getElementById("poll-chart-strings");
    words = node ? JSON.parse(node.textContent) : {};
  }
  const text = words[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

const sayN = (key, n, vars = {}) => say(n === 1 ? `${key}_one` : `${key}_other`, { n: decimal(n), ...vars });

const LANG = document.documentElement.lang || "nl";
const DECIMAL = new Intl.NumberFormat(LANG, { maximumFractionDigits: 1 });
export const decimal = (n) => (typeof n === "number" ? DECIMAL.format(n) : "–");

// "1 antwoord", "12 antwoorden": the callers show the count next to their charts.
export const respondentsText = (n) => sayN("respondents", n ?? 0);

// ---------------------------------------------------------------- elements

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    const text = String(value);
    if (node.getAttribute(key) !== text) node.setAttribute(key, text);
  }
}

// A direct child of `parent` with this class, made once and kept (so its contents can change
// in place, and what is in it can grow instead of appearing anew).
function part(parent, cls, tag = "div", attrs = {}) {
  let node = [...parent.children].find((child) => child.classList.contains(cls));
  if (!node) {
    node = el(tag, { class: cls, ...attrs });
    parent.append(node);
  }
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// ---------------------------------------------------------------- measuring text

const measurer = document.createElement("canvas").getContext("2d");

function fontOf(node) {
  const style = getComputedStyle(node);
  const size = parseFloat(style.fontSize) || 16;
  return { size, family: style.fontFamily || "sans-serif" };
}

function textWidth(text, size, family, weight = 400) {
  measurer.font = `${weight} ${size}px ${family}`;
  return measurer.measureText(text).width;
}

// The text in lines of at most `max` px (at most `limit` lines; the last ends in "…" when cut).
function wrap(text, max, size, family, { weight = 400, limit = 3 } = {}) {
  const fits = (line) => textWidth(line, size, family, weight) <= max;
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (!fits(line) && line.length > 1) {
      // One word wider than the column: break it where it no longer fits.
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut -= 1;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  if (lines.length <= limit) return { lines, cut: false };
  const kept = lines.slice(0, limit);
  let last = kept[limit - 1];
  while (last.length > 1 && !fits(`${last}…`)) last = last.slice(0, -1);
  kept[limit - 1] = `${last.trimEnd()}…`;
  return { lines: kept, cut: true };
}

function setLines(text, lines, x, firstBaseline, lineHeight) {
  const key = lines.join("\n");
  if (text.dataset.lines === key && text.dataset.x === String(x) && text.dataset.y === String(firstBaseline)) return;
  text.dataset.lines = key;
  text.dataset.x = String(x);
  text.dataset.y = String(firstBaseline);
  text.replaceChildren(
    ...lines.map((line, i) => {
      const span = svgEl("tspan", { x, y: firstBaseline + i * lineHeight });
      span.textContent = line;
      return span;
    }),
  );
}

// ---------------------------------------------------------------- drawing

// Draw (or update) `question`'s results in `container`. `options.table`: "hidden" adds a
// visually hidden table of the numbers, "visible" a visible one, "none" (default) none.
// `options.openLimit`: how many open answers to list (newest first).
export function drawResults(container, question, results, options = {}) {
  const chart = charts.get(container) ?? watch(container);
  chart.question = question ?? {};
  chart.results = results ?? {};
  chart.options = { table: "none", openLimit: 50, ...options };
  render(container, chart);
}

function watch(container) {
  const chart = { width: 0 };
  charts.set(container, chart);
  if ("ResizeObserver" in window) {
    let frame = 0;
    // Drawn in the next frame, not in the callback: a new height there would be a resize loop.
    new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const width = Math.floor(container.clientWidth);
        if (width && width !== chart.width && chart.question) render(container, chart);
      });
    }).observe(container);
  }
  return chart;
}

function hasData(type, results) {
  if (type === "scale") return Array.isArray(results.distribution);
  if (type === "words") return Array.isArray(results.words);
  if (type === "open") return Array.isArray(results.answers);
  return Array.isArray(results.options);
}

// What to draw when the server sent nothing yet (no answers): every option at zero.
function filled(question, results) {
  const type = question.type ?? results.type;
  if (hasData(type, results)) return results;
  const options = question.options ?? [];
  if (type === "scale") {
    const low = question.scale_low ?? 1;
    const high = question.scale_high ?? 5;
    const distribution = Array.from({ length: high - low + 1 }, (_, i) => ({ value: low + i, count: 0 }));
    return { ...results, mean: null, median: null, distribution };
  }
  if (type === "words") return { ...results, words: [] };
  if (type === "open") return { ...results, answers: [] };
  if (type === "ranking") {
    return { ...results, max_points: 0, options: options.map((label) => ({ label, points: 0, first: 0, place: 1 })) };
  }
  return { ...results, options: options.map((label) => ({ label, count: 0, percent: 0 })) };
}

function render(container, chart) {
  const { question, options } = chart;
  const type = question.type ?? chart.results.type;
  const hidden = chart.results.hidden && !hasData(type, chart.results);
  const results = hidden ? chart.results : filled(question, chart.results);
  const view = hidden ? "hidden" : type;
  const key = `${question.id ?? ""}:${view}`;
  let root = container.firstElementChild;
  if (!root || !root.classList.contains("pc") || root.dataset.key !== key) {
    root = el("div", { class: `pc pc-${view}`, "data-key": key });
    container.replaceChildren(root);
  }
  const width = Math.floor(container.clientWidth);
  chart.width = width;
  const layoutWidth = width || 320; // not laid out yet: the observer draws again once it is

  if (view === "hidden") drawHidden(root, results);
  else if (view === "scale") drawScale(root, question, results, layoutWidth);
  else if (view === "words") drawCloud(root, results, layoutWidth);
  else if (view === "open") drawOpen(root, results, options.openLimit);
  else if (view === "ranking") drawRanking(root, results, layoutWidth);
  else drawChoices(root, results, layoutWidth);

  if (view !== "hidden" && view !== "open" && options.table !== "none") {
    // In a box of its own: a table ignores the 1px width of .visually-hidden.
    const box = part(root, "pc-table-box");
    box.classList.toggle("visually-hidden", options.table === "hidden");
    box.replaceChildren(resultsTable(question, results, view));
  }
}

function drawHidden(root, results) {
  setText(part(root, "pc-hidden-count", "p"), respondentsText(results.respondents));
  setText(part(root, "pc-hidden-note", "p"), say("hidden_note"));
}

function drawChoices(root, results, width) {
  const top = Math.max(0, ...results.options.map((o) => o.count ?? 0));
  const rows = results.options.map((option, index) => ({
    key: `o${index}`,
    label: option.label,
    share: (option.percent ?? 0) / 100,
    lead: top > 0 && option.count === top,
    value: [`${decimal(option.percent ?? 0)}%`, ` (${decimal(option.count ?? 0)})`],
  }));
  drawBars(root, rows, width, { places: false });
}

function drawRanking(root, results, width) {
  const max = results.max_points || 0;
  const rows = results.options.map((option) => ({
    key: `l:${option.label}`,
    label: option.label,
    place: option.place,
    share: max ? option.points / max : 0,
    lead: max > 0 && option.place === 1 && option.points > 0,
    value: [sayN("points", option.points ?? 0), ""],
  }));
  drawBars(root, rows, width, { places: true });
}

function visual(root) {
  return part(root, "pc-visual", "div", { "aria-hidden": "true" });
}

function svgIn(box) {
  let svg = box.querySelector(":scope > svg");
  if (!svg) {
    svg = svgEl("svg", { class: "pc-svg", focusable: "false", "aria-hidden": "true" });
    box.append(svg);
  }
  return svg;
}

// Bars across: the label (wrapped) beside the bar on a wide screen, above it on a narrow one;
// the number at the right end, always in the same column. Rows keep their elements by key, so
// new numbers make the bars grow and a new ranking order makes rows slide to their place.
function drawBars(root, rows, width, { places }) {
  const box = visual(root);
  const svg = svgIn(box);
  const { size: fs, family } = fontOf(box);
  const lineHeight = Math.round(fs * 1.3);
  const barHeight = Math.round(fs * 1.4);
  const rowGap = Math.round(fs * 0.9);
  const badge = places ? Math.round(fs * 2.2) : 0;
  const valueWidth = Math.ceil(
    Math.max(fs * 2.5, ...rows.map((row) => textWidth(row.value[0], fs, family, 700) + textWidth(row.value[1], fs * 0.85, family))),
  );
  const wide = width >= fs * 30;
  const labelWidth = wide
    ? Math.min(Math.ceil(Math.max(fs * 4, ...rows.map((row) => textWidth(row.label, fs, family)))) + 2, Math.round(width * 0.4))
    : width - badge;
  const barX = wide ? badge + labelWidth + Math.round(fs * 0.8) : badge;
  const trackWidth = Math.max(fs * 3, width - barX - valueWidth - Math.round(fs * 0.6));

  const seen = new Set();
  let y = 0;
  for (const row of rows) {
    seen.add(row.key);
    let g = [...svg.children].find((child) => child.dataset.key === row.key);
    const created = !g;
    if (created) {
      g = svgEl("g", { class: "pc-row" });
      g.dataset.key = row.key;
      if (places) g.append(svgEl("circle", { class: "pc-place" }), svgEl("text", { class: "pc-place-number", "text-anchor": "middle" }));
      g.append(
        svgEl("text", { class: "pc-label" }),
        svgEl("rect", { class: "pc-track" }),
        svgEl("rect", { class: "pc-bar", width: 0 }),
        svgEl("text", { class: "pc-value", "text-anchor": "end" }),
      );
      svg.append(g);
    }
    const get = (cls) => g.querySelector(`:scope > .${cls}`);
    g.classList.toggle("is-lead", row.lead);
    const { lines, cut } = wrap(row.label, labelWidth, fs, family);
    const labelHeight = lines.length * lineHeight;
    const rowHeight = wide ? Math.max(labelHeight, barHeight) : labelHeight + Math.round(fs * 0.3) + barHeight;
    const barY = wide ? Math.round((rowHeight - barHeight) / 2) : rowHeight - barHeight;
    const labelTop = wide ? Math.round((rowHeight - labelHeight) / 2) : 0;
    const label = get("pc-label");
    setAttrs(label, { "font-size": fs });
    setLines(label, lines, badge, labelTop + Math.round(lineHeight / 2 + fs * 0.35), lineHeight);
    // A label cut short shows whole on hover (the table has it for everyone).
    let title = g.querySelector(":scope > title");
    if (cut && !title) g.prepend((title = svgEl("title")));
    if (title) setText(title, cut ? row.label : "");
    const rx = Math.round(barHeight / 4);
    setAttrs(get("pc-track"), { x: barX, y: barY, width: trackWidth, height: barHeight, rx });
    const bar = get("pc-bar");
    setAttrs(bar, { x: barX, y: barY, height: barHeight, rx });
    if (created) bar.getBoundingClientRect(); // laid out at 0 first, so a new bar grows in
    setAttrs(bar, { width: row.share > 0 ? Math.max(3, Math.round(row.share * trackWidth)) : 0 });
    const value = get("pc-value");
    setAttrs(value, { x: width, y: barY + Math.round(barHeight / 2 + fs * 0.35), "font-size": fs });
    const valueKey = row.value.join("");
    if (value.dataset.text !== valueKey) {
      value.dataset.text = valueKey;
      const main = svgEl("tspan", { class: "pc-value-main", "font-weight": 700 });
      main.textContent = row.value[0];
      const note = svgEl("tspan", { class: "pc-value-note", "font-size": Math.round(fs * 0.85) });
      note.textContent = row.value[1];
      value.replaceChildren(main, note);
    }
    if (places) {
      const cy = Math.round(wide ? barY + barHeight / 2 : labelTop + lineHeight / 2);
      const cx = Math.round(fs * 0.95);
      setAttrs(get("pc-place"), { cx, cy, r: Math.round(fs * 0.85) });
      const number = get("pc-place-number");
      setAttrs(number, { x: cx, y: Math.round(cy + fs * 0.3), "font-size": Math.round(fs * 0.85), "font-weight": 700 });
      setText(number, String(row.place ?? ""));
    }
    const move = `translate(0px, ${y}px)`;
    if (created) g.style.transition = "none";
    g.style.transform = move;
    if (created) {
      g.getBoundingClientRect();
      g.style.transition = "";
    }
    y += rowHeight + rowGap;
  }
  for (const g of [...svg.children]) if (!seen.has(g.dataset.key)) g.remove();
  const height = Math.max(0, y - rowGap) + 2;
  setAttrs(svg, { width, height, viewBox: `0 0 ${width} ${height}` });
}

// A scale: the mean large, then one column per value (how many chose it) with the end labels.
function drawScale(root, question, results, width) {
  const mean = part(root, "pc-mean", "p");
  if (!mean.firstChild) mean.append(el("span", { class: "pc-mean-value" }), " ", el("span", { class: "pc-mean-text" }));
  const low = results.distribution[0]?.value ?? question.scale_low ?? 1;
  const high = results.distribution.at(-1)?.value ?? question.scale_high ?? 5;
  setText(mean.firstChild, decimal(results.mean));
  const median = typeof results.median === "number" ? ` · ${say("median")} ${decimal(results.median)}` : "";
  setText(mean.lastChild, `${say("mean_of", { low, high })}${median}`);

  const box = visual(root);
  const svg = svgIn(box);
  const { size: fs, family } = fontOf(box);
  const n = results.distribution.length || 1;
  const gap = Math.max(4, Math.round(fs * (n > 6 ? 0.3 : 0.6)));
  const columnWidth = (width - gap * (n - 1)) / n;
  const tallest = Math.round(fs * (width >= fs * 30 ? 8 : 6));
  const top = Math.round(fs * 1.6);
  const axis = top + tallest;
  const most = Math.max(0, ...results.distribution.map((d) => d.count));
  const small = Math.round(fs * (columnWidth < fs * 2 ? 0.8 : 0.95));

  const seen = new Set();
  results.distribution.forEach((d, i) => {
    const key = `v${d.value}`;
    seen.add(key);
    let g = [...svg.children].find((child) => child.dataset.key === key);
    const created = !g;
    if (created) {
      g = svgEl("g", { class: "pc-column" });
      g.dataset.key = key;
      g.append(
        svgEl("rect", { class: "pc-bar", height: 0, y: axis }),
        svgEl("text", { class: "pc-count", "text-anchor": "middle" }),
        svgEl("text", { class: "pc-tick", "text-anchor": "middle" }),
      );
      svg.append(g);
    }
    const [bar, count, tick] = g.children;
    const x = Math.round(i * (columnWidth + gap));
    const height = most ? Math.max(d.count ? 3 : 0, Math.round((d.count / most) * tallest)) : 0;
    g.classList.toggle("is-lead", most > 0 && d.count === most);
    setAttrs(bar, { x, width: Math.max(1, Math.round(columnWidth)), rx: Math.min(6, Math.round(columnWidth / 6)) });
    if (created) bar.getBoundingClientRect();
    setAttrs(bar, { y: axis - height, height });
    setAttrs(count, { x: Math.round(x + columnWidth / 2), y: 0, "font-size": small, "font-weight": 700 });
    count.style.transform = `translate(0px, ${axis - height - Math.round(fs * 0.4)}px)`;
    setText(count, decimal(d.count));
    setAttrs(tick, { x: Math.round(x + columnWidth / 2), y: axis + Math.round(fs * 1.8), "font-size": small });
    setText(tick, String(d.value));
  });
  let line = [...svg.children].find((child) => child.dataset.key === "axis");
  if (!line) {
    line = svgEl("line", { class: "pc-axis" });
    line.dataset.key = "axis";
    svg.append(line);
  }
  seen.add("axis");
  setAttrs(line, { x1: 0, x2: width, y1: axis + 0.5, y2: axis + 0.5 });

  // Where the mean falls between the first and the last column.
  let marker = [...svg.children].find((child) => child.dataset.key === "mean");
  if (typeof results.mean === "number" && high > low) {
    if (!marker) {
      marker = svgEl("path", { class: "pc-mean-marker" });
      marker.dataset.key = "mean";
      svg.append(marker);
    }
    seen.add("mean");
    const first = columnWidth / 2;
    const last = width - columnWidth / 2;
    const x = Math.round(first + ((results.mean - low) / (high - low)) * (last - first));
    const s = Math.round(fs * 0.4);
    setAttrs(marker, { d: `M0 ${axis + 2} l${s} ${Math.round(s * 1.2)} h${-2 * s} z` });
    marker.style.transform = `translate(${x}px, 0px)`;
  }

  // The words at both ends, under the first and the last value.
  let y = axis + Math.round(fs * 1.85);
  const ends = [
    ["low", question.label_low, 0, "start"],
    ["high", question.label_high, width, "end"],
  ];
  let endHeight = 0;
  const endSize = Math.round(fs * 0.9);
  const endLine = Math.round(endSize * 1.25);
  for (const [name, text, x, anchor] of ends) {
    const key = `end-${name}`;
    let node = [...svg.children].find((child) => child.dataset.key === key);
    if (!text) {
      node?.remove();
      continue;
    }
    if (!node) {
      node = svgEl("text", { class: "pc-end", "text-anchor": anchor });
      node.dataset.key = key;
      svg.append(node);
    }
    seen.add(key);
    const { lines } = wrap(text, width * 0.46, endSize, family, { limit: 2 });
    setAttrs(node, { "font-size": endSize });
    setLines(node, lines, x, y + endLine, endLine);
    endHeight = Math.max(endHeight, lines.length * endLine + Math.round(fs * 0.4));
  }
  for (const child of [...svg.children]) if (!seen.has(child.dataset.key)) child.remove();
  y += endHeight + Math.round(fs * 0.3);
  setAttrs(svg, { width, height: y, viewBox: `0 0 ${width} ${y}` });
}

// Words: font size by count, the most frequent in the middle, calm colours in turn.
function drawCloud(root, results, width) {
  const box = visual(root);
  box.classList.add("pc-cloud");
  const list = results.words;
  if (!list.length) {
    box.replaceChildren(el("p", { class: "pc-empty", text: say("no_answers") }));
    return;
  }
  box.querySelector(".pc-empty")?.remove();
  const counts = list.map((w) => w.count);
  const most = Math.max(...counts);
  const least = Math.min(...counts);
  const biggest = width < 480 ? 2.3 : 3.2;
  // Middle-out: 5 3 1 0 2 4 6, so the largest words gather in the centre of the cloud.
  const arranged = [];
  list.forEach((word, rank) => (rank % 2 ? arranged.unshift({ word, rank }) : arranged.push({ word, rank })));
  const nodes = arranged.map(({ word, rank }) => {
    const key = word.text.toLowerCase();
    let span = [...box.children].find((child) => child.dataset.key === key);
    if (!span) {
      span = el("span", { class: "pc-word" });
      span.dataset.key = key;
    }
    const share = most === least ? 1 : (word.count - least) / (most - least);
    span.style.fontSize = `${(1 + (biggest - 1) * Math.sqrt(share)).toFixed(2)}em`;
    span.dataset.tone = String(rank % 4);
    span.classList.toggle("is-strong", share >= 0.5);
    span.title = `${word.text}: ${decimal(word.count)}`;
    setText(span, word.text);
    return span;
  });
  const keep = new Set(nodes);
  for (const child of [...box.children]) if (!keep.has(child)) child.remove();
  let cursor = box.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else box.insertBefore(node, cursor);
  }
}

// Open answers: newest first, as a list (this is the accessible view too).
function drawOpen(root, results, limit) {
  const answers = [...results.answers].reverse();
  const shown = answers.slice(0, limit);
  const list = part(root, "pc-open", "ul");
  list.replaceChildren(...shown.map((text) => el("li", { text })));
  const more = part(root, "pc-more", "p");
  setText(more, answers.length > shown.length ? sayN("more_answers", answers.length - shown.length) : "");
  part(root, "pc-empty", "p").textContent = answers.length ? "" : say("no_answers");
}

// The same numbers as a table (for screen readers, and without the drawing).
function resultsTable(question, results, view) {
  const head = (...names) => el("thead", {}, el("tr", {}, names.map((name) => el("th", { scope: "col", text: name }))));
  const body = (rows) => el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((cell) => el("td", { text: cell })))));
  const caption = el("caption", { text: `${say("results")} · ${respondentsText(results.respondents)}` });
  if (view === "scale") {
    const n = results.distribution.length;
    return el(
      "table",
      { class: "pc-table" },
      el("caption", { text: `${say("results")} · ${respondentsText(results.respondents)} · ${say("mean")} ${decimal(results.mean)}` }),
      head(say("value"), say("count")),
      body(
        results.distribution.map((d, i) => {
          const end = i === 0 ? question.label_low : i === n - 1 ? question.label_high : "";
          return [end ? `${d.value} (${end})` : String(d.value), decimal(d.count)];
        }),
      ),
    );
  }
  if (view === "ranking") {
    return el(
      "table",
      { class: "pc-table" },
      caption,
      head(say("place"), say("choice"), say("points")),
      body(results.options.map((o) => [String(o.place), o.label, decimal(o.points)])),
    );
  }
  if (view === "words") {
    const rows = results.words.map((w) => [w.text, decimal(w.count)]);
    return el("table", { class: "pc-table" }, caption, head(say("word"), say("count")), body(rows));
  }
  return el(
    "table",
    { class: "pc-table" },
    caption,
    head(say("choice"), say("count"), "%"),
    body(results.options.map((o) => [o.label, decimal(o.count), decimal(o.percent)])),
  );
}
