// The console's live poll (templates/sessions/_poll_console.html): every question of the
// session's live polls with Openen / Sluiten and Resultaten verbergen / tonen, how many have
// answered, and its chart as the answers come in (the facilitators see the numbers even while
// they are hidden from the room). facilitate.js hands over its send and every event:
//   initPollConsole({ root, send: (command, payload) => live.send(command, payload), strings });
//   onPollEvent(name, data); // at the top of its event switch
import { h } from "./live.js";
import { drawResults, respondentsText } from "./poll_charts.js";
import { LivePolls } from "./poll_live.js";

const polls = new LivePolls({ full: true });
const rows = new Map(); // String(question id) -> {li, heading, state, type, count, toggle, hide, note, error, chart}
let ui = null; // {root, send, strings, list, empty}

export function initPollConsole({ root, send, strings }) {
  if (!root) return;
  ui = { root, send, strings, list: root.querySelector(".poll-console-list"), empty: root.querySelector(".poll-console-empty") };
  render();
}

// Takes session_snapshot, poll_question and poll_results; anything else is ignored.
export function onPollEvent(name, data) {
  if (name === "session_snapshot") {
    if (!data?.polls) return;
    polls.snapshot(data.polls);
    render();
  } else if (name === "poll_question") {
    if (polls.question(data)) render();
  } else if (name === "poll_results") {
    const item = polls.results(data);
    if (item && ui) renderRow(item);
  }
}

const say = (key, vars = {}) =>
  String(ui.strings[key] ?? key).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));

function render() {
  if (!ui) return;
  const items = polls.list();
  ui.empty.hidden = items.length > 0;
  const keep = new Set(items.map((item) => String(item.question.id)));
  for (const [id, row] of rows) {
    if (!keep.has(id)) {
      row.li.remove();
      rows.delete(id);
    }
  }
  let cursor = ui.list.firstElementChild;
  for (const item of items) {
    const li = renderRow(item);
    if (li === cursor) cursor = cursor.nextElementSibling;
    else ui.list.insertBefore(li, cursor);
  }
}

function rowFor(id) {
  let row = rows.get(id);
  if (row) return row;
  const headingId = `poll-console-q${id}`;
  row = {
    heading: h("h3", { id: headingId }),
    state: h("span", { class: "tag" }),
    type: h("span", { class: "tag" }),
    count: h("span", { class: "poll-console-count" }),
    toggle: h("button", { type: "button", class: "small", "aria-describedby": headingId }),
    hide: h("button", { type: "button", class: "small secondary outline", "aria-describedby": headingId }),
    note: h("p", { class: "poll-console-hidden" }),
    error: h("p", { class: "ack-error", "aria-live": "polite" }),
    chart: h("div", { class: "poll-chart" }),
  };
  row.li = h(
    "li",
    { dataset: { id } },
    row.heading,
    h("p", { class: "poll-console-meta" }, row.state, row.type, row.count),
    h("div", { class: "poll-console-actions" }, row.toggle, row.hide),
    row.error,
    row.note,
    row.chart,
  );
  row.toggle.addEventListener("click", () => {
    const question = polls.get(id)?.question;
    if (question) command(row, row.toggle, "poll_state", { question_id: question.id, state: question.state === "open" ? "closed" : "open" });
  });
  row.hide.addEventListener("click", () => {
    const question = polls.get(id)?.question;
    if (question) command(row, row.hide, "poll_hide_results", { question_id: question.id, hidden: !question.results_hidden });
  });
  rows.set(id, row);
  return row;
}

function renderRow(item) {
  const { question, results } = item;
  const row = rowFor(String(question.id));
  const state = question.state ?? "draft";
  row.li.className = `is-${state}`;
  if (row.heading.textContent !== question.text) row.heading.textContent = question.text;
  row.state.textContent = say(`poll_${state}`);
  row.state.className = `tag tag-${state}`;
  row.type.textContent = ui.strings.poll_types?.[question.type] ?? question.type;
  row.count.textContent = state === "draft" ? "" : respondentsText(results.respondents ?? 0);
  row.toggle.textContent = say(state === "open" ? "poll_close_question" : state === "closed" ? "poll_reopen" : "poll_open_question");
  row.toggle.classList.toggle("secondary", state === "open");
  row.hide.textContent = say(question.results_hidden ? "poll_show" : "poll_hide");
  row.note.hidden = !question.results_hidden;
  row.note.textContent = question.results_hidden ? say("poll_hidden_for_room") : "";
  row.chart.hidden = state === "draft";
  if (state !== "draft") drawResults(row.chart, question, { ...results, hidden: false }, { table: "hidden", openLimit: 10 });
  return row.li;
}

// A command from a button: it stays focusable while busy; the events bring the new state, the
// ack already says it so the controls do not lag.
async function command(row, button, name, payload) {
  if (button.getAttribute("aria-busy") === "true") return;
  row.error.textContent = "";
  button.setAttribute("aria-busy", "true");
  const ack = await ui.send(name, payload);
  button.removeAttribute("aria-busy");
  if (!ack?.ok) {
    row.error.textContent = ack?.error ?? "";
    return;
  }
  const item = polls.get(payload.question_id);
  if (!item) return;
  if (typeof ack.state === "string") item.question = { ...item.question, state: ack.state };
  if (typeof ack.hidden === "boolean") item.question = { ...item.question, results_hidden: ack.hidden };
  renderRow(item);
}
