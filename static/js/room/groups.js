// Breakout groups (deelsessies): following the split, the choice of a group, the move into a
// group's room and back to the plenary, and the controls of a group's host.
import { GROUP_PHASES, h, placeInOrder, strings, t, timerIsSet, tn } from "../live.js";
import { $, inGroup, isHost, live, mustChoose, state } from "./context.js";
import { markAllDirty } from "./board.js";
import { setPhase, showTimer } from "./phase.js";
import { clustersSoon } from "./themes.js";

// Pages switching rooms together (everyone at a split or the return) spread their reconnects.
const SWITCH_SPREAD_MS = 800;

export function applyGroups(data) {
  const wasInGroup = inGroup();
  state.apart = Boolean(data.apart);
  state.rule = data.rule ?? null;
  state.groups = state.apart ? (data.groups ?? []) : [];
  if (!state.apart) state.myGroup = null;
  else if (state.myGroup) {
    const mine = state.groups.find((group) => group.id === state.myGroup.id);
    if (mine) {
      // A late copy never turns back a newer phase or timer of my group.
      const { phase, timer, ...rest } = mine;
      const next = { ...state.myGroup, ...rest };
      if (live.fresh(`group-phase:${mine.id}`, data.seq)) next.phase = phase;
      if (live.fresh(`group-timer:${mine.id}`, data.seq)) next.timer = timer;
      state.myGroup = next;
    }
  }
  if (wasInGroup !== inGroup()) markAllDirty(); // the group labels come or go
  setPhase();
  showTimer();
}

// I was put in a group (or taken out): the server shows me that group's room after a reconnect.
// Until then nothing of another group stays on this page.
export function assigned(group) {
  const same = (group?.id ?? null) === (state.myGroup?.id ?? null);
  state.myGroup = group;
  if (group) state.apart = true;
  if (same) {
    // Still the same room (e.g. nobody is placed yet when people choose): nothing to follow.
    setPhase();
    showTimer();
    return;
  }
  for (const [id, idea] of state.ideas) {
    if (group ? idea.group?.id !== group.id : idea.group) state.ideas.delete(id);
  }
  state.switching = true;
  setPhase();
  showTimer();
  switchRoom();
}

// "Delen opbrengsten": the plenary board, every idea labelled with its group.
export function returned(data) {
  const keep = [...state.ideas.values()].filter((idea) => idea.pending && state.mine.has(String(idea.id)));
  state.ideas = new Map(
    [...(data.ideas ?? []), ...keep].filter((idea) => !idea.hidden).map((idea) => [String(idea.id), idea]),
  );
  state.apart = false;
  state.myGroup = null;
  state.groups = [];
  state.editing = null;
  state.confirming = null;
  setPhase();
  showTimer();
  clustersSoon();
  switchRoom(); // leave the group's room; the snapshot confirms the board
}

let switchHandle = 0;
function switchRoom() {
  clearTimeout(switchHandle);
  switchHandle = setTimeout(() => live.reconnect({ fresh: true }), Math.random() * SWITCH_SPREAD_MS);
}

async function chooseGroup(group, button) {
  $("choose-error").textContent = "";
  button.setAttribute("aria-busy", "true");
  const ack = await live.send("choose_group", { group_id: group.id }, { waitMs: 5000 });
  button.removeAttribute("aria-busy");
  if (!ack.ok) $("choose-error").textContent = ack.error;
  // On success group_assigned follows and the page moves into the group.
}

// The choice list keeps its nodes (only texts and states change), so a tap is never lost to a
// redraw when someone else chooses at the same moment.
const chooseRows = new Map(); // group id -> {li, count, button, full}
export function renderChoices() {
  const list = $("choose-list");
  const show = mustChoose();
  $("choose-box").hidden = !show;
  if (!show) return;
  const ids = new Set();
  for (const group of state.groups) {
    ids.add(group.id);
    let row = chooseRows.get(group.id);
    if (!row) {
      const nameId = `choose-${group.id}-name`;
      row = {
        name: h("strong", { id: nameId, class: "choose-name" }),
        count: h("span", { class: "choose-count" }),
        full: h("span", { class: "tag tag-full", text: strings.full }),
        button: h("button", { type: "button", class: "choose-button", "aria-describedby": nameId }),
      };
      row.button.addEventListener("click", () => {
        const current = state.groups.find((g) => g.id === group.id);
        if (current && row.button.getAttribute("aria-disabled") !== "true") chooseGroup(current, row.button);
      });
      row.li = h("li", { dataset: { id: group.id } }, h("p", { class: "choose-info" }, row.name, " ", row.count, " ", row.full), row.button);
      chooseRows.set(group.id, row);
    }
    const full = typeof group.capacity === "number" && group.members >= group.capacity;
    row.name.textContent = group.name;
    row.count.textContent =
      typeof group.capacity === "number" ? t("places", { n: group.members, max: group.capacity }) : tn("participants", group.members ?? 0);
    row.full.hidden = !full;
    // "Kies Noord" on the button itself: what it says is what a screen reader calls it.
    const label = t("choose_named", { name: group.name });
    if (row.button.textContent !== label) row.button.textContent = label;
    row.button.setAttribute("aria-disabled", full ? "true" : "false");
    row.li.classList.toggle("is-full", full);
  }
  for (const [id, row] of chooseRows) {
    if (!ids.has(id)) {
      row.li.remove();
      chooseRows.delete(id);
    }
  }
  placeInOrder(list, state.groups.map((group) => chooseRows.get(group.id).li));
}

export function renderGroupBox() {
  const box = $("group-box");
  box.hidden = !inGroup();
  const name = inGroup() ? t("your_group", { name: state.myGroup.name }) : "";
  if ($("group-name").textContent !== name) $("group-name").textContent = name; // announced once
  const host = state.myGroup?.host_user;
  const ledBy = host ? ` ${host.name ? t("led_by", { name: host.name }) : strings.led_by_team}` : "";
  $("group-help").textContent = state.switching ? strings.group_switching : strings.your_group_help + ledBy;
  $("ideas").setAttribute("aria-busy", state.switching ? "true" : "false");
  $("ideas-heading-text").textContent = inGroup() ? t("group_ideas", { name: state.myGroup.name }) : strings.all_ideas;
}

// ---------------------------------------------------------------- my group's host

const hostError = $("host-error");
const hostPhaseButtons = GROUP_PHASES.map((phase) =>
  h("button", {
    type: "button",
    class: "small outline",
    text: strings.phases?.[phase] ?? phase,
    dataset: { phase },
    "aria-pressed": "false",
    onclick: () => hostCommand("group_phase", { phase }),
  }),
);
$("host-phases").append(...hostPhaseButtons);

async function hostCommand(name, payload) {
  if (!inGroup()) return;
  hostError.textContent = "";
  const group = state.myGroup;
  const ack = await live.send(name, { group_id: group.id, ...payload }, { waitMs: 5000 });
  if (!ack.ok) {
    hostError.textContent = ack.error;
    return;
  }
  // The events follow; the ack already says what is now so the controls do not lag.
  if (state.myGroup?.id !== group.id) return;
  if (ack.phase) {
    state.myGroup = { ...state.myGroup, phase: ack.phase };
    setPhase();
  }
  if (ack.timer !== undefined) {
    state.myGroup = { ...state.myGroup, timer: ack.timer };
    showTimer();
  }
}

function groupTimerState() {
  const timer = inGroup() ? state.myGroup.timer : null;
  if (timer?.running) return "running";
  return timerIsSet(timer) ? "paused" : "off";
}

$("host-timer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const minutes = Number($("host-minutes").value.replace(",", "."));
  if (!(minutes > 0)) {
    hostError.textContent = strings.timer_minutes_needed;
    return;
  }
  hostCommand("group_timer", { action: "start", seconds: Math.min(7200, Math.max(1, Math.round(minutes * 60))) });
});
for (const [id, run] of [
  ["host-timer-toggle", () => hostCommand("group_timer", { action: groupTimerState() === "paused" ? "resume" : "pause" })],
  ["host-timer-extend", () => hostCommand("group_timer", { action: "extend", seconds: 60 })],
  ["host-timer-stop", () => hostCommand("group_timer", { action: "stop" })],
]) {
  $(id).addEventListener("click", (event) => {
    if (event.currentTarget.getAttribute("aria-disabled") !== "true") run();
  });
}

export function renderHost() {
  const show = isHost();
  $("host-box").hidden = !show;
  if (!show) return;
  for (const button of hostPhaseButtons) {
    const current = button.dataset.phase === state.myGroup.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("outline", !current);
  }
  const timerState = groupTimerState();
  for (const id of ["host-timer-toggle", "host-timer-extend", "host-timer-stop"]) {
    $(id).setAttribute("aria-disabled", timerState === "off" ? "true" : "false");
  }
  const label = timerState === "paused" ? strings.resume : strings.pause;
  if ($("host-timer-toggle").textContent !== label) $("host-timer-toggle").textContent = label;
}
