// The live poll on the participant's page: an open question as a card above the idea form,
// with the input its type asks for (big touch targets, all of it usable with the keyboard),
// "Versturen", and the results under it as they come in (unless the facilitator hides them).
// Answering again replaces the answer while the question is open. A closed question shows its
// results only; older ones fold away under "Eerdere pollvragen".
import { h, strings, t, tn } from "./live.js";
import { drawResults, respondentsText } from "./poll_charts.js";
import { LivePolls, hasNumbers } from "./poll_live.js";

const polls = new LivePolls();
const cards = new Map(); // String(question id) -> {node, state, chart, count}
let ui = null; // {root, list, earlier, earlierSummary, earlierList, news, send}

export function initPollRoom({ root, news, send }) {
  ui = {
    root,
    news,
    send,
    list: root.querySelector(".poll-cards"),
    earlier: root.querySelector(".poll-earlier"),
    earlierSummary: root.querySelector(".poll-earlier summary"),
    earlierList: root.querySelector(".poll-earlier-cards"),
  };
  render();
}

// Called from the page's event switch with every event; takes only the poll ones.
export function onPollEvent(name, data) {
  if (name === "session_snapshot") {
    // A server that sends no polls in a snapshot keeps what the events have shown so far.
    if (!data.polls) return;
    polls.snapshot(data.polls);
    for (const card of cards.values()) card.node.remove();
    cards.clear();
    render();
  } else if (name === "poll_question") {
    const change = polls.question(data);
    if (!change) return;
    const { item, before } = change;
    if (item.question.state === "open" && before?.state !== "open") tell(t("poll_new_question", { text: item.question.text }));
    render();
  } else if (name === "poll_results") {
    const item = polls.results(data);
    if (item) showResults(item);
  }
}

function tell(text) {
  if (!ui) return;
  ui.news.textContent = "";
  setTimeout(() => {
    ui.news.textContent = text;
  }, 100);
}

// ---------------------------------------------------------------- which questions show

function render() {
  if (!ui) return;
  const items = polls.list().filter((item) => item.question.state !== "draft");
  const open = items.filter((item) => item.question.state === "open");
  // The question closed last first (by event, else by its place in the poll).
  const closed = items
    .filter((item) => item.question.state === "closed")
    .sort((a, b) => b.touched - a.touched || b.order - a.order);
  // With nothing open, the question closed last stays in view with its results.
  const featured = open.length ? open : closed.slice(0, 1);
  const earlier = open.length ? closed : closed.slice(1);

  const wanted = new Set([...featured, ...earlier].map((item) => String(item.question.id)));
  for (const [id, card] of cards) {
    if (!wanted.has(id)) {
      card.node.remove();
      cards.delete(id);
    }
  }
  // Every card first (one may be rebuilt), then each in its place.
  const featuredNodes = featured.map((item) => cardFor(item).node);
  const earlierNodes = earlier.map((item) => cardFor(item).node);
  placeCards(ui.list, featuredNodes);
  placeCards(ui.earlierList, earlierNodes);
  ui.earlier.hidden = earlier.length === 0;
  ui.earlierSummary.textContent = tn("poll_earlier", earlier.length);
  ui.root.hidden = featured.length === 0 && earlier.length === 0;
}

function placeCards(parent, nodes) {
  let cursor = parent.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(node, cursor);
  }
}

// A card is built once per question and state; new numbers only redraw its chart, so what
// someone is choosing or typing is never lost to an update.
function cardFor(item) {
  const id = String(item.question.id);
  let card = cards.get(id);
  if (card && card.state === item.question.state) {
    showResults(item);
    return card;
  }
  card?.node.remove();
  card = { ...(item.question.state === "open" ? openCard(item) : closedCard(item)), state: item.question.state };
  cards.set(id, card);
  showResults(item);
  return card;
}

function showResults(item) {
  const card = cards.get(String(item.question.id));
  if (!card) return;
  // While hidden the chart's place says how many answered; the count above it would repeat that.
  const hidden = item.results.hidden && !hasNumbers(item.results);
  card.count.textContent = hidden ? "" : respondentsText(item.results.respondents ?? 0);
  drawResults(card.chart, item.question, item.results, { table: "hidden", openLimit: 20 });
}

// ---------------------------------------------------------------- cards

function closedCard(item) {
  const q = item.question;
  const headingId = `poll-${q.id}-heading`;
  const count = h("span", { class: "poll-count" });
  const chart = h("div", { class: "poll-chart" });
  const mine = polls.myAnswers.get(String(q.id));
  const node = h(
    "article",
    { class: "poll-card is-closed", "aria-labelledby": headingId, dataset: { id: q.id } },
    h("p", { class: "poll-kicker" }, h("span", { class: "tag poll-state", text: strings.poll_closed }), " ", count),
    h("h3", { id: headingId, class: "poll-question", text: q.text }),
    mine !== undefined && h("p", { class: "poll-mine", text: t("poll_your_answer", { answer: readable(q, mine) }) }),
    h("div", { class: "poll-results" }, chart),
  );
  return { node, chart, count };
}

function openCard(item) {
  const q = item.question;
  const prefix = `poll-${q.id}`;
  const count = h("span", { class: "poll-count" });
  const chart = h("div", { class: "poll-chart" });
  const error = h("p", { class: "ack-error poll-error", id: `${prefix}-error`, "aria-live": "assertive" });
  const saved = h("p", { class: "poll-saved", role: "status" });
  const hint = h("p", { class: "poll-hint", id: `${prefix}-hint`, text: hintFor(q) });
  const input = inputFor(q, prefix, polls.myAnswers.get(String(q.id)), { error, saved });
  const button = h("button", { type: "submit", class: "poll-submit", text: strings.poll_send, "aria-describedby": `${prefix}-error` });
  const form = h(
    "form",
    { class: "poll-form", novalidate: true },
    h(
      "fieldset",
      { "aria-describedby": hint.textContent ? `${prefix}-hint` : null },
      h("legend", { class: "poll-question", text: q.text }),
      hint.textContent && hint,
      input.node,
    ),
    h("div", { class: "poll-send" }, button, error, saved),
  );
  form.addEventListener("input", () => {
    saved.textContent = ""; // a change is not sent yet
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(q, input, { button, error, saved });
  });
  const node = h(
    "article",
    { class: "poll-card is-open", dataset: { id: q.id } },
    h("p", { class: "poll-kicker" }, count),
    form,
    h("div", { class: "poll-results" }, chart),
  );
  return { node, chart, count };
}

async function submit(question, input, { button, error, saved }) {
  if (button.getAttribute("aria-busy") === "true") return;
  error.textContent = "";
  saved.textContent = "";
  const value = input.read();
  if (value === null) {
    error.textContent = ["open", "words"].includes(question.type) ? strings.poll_type_first : strings.poll_choose_first;
    input.focus();
    return;
  }
  button.setAttribute("aria-busy", "true");
  button.textContent = strings.sending;
  const ack = await ui.send("poll_answer", { question_id: question.id, value });
  button.removeAttribute("aria-busy");
  button.textContent = strings.poll_send;
  if (ack.ok) {
    polls.myAnswers.set(String(question.id), ack.value ?? value);
    saved.textContent = strings.poll_saved;
  } else error.textContent = ack.error || strings.no_answer;
}

function hintFor(q) {
  if (q.type === "single") return strings.poll_pick_one;
  if (q.type === "multiple") return q.max_choices ? tn("poll_pick_max", q.max_choices) : strings.poll_pick_many;
  if (q.type === "ranking") return strings.poll_rank_help;
  if (q.type === "scale") return t("poll_scale_help", { low: q.scale_low, high: q.scale_high });
  if (q.type === "words") return strings.poll_words_help;
  return "";
}

// An answer as words, for "Jouw antwoord" under a closed question.
function readable(q, value) {
  const options = q.options ?? [];
  const list = Array.isArray(value) ? value : [value];
  if (q.type === "single" || q.type === "multiple") return list.map((i) => options[i] ?? "").filter(Boolean).join(", ");
  if (q.type === "ranking") return list.map((i, place) => `${place + 1}. ${options[i] ?? ""}`).join(", ");
  return String(value);
}

// ---------------------------------------------------------------- inputs per type
// Each returns {node, read() -> the value to send or null, focus()}.

function inputFor(q, prefix, previous, feedback) {
  if (q.type === "single" || q.type === "multiple") return choiceInput(q, prefix, previous, feedback);
  if (q.type === "scale") return scaleInput(q, prefix, previous);
  if (q.type === "ranking") return rankingInput(q, prefix, previous);
  return textInput(q, prefix, previous);
}

function choiceInput(q, prefix, previous, { error }) {
  const multiple = q.type === "multiple";
  const picked = new Set((Array.isArray(previous) ? previous : previous === undefined || previous === null ? [] : [previous]).map(Number));
  const boxes = (q.options ?? []).map((label, index) =>
    h("input", { type: multiple ? "checkbox" : "radio", name: prefix, value: String(index), checked: picked.has(index) }),
  );
  const node = h(
    "div",
    { class: "poll-options" },
    boxes.map((box, index) => h("label", { class: "poll-option" }, box, h("span", { text: q.options[index] }))),
  );
  if (multiple && q.max_choices) {
    node.addEventListener("change", (event) => {
      const box = event.target;
      if (!box.checked || boxes.filter((b) => b.checked).length <= q.max_choices) {
        error.textContent = "";
        return;
      }
      box.checked = false;
      error.textContent = tn("poll_too_many", q.max_choices);
    });
  }
  return {
    node,
    read: () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => Number(b.value));
      if (!chosen.length) return null;
      return multiple ? chosen : chosen[0];
    },
    focus: () => (boxes.find((b) => b.checked) ?? boxes[0])?.focus(),
  };
}

function scaleInput(q, prefix, previous) {
  const low = q.scale_low ?? 1;
  const high = q.scale_high ?? 5;
  const values = Array.from({ length: high - low + 1 }, (_, i) => low + i);
  const radios = values.map((value) =>
    h("input", { type: "radio", name: prefix, value: String(value), checked: Number(previous) === value }),
  );
  const endLabel = (value) => {
    const text = value === low ? q.label_low : value === high ? q.label_high : "";
    return text ? h("span", { class: "visually-hidden", text: ` (${text})` }) : null;
  };
  const node = h(
    "div",
    { class: "poll-scale-box" },
    h(
      "div",
      { class: "poll-scale", dataset: { points: values.length } },
      values.map((value, i) =>
        h("label", { class: "poll-point" }, radios[i], h("span", { class: "poll-point-number", text: String(value) }), endLabel(value)),
      ),
    ),
    (q.label_low || q.label_high) &&
      h(
        "p",
        { class: "poll-ends", "aria-hidden": "true" },
        h("span", { text: q.label_low ? `${low} = ${q.label_low}` : "" }),
        h("span", { text: q.label_high ? `${high} = ${q.label_high}` : "" }),
      ),
  );
  return {
    node,
    read: () => {
      const chosen = radios.find((r) => r.checked);
      return chosen ? Number(chosen.value) : null;
    },
    focus: () => (radios.find((r) => r.checked) ?? radios[0])?.focus(),
  };
}

// Every option in a list, most important on top, moved with "hoger" and "lager" buttons: no
// dragging needed, and focus stays on the button that was pressed.
function rankingInput(q, prefix, previous) {
  const options = q.options ?? [];
  const complete = (value) =>
    Array.isArray(value) && value.length === options.length && [...value].map(Number).sort((a, b) => a - b).every((v, i) => v === i);
  const order = complete(previous) ? previous.map(Number) : options.map((_, i) => i);
  const news = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const list = h("ol", { class: "poll-rank", id: `${prefix}-rank` });
  const rows = options.map((label, index) => {
    const button = (text, key) => h("button", { type: "button", class: "secondary outline poll-move", text, "aria-label": t(key, { label }) });
    const up = button("↑", "poll_rank_up");
    const down = button("↓", "poll_rank_down");
    const place = h("span", { class: "poll-rank-place", "aria-hidden": "true" });
    const li = h(
      "li",
      { dataset: { index } },
      place,
      h("span", { class: "poll-rank-label", text: label }),
      h("span", { class: "poll-moves" }, up, down),
    );
    up.addEventListener("click", () => move(li, -1, up));
    down.addEventListener("click", () => move(li, 1, down));
    return { li, up, down, place, label };
  });

  function refresh() {
    const items = [...list.children];
    items.forEach((li, i) => {
      const row = rows[Number(li.dataset.index)];
      row.place.textContent = String(i + 1);
      row.up.setAttribute("aria-disabled", i === 0 ? "true" : "false");
      row.down.setAttribute("aria-disabled", i === items.length - 1 ? "true" : "false");
    });
  }

  function move(li, step, button) {
    const items = [...list.children];
    const at = items.indexOf(li);
    const to = at + step;
    if (to < 0 || to >= items.length) return;
    if (step < 0) list.insertBefore(li, items[to]);
    else list.insertBefore(li, items[to].nextSibling);
    refresh();
    button.focus(); // moving a node drops its focus
    const row = rows[Number(li.dataset.index)];
    news.textContent = t("poll_rank_moved", { label: row.label, n: to + 1, total: items.length });
    list.dispatchEvent(new Event("input", { bubbles: true }));
  }

  list.append(...order.map((index) => rows[index].li));
  refresh();
  return {
    node: h("div", { class: "poll-rank-box" }, list, news),
    read: () => [...list.children].map((li) => Number(li.dataset.index)),
    focus: () => rows[0]?.up.focus(),
  };
}

function textInput(q, prefix, previous) {
  const open = q.type === "open";
  const max = open ? 500 : 60;
  const field = open
    ? h("textarea", { id: `${prefix}-text`, rows: 3, maxLength: max, "aria-label": q.text, "aria-describedby": `${prefix}-left` })
    : h("input", {
        type: "text",
        id: `${prefix}-text`,
        maxLength: max,
        "aria-label": q.text,
        placeholder: strings.poll_words_placeholder,
        autocomplete: "off",
        "aria-describedby": `${prefix}-left`,
      });
  if (typeof previous === "string") field.value = previous;
  const left = h("small", { class: "muted poll-left", id: `${prefix}-left` });
  const count = () => {
    left.textContent = `${max - field.value.length} ${strings.chars_left}`;
  };
  field.addEventListener("input", count);
  count();
  return {
    node: h("div", { class: "poll-text" }, field, left),
    read: () => field.value.trim() || null,
    focus: () => field.focus(),
  };
}
