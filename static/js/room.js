// The participant's page: send vraagstukken (kept on this device until the server has them),
// edit or withdraw your own while input is open, dot-vote, and follow the session live.
// In breakout groups (deelsessies) the page follows its own group: its board, phase and timer,
// and its host's controls; after the return to the plenary every idea carries its group's name.
// Once the facilitator has clustered, the themes (thema's) of what this person may see are shown
// with their ideas and votes; while voting, themes get dots from a budget of their own.
// A live poll question the facilitator opens shows as a card above the idea form (poll_room.js).
import {
  Countdown,
  GROUP_PHASES,
  KeyedList,
  agendaTimes,
  announcer,
  byBoardOrder,
  connectSession,
  groupTag,
  h,
  ideaOf,
  placeInOrder,
  limitOf,
  presenceOf,
  scheduler,
  showStatus,
  strings,
  t,
  timerIsSet,
  tn,
  uuid4,
  clusterScope as scopeOf,
  replaceScope,
} from "./live.js";
import { initPollRoom, onPollEvent } from "./poll_room.js";

const $ = (id) => document.getElementById(id);
const root = $("live");
const sessionId = root.dataset.sessionId;
const maxLength = Number(root.dataset.maxLength) || 500;
const form = $("idea-form");
const textarea = $("idea-text");
const submitButton = $("idea-submit");
const charsLeft = $("idea-left");
const formError = $("idea-error");
const status = $("status");
if (root.dataset.resultsUrl) $("results").querySelector("a").href = root.dataset.resultsUrl;

const INPUT_PHASES = new Set(["input", "hidden_input"]);
const RETRY_MS = 5000;
// Pages switching rooms together (everyone at a split or the return) spread their reconnects.
const SWITCH_SPREAD_MS = 800;

const store = {
  key: (name) => `brainstorm:${sessionId}:${name}`,
  get(name, fallback) {
    try {
      return JSON.parse(localStorage.getItem(this.key(name))) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(this.key(name), JSON.stringify(value));
    } catch {
      /* private mode or full: the page still works, it just forgets on reload */
    }
  },
};

const state = {
  phase: root.dataset.phase || null, // what rules this page: the group's phase while apart
  sessionPhase: root.dataset.phase || null,
  sessionTimer: null,
  participantId: Number(root.dataset.participantId) || null,
  apart: false, // breakout groups are apart
  rule: null, // how they were split: random, sector, choice
  groups: [], // [{id, name, members, capacity, phase, host_id, timer}] while apart
  myGroup: null, // my breakout group while apart, as above
  switching: false, // reconnecting to follow another group's room
  agenda: null,
  settings: {},
  ideas: new Map(), // String(id) -> idea
  clusters: [], // every cluster this page may see, each with its scope ("plenary", "group:3")
  unassigned: new Map(), // scope -> Set of String(idea id) marked "past nergens"
  myClusterVotes: new Map(), // String(cluster id) -> my votes on it
  clusterVotesLeft: null,
  clusterBusy: new Set(), // cluster ids with a vote on its way
  expanded: new Set(), // cluster ids whose whole idea list is open
  mine: new Set(store.get("mine", []).map(String)),
  myVotes: new Map(), // String(idea id) -> my votes on it
  ideasLeft: null,
  votesLeft: null,
  presence: null,
  editing: null, // {id, text}: the own idea being edited
  confirming: null, // id of the own idea whose withdrawal waits for a second click
  busy: new Set(), // ids with a command on its way
  connected: false,
};

// Submissions not yet acknowledged: [{client_id, text, code?, error?}], in order.
let pending = store.get("pending", []).filter((item) => item && item.client_id && item.text);
let flushing = false;
let retryHandle = 0;

const inGroup = () => state.apart && state.myGroup !== null;
// In a group the page shows only that group's ideas, never a plenary one (those still reach
// the session's room while the groups are apart).
const belongsHere = (idea) => !inGroup() || idea.group?.id === state.myGroup.id;
const isHost = () => inGroup() && state.participantId !== null && state.myGroup.host_id === state.participantId;
// Groups apart and people choose their own: until this person has, they do not send in.
const mustChoose = () => state.apart && state.rule === "choice" && state.myGroup === null;
const inputOpen = () => (state.phase === null || INPUT_PHASES.has(state.phase)) && !mustChoose();
const voting = () => state.phase === "voting";
// The themes shown here: my group's while the groups are apart, else the plenary's.
const myScope = () => (inGroup() ? `group:${state.myGroup.id}` : "plenary");

// ---------------------------------------------------------------- connection and events

const countdown = new Countdown({ box: $("timer"), display: $("timer-display"), note: $("timer-note") });

const live = connectSession({
  token: root.dataset.token,
  onStatus: (connection, detail) => {
    showStatus(status, connection, detail);
    state.connected = connection === "online";
    renderPending();
    if (state.connected) flush();
  },
  onEvent,
});

initPollRoom({ root: $("polls"), news: $("poll-news"), send: (command, payload) => live.send(command, payload) });

function onEvent(name, data) {
  onPollEvent(name, data); // the live poll: session_snapshot, poll_question, poll_results
  switch (name) {
    case "session_snapshot":
      applySnapshot(data);
      break;
    case "idea_added":
    case "idea_updated": {
      const idea = ideaOf(data);
      if (idea?.id !== undefined && belongsHere(idea) && live.fresh(`idea:${idea.id}`, data.seq)) {
        const arrived = name === "idea_added" && !state.ideas.has(String(idea.id));
        upsert(idea, data.seq);
        if (arrived) ideaArrived(String(idea.id));
      }
      break;
    }
    case "idea_removed":
      if (live.fresh(`idea:${data.id}`, data.seq)) removeIdea(data);
      break;
    case "ideas_revealed":
      for (const idea of data.ideas ?? []) {
        if (belongsHere(idea) && live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      }
      break;
    case "votes_changed":
      if (live.fresh(`votes:${data.idea_id}`, data.seq)) setVotes(data.idea_id, data.votes);
      break;
    case "phase_changed":
      if (live.fresh("phase", data.seq)) {
        state.sessionPhase = data.phase ?? state.sessionPhase;
        state.agenda = data.agenda_item ?? null;
        setPhase();
      }
      break;
    case "settings_changed":
      if (live.fresh("settings", data.seq)) setSettings(data.settings ?? {});
      break;
    case "timer_changed":
      if (live.fresh("timer", data.seq)) {
        state.sessionTimer = data.timer ?? null;
        showTimer();
      }
      break;
    case "groups_changed":
      if (live.fresh("groups", data.seq)) applyGroups(data);
      break;
    case "group_assigned":
      if (live.fresh("assigned", data.seq)) assigned(data.group ?? null);
      break;
    case "group_phase_changed":
      if (data.group_id === state.myGroup?.id && live.fresh(`group-phase:${data.group_id}`, data.seq)) {
        state.myGroup = { ...state.myGroup, phase: data.phase };
        setPhase();
      }
      break;
    case "group_timer_changed":
      if (data.group_id === state.myGroup?.id && live.fresh(`group-timer:${data.group_id}`, data.seq)) {
        state.myGroup = { ...state.myGroup, timer: data.timer ?? null };
        showTimer();
      }
      break;
    case "groups_returned":
      if (live.fresh("returned", data.seq)) returned(data);
      break;
    case "announcement":
      announce(data.text, data.sent_at);
      break;
    case "clusters_updated":
      applyClusters(data);
      break;
    case "cluster_votes":
      if (live.fresh(`cluster-votes:${data.cluster_id}`, data.seq)) setClusterVotes(data.cluster_id, data.votes);
      break;
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "session_reset":
      // A rehearsal was wiped: this participant and everything typed for it are gone.
      for (const name of ["pending", "mine", "draft"]) localStorage.removeItem(store.key(name));
      window.location.reload();
      break;
    default:
      break;
  }
}

function applySnapshot(data) {
  state.sessionPhase = data.phase ?? state.sessionPhase;
  state.agenda = data.agenda_item ?? null;
  state.apart = Boolean(data.groups?.apart);
  state.rule = data.groups?.rule ?? null;
  state.groups = state.apart ? (data.groups?.groups ?? []) : [];
  state.myGroup = state.apart ? (data.me?.group ?? null) : null;
  state.switching = false;
  state.phase = effectivePhase();
  state.settings = data.settings ?? {};
  state.ideas = new Map((data.ideas ?? []).filter((idea) => !idea.hidden).map((idea) => [String(idea.id), idea]));
  state.clusters = data.clusters ?? [];
  state.unassigned = new Map(
    Object.entries(data.workspace?.scopes ?? {}).map(([scope, info]) => [scope, new Set((info?.unassigned ?? []).map(String))]),
  );
  const me = data.me ?? {};
  if (Array.isArray(me.ideas)) {
    state.mine = new Set(me.ideas.map(String));
    saveMine();
  }
  state.myVotes = new Map(Object.entries(me.votes ?? {}).map(([id, n]) => [String(id), Number(n) || 0]));
  state.ideasLeft = typeof me.ideas_left === "number" ? me.ideas_left : null;
  state.votesLeft = typeof me.votes_left === "number" ? me.votes_left : null;
  state.myClusterVotes = new Map(Object.entries(me.cluster_votes ?? {}).map(([id, n]) => [String(id), Number(n) || 0]));
  state.clusterVotesLeft = typeof me.cluster_votes_left === "number" ? me.cluster_votes_left : themeBudgetLeft(state.settings);
  if ("presence" in data) state.presence = presenceOf(data.presence);
  if (state.editing && !state.ideas.has(state.editing.id)) state.editing = null;
  if (state.confirming && !state.ideas.has(state.confirming)) state.confirming = null;
  state.sessionTimer = data.timer ?? null;
  showTimer();
  renderAll();
  if (inputOpen()) retryRefused(["phase_closed"]);
}

function upsert(idea, seq) {
  const id = String(idea.id);
  if (idea.hidden) {
    removeIdea({ id, reason: "hidden" });
    return;
  }
  const old = state.ideas.get(id);
  // votes_changed may already have brought a newer count than this copy of the idea.
  if (old && !live.fresh(`votes:${id}`, seq)) idea = { ...idea, votes: old.votes };
  state.ideas.set(id, idea);
  ideaChanged(id);
  if (!old || old.text !== idea.text) clustersSoon();
}

function removeIdea({ id, reason, into }) {
  id = String(id);
  if (reason === "merged" && into !== undefined && into !== null) {
    // My votes went along to the idea it was merged into (once, unless stacking is on).
    const mineHere = state.myVotes.get(id) ?? 0;
    if (mineHere) {
      const target = String(into);
      const there = state.myVotes.get(target) ?? 0;
      if (state.settings.vote_stacking) state.myVotes.set(target, there + mineHere);
      else {
        // Without stacking a vote on both counts once; the other comes back to spend again.
        state.myVotes.set(target, Math.max(there, mineHere));
        if (there && state.votesLeft !== null) state.votesLeft += Math.min(there, mineHere);
        renderPhase();
      }
      ideaChanged(target);
    }
  }
  state.myVotes.delete(id);
  if (reason === "withdrawn" && state.mine.delete(id)) saveMine();
  if (state.editing?.id === id) state.editing = null;
  if (state.confirming === id) state.confirming = null;
  if (state.ideas.delete(id)) {
    renderSoon();
    clustersSoon();
  }
}

function setVotes(ideaId, votes) {
  const id = String(ideaId);
  const idea = state.ideas.get(id);
  if (!idea || typeof votes !== "number") return;
  state.ideas.set(id, { ...idea, votes });
  ideaChanged(id);
}

// While apart, my group's phase rules (input, voting…); otherwise the session's.
function effectivePhase() {
  return inGroup() ? (state.myGroup.phase ?? state.sessionPhase) : state.sessionPhase;
}

function setPhase() {
  const wasOpen = inputOpen();
  const before = state.phase;
  state.phase = effectivePhase();
  if (state.phase === "hidden_input" && before !== "hidden_input") {
    // As in a snapshot: only your own until the facilitator reveals them all (ideas_revealed).
    for (const id of [...state.ideas.keys()]) if (!state.mine.has(id)) state.ideas.delete(id);
    clustersSoon();
  }
  if (!inputOpen()) {
    state.editing = null;
    state.confirming = null;
  }
  renderAll();
  if (inputOpen() && !wasOpen) retryRefused(["phase_closed"]);
}

function setSettings(settings) {
  const before = { ideas: limitOf(state.settings.idea_limit), votes: limitOf(state.settings.vote_budget) };
  const after = { ideas: limitOf(settings.idea_limit), votes: limitOf(settings.vote_budget) };
  // The ack and the snapshot say exactly how many are left; a new limit shifts that by the difference.
  if (before.ideas !== after.ideas) {
    if (after.ideas === null) state.ideasLeft = null;
    else if (before.ideas !== null && state.ideasLeft !== null) {
      state.ideasLeft = Math.max(0, state.ideasLeft + after.ideas - before.ideas);
    } else state.ideasLeft = Math.max(0, after.ideas - [...state.mine].filter((id) => state.ideas.has(id)).length);
  }
  if (before.votes !== after.votes) {
    const used = [...state.myVotes.values()].reduce((sum, n) => sum + n, 0);
    if (after.votes === null) state.votesLeft = null;
    else if (before.votes !== null && state.votesLeft !== null) {
      state.votesLeft = Math.max(0, state.votesLeft + after.votes - before.votes);
    } else state.votesLeft = Math.max(0, after.votes - used);
    // Themes have a budget of the same size, spent apart from the one for ideas.
    if (after.votes === null) state.clusterVotesLeft = null;
    else if (before.votes !== null && state.clusterVotesLeft !== null) {
      state.clusterVotesLeft = Math.max(0, state.clusterVotesLeft + after.votes - before.votes);
    } else state.clusterVotesLeft = themeBudgetLeft(settings);
  }
  state.settings = settings;
  renderAll();
  retryRefused(["limit_reached"]);
}

// ---------------------------------------------------------------- breakout groups

// My group's timer while it runs one, else the session's.
function showTimer() {
  const groupTimer = inGroup() ? state.myGroup.timer : null;
  countdown.set(timerIsSet(groupTimer) ? groupTimer : state.sessionTimer);
  renderHost();
}

function applyGroups(data) {
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
  if (wasInGroup !== inGroup()) allDirty = true; // the group labels come or go
  setPhase();
  showTimer();
}

// I was put in a group (or taken out): the server shows me that group's room after a reconnect.
// Until then nothing of another group stays on this page.
function assigned(group) {
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
function returned(data) {
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
function renderChoices() {
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

function renderGroupBox() {
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

function renderHost() {
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

const announce = announcer($("announcement"));

// ---------------------------------------------------------------- sending vraagstukken

function savePending() {
  store.set(
    "pending",
    pending.map(({ client_id, text, code, error }) => ({ client_id, text, code, error })),
  );
}

function saveMine() {
  store.set("mine", [...state.mine]);
}

function markMine(id) {
  id = String(id);
  if (state.mine.has(id)) return;
  state.mine.add(id);
  saveMine();
  ideaChanged(id);
  clustersSoon(); // "jij" on the idea in its theme
}

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const item = pending.find((p) => !p.error);
      // Not while choosing a group: it would land on the plenary board of every group.
      if (!item || !live.socket.connected || mustChoose()) break;
      item.sending = true;
      renderPending();
      const ack = await live.send("submit_idea", { text: item.text, client_id: item.client_id });
      item.sending = false;
      if (["timeout", "offline", "rate_limited", "server_error"].includes(ack.code)) {
        // Kept and sent again on the next try or connect; a refusal for speed or a hiccup
        // on the server says so, the idea itself was fine.
        if (ack.error) formError.textContent = ack.error;
        retryLater();
        break;
      }
      if (ack.ok) {
        pending = pending.filter((p) => p !== item);
        markMine(ack.id);
        if (typeof ack.ideas_left === "number") state.ideasLeft = ack.ideas_left;
      } else if (ack.code !== "phase_closed" && ack.code !== "limit_reached" && !textarea.value.trim()) {
        // Refused for its content: back into the field so it can be fixed, with the reason.
        pending = pending.filter((p) => p !== item);
        textarea.value = item.text;
        updateCounter();
        formError.textContent = ack.error;
      } else {
        item.code = ack.code;
        item.error = ack.error;
      }
      savePending();
      renderPending();
      renderForm();
    }
  } finally {
    flushing = false;
    renderPending();
  }
}

function retryLater() {
  if (retryHandle) return;
  retryHandle = setTimeout(() => {
    retryHandle = 0;
    flush();
  }, RETRY_MS);
}

// Try again what was refused for a reason that has gone away (input open again, higher limit).
function retryRefused(codes) {
  let changed = false;
  for (const item of pending) {
    if (item.error && codes.includes(item.code)) {
      delete item.error;
      delete item.code;
      changed = true;
    }
  }
  if (changed) {
    savePending();
    renderPending();
  }
  flush();
}

function unsentCount() {
  return pending.filter((p) => !p.error).length;
}

function updateCounter() {
  charsLeft.textContent = maxLength - textarea.value.length;
  store.set("draft", textarea.value);
}

textarea.value = store.get("draft", "");
updateCounter();
textarea.addEventListener("input", () => {
  formError.textContent = "";
  updateCounter();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = textarea.value.trim();
  if (!text) {
    formError.textContent = strings.empty;
    textarea.focus();
    return;
  }
  if (text.length > maxLength) {
    formError.textContent = strings.too_long;
    textarea.focus();
    return;
  }
  if (!inputOpen()) {
    formError.textContent = strings.input_closed;
    return;
  }
  pending.push({ client_id: uuid4(), text });
  savePending();
  textarea.value = "";
  updateCounter();
  formError.textContent = "";
  renderPending();
  renderForm();
  flush();
});

// ---------------------------------------------------------------- own ideas: edit, withdraw

async function ideaCommand(idea, command, payload) {
  const id = String(idea.id);
  state.busy.add(id);
  ideas.error(id, "");
  renderIdeasNow(new Set([id]));
  const ack = await live.send(command, payload);
  state.busy.delete(id);
  if (!ack.ok) ideas.error(id, ack.error);
  return ack;
}

function startEdit(idea) {
  const others = [state.editing?.id, state.confirming].filter(Boolean);
  state.editing = { id: String(idea.id), text: idea.text };
  state.confirming = null;
  renderIdeasNow(new Set([String(idea.id), ...others]), { id: String(idea.id), action: "edit-text" });
}

function cancelEdit(idea) {
  state.editing = null;
  renderIdeasNow(new Set([String(idea.id)]), { id: String(idea.id), action: "edit" });
}

async function saveEdit(idea) {
  const text = state.editing?.text.trim() ?? "";
  if (!text) {
    ideas.error(idea.id, strings.empty);
    return;
  }
  if (text.length > maxLength) {
    ideas.error(idea.id, strings.too_long);
    return;
  }
  const ack = await ideaCommand(idea, "edit_idea", { idea_id: idea.id, text });
  if (ack.ok) {
    state.editing = null;
    const current = state.ideas.get(String(idea.id));
    if (current) state.ideas.set(String(idea.id), { ...current, text }); // idea_updated follows
    clustersSoon();
  }
  renderIdeasNow(new Set([String(idea.id)]), ack.ok ? { id: String(idea.id), action: "edit" } : null);
}

async function withdraw(idea) {
  const id = String(idea.id);
  if (state.confirming !== id) {
    const previous = state.confirming;
    state.confirming = id;
    renderIdeasNow(new Set([id, previous].filter(Boolean)));
    return;
  }
  state.confirming = null;
  const ack = await ideaCommand(idea, "withdraw_idea", { idea_id: idea.id });
  if (ack.ok) {
    if (typeof ack.ideas_left === "number") state.ideasLeft = ack.ideas_left;
    else if (state.ideasLeft !== null) {
      state.ideasLeft = Math.min(limitOf(state.settings.idea_limit) ?? Infinity, state.ideasLeft + 1);
    }
    removeIdea({ id, reason: "withdrawn" }); // idea_removed follows; this just does not wait for it
    renderForm();
    retryRefused(["limit_reached"]);
  } else renderIdeasNow(new Set([id]));
}

// ---------------------------------------------------------------- voting

function applyMyVotes(ideaId, votes) {
  if (!votes || typeof votes !== "object") return;
  for (const [id, n] of Object.entries(votes)) state.myVotes.set(String(id), Number(n) || 0);
  // A map that leaves out the idea just voted on means none are left on it.
  if (!(String(ideaId) in votes)) state.myVotes.set(String(ideaId), 0);
}

async function castVote(idea, command) {
  const ack = await ideaCommand(idea, command, { idea_id: idea.id });
  if (ack.ok) {
    if (typeof ack.votes_left === "number") state.votesLeft = ack.votes_left;
    applyMyVotes(idea.id, ack.votes);
    renderAll();
    keepVoteFocus(String(idea.id), command);
  } else renderIdeasNow(new Set([String(idea.id)]));
}

// With one vote per idea, "Stem" turns into "Stem terugnemen" and back: the button pressed is
// gone, so a keyboard user's focus goes to its twin instead of falling back to the page.
function keepVoteFocus(id, command) {
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const li = $("ideas").querySelector(`li[data-id="${CSS.escape(id)}"]`);
  const order = command === "vote" ? ["vote", "unvote"] : ["unvote", "vote"];
  for (const action of order) {
    const button = li?.querySelector(`[data-action="${action}"]`);
    if (button) {
      button.focus();
      return;
    }
  }
}

// ---------------------------------------------------------------- themes (clusters)

// A clusters_updated holds every cluster of its scope: they replace what this page had.
function applyClusters(data) {
  const scope = data.scope ?? "plenary";
  if (!live.fresh(`clusters:${scope}`, data.seq)) return;
  const { clusters, incoming } = replaceScope(state.clusters, data, live.fresh);
  state.clusters = clusters;
  state.unassigned.set(scope, new Set((data.unassigned ?? []).map(String)));
  // Only a whole run is news worth saying out loud; a rename or a moved idea just shows.
  if (data.change?.action === "run" && scope === myScope()) announceThemes(incoming.length);
  clustersSoon();
}

function setClusterVotes(clusterId, votes) {
  if (typeof votes !== "number") return;
  const id = String(clusterId);
  const index = state.clusters.findIndex((cluster) => String(cluster.id) === id);
  if (index < 0) return;
  state.clusters[index] = { ...state.clusters[index], votes };
  clustersSoon();
}

// What is left of the theme budget when the server did not say (an older snapshot).
function themeBudgetLeft(settings) {
  const budget = limitOf(settings?.vote_budget);
  if (budget === null) return null;
  return Math.max(0, budget - [...state.myClusterVotes.values()].reduce((sum, n) => sum + n, 0));
}

// New vraagstukken of others, said politely to screen readers (the board itself is not a live
// region: every vote and reorder would be read out). Arrivals within a second make one line.
const IDEA_NEWS_MS = 1000;
let arrivals = [];
let arrivalsHandle = 0;
function ideaArrived(id) {
  arrivals.push(id);
  if (!arrivalsHandle) arrivalsHandle = setTimeout(tellArrivals, IDEA_NEWS_MS);
}

function tellArrivals() {
  arrivalsHandle = 0;
  // My own idea is not news to me: by now its ack has marked it mine (or it is still sending).
  const sending = new Set(pending.map((item) => item.text.trim()));
  const news = arrivals
    .map((id) => state.ideas.get(id))
    .filter((idea) => idea && !state.mine.has(String(idea.id)) && !sending.has(idea.text.trim()));
  arrivals = [];
  if (!news.length) return;
  const region = $("ideas-news");
  region.textContent = "";
  setTimeout(() => {
    region.textContent = tn("idea_news", news.length, { text: news[news.length - 1].text });
  }, 100);
}

let newsHandle = 0;
function announceThemes(n) {
  const region = $("themes-news");
  // Emptied first, so the same words after a second run are read out again.
  region.textContent = "";
  clearTimeout(newsHandle);
  newsHandle = setTimeout(() => {
    region.textContent = tn("themes_made", n);
  }, 150);
}

// The themes of my scope, in the facilitator's order. A theme whose ideas are all out of sight
// (hidden input, another group's) is left out; one the facilitator made empty is shown.
function visibleThemes() {
  const scope = myScope();
  return state.clusters
    .filter((cluster) => scopeOf(cluster) === scope)
    .filter((cluster) => !cluster.idea_ids?.length || cluster.idea_ids.some((id) => seeable(id)))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id));
}

function seeable(id) {
  const idea = state.ideas.get(String(id));
  return Boolean(idea && !idea.pending);
}

// The ack's `votes`: a map of my dots per theme, or (as the server sends now) the theme's count,
// in which case my own count moves by the one dot just given or taken back.
function applyMyClusterVotes(clusterId, votes, command) {
  const id = String(clusterId);
  if (votes && typeof votes === "object") {
    for (const [key, n] of Object.entries(votes)) state.myClusterVotes.set(String(key), Number(n) || 0);
    // A map that leaves out the theme just voted on means none are left on it.
    if (!(id in votes)) state.myClusterVotes.set(id, 0);
  } else {
    const n = state.myClusterVotes.get(id) ?? 0;
    state.myClusterVotes.set(id, Math.max(0, n + (command === "vote_cluster" ? 1 : -1)));
  }
}

async function castThemeVote(cluster, command) {
  const id = String(cluster.id);
  if (state.clusterBusy.has(id)) return;
  state.clusterBusy.add(id);
  themes.error(id, "");
  renderClusters();
  const ack = await live.send(command, { cluster_id: cluster.id });
  state.clusterBusy.delete(id);
  if (ack.ok) {
    if (typeof ack.votes_left === "number") state.clusterVotesLeft = ack.votes_left;
    // The theme's count itself comes with cluster_votes (sent before this ack, ordered by seq):
    // taking it from the ack could turn back a newer count of someone else's dot.
    applyMyClusterVotes(cluster.id, ack.votes, command);
    renderPhase();
  }
  renderClusters();
  if (!ack.ok) themes.error(id, ack.error);
}

const IDEAS_FOLDED = 5; // a theme with more ideas shows this many until it is opened

function renderTheme(cluster, body, li) {
  const id = String(cluster.id);
  const labelId = `theme-${id}-label`;
  const members = (cluster.idea_ids ?? []).map((ideaId) => state.ideas.get(String(ideaId))).filter((idea) => idea && !idea.pending);
  const fresh = new Set((cluster.new_idea_ids ?? []).map(String));
  const mineHere = state.myClusterVotes.get(id) ?? 0;
  li.classList.toggle("voted", mineHere > 0);
  if (state.clusterBusy.has(id)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");

  const label = cluster.label || cluster.title || (cluster.terms ?? []).join(", ");
  body.append(h("h3", { id: labelId, class: "theme-label", text: label }));
  const votes = cluster.votes ?? 0;
  body.append(
    h(
      "p",
      { class: "idea-tags theme-meta" },
      themeVotesShown && h("span", { class: "tag tag-votes", text: tn("votes", votes) }),
      h("span", { class: "tag", text: tn("ideas", members.length) }),
      cluster.origin?.name && originTag(cluster.origin),
    ),
  );

  const open = state.expanded.has(id) || members.length <= IDEAS_FOLDED + 1;
  const listId = `theme-${id}-ideas`;
  if (members.length) {
    body.append(
      h(
        "ul",
        { class: "theme-ideas", id: listId },
        (open ? members : members.slice(0, IDEAS_FOLDED)).map((idea) =>
          h(
            "li",
            { class: state.mine.has(String(idea.id)) ? "mine" : null },
            h("span", { class: "theme-idea-text", text: idea.text }),
            fresh.has(String(idea.id)) && [" ", h("span", { class: "tag tag-new", text: strings.new_idea })],
            state.mine.has(String(idea.id)) && [" ", h("span", { class: "tag tag-mine", text: strings.you })],
          ),
        ),
      ),
    );
  }
  if (members.length > IDEAS_FOLDED + 1) {
    body.append(
      h("button", {
        type: "button",
        class: "small secondary outline theme-more",
        text: open ? strings.show_fewer : t("show_all_ideas", { n: members.length }),
        dataset: { action: "more" },
        "aria-expanded": String(open),
        "aria-controls": listId,
        onclick: () => {
          if (state.expanded.has(id)) state.expanded.delete(id);
          else state.expanded.add(id);
          renderClusters();
        },
      }),
    );
  }
  if (voting()) body.append(themeVoteControls(cluster, labelId));
}

function originTag(origin) {
  return h("span", { class: "tag tag-group" }, h("span", { class: "visually-hidden", text: `${strings.from_group} ` }), origin.name);
}

// "Stem" and "Stem terug" always side by side; one that cannot be used now says why when tapped.
function themeVoteControls(cluster, labelId) {
  const id = String(cluster.id);
  const n = state.myClusterVotes.get(id) ?? 0;
  const stacking = Boolean(state.settings.vote_stacking);
  const outOfVotes = state.clusterVotesLeft !== null && state.clusterVotesLeft <= 0;
  let cannotVote = null;
  if (n > 0 && !stacking) cannotVote = strings.theme_one_vote;
  else if (outOfVotes) cannotVote = strings.theme_votes_none_left;
  return h(
    "div",
    { class: "vote-controls theme-votes" },
    n > 0 &&
      h(
        "p",
        { class: "my-votes" },
        h("span", { class: "dots", "aria-hidden": "true", text: "●".repeat(Math.min(n, 10)) }),
        " ",
        stacking ? tn("my_votes", n) : strings.theme_voted,
      ),
    actionButton("vote-theme", n > 0 && stacking ? strings.vote_more : strings.vote, () => castThemeVote(cluster, "vote_cluster"), {
      describedBy: labelId,
      unavailable: cannotVote,
      cls: "vote",
      list: themes,
    }),
    actionButton("unvote-theme", strings.theme_unvote, () => castThemeVote(cluster, "unvote_cluster"), {
      describedBy: labelId,
      unavailable: n > 0 ? null : strings.theme_no_vote,
      list: themes,
    }),
  );
}

// Ideas of my scope in no theme: not clustered yet, or marked "past nergens" by hand.
function restItems() {
  const scope = myScope();
  const clustered = new Set();
  for (const cluster of state.clusters) {
    if (scopeOf(cluster) === scope) for (const id of cluster.idea_ids ?? []) clustered.add(String(id));
  }
  const nowhere = state.unassigned.get(scope) ?? new Set();
  const open = [];
  const fitsNowhere = [];
  const ordered = [...state.ideas.values()].filter((idea) => !idea.pending).sort((a, b) => Number(a.id) - Number(b.id));
  for (const idea of ordered) {
    const id = String(idea.id);
    if (clustered.has(id)) continue;
    (nowhere.has(id) ? fitsNowhere : open).push(idea);
  }
  return [
    { key: "open", title: strings.not_clustered, ideas: open },
    { key: "nowhere", title: strings.fits_nowhere, ideas: fitsNowhere },
  ].filter((part) => part.ideas.length);
}

// Vote counts on every theme or on none (while voting, after the session, or once any has dots).
let themeVotesShown = false;

function renderClusters() {
  const shown = visibleThemes();
  themeVotesShown = voting() || state.phase === "closed" || shown.some((cluster) => (cluster.votes ?? 0) > 0);
  themes.sync(shown);
  $("clusters-section").hidden = shown.length === 0;
  $("themes-count").textContent = shown.length;
  $("themes-budget").hidden = !(voting() && shown.length);
  $("themes-rest").replaceChildren(
    ...(shown.length ? restItems() : []).map((part) =>
      h(
        "section",
        { class: `theme-rest theme-rest-${part.key}`, "aria-label": part.title },
        h("h3", {}, part.title, " ", h("small", { class: "muted", text: `(${part.ideas.length})` })),
        h(
          "ul",
          { class: "theme-ideas" },
          part.ideas.map((idea) =>
            h(
              "li",
              { class: state.mine.has(String(idea.id)) ? "mine" : null },
              h("span", { class: "theme-idea-text", text: idea.text }),
              state.mine.has(String(idea.id)) && [" ", h("span", { class: "tag tag-mine", text: strings.you })],
            ),
          ),
        ),
      ),
    ),
  );
  renderThemeVotesLeft(shown.length > 0);
}

// Two budgets while themes can be voted on: one line each in the box at the top.
function renderThemeVotesLeft(haveThemes) {
  const show = voting() && haveThemes;
  $("theme-votes-line").hidden = !show;
  const left = state.clusterVotesLeft;
  const text = !show ? "" : left === null ? strings.theme_votes_unlimited : left > 0 ? tn("theme_votes_left", left) : strings.theme_votes_none_left_short;
  if ($("theme-votes-left").textContent !== text) $("theme-votes-left").textContent = text;
  const ideaLeft = state.votesLeft;
  let ideaText;
  if (ideaLeft === null) ideaText = strings.votes_unlimited;
  else if (ideaLeft <= 0) ideaText = show ? strings.idea_votes_none_left_short : strings.votes_none_left_short;
  else ideaText = show ? tn("idea_votes_left", ideaLeft) : tn("votes_left", ideaLeft);
  if ($("votes-left").textContent !== ideaText) $("votes-left").textContent = ideaText;
}

// ---------------------------------------------------------------- rendering

const ideas = new KeyedList($("ideas"), { render: renderIdea, itemClass: "idea" });
const pendingList = new KeyedList($("pending"), { render: renderPendingItem, itemClass: "idea pending" });
const themes = new KeyedList($("clusters"), { render: renderTheme, itemClass: "theme" });
const dirty = new Set();
let allDirty = true;

function ideaChanged(id) {
  dirty.add(String(id));
  renderSoon();
}

const renderSoon = scheduler(() => renderIdeasNow());
const clustersSoon = scheduler(renderClusters, 50);

function renderAll() {
  allDirty = true;
  renderGroupBox();
  renderChoices();
  renderHost();
  renderPhase();
  renderForm();
  renderPresence();
  renderIdeasNow();
  renderClusters();
}

function renderIdeasNow(extra, focusAfter) {
  const marked = allDirty ? true : new Set([...dirty, ...(extra ?? [])]);
  allDirty = false;
  dirty.clear();
  ideas.sync([...state.ideas.values()].sort(byBoardOrder), marked);
  $("idea-count").textContent = state.ideas.size;
  $("no-ideas").hidden = state.ideas.size > 0;
  if (focusAfter) {
    $("ideas")
      .querySelector(`li[data-id="${CSS.escape(focusAfter.id)}"] [data-action="${focusAfter.action}"]`)
      ?.focus();
  }
}

// Buttons stay focusable while busy or unavailable (aria-disabled), so a keyboard user keeps
// their place when the item is redrawn; a click on an unavailable one explains why.
function actionButton(action, text, onClick, { describedBy, unavailable = null, cls = "secondary outline", list = null } = {}) {
  return h("button", {
    type: "button",
    class: `small ${cls}`,
    text,
    dataset: { action },
    "aria-describedby": describedBy,
    "aria-disabled": unavailable ? "true" : null,
    onclick: (event) => {
      const li = event.currentTarget.closest("li[data-id]");
      // A theme's button names its list; an idea's is on the board or among the pending.
      const owner = list ?? (li?.closest("#ideas") ? ideas : pendingList);
      if (unavailable) {
        if (li) owner.error(li.dataset.id, unavailable);
        return;
      }
      if (!list && li && state.busy.has(li.dataset.id)) return; // an idea waits for its ack
      onClick();
    },
  });
}

function renderIdea(idea, body, li) {
  const id = String(idea.id);
  const mine = state.mine.has(id);
  const textId = `idea-${id}-text`;
  li.classList.toggle("mine", mine);
  li.classList.toggle("pinned", Boolean(idea.pinned));
  if (state.busy.has(id)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");

  if (state.editing?.id === id) {
    const editId = `idea-${id}-edit`;
    body.append(
      h(
        "form",
        {
          class: "edit-form",
          onsubmit: (event) => {
            event.preventDefault();
            saveEdit(idea);
          },
        },
        h("label", { for: editId, text: strings.edit_label }),
        h("textarea", {
          id: editId,
          rows: 3,
          maxLength,
          value: state.editing.text,
          dataset: { action: "edit-text" },
          oninput: (event) => {
            if (state.editing) state.editing.text = event.target.value;
          },
        }),
        h(
          "div",
          { class: "idea-actions" },
          h("button", { type: "submit", class: "small", text: strings.save, dataset: { action: "edit-save" } }),
          actionButton("edit-cancel", strings.cancel, () => cancelEdit(idea)),
        ),
      ),
    );
  } else {
    body.append(h("p", { class: "idea-text", id: textId, text: idea.text }));
  }

  const showVotes = voting() || state.phase === "closed" || (idea.votes ?? 0) > 0;
  const tags = [
    idea.pinned && h("span", { class: "tag tag-pin", text: strings.pinned }),
    mine && h("span", { class: "tag tag-mine", text: strings.you }),
    idea.pending && h("span", { class: "tag tag-wait", text: strings.awaiting_approval }),
    showVotes && h("span", { class: "tag tag-votes", text: tn("votes", idea.votes ?? 0) }),
    !state.apart && groupTag(idea), // back in the plenary: where each idea came from
  ].filter(Boolean);
  if (tags.length) body.append(h("p", { class: "idea-tags" }, tags));

  const actions = [];
  if (mine && inputOpen() && state.editing?.id !== id) {
    if (state.confirming === id) {
      actions.push(
        actionButton("withdraw", strings.withdraw_confirm, () => withdraw(idea), { describedBy: textId, cls: "danger" }),
        actionButton("withdraw-cancel", strings.keep, () => {
          state.confirming = null;
          renderIdeasNow(new Set([id]), { id, action: "withdraw" });
        }),
      );
    } else {
      actions.push(
        actionButton("edit", strings.edit, () => startEdit(idea), { describedBy: textId }),
        actionButton("withdraw", strings.withdraw, () => withdraw(idea), { describedBy: textId }),
      );
    }
  }
  if (voting()) actions.push(voteControls(idea, textId));
  if (actions.length) body.append(h("div", { class: "idea-actions" }, actions));
}

function voteControls(idea, textId) {
  const id = String(idea.id);
  const n = state.myVotes.get(id) ?? 0;
  const stacking = Boolean(state.settings.vote_stacking);
  const outOfVotes = state.votesLeft !== null && state.votesLeft <= 0;
  const parts = [];
  if (n > 0) {
    parts.push(h("span", { class: "my-votes", text: stacking ? tn("my_votes", n) : strings.voted }));
    parts.push(actionButton("unvote", strings.unvote, () => castVote(idea, "unvote"), { describedBy: textId }));
  }
  if (stacking || n === 0) {
    parts.push(
      actionButton("vote", n > 0 ? strings.vote_more : strings.vote, () => castVote(idea, "vote"), {
        describedBy: textId,
        unavailable: outOfVotes ? strings.votes_none_left : null,
        cls: "vote",
      }),
    );
  }
  return h("div", { class: "vote-controls" }, parts);
}

function renderPendingItem(item, body) {
  body.append(h("p", { class: "idea-text", text: item.text }));
  let note;
  if (item.error) {
    note = item.code === "phase_closed" ? t("not_sent_closed", { error: item.error }) : t("not_sent", { error: item.error });
  } else if (!state.connected) note = strings.queued;
  else note = strings.sending;
  body.append(h("p", { class: `pending-note${item.error ? " field-error" : ""}`, text: note }));
  if (item.error) {
    body.append(
      h(
        "div",
        { class: "idea-actions" },
        actionButton("restore", strings.back_to_field, () => restorePending(item)),
        actionButton("discard", strings.discard, () => {
          pending = pending.filter((p) => p !== item);
          savePending();
          renderPending();
          renderForm();
        }),
      ),
    );
  }
}

function restorePending(item) {
  const current = textarea.value.trim();
  textarea.value = current ? `${current}\n${item.text}` : item.text;
  pending = pending.filter((p) => p !== item);
  savePending();
  updateCounter();
  renderPending();
  renderForm();
  if (!form.hidden) textarea.focus();
}

function renderPending() {
  pendingList.sync(pending.map((item) => ({ ...item, id: item.client_id })));
  $("pending-section").hidden = pending.length === 0;
  $("pending-count").textContent = pending.length;
}

function renderPhase() {
  const phase = state.phase;
  $("phase-label").textContent = strings.phases?.[phase] ?? "";
  const agenda = state.agenda;
  $("agenda-title").textContent = agenda?.title ?? "";
  $("agenda-time").textContent = agendaTimes(agenda);
  $("phase-box").dataset.phase = phase ?? "";
  let help = (inGroup() ? strings.group_phase_help : strings.phase_help)?.[phase] ?? "";
  if (phase === "voting") help = `${help} ${state.settings.vote_stacking ? strings.stacking_on : strings.stacking_off}`;
  $("phase-help").textContent = help;
  $("results").hidden = phase !== "closed" || inGroup();

  $("votes-box").hidden = !voting();
  renderThemeVotesLeft(visibleThemes().length > 0);
}

function renderForm() {
  const open = inputOpen();
  form.hidden = !open;
  const closedNote = $("input-closed");
  const draft = textarea.value.trim();
  // After the session the phase words say it all; a kept draft is still worth a line.
  closedNote.hidden = open || (state.phase === "closed" && !draft && !mustChoose());
  const why = mustChoose() ? strings.choose_first : strings.input_closed;
  closedNote.textContent = open ? "" : draft ? `${why} ${strings.draft_kept}` : why;

  const left = state.ideasLeft === null ? null : Math.max(0, state.ideasLeft - unsentCount());
  const leftNote = $("ideas-left");
  leftNote.textContent = left === null ? "" : left > 0 ? tn("ideas_left", left) : strings.ideas_none_left;
  leftNote.hidden = left === null;
  submitButton.disabled = open && left === 0;
  $("premod-note").hidden = !state.settings.premoderation;
}

function renderPresence() {
  $("presence").textContent = state.presence === null ? "" : tn("participants", state.presence);
}

renderPhase();
renderForm();
renderPending();
