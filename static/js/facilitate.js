// The facilitator's console: steer the phase, agenda, settings and timer; moderate the ideas
// (hide, pin, correct, approve, merge); shape the clusters in the workspace (run, drag, rename,
// lock, merge, split, deepen, undo, map); split the session into breakout groups (deelsessies),
// follow and steer them, and bring them back.
import Sortable from "../vendor/sortablejs-1.15.7/sortable.esm.js";
import {
  Countdown,
  GROUP_PHASES,
  KeyedList,
  agendaTimes,
  announcer,
  byBoardOrder,
  clock,
  connectSession,
  formatSeconds,
  groupTag,
  h,
  placeInOrder,
  ideaOf,
  presenceOf,
  scheduler,
  showStatus,
  strings,
  t,
  timeAgo,
  timerIsSet,
  tn,
  clusterScope as scopeOf,
  replaceScope,
} from "./live.js";
import { initPollConsole, onPollEvent } from "./poll_console.js";

const $ = (id) => document.getElementById(id);
const root = $("live");
const status = $("status");
const clusterStatus = $("cluster-status");
const runButton = $("run-clustering");
const agendaSelect = $("agenda-select");
const settingsForm = $("settings-form");
const phaseButtons = [...document.querySelectorAll("button[data-phase]")];
const agenda = JSON.parse($("agenda")?.textContent || "[]");
const coFacilitators = JSON.parse($("co-facilitators")?.textContent || "[]"); // [{id, name}]
const myUserId = Number(root.dataset.userId);
const lang = document.documentElement.lang || "nl";
const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });

const state = {
  phase: root.dataset.phase || null,
  agenda: null,
  settings: {},
  ideas: new Map(), // String(id) -> idea (facilitator payload: with hidden, pending, original_text, author)
  clusters: [], // every cluster this console may see, each with its scope
  workspace: { scopes: {}, can_undo: false, log: [] }, // per scope: unassigned, duplicates, outliers, merge_suggestions, coords
  presence: null,
  mergeSource: null, // id of the idea chosen to be merged into another
  correcting: null, // {id, text}
  busy: new Set(),
  titleDrafts: new Map(), // cluster id -> title typed but not saved
  settingsDirty: false,
  apart: false, // breakout groups are apart
  rule: null,
  groups: [], // [{id, name, members, capacity, phase, host_id, host_user, timer, ideas, last_activity}]
  people: new Map(), // participant id -> {id, name, sector, group_id}
  viewGroup: null, // id of the group whose board the idea list shows (null: all)
  followedGroup: null, // the group this co-facilitator hosts, once shown
  spotlight: undefined, // what the presenter shows after the return: {id, name}, null (all) or unknown
};

const countdown = new Countdown({
  box: $("timer"),
  display: $("timer-display"),
  note: $("timer-note"),
  onChange: renderTimerButtons,
});

const live = connectSession({
  token: root.dataset.token,
  onStatus: (connection, detail) => showStatus(status, connection, detail),
  onEvent,
});
initPollConsole({ root: $("poll-console"), send: (command, payload) => live.send(command, payload), strings });

function onEvent(name, data) {
  onPollEvent(name, data); // live poll: session_snapshot, poll_question, poll_results
  switch (name) {
    case "session_snapshot":
      applySnapshot(data);
      break;
    case "idea_moderated": {
      // The full state of an idea after any change: replaces what the console had.
      const idea = ideaOf(data);
      if (idea?.id !== undefined && live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      break;
    }
    case "idea_added":
    case "idea_updated": {
      // The public form (no hidden, pending, author): merged into what the console knows;
      // an idea_moderated with the full state follows.
      const idea = ideaOf(data);
      if (idea?.id !== undefined && live.fresh(`idea:${idea.id}`, data.seq)) {
        upsert({ ...state.ideas.get(String(idea.id)), ...idea }, data.seq);
      }
      break;
    }
    case "idea_removed":
      if (live.fresh(`idea:${data.id}`, data.seq)) removeIdea(data);
      break;
    case "ideas_revealed":
      for (const idea of data.ideas ?? []) {
        if (live.fresh(`idea:${idea.id}`, data.seq)) upsert({ ...state.ideas.get(String(idea.id)), ...idea }, data.seq);
      }
      break;
    case "votes_changed": {
      const id = String(data.idea_id);
      const idea = state.ideas.get(id);
      if (idea && typeof data.votes === "number" && live.fresh(`votes:${id}`, data.seq)) {
        state.ideas.set(id, { ...idea, votes: data.votes });
        ideaChanged(id);
      }
      break;
    }
    case "phase_changed":
      if (live.fresh("phase", data.seq)) {
        state.phase = data.phase ?? state.phase;
        state.agenda = data.agenda_item ?? null;
        renderPhase();
        renderAllIdeas();
      }
      break;
    case "settings_changed":
      if (live.fresh("settings", data.seq)) {
        state.settings = data.settings ?? {};
        fillSettings();
      }
      break;
    case "timer_changed":
      if (live.fresh("timer", data.seq)) countdown.set(data.timer);
      break;
    case "clusters_updated":
      applyClusters(data);
      break;
    case "clustering_started":
      ws.running.add(data.scope ?? "plenary");
      renderRunStatus();
      break;
    case "cluster_votes":
      applyClusterVotes(data);
      break;
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "session_reset":
      window.location.reload(); // the log starts again at 1: only a fresh page can follow it
      break;
    case "groups_changed":
      if (live.fresh("groups", data.seq)) applyGroups(data);
      break;
    case "participant_joined":
    case "participant_moved": {
      const person = data.participant;
      if (person?.id !== undefined && live.fresh(`person:${person.id}`, data.seq)) {
        state.people.set(person.id, person);
        peopleChanged(person.id);
      }
      break;
    }
    case "group_phase_changed":
      if (live.fresh(`group-phase:${data.group_id}`, data.seq)) updateGroup(data.group_id, { phase: data.phase });
      break;
    case "group_timer_changed":
      if (live.fresh(`group-timer:${data.group_id}`, data.seq)) updateGroup(data.group_id, { timer: data.timer ?? null });
      break;
    case "groups_returned":
      if (live.fresh("returned", data.seq)) {
        // The public form: merged into what the console knows (author, hidden…).
        for (const idea of data.ideas ?? []) {
          const id = String(idea.id);
          if (live.fresh(`idea:${id}`, data.seq)) state.ideas.set(id, { ...state.ideas.get(id), ...idea });
        }
        state.apart = false;
        state.groups = [];
        state.viewGroup = null;
        state.spotlight = null;
        dropGroupScopes();
        renderGroups();
        renderAllIdeas();
      }
      break;
    case "spotlight":
      if (live.fresh("spotlight", data.seq)) {
        state.spotlight = data.group ?? null;
        renderSpotlight();
      }
      break;
    case "announcement":
      announce(data.text, data.sent_at);
      break;
    default:
      break;
  }
}

function applySnapshot(data) {
  state.phase = data.phase ?? state.phase;
  state.agenda = data.agenda_item ?? null;
  state.settings = data.settings ?? {};
  state.ideas = new Map((data.ideas ?? []).map((idea) => [String(idea.id), idea]));
  applyWorkspaceSnapshot(data);
  if ("presence" in data) state.presence = presenceOf(data.presence);
  if (state.mergeSource && !state.ideas.has(state.mergeSource)) state.mergeSource = null;
  if (state.correcting && !state.ideas.has(state.correcting.id)) state.correcting = null;
  countdown.set(data.timer);
  state.apart = Boolean(data.groups?.apart);
  state.rule = data.groups?.rule ?? null;
  state.groups = state.apart ? (data.groups?.groups ?? []) : [];
  state.people = new Map((data.people ?? []).map((person) => [person.id, person]));
  if (state.viewGroup !== null && !state.groups.some((group) => group.id === state.viewGroup)) state.viewGroup = null;
  followHostedGroup();
  renderGroups();
  renderPeople(true);
  state.settingsDirty = false;
  fillSettings();
  renderPhase();
  renderPresence();
  renderAllIdeas();
  renderWorkspace();
  if (state.agenda) agendaSelect.value = String(state.agenda.id);
}

function upsert(idea, seq) {
  const id = String(idea.id);
  const old = state.ideas.get(id);
  if (old && !live.fresh(`votes:${id}`, seq)) idea = { ...idea, votes: old.votes };
  state.ideas.set(id, idea);
  ideaChanged(id);
  if (old && old.text !== idea.text) renderClustersSoon();
  // Moving between the pending list and the board changes which list holds it.
  if (old && Boolean(old.pending) !== Boolean(idea.pending)) renderAllIdeas();
}

function removeIdea({ id, reason }) {
  id = String(id);
  const idea = state.ideas.get(id);
  if (!idea) return;
  if (reason === "hidden") {
    // The console keeps hidden ideas, greyed, so they can be put back.
    state.ideas.set(id, { ...idea, hidden: true });
    ideaChanged(id);
    return;
  }
  state.ideas.delete(id);
  if (state.mergeSource === id) state.mergeSource = null;
  if (state.correcting?.id === id) state.correcting = null;
  renderAllIdeas();
  renderClustersSoon();
}

// ---------------------------------------------------------------- commands

async function command(name, payload, onError) {
  const ack = await live.send(name, payload);
  if (!ack.ok) onError(ack.error ?? strings.no_answer);
  return ack;
}

function feedback(element) {
  element.textContent = "";
  return (text) => {
    element.textContent = text;
  };
}

// Phase and agenda
const agendaId = () => {
  const value = agendaSelect.value;
  if (!value) return null;
  return Number.isNaN(Number(value)) ? value : Number(value);
};

for (const button of phaseButtons) {
  button.addEventListener("click", async () => {
    const phase = button.dataset.phase;
    button.setAttribute("aria-busy", "true");
    const ack = await command("set_phase", { phase, agenda_item_id: agendaId() }, feedback($("phase-error")));
    button.removeAttribute("aria-busy");
    if (ack.ok) {
      state.phase = ack.phase ?? phase;
      renderPhase();
    }
  });
}

$("agenda-apply").addEventListener("click", () =>
  command("set_phase", { phase: state.phase, agenda_item_id: agendaId() }, feedback($("phase-error"))),
);

// Settings

function fillSettings() {
  if (state.settingsDirty) {
    $("settings-feedback").textContent = strings.settings_changed_elsewhere;
    return;
  }
  const s = state.settings;
  $("setting-idea-limit").value = s.idea_limit ?? "";
  $("setting-vote-budget").value = s.vote_budget ?? "";
  $("setting-vote-stacking").checked = Boolean(s.vote_stacking);
  $("setting-premoderation").checked = Boolean(s.premoderation);
}

settingsForm.addEventListener("input", () => {
  state.settingsDirty = true;
});

settingsForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("settings-feedback"));
  if (!settingsForm.reportValidity()) return;
  const changes = {
    vote_stacking: $("setting-vote-stacking").checked,
    premoderation: $("setting-premoderation").checked,
  };
  for (const [name, id] of [
    ["idea_limit", "setting-idea-limit"],
    ["vote_budget", "setting-vote-budget"],
  ]) {
    const value = $(id).value.trim();
    if (value !== "") changes[name] = Math.round(Number(value));
  }
  const ack = await command("update_settings", changes, report);
  if (ack.ok) {
    state.settingsDirty = false;
    if (ack.settings) state.settings = ack.settings;
    fillSettings();
    report(strings.saved);
  }
});

// Timer
const timerError = $("timer-error");

async function timerCommand(name, payload = {}) {
  const ack = await command(name, payload, feedback(timerError));
  if (ack.ok && ack.timer !== undefined) countdown.set(ack.timer);
}

$("timer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const minutes = Number($("timer-minutes").value.replace(",", "."));
  if (!(minutes > 0)) {
    timerError.textContent = strings.timer_minutes_needed;
    return;
  }
  timerCommand("timer_start", { seconds: Math.min(7200, Math.max(1, Math.round(minutes * 60))) });
});

function guarded(button, run) {
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    run();
  });
}

guarded($("timer-toggle"), () => timerCommand(countdown.state === "paused" ? "timer_resume" : "timer_pause"));
guarded($("timer-extend"), () => timerCommand("timer_extend", { seconds: 60 }));
guarded($("timer-stop"), () => timerCommand("timer_stop"));

function renderTimerButtons(timerState) {
  const off = timerState === "off";
  for (const id of ["timer-toggle", "timer-extend", "timer-stop"]) {
    $(id).setAttribute("aria-disabled", off ? "true" : "false");
  }
  const toggle = $("timer-toggle");
  const label = timerState === "paused" ? strings.resume : strings.pause;
  if (toggle.textContent !== label) toggle.textContent = label;
  $("timer-off").hidden = !off;
}

// ---------------------------------------------------------------- moderation

async function ideaCommand(idea, name, payload) {
  const id = String(idea.id);
  state.busy.add(id);
  listFor(idea).error(id, "");
  ideaChanged(id);
  const ack = await live.send(name, payload);
  state.busy.delete(id);
  ideaChanged(id);
  if (!ack.ok) listFor(state.ideas.get(id) ?? idea).error(id, ack.error);
  return ack;
}

function startMerge(idea) {
  state.mergeSource = String(idea.id);
  state.correcting = null;
  renderAllIdeas();
}

function cancelMerge() {
  const source = state.mergeSource;
  state.mergeSource = null;
  renderAllIdeas();
  if (source) focusAction(source, "merge");
}

async function mergeInto(target) {
  const source = state.ideas.get(state.mergeSource);
  if (!source) return cancelMerge();
  const ack = await ideaCommand(target, "merge_ideas", { keep_id: target.id, merge_id: source.id });
  if (ack.ok) {
    state.mergeSource = null;
    const kept = state.ideas.get(String(target.id));
    if (kept && typeof ack.votes === "number") state.ideas.set(String(target.id), { ...kept, votes: ack.votes });
    renderAllIdeas();
    focusAction(String(target.id), "merge");
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && state.mergeSource) cancelMerge();
});
$("merge-cancel").addEventListener("click", cancelMerge);

async function saveCorrection(idea) {
  const text = state.correcting?.text.trim() ?? "";
  if (!text) {
    listFor(idea).error(idea.id, strings.empty);
    return;
  }
  const ack = await ideaCommand(idea, "correct_idea", { idea_id: idea.id, text });
  if (ack.ok) {
    state.correcting = null;
    const current = state.ideas.get(String(idea.id));
    if (current) {
      state.ideas.set(String(idea.id), { ...current, text, original_text: current.original_text ?? current.text });
    }
    redraw(idea.id);
    focusAction(String(idea.id), "correct");
    renderClustersSoon();
  }
}

// ---------------------------------------------------------------- rendering: ideas

const boardList = new KeyedList($("ideas"), { render: renderIdea, itemClass: "idea" });
const pendingList = new KeyedList($("pending-ideas"), { render: renderIdea, itemClass: "idea is-pending" });
const listFor = (idea) => (idea?.pending ? pendingList : boardList);
const dirty = new Set();
let allDirty = true;

function ideaChanged(id) {
  dirty.add(String(id));
  renderSoon();
}

function renderAllIdeas() {
  allDirty = true;
  renderIdeasNow();
}

const renderSoon = scheduler(() => renderIdeasNow());

// Redraw these ideas at once (a control in them changed), then focus can move into them.
function redraw(...ids) {
  for (const id of ids) if (id !== undefined && id !== null) dirty.add(String(id));
  renderIdeasNow();
}

function renderIdeasNow() {
  const marked = allDirty ? true : new Set(dirty);
  allDirty = false;
  dirty.clear();
  const everything = [...state.ideas.values()];
  // "Bekijk": one group's board while the groups are apart.
  const all = state.viewGroup === null ? everything : everything.filter((idea) => idea.group?.id === state.viewGroup);
  const board = all.filter((idea) => !idea.pending).sort(byBoardOrder);
  const waiting = all.filter((idea) => idea.pending).sort((a, b) => byBoardOrder(b, a));
  boardList.sync(board, marked);
  pendingList.sync(waiting, marked);
  $("pending-ideas-section").hidden = waiting.length === 0;
  $("pending-ideas-count").textContent = waiting.length;
  const shown = board.filter((idea) => !idea.hidden).length;
  $("idea-count").textContent = everything.filter((idea) => !idea.pending && !idea.hidden).length;
  $("board-count").textContent = shown;
  $("hidden-count").textContent = board.length - shown ? tn("hidden_count", board.length - shown) : "";
  $("no-ideas").hidden = board.length + waiting.length > 0;
  renderMergeBanner();
  renderViewBanner();
  groupCountsSoon();
  renderWorkspaceSoon();
}

function focusAction(id, action) {
  document.querySelector(`li[data-id="${CSS.escape(id)}"] [data-action="${action}"]`)?.focus();
}

function actionButton(action, text, onClick, { describedBy, cls = "secondary outline", pressed } = {}) {
  return h("button", {
    type: "button",
    class: `small ${cls}`,
    text,
    dataset: { action },
    "aria-describedby": describedBy,
    "aria-pressed": pressed === undefined ? null : String(pressed),
    onclick: (event) => {
      const li = event.currentTarget.closest("li[data-id]");
      if (li && state.busy.has(li.dataset.id)) return;
      onClick();
    },
  });
}

function renderIdea(idea, body, li) {
  const id = String(idea.id);
  const textId = `idea-${id}-text`;
  li.classList.toggle("is-hidden", Boolean(idea.hidden));
  li.classList.toggle("pinned", Boolean(idea.pinned));
  li.classList.toggle("merge-source", state.mergeSource === id);
  if (state.busy.has(id)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");

  if (state.correcting?.id === id) {
    const fieldId = `idea-${id}-correct`;
    body.append(
      h(
        "form",
        {
          class: "edit-form",
          onsubmit: (event) => {
            event.preventDefault();
            if (!state.busy.has(id)) saveCorrection(idea);
          },
        },
        h("label", { for: fieldId, text: strings.correct_label }),
        h("textarea", {
          id: fieldId,
          rows: 3,
          value: state.correcting.text,
          dataset: { action: "correct-text" },
          oninput: (event) => {
            if (state.correcting) state.correcting.text = event.target.value;
          },
        }),
        h(
          "div",
          { class: "idea-actions" },
          h("button", { type: "submit", class: "small", text: strings.save, dataset: { action: "correct-save" } }),
          actionButton("correct-cancel", strings.cancel, () => {
            state.correcting = null;
            redraw(id);
            focusAction(id, "correct");
          }),
        ),
      ),
    );
  } else {
    body.append(h("p", { class: "idea-text", id: textId, text: idea.text }));
  }
  if (idea.original_text && idea.original_text !== idea.text) {
    body.append(h("p", { class: "original-text" }, h("span", { class: "label", text: `${strings.original}: ` }), idea.original_text));
  }

  const created = Date.parse(idea.created_at);
  const showVotes = state.phase === "voting" || state.phase === "closed" || (idea.votes ?? 0) > 0;
  body.append(
    h(
      "p",
      { class: "idea-tags" },
      h("span", { class: "author", text: idea.author || strings.anonymous }),
      Number.isNaN(created) ? null : h("span", { class: "time", text: timeFormat.format(created) }),
      idea.hidden && h("span", { class: "tag tag-hidden", text: strings.hidden }),
      idea.pending && h("span", { class: "tag tag-wait", text: strings.awaiting_approval }),
      idea.pinned && h("span", { class: "tag tag-pin", text: strings.pinned }),
      idea.original_text && idea.original_text !== idea.text && h("span", { class: "tag", text: strings.corrected }),
      showVotes && h("span", { class: "tag tag-votes", text: tn("votes", idea.votes ?? 0) }),
      groupTag(idea),
    ),
  );

  const actions = [];
  const opts = { describedBy: textId };
  if (state.mergeSource) {
    if (state.mergeSource === id) {
      actions.push(actionButton("merge", strings.merge_cancel, cancelMerge, opts));
    } else if (!idea.pending && !idea.hidden) {
      actions.push(actionButton("merge-into", strings.merge_into, () => mergeInto(idea), { ...opts, cls: "" }));
    }
  } else if (idea.pending) {
    actions.push(
      actionButton("approve", strings.approve, () => ideaCommand(idea, "approve_idea", { idea_id: idea.id }), { ...opts, cls: "" }),
      actionButton("hide", strings.hide, () => ideaCommand(idea, "hide_idea", { idea_id: idea.id }), opts),
    );
  } else {
    if (idea.hidden) {
      actions.push(actionButton("hide", strings.unhide, () => ideaCommand(idea, "unhide_idea", { idea_id: idea.id }), opts));
    } else {
      actions.push(
        actionButton("hide", strings.hide, () => ideaCommand(idea, "hide_idea", { idea_id: idea.id }), opts),
        actionButton("pin", idea.pinned ? strings.unpin : strings.pin, () => ideaCommand(idea, "pin_idea", { idea_id: idea.id, pinned: !idea.pinned }), {
          ...opts,
          pressed: Boolean(idea.pinned),
        }),
      );
    }
    if (state.correcting?.id !== id) {
      actions.push(
        actionButton("correct", strings.correct, () => {
          const previous = state.correcting?.id;
          state.correcting = { id, text: idea.text };
          redraw(id, previous);
          focusAction(id, "correct-text");
        }, opts),
      );
    }
    if (!idea.hidden) actions.push(actionButton("merge", strings.merge_start, () => startMerge(idea), opts));
  }
  if (actions.length) body.append(h("div", { class: "idea-actions" }, actions));
}

function renderMergeBanner() {
  const banner = $("merge-banner");
  const source = state.mergeSource && state.ideas.get(state.mergeSource);
  const text = source ? t("merge_choose", { text: source.text }) : "";
  banner.hidden = !source;
  if ($("merge-text").textContent !== text) {
    $("merge-text").textContent = text;
    $("merge-live").textContent = text; // always in the page, so screen readers hear it
  }
}

// ---------------------------------------------------------------- rendering: phase, presence

function renderPhase() {
  for (const button of phaseButtons) {
    const current = button.dataset.phase === state.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("outline", !current);
  }
  const label = phaseButtons.find((b) => b.dataset.phase === state.phase)?.textContent.trim() ?? strings.phases?.[state.phase] ?? "";
  $("phase-current").textContent = label;
  const item = state.agenda;
  $("agenda-current").textContent = item ? `· ${agendaTimes(item)} ${item.title}` : "";
}

function renderPresence() {
  if (state.presence !== null) $("presence").textContent = tn("connected", state.presence);
}

// The agenda item running now (Amsterdam wall clock), as a suggestion before any is chosen.
function suggestAgendaItem() {
  if (agendaSelect.value || !agenda.length) return;
  const now = new Intl.DateTimeFormat("nl", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Amsterdam" }).format(clock.now());
  const current = agenda.find((item) => item.starts_at <= now && now < item.ends_at);
  if (current) agendaSelect.value = String(current.id);
}

// ---------------------------------------------------------------- workspace: the clusters

// The facilitator's clustering workspace (docs/workspace-protocol.md). Clusters belong to a scope:
// "plenary", or "group:<id>" while the groups are apart. Every correction is a command; the
// server answers with one `clusters_updated` for the scope, which replaces that scope's clusters
// here (the server is the truth: after a failed ack the board is drawn again from state). The
// board has one column per cluster; the idea lists are SortableJS lists sharing one group per
// scope, and every drag has a keyboard twin ("Verplaats naar…", ↑ and ↓). Columns are only
// rebuilt when what they show changed, and typed titles and deepenings live in drafts, so an
// incoming event never takes away what the facilitator is typing.

const PALETTE = 10; // cluster colours --ws-c0…--ws-c9 in app.css, by place in the order
const AUDIENCES = ["ocw", "vakorganisaties", "sectorraden", "voorlopersgroep"];
const DEEPENING = ["summary", "question", "recommendation"];
const SVG_NS = "http://www.w3.org/2000/svg";
const MAP_W = 1000;
const MAP_H = 560;
const boardsBox = $("ws-boards");
const wsError = $("ws-error");
const kRange = $("cluster-k");
const kAuto = $("cluster-auto");
const scopeSelect = $("ws-scope");
const undoButton = $("ws-undo");

const ws = {
  view: "plenary", // what the board shows and a run covers: a scope, or "all" (every group)
  wasApart: false,
  lastView: null, // the group the idea list showed last ("Bekijk"), followed by the board
  boards: new Map(), // scope -> Board
  running: new Set(), // scopes being clustered: clustering_started until their clusters_updated
  runPending: false, // this console's run_clustering waits for its ack
  result: "", // the status line after a run or an undo
  dragging: false,
  renderWaiting: false, // an event came in during a drag: draw when it ends
  forceAll: true,
  focusAfter: null, // {action, cluster, until}: focus that control once it is in that column
  open: new Set(), // "<cluster id>:deepen" and ":more": disclosures kept open across renders
  drafts: new Map(), // "<cluster id>:merge", "<cluster id>:split", "move:<idea id>" -> value
  deepenDrafts: new Map(), // cluster id -> {values, base}: a deepening typed but not saved
  notes: new Map(), // cluster id -> "Opgeslagen", shown in its deepening
  dismissed: new Set(), // suggestions waved away on this page
  confirmDelete: null, // cluster id whose delete waits for "Ja, verwijderen"
  busy: new Map(), // cluster id -> commands under way
  logKey: "",
};

const scopeData = (scope) => state.workspace.scopes[scope] ?? {};
const onBoard = (idea) => Boolean(idea) && !idea.hidden && !idea.pending;
const ideaScope = (idea) => (state.apart && idea.group?.id != null ? `group:${idea.group.id}` : "plenary");
const scopeIdeas = (scope) => [...state.ideas.values()].filter((idea) => onBoard(idea) && ideaScope(idea) === scope);
const short = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
const votesShown = () => state.phase === "voting" || state.phase === "closed";

function clustersOf(scope) {
  return state.clusters
    .filter((cluster) => scopeOf(cluster) === scope)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

function scopeName(scope) {
  if (scope === "plenary") return strings.ws_plenary;
  const id = Number(scope.slice("group:".length));
  return groupById(id)?.name ?? t("ws_group_n", { n: id });
}

function clusterName(cluster, index) {
  return cluster.label || t("ws_cluster_n", { n: index + 1 });
}

function optionLabel(cluster, index) {
  return `${index + 1}. ${short(clusterName(cluster, index), 48)}`;
}

// ---- events and snapshot

function applyWorkspaceSnapshot(data) {
  state.clusters = (data.clusters ?? []).map((cluster) => ({ ...cluster, scope: scopeOf(cluster) }));
  const workspace = data.workspace ?? {};
  state.workspace = {
    scopes: { ...(workspace.scopes ?? {}) },
    can_undo: Boolean(workspace.can_undo),
    log: [...(workspace.log ?? [])],
  };
  ws.running.clear(); // clustering_started is not logged: a run that ended meanwhile is in here
  ws.forceAll = true;
}

function applyClusters(data) {
  const scope = data.scope ?? "plenary";
  if (data.change) addToLog(data.change);
  if ("can_undo" in data && live.fresh("can-undo", data.seq)) state.workspace.can_undo = Boolean(data.can_undo);
  ws.running.delete(scope);
  if (!live.fresh(`clusters:${scope}`, data.seq)) {
    renderWorkspaceSoon();
    return;
  }
  state.clusters = replaceScope(state.clusters, data, live.fresh).clusters;
  const before = scopeData(scope);
  // Coordinates come only after a run or a split: the last ones are kept.
  let coords = before.coords ?? {};
  if (data.coords && typeof data.coords === "object") {
    coords = data.change?.action === "run" ? data.coords : { ...coords, ...data.coords };
  }
  state.workspace.scopes[scope] = {
    unassigned: data.unassigned ?? before.unassigned ?? [],
    duplicates: data.duplicates ?? before.duplicates ?? [],
    outliers: data.outliers ?? before.outliers ?? [],
    merge_suggestions: data.merge_suggestions ?? before.merge_suggestions ?? [],
    coords,
  };
  renderWorkspaceSoon();
}

function applyClusterVotes(data) {
  const cluster = state.clusters.find((item) => item.id === data.cluster_id);
  if (!cluster || typeof data.votes !== "number" || !live.fresh(`cluster-votes:${data.cluster_id}`, data.seq)) return;
  cluster.votes = data.votes;
  renderWorkspaceSoon();
}

// After the return every cluster is plenary; the groups' boards are gone.
function dropGroupScopes() {
  state.clusters = state.clusters.filter((cluster) => scopeOf(cluster) === "plenary");
  for (const scope of Object.keys(state.workspace.scopes)) {
    if (scope !== "plenary") delete state.workspace.scopes[scope];
  }
  ws.running.clear();
  renderWorkspaceSoon();
}

// ---- the log of changes: "12:04 Demo Facilitator: idee verplaatst …"

const changeKey = (change) => `${change.at}|${change.action}|${change.by}|${change.text}`;

function addToLog(change) {
  const log = state.workspace.log;
  const key = changeKey(change);
  if (log.some((item) => changeKey(item) === key)) return;
  log.unshift(change);
  log.sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
  if (log.length > 30) log.length = 30;
}

// "12:04 Demo Facilitator: vraagstuk verplaatst: “…” → Begeleiding"
function changeLine(change) {
  const at = Date.parse(change.at);
  const action = strings.ws_actions?.[change.action] ?? change.action ?? "";
  const what = [action, change.text].filter(Boolean).join(": ");
  return [Number.isNaN(at) ? "" : timeFormat.format(at), change.by ? `${change.by}:` : "", what].filter(Boolean).join(" ");
}

function renderLog() {
  const lines = state.workspace.log.map(changeLine);
  const key = lines.join("\n");
  if (key === ws.logKey) return;
  ws.logKey = key;
  $("ws-log").replaceChildren(...lines.map((line) => h("li", { text: line })));
  $("ws-log-empty").hidden = lines.length > 0;
  $("ws-last").textContent = lines.length ? t("ws_last_change", { change: lines[0] }) : "";
}

// ---- the toolbar: run, scope, undo

function renderK() {
  $("ws-k").classList.toggle("is-auto", kAuto.checked);
  $("cluster-k-value").textContent = kRange.value;
}
kRange.addEventListener("input", () => {
  kAuto.checked = false; // moving the slider means: this many
  renderK();
});
kAuto.addEventListener("change", renderK);

function shownScopes() {
  if (!state.apart) return ["plenary"];
  if (ws.view === "all") return state.groups.map((group) => `group:${group.id}`);
  return [ws.view];
}

function fillScopeSelect() {
  if (state.apart && !ws.wasApart) ws.view = "all";
  ws.wasApart = state.apart;
  $("ws-scope-field").hidden = !state.apart;
  if (!state.apart) {
    ws.view = "plenary";
    return;
  }
  const options = [["all", strings.ws_all_groups], ...state.groups.map((group) => [`group:${group.id}`, group.name])];
  if (clustersOf("plenary").length) options.push(["plenary", strings.ws_plenary]);
  if (!options.some(([value]) => value === ws.view)) ws.view = "all";
  const key = JSON.stringify(options);
  if (scopeSelect.dataset.key !== key) {
    scopeSelect.dataset.key = key;
    scopeSelect.replaceChildren(...options.map(([value, text]) => h("option", { value, text })));
  }
  scopeSelect.value = ws.view;
}

scopeSelect.addEventListener("change", () => {
  ws.view = scopeSelect.value;
  renderWorkspace();
});

// "Bekijk" on a group (or a co-facilitator's own group) also shows that group's board.
function followViewInWorkspace() {
  if (state.viewGroup === ws.lastView) return;
  ws.lastView = state.viewGroup;
  if (state.apart) ws.view = state.viewGroup === null ? "all" : `group:${state.viewGroup}`;
  renderWorkspaceSoon();
}

function runScopes() {
  if (!state.apart) return ["plenary"];
  return ws.view === "all" ? state.groups.map((group) => `group:${group.id}`) : [ws.view];
}

function renderRunStatus() {
  const busy = ws.runPending || ws.running.size > 0;
  if (busy) runButton.setAttribute("aria-busy", "true");
  else runButton.removeAttribute("aria-busy");
  runButton.setAttribute("aria-disabled", String(busy));
  const text = busy ? strings.clustering : ws.result;
  if (clusterStatus.textContent !== text) clusterStatus.textContent = text;
  const pending = ws.runPending ? runScopes() : [];
  for (const [scope, board] of ws.boards) {
    if (ws.running.has(scope) || pending.includes(scope)) board.section.setAttribute("aria-busy", "true");
    else board.section.removeAttribute("aria-busy");
  }
}

$("cluster-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (runButton.getAttribute("aria-disabled") === "true") return;
  const payload = { k: kAuto.checked ? null : Number(kRange.value) };
  if (!state.apart) payload.scope = "plenary";
  else if (ws.view !== "all") payload.scope = ws.view; // without a scope: every group
  wsError.textContent = "";
  ws.result = "";
  ws.runPending = true;
  renderRunStatus();
  const ack = await command("run_clustering", payload, (text) => {
    wsError.textContent = text;
  });
  ws.runPending = false;
  if (ack.ok) {
    ws.result = typeof ack.k === "number" ? t("ws_clustered", { k: ack.k, ms: ack.duration_ms ?? "?" }) : strings.clustered;
  }
  renderWorkspace(); // the new clusters came just before the ack: board and status together
});

function renderUndo() {
  undoButton.setAttribute("aria-disabled", String(!state.workspace.can_undo));
}

async function undo() {
  if (!state.workspace.can_undo || ws.undoing) return;
  ws.undoing = true;
  wsError.textContent = "";
  const ack = await command("undo_workspace", {}, (text) => {
    wsError.textContent = text;
  });
  ws.undoing = false;
  if (ack.ok) {
    ws.result = t("ws_undone", { what: strings.ws_actions?.[ack.undone] ?? ack.undone ?? "" });
    renderRunStatus();
  }
}
guarded(undoButton, undo);

const TEXT_INPUTS = new Set(["text", "search", "number", "email", "url", "tel", "password"]);
function inTextField(element) {
  if (!element) return false;
  if (element.isContentEditable || element.tagName === "TEXTAREA") return true;
  return element.tagName === "INPUT" && TEXT_INPUTS.has(element.type);
}

// Ctrl+Z (⌘Z) undoes the last correction, unless the facilitator is typing.
document.addEventListener("keydown", (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey || event.key.toLowerCase() !== "z") return;
  if (inTextField(document.activeElement)) return;
  event.preventDefault();
  undo();
});

// ---- drawing

const renderWorkspaceSoon = scheduler(renderWorkspace, 50);
const renderClustersSoon = renderWorkspaceSoon;

function renderWorkspace() {
  if (ws.dragging && !Sortable.dragged) ws.dragging = false; // a drag that ended without onEnd
  if (ws.dragging) {
    ws.renderWaiting = true; // never rebuild a list under a drag
    return;
  }
  fillScopeSelect();
  const scopes = shownScopes();
  for (const [scope, board] of ws.boards) {
    if (!scopes.includes(scope)) {
      board.destroy();
      ws.boards.delete(scope);
    }
  }
  const sections = scopes.map((scope) => {
    if (!ws.boards.has(scope)) ws.boards.set(scope, new Board(scope));
    return ws.boards.get(scope).section;
  });
  placeInOrder(boardsBox, sections);
  const force = ws.forceAll;
  ws.forceAll = false;
  for (const scope of scopes) ws.boards.get(scope).render(force);
  renderRunStatus();
  renderUndo();
  renderLog();
  if (!FIELD_SIZING) for (const field of boardsBox.querySelectorAll("textarea[data-action='title']")) fitHeight(field);
  applyFocusAfter();
}

// Browsers without `field-sizing: content` get the title's height from its content here.
const FIELD_SIZING = CSS.supports("field-sizing", "content");
function fitHeight(field) {
  if (FIELD_SIZING || !field.isConnected) return;
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight + 2}px`;
}

function focusLater(action, cluster) {
  ws.focusAfter = { action, cluster: String(cluster), until: Date.now() + 5000 };
  applyFocusAfter();
}

function applyFocusAfter() {
  const want = ws.focusAfter;
  if (!want) return;
  if (Date.now() > want.until) {
    ws.focusAfter = null;
    return;
  }
  const selector = `li[data-id="${CSS.escape(want.cluster)}"] [data-action="${CSS.escape(want.action)}"]`;
  const target = boardsBox.querySelector(selector);
  if (target) {
    ws.focusAfter = null;
    target.focus();
  }
}

function dragStarted() {
  ws.dragging = true;
}

function dragEnded() {
  ws.dragging = false;
  if (ws.renderWaiting) {
    ws.renderWaiting = false;
    renderWorkspaceSoon();
  }
}

function svg(tag, attributes = {}, text = "") {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

function lockIcon() {
  const icon = svg("svg", { viewBox: "0 0 16 16", width: 14, height: 14, class: "ws-lock-icon", "aria-hidden": "true", focusable: "false" });
  icon.append(
    svg("rect", { x: 3, y: 7, width: 10, height: 8, rx: 1.5 }),
    svg("path", { d: "M5 7V5a3 3 0 0 1 6 0v2", fill: "none", "stroke-width": 1.8 }),
  );
  return icon;
}

// One scope's board: its heading and actions, suggestions, the columns, "Past nergens" and the
// ideas not clustered yet, and the map. Built once; render() updates what changed.
class Board {
  constructor(scope) {
    this.scope = scope;
    this.slug = scope.replace(/[^a-z0-9]+/gi, "-");
    this.clusters = [];
    this.signatures = new Map();
    this.forced = new Set();
    this.forceAll = false;
    this.sortables = new Set();
    const headingId = `ws-${this.slug}-heading`;
    this.heading = h("h3", { id: headingId, class: "ws-board-title" });
    this.error = h("p", { class: "ack-error ws-board-error", "aria-live": "polite" });
    this.newTitle = h("input", {
      type: "text",
      id: `ws-${this.slug}-new`,
      maxLength: 120,
      autocomplete: "off",
      placeholder: strings.ws_new_placeholder,
      "aria-label": strings.ws_new_label,
    });
    this.byVotes = h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.ws_by_votes,
      onclick: () => this.orderByVotes(),
    });
    this.empty = h("p", { class: "ws-empty", text: strings.ws_empty });
    this.suggestions = h("div", { class: "ws-suggestions", hidden: true });
    this.columns = h("ol", {
      class: "ws-clusters",
      id: scope === "plenary" ? "clusters" : `clusters-${this.slug}`,
      "aria-labelledby": headingId,
    });
    this.extras = h("ul", { class: "ws-extras", "aria-label": strings.ws_extras });
    this.list = new KeyedList(this.columns, {
      render: (item, body, li) => renderCluster(this, item, body, li),
      itemClass: "ws-cluster",
    });
    this.extraList = new KeyedList(this.extras, {
      render: (item, body, li) => renderExtra(this, item, body, li),
      itemClass: "ws-cluster ws-extra",
    });
    this.mapBox = h("div", { class: "ws-map-box" });
    this.mapCaption = h("p", { class: "ws-map-caption", "aria-live": "polite" });
    this.legend = h("ul", { class: "ws-legend", "aria-label": strings.ws_legend });
    this.mapDetails = h(
      "details",
      { class: "ws-map", ontoggle: () => this.renderMap() },
      h("summary", { text: strings.ws_map }),
      h("p", { class: "ws-map-help", text: strings.ws_map_help }),
      this.mapBox,
      this.mapCaption,
      this.legend,
    );
    this.section = h(
      "section",
      { class: "ws-board", dataset: { scope }, "aria-labelledby": headingId },
      h(
        "div",
        { class: "ws-board-head" },
        this.heading,
        h(
          "div",
          { class: "ws-board-actions" },
          h(
            "form",
            {
              class: "ws-new inline-field",
              onsubmit: (event) => {
                event.preventDefault();
                this.create();
              },
            },
            this.newTitle,
            h("button", { type: "submit", class: "small secondary outline", text: strings.ws_new }),
          ),
          this.byVotes,
        ),
      ),
      this.error,
      this.empty,
      this.suggestions,
      this.columns,
      this.extras,
      this.mapDetails,
    );
    // Clusters are reordered by their grip (⠿); ↑ and ↓ do the same from the keyboard.
    this.columnsSortable = Sortable.create(this.columns, {
      group: `clusters-${this.slug}`,
      handle: ".ws-handle",
      draggable: ".ws-cluster",
      forceFallback: true,
      fallbackTolerance: 3,
      animation: 150,
      ghostClass: "ws-ghost",
      chosenClass: "ws-chosen",
      onStart: dragStarted,
      onEnd: (event) => this.clusterDropped(event),
    });
  }

  destroy() {
    for (const sortable of this.sortables) sortable.destroy();
    this.sortables.clear();
    this.columnsSortable?.destroy();
    this.section.remove();
  }

  // The idea lists of all columns share one group: an idea goes from any list to any other.
  ideaList(list, { put = true } = {}) {
    this.sortables.add(
      Sortable.create(list, {
        group: { name: `ideas-${this.slug}`, pull: true, put },
        sort: false, // within a cluster the ideas keep their order
        forceFallback: true, // pointer events, not HTML5 drag and drop: the same in every browser
        fallbackTolerance: 3,
        animation: 150,
        draggable: ".ws-idea",
        filter: "select, button, input, textarea, option",
        preventOnFilter: false,
        emptyInsertThreshold: 28,
        ghostClass: "ws-ghost",
        chosenClass: "ws-chosen",
        dragClass: "ws-dragging",
        onStart: dragStarted,
        onEnd: (event) => this.ideaDropped(event),
      }),
    );
    return list;
  }

  ideaDropped(event) {
    dragEnded();
    const from = event.from.dataset.clusterId;
    const to = event.to.dataset.clusterId;
    if (from === to) return;
    moveIdea(this, Number(event.item.dataset.idea), to === "none" ? null : Number(to), false);
  }

  async clusterDropped(event) {
    dragEnded();
    if (event.oldIndex === event.newIndex) return;
    const ids = [...this.columns.children].map((li) => Number(li.dataset.id));
    this.error.textContent = "";
    const ack = await command("reorder_clusters", { cluster_ids: ids }, (text) => {
      this.error.textContent = text;
    });
    if (!ack.ok) renderWorkspace(); // back to the server's order
  }

  async create() {
    const title = this.newTitle.value.trim();
    this.error.textContent = "";
    if (!title) {
      this.error.textContent = strings.ws_new_needs_title;
      this.newTitle.focus();
      return;
    }
    const ack = await command("create_cluster", { title, scope: this.scope }, (text) => {
      this.error.textContent = text;
    });
    if (ack.ok) this.newTitle.value = "";
  }

  async orderByVotes() {
    this.error.textContent = "";
    await command("order_clusters_by_votes", { scope: this.scope }, (text) => {
      this.error.textContent = text;
    });
  }

  render(force) {
    const scope = this.scope;
    const heading = state.apart ? t("ws_board_of", { name: scopeName(scope) }) : strings.ws_board;
    if (this.heading.textContent !== heading) this.heading.textContent = heading;
    this.heading.classList.toggle("visually-hidden", !state.apart);
    const clusters = clustersOf(scope);
    this.clusters = clusters;
    const data = scopeData(scope);
    const outliers = new Set((data.outliers ?? []).map(String));
    const all = force || this.forceAll;
    this.forceAll = false;

    // Every select lists the scope's clusters: a new name or order redraws every column.
    const shared = JSON.stringify([clusters.map((cluster, index) => optionLabel(cluster, index)), votesShown()]);
    const memberKey = (id) => {
      const idea = state.ideas.get(String(id));
      return onBoard(idea) ? [idea.id, idea.text, outliers.has(String(id))] : null;
    };
    const items = clusters.map((cluster, index) => ({ id: cluster.id, cluster, index }));
    const dirty = new Set();
    const seen = new Set();
    for (const { cluster, index } of items) {
      const key = String(cluster.id);
      seen.add(key);
      const signature = JSON.stringify([
        shared,
        cluster,
        index,
        cluster.idea_ids.map(memberKey),
        ws.confirmDelete === key,
        ws.notes.get(key) ?? "",
      ]);
      if (all || this.forced.has(key) || this.signatures.get(key) !== signature) dirty.add(key);
      this.signatures.set(key, signature);
    }
    for (const key of this.signatures.keys()) if (!seen.has(key)) this.signatures.delete(key);
    this.forced.clear();
    this.list.sync(items, dirty);

    // "Past nergens" (by hand) and the ideas no run has placed yet.
    const placed = new Set(clusters.flatMap((cluster) => cluster.idea_ids.map(String)));
    const nowhere = new Set((data.unassigned ?? []).map(String));
    const ideas = scopeIdeas(scope).sort((a, b) => Number(a.id) - Number(b.id));
    const extras = [];
    if (clusters.length) {
      extras.push({ id: "none", ideas: ideas.filter((idea) => nowhere.has(String(idea.id)) && !placed.has(String(idea.id))) });
      const waiting = ideas.filter((idea) => !placed.has(String(idea.id)) && !nowhere.has(String(idea.id)));
      if (waiting.length) extras.push({ id: "new", ideas: waiting });
    }
    const extraDirty = new Set();
    for (const item of extras) {
      const signature = JSON.stringify([shared, item.ideas.map((idea) => memberKey(idea.id))]);
      if (all || this.signatures.get(`extra:${item.id}`) !== signature) extraDirty.add(item.id);
      this.signatures.set(`extra:${item.id}`, signature);
    }
    this.extraList.sync(extras, extraDirty);
    this.extras.hidden = extras.length === 0;

    this.empty.hidden = clusters.length > 0;
    this.byVotes.hidden = clusters.length < 2;
    this.renderSuggestions();
    this.renderMap();
    // Lists that were rebuilt leave their old SortableJS behind.
    for (const sortable of this.sortables) {
      if (!sortable.el.isConnected) {
        sortable.destroy();
        this.sortables.delete(sortable);
      }
    }
  }

  // "Lijkt op elkaar" (two ideas) and "Samenvoegen?" (two clusters of different groups).
  renderSuggestions() {
    const data = scopeData(this.scope);
    const rows = [];
    for (const [a, b] of data.duplicates ?? []) {
      const key = `dup:${Math.min(a, b)}:${Math.max(a, b)}`;
      const first = state.ideas.get(String(a));
      const second = state.ideas.get(String(b));
      if (!ws.dismissed.has(key) && onBoard(first) && onBoard(second)) rows.push({ key, kind: "dup", first, second });
    }
    for (const [a, b, score] of data.merge_suggestions ?? []) {
      const key = `merge:${a}:${b}`;
      const one = this.clusters.find((cluster) => cluster.id === a);
      const two = this.clusters.find((cluster) => cluster.id === b);
      if (!ws.dismissed.has(key) && one && two) rows.push({ key, kind: "merge", one, two, score });
    }
    const signature = JSON.stringify(
      rows.map((row) =>
        row.kind === "dup"
          ? [row.key, row.first.text, row.second.text, row.first.votes, row.second.votes]
          : [row.key, row.one.label, row.two.label, row.one.origin, row.two.origin, row.score],
      ),
    );
    if (signature === this.suggestionsKey) return;
    this.suggestionsKey = signature;
    const active = document.activeElement;
    const focused = this.suggestions.contains(active) ? [active.closest("li")?.dataset.key, active.dataset.action] : null;
    const list = h("ul", { class: "ws-suggestion-list" }, rows.map((row) => this.suggestionRow(row)));
    this.suggestions.replaceChildren(h("h4", { text: strings.ws_suggestions }), list);
    this.suggestions.hidden = rows.length === 0;
    if (focused) {
      const selector = `li[data-key="${CSS.escape(focused[0] ?? "")}"] [data-action="${CSS.escape(focused[1] ?? "")}"]`;
      (list.querySelector(selector) ?? list.querySelector("button") ?? this.columns)?.focus?.();
    }
  }

  suggestionRow(row) {
    const dismiss = h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.ws_dismiss,
      dataset: { action: "dismiss" },
      onclick: () => {
        ws.dismissed.add(row.key);
        this.renderSuggestions();
      },
    });
    const report = (text) => {
      this.error.textContent = text;
    };
    if (row.kind === "dup") {
      // The one with more votes stays, else the older.
      const [keep, merge] =
        (row.second.votes ?? 0) > (row.first.votes ?? 0) ||
        ((row.second.votes ?? 0) === (row.first.votes ?? 0) && Number(row.second.id) < Number(row.first.id))
          ? [row.second, row.first]
          : [row.first, row.second];
      const pair = t("ws_pair", { a: short(row.first.text, 80), b: short(row.second.text, 80) });
      return h(
        "li",
        { dataset: { key: row.key } },
        h("span", { class: "tag ws-tag-dup", text: strings.ws_duplicates }),
        h("span", { class: "ws-suggestion-text", text: pair }),
        h(
          "span",
          { class: "ws-suggestion-actions" },
          h("button", {
            type: "button",
            class: "small",
            text: strings.ws_merge_ideas,
            dataset: { action: "merge" },
            "aria-label": `${strings.ws_merge_ideas}: ${pair}`,
            onclick: async () => {
              this.error.textContent = "";
              await command("merge_ideas", { keep_id: keep.id, merge_id: merge.id }, report);
            },
          }),
          dismiss,
        ),
      );
    }
    // Of two clusters, the one with a title (or a lock) is kept.
    const weight = (cluster) => (cluster.locked ? 2 : 0) + (cluster.title ? 1 : 0);
    const [into, gone] = weight(row.two) > weight(row.one) ? [row.two, row.one] : [row.one, row.two];
    const name = (cluster) => {
      const label = `„${short(clusterName(cluster, this.clusters.indexOf(cluster)), 60)}”`;
      return cluster.origin?.name ? `${label} (${cluster.origin.name})` : label;
    };
    const text = t("ws_pair_clusters", { a: name(row.one), b: name(row.two) });
    const score = typeof row.score === "number" ? ` · ${t("ws_similar", { n: Math.round(row.score * 100) })}` : "";
    return h(
      "li",
      { dataset: { key: row.key } },
      h("span", { class: "tag ws-tag-merge", text: strings.ws_merge_question }),
      h("span", { class: "ws-suggestion-text", text: `${text}${score}` }),
      h(
        "span",
        { class: "ws-suggestion-actions" },
        h("button", {
          type: "button",
          class: "small",
          text: strings.ws_merge,
          dataset: { action: "merge" },
          "aria-label": `${strings.ws_merge}: ${text}`,
          onclick: async () => {
            this.error.textContent = "";
            await command("merge_clusters", { cluster_id: gone.id, into_id: into.id }, report);
          },
        }),
        dismiss,
      ),
    );
  }

  // The map: every idea at its coordinates (or near its cluster's middle), coloured by cluster.
  renderMap() {
    if (!this.mapDetails.open) return;
    const coords = scopeData(this.scope).coords ?? {};
    const clusters = this.clusters;
    const outliers = new Set((scopeData(this.scope).outliers ?? []).map(String));
    const indexOf = new Map();
    clusters.forEach((cluster, index) => {
      for (const id of cluster.idea_ids) indexOf.set(String(id), index);
    });
    const ideas = scopeIdeas(this.scope).sort((a, b) => Number(a.id) - Number(b.id));
    const valid = (point) => Array.isArray(point) && point.length >= 2 && point.every(Number.isFinite);
    const sums = clusters.map(() => [0, 0, 0]);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const idea of ideas) {
      const point = coords[idea.id];
      if (!valid(point)) continue;
      [minX, maxX, minY, maxY] = [Math.min(minX, point[0]), Math.max(maxX, point[0]), Math.min(minY, point[1]), Math.max(maxY, point[1])];
      const index = indexOf.get(String(idea.id));
      if (index !== undefined) {
        sums[index][0] += point[0];
        sums[index][1] += point[1];
        sums[index][2] += 1;
      }
    }
    const spread = Math.max(maxX - minX, maxY - minY, 0.01) * 0.035;
    const points = [];
    for (const idea of ideas) {
      const id = String(idea.id);
      const index = indexOf.get(id);
      let point = coords[id];
      let estimated = false;
      if (!valid(point)) {
        if (index === undefined || !sums[index][2]) continue;
        const [sx, sy, n] = sums[index];
        const angle = (Number(idea.id) * 2.39996) % (2 * Math.PI); // the golden angle: no overlap
        point = [sx / n + Math.cos(angle) * spread, sy / n + Math.sin(angle) * spread];
        estimated = true;
      }
      points.push({ idea, index, point, estimated });
    }
    const labels = clusters.map((cluster, index) => optionLabel(cluster, index));
    const signature = JSON.stringify([labels, points.map((p) => [p.idea.id, p.idea.text, p.index, p.point, outliers.has(String(p.idea.id))])]);
    if (signature === this.mapKey) return;
    this.mapKey = signature;
    if (!points.length) {
      this.mapBox.replaceChildren(h("p", { class: "ws-map-empty", text: strings.ws_map_empty }));
      this.legend.replaceChildren();
      this.mapCaption.textContent = "";
      return;
    }
    for (const { point } of points) {
      [minX, maxX, minY, maxY] = [Math.min(minX, point[0]), Math.max(maxX, point[0]), Math.min(minY, point[1]), Math.max(maxY, point[1])];
    }
    const pad = 24;
    const scale = (value, min, max, size) => pad + ((value - min) / (max - min || 1)) * (size - 2 * pad);
    const focusedIdea = this.mapBox.contains(document.activeElement) ? document.activeElement.dataset.idea : null;
    const chart = svg("svg", {
      viewBox: `0 0 ${MAP_W} ${MAP_H}`,
      class: "ws-map-svg",
      "aria-label": strings.ws_map_label,
    });
    chart.append(svg("rect", { x: 0, y: 0, width: MAP_W, height: MAP_H, class: "ws-map-bg", rx: 8 }));
    for (const { idea, index, point, estimated } of points) {
      const label = index === undefined ? strings.ws_not_in_cluster : labels[index];
      const name = `${idea.text} — ${label}`;
      const classes = ["ws-point"];
      if (estimated) classes.push("is-estimated");
      if (outliers.has(String(idea.id))) classes.push("is-outlier");
      const dot = svg("circle", {
        cx: scale(point[0], minX, maxX, MAP_W).toFixed(1),
        cy: scale(point[1], minY, maxY, MAP_H).toFixed(1),
        r: 9,
        class: classes.join(" "),
        "data-color": index === undefined ? "none" : index % PALETTE,
        "data-idea": idea.id,
        tabindex: 0,
        role: "button",
        "aria-label": name,
      });
      dot.append(svg("title", {}, name));
      const show = () => {
        this.mapCaption.textContent = name;
      };
      dot.addEventListener("focus", show);
      dot.addEventListener("mouseenter", show);
      dot.addEventListener("click", () => this.showIdea(idea.id));
      dot.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          this.showIdea(idea.id);
        }
      });
      chart.append(dot);
    }
    this.mapBox.replaceChildren(chart);
    const counts = clusters.map((cluster) => points.filter((p) => p.index === clusters.indexOf(cluster)).length);
    const rest = points.filter((p) => p.index === undefined).length;
    const entries = clusters.map((cluster, index) =>
      h(
        "li",
        {},
        h("span", { class: "ws-swatch", dataset: { color: String(index % PALETTE) }, "aria-hidden": "true" }),
        `${labels[index]} (${counts[index]})`,
      ),
    );
    if (rest) {
      entries.push(h("li", {}, h("span", { class: "ws-swatch", dataset: { color: "none" }, "aria-hidden": "true" }), `${strings.ws_not_in_cluster} (${rest})`));
    }
    this.legend.replaceChildren(...entries);
    if (focusedIdea) chart.querySelector(`[data-idea="${CSS.escape(focusedIdea)}"]`)?.focus();
  }

  // From the map to the board: scroll to the idea and put focus on its "Verplaats naar…".
  showIdea(id) {
    const item = this.section.querySelector(`li[data-idea="${CSS.escape(String(id))}"]`);
    if (!item) return;
    item.scrollIntoView({ block: "center", behavior: "smooth" });
    item.classList.add("ws-flash");
    setTimeout(() => item.classList.remove("ws-flash"), 2000);
    item.querySelector("select")?.focus({ preventScroll: true });
  }
}

async function moveIdea(board, ideaId, clusterId, viaKeyboard) {
  board.error.textContent = "";
  const ack = await command("move_idea", { idea_id: ideaId, cluster_id: clusterId }, (text) => {
    board.error.textContent = text;
  });
  ws.drafts.delete(`move:${ideaId}`);
  if (!ack.ok) {
    board.forceAll = true; // the drag moved it on this page only: draw the server's board again
    renderWorkspace();
    return;
  }
  if (viaKeyboard) focusLater(`move-${ideaId}`, clusterId === null ? "none" : clusterId);
  renderWorkspaceSoon();
}

// A command about one cluster: its column is marked busy until the answer (the server takes
// commands one after another, so a second click meanwhile is simply sent too).
async function clusterCommand(board, cluster, name, payload) {
  const key = String(cluster.id);
  const mark = () => {
    // Only the attribute changes: no rebuild under the facilitator's pointer.
    const li = board.list.nodes.get(key);
    if (ws.busy.has(key)) li?.setAttribute("aria-busy", "true");
    else li?.removeAttribute("aria-busy");
  };
  board.list.error(cluster.id, "");
  ws.busy.set(key, (ws.busy.get(key) ?? 0) + 1);
  mark();
  const ack = await command(name, payload, (text) => board.list.error(cluster.id, text));
  if (ws.busy.get(key) > 1) ws.busy.set(key, ws.busy.get(key) - 1);
  else ws.busy.delete(key);
  mark();
  return ack;
}

function disclosure(key, part, summary, className, ...content) {
  const id = `${key}:${part}`;
  return h(
    "details",
    {
      class: className,
      open: ws.open.has(id),
      ontoggle: (event) => {
        if (event.currentTarget.open) ws.open.add(id);
        else ws.open.delete(id);
      },
    },
    h("summary", { dataset: { action: `${part}-toggle` } }, summary),
    ...content,
  );
}

// One idea on the board, with its keyboard way to another cluster.
function ideaItem(board, idea, cluster, here) {
  const id = String(idea.id);
  const data = scopeData(board.scope);
  const isNew = Boolean(cluster?.new_idea_ids?.includes(idea.id));
  const manual = Boolean(cluster?.manual_idea_ids?.includes(idea.id));
  const outlier = (data.outliers ?? []).map(String).includes(id);
  const textId = `ws-idea-${id}-text`;
  const draftKey = `move:${id}`;
  const options = [h("option", { value: "", text: strings.ws_move_to })];
  board.clusters.forEach((other, index) => {
    if (String(other.id) !== here) options.push(h("option", { value: String(other.id), text: optionLabel(other, index) }));
  });
  if (here !== "none") options.push(h("option", { value: "none", text: strings.ws_nowhere }));
  const go = h("button", {
    type: "button",
    class: "small ws-move-go",
    text: strings.ws_move,
    dataset: { action: `move-go-${id}` },
    "aria-describedby": textId,
    onclick: () => {
      const value = select.value;
      if (value) moveIdea(board, idea.id, value === "none" ? null : Number(value), true);
    },
  });
  const select = h(
    "select",
    {
      class: "ws-move",
      id: `ws-move-${id}`,
      dataset: { action: `move-${id}` },
      "aria-label": strings.ws_move_label,
      "aria-describedby": textId,
      onchange: (event) => {
        ws.drafts.set(draftKey, event.target.value);
        go.hidden = !event.target.value;
        event.target.closest(".ws-idea")?.classList.toggle("has-choice", Boolean(event.target.value));
      },
    },
    options,
  );
  const draft = ws.drafts.get(draftKey) ?? "";
  select.value = options.some((option) => option.value === draft) ? draft : "";
  go.hidden = !select.value;
  const tags = [
    isNew && h("span", { class: "tag ws-tag-new", text: strings.ws_new_tag }),
    outlier && h("span", { class: "tag ws-tag-outlier", text: strings.ws_outlier }),
    manual && h("span", { class: "tag ws-tag-manual", text: strings.ws_manual }),
  ].filter(Boolean);
  const classes = ["ws-idea", isNew && "is-new", outlier && "is-outlier", select.value && "has-choice"];
  return h(
    "li",
    { class: classes.filter(Boolean).join(" "), dataset: { idea: id } },
    h("p", { class: "ws-idea-text", id: textId, text: idea.text }),
    tags.length ? h("p", { class: "ws-idea-tags" }, tags) : null,
    h("div", { class: "ws-move-row" }, select, go),
  );
}

function renderExtra(board, item, body, li) {
  const nowhere = item.id === "none";
  li.dataset.color = "none";
  const title = nowhere ? strings.ws_nowhere : strings.ws_unclustered;
  body.append(
    h("h4", { class: "ws-extra-title", text: `${title} (${item.ideas.length})` }),
    h("p", { class: "ws-extra-help", text: nowhere ? strings.ws_nowhere_help : strings.ws_unclustered_help }),
    board.ideaList(
      h(
        "ul",
        { class: "ws-ideas", dataset: { clusterId: item.id }, "aria-label": title },
        item.ideas.map((idea) => ideaItem(board, idea, null, item.id)),
      ),
      { put: nowhere },
    ),
  );
}

function renderCluster(board, { cluster, index }, body, li) {
  const key = String(cluster.id);
  const number = index + 1;
  const name = clusterName(cluster, index);
  const last = board.clusters.length - 1;
  const members = cluster.idea_ids.map((id) => state.ideas.get(String(id))).filter(onBoard);
  li.dataset.color = String(index % PALETTE);
  li.classList.toggle("is-locked", Boolean(cluster.locked));
  if (ws.busy.has(key)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");
  const report = (text) => board.list.error(cluster.id, text);
  const run = (commandName, payload) => clusterCommand(board, cluster, commandName, payload);

  // Title, with the engine's suggestions.
  // A one-line textarea that grows, so a long title stays readable; Enter saves.
  const input = h("textarea", {
    name: "title",
    rows: 1,
    value: state.titleDrafts.get(key) ?? cluster.title ?? "",
    placeholder: cluster.label || strings.ws_title_placeholder,
    maxLength: 120,
    "aria-label": `${strings.title_for} ${number}`,
    dataset: { action: "title" },
    oninput: (event) => {
      const field = event.target;
      if (field.value.includes("\n")) field.value = field.value.replace(/\s*\n\s*/g, " ");
      state.titleDrafts.set(key, field.value);
      titleForm.classList.toggle("is-dirty", field.value.trim() !== (cluster.title ?? ""));
      fitHeight(field);
    },
    onkeydown: (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      titleForm.requestSubmit();
    },
  });
  const rename = async (title) => {
    const ack = await run("rename_cluster", { cluster_id: cluster.id, title });
    if (ack.ok) state.titleDrafts.delete(key);
  };
  const suggested = (cluster.suggested_titles ?? []).filter((title) => title && title !== cluster.title);
  const titleForm = h(
    "form",
    {
      // "Opslaan" shows once the title differs from the saved one (Enter saves as well).
      class: `ws-title${input.value.trim() !== (cluster.title ?? "") ? " is-dirty" : ""}`,
      onsubmit: (event) => {
        event.preventDefault();
        rename(input.value);
      },
    },
    input,
    h("button", { type: "submit", class: "small", text: strings.save, dataset: { action: "title-save" } }),
  );
  const chips =
    !cluster.title && suggested.length
      ? h(
          "p",
          { class: "ws-suggest" },
          h("span", { class: "ws-suggest-label", text: strings.ws_suggested }),
          suggested.slice(0, 2).map((title, i) =>
            h("button", {
              type: "button",
              class: "ws-chip",
              text: title,
              dataset: { action: `suggest-${i}` },
              "aria-label": t("ws_use_title", { title }),
              onclick: () => rename(title),
            }),
          ),
        )
      : null;

  // Order and lock.
  const moveButton = (direction, text, edge) =>
    h("button", {
      type: "button",
      class: "small secondary outline ws-icon-button",
      text,
      "aria-label": `${direction === "up" ? strings.up : strings.down}: ${name}`,
      "aria-disabled": String(edge),
      dataset: { action: direction },
      onclick: () => {
        if (!edge) run("move_cluster", { cluster_id: cluster.id, direction });
      },
    });
  const lock = h(
    "button",
    {
      type: "button",
      class: `small ws-lock${cluster.locked ? "" : " secondary outline"}`,
      "aria-pressed": String(Boolean(cluster.locked)),
      "aria-label": t("ws_lock_named", { name }),
      title: strings.ws_lock_help,
      dataset: { action: "lock" },
      onclick: () => run("lock_cluster", { cluster_id: cluster.id, locked: !cluster.locked }),
    },
    lockIcon(),
    h("span", { text: cluster.locked ? strings.ws_locked : strings.ws_lock }),
  );
  const head = h(
    "div",
    { class: "ws-cluster-head" },
    h("span", { class: "ws-handle", title: strings.ws_drag_cluster, "aria-hidden": "true", text: "⠿" }),
    h("span", { class: "ws-number", "aria-hidden": "true", text: String(number) }),
    moveButton("up", "↑", index === 0),
    moveButton("down", "↓", index === last),
    lock,
  );

  const showVotes = votesShown() || (cluster.votes ?? 0) > 0;
  const meta = h(
    "p",
    { class: "ws-meta" },
    cluster.locked && h("span", { class: "tag ws-tag-lock" }, lockIcon(), strings.ws_locked),
    h("span", { class: "tag", text: tn("ideas", members.length) }),
    showVotes && h("span", { class: "tag tag-votes", text: tn("votes", cluster.votes ?? 0) }),
    cluster.origin?.name ? groupTag({ group: cluster.origin }) : null,
  );
  const terms = cluster.terms?.length
    ? h("p", { class: "ws-terms" }, h("span", { class: "visually-hidden", text: `${strings.ws_terms}: ` }), cluster.terms.join(" · "))
    : null;

  const ideas = board.ideaList(
    h(
      "ul",
      { class: "ws-ideas", dataset: { clusterId: key }, "aria-label": t("ws_ideas_in", { name }) },
      members.map((idea) => ideaItem(board, idea, cluster, key)),
    ),
  );

  const parts = [
    h("h4", { class: "visually-hidden", text: t("ws_cluster_heading", { n: number, name }) }),
    head,
    titleForm,
    chips,
    meta,
    terms,
    members.length ? null : h("p", { class: "ws-drop-hint", text: strings.ws_drop_here }),
    ideas,
    deepening(board, cluster, key, run),
    more(board, cluster, key, members, run, report),
  ];
  body.append(...parts.filter(Boolean));
}

// "Verdieping": summary, underlying question, recommendation and for whom, saved together.
function deepening(board, cluster, key, run) {
  const server = {
    summary: cluster.summary ?? "",
    question: cluster.question ?? "",
    recommendation: cluster.recommendation ?? "",
    audiences: [...(cluster.audiences ?? [])],
  };
  const draft = ws.deepenDrafts.get(key);
  const values = draft?.values ?? server;
  const edit = () => {
    if (!ws.deepenDrafts.has(key)) ws.deepenDrafts.set(key, { values: structuredClone(server), base: JSON.stringify(server) });
    ws.notes.delete(key);
    return ws.deepenDrafts.get(key).values;
  };
  const fields = DEEPENING.map((field) => {
    const id = `ws-${key}-${field}`;
    return h(
      "div",
      { class: "ws-field" },
      h("label", { for: id, text: strings[`ws_${field}`] }),
      h("textarea", {
        id,
        rows: 2,
        value: values[field],
        dataset: { action: `deepen-${field}` },
        oninput: (event) => {
          edit()[field] = event.target.value;
        },
      }),
    );
  });
  const audiences = h(
    "fieldset",
    { class: "ws-audiences" },
    h("legend", { text: strings.ws_audiences_legend }),
    AUDIENCES.map((audience) => {
      const id = `ws-${key}-for-${audience}`;
      return h(
        "label",
        { for: id },
        h("input", {
          type: "checkbox",
          id,
          checked: values.audiences.includes(audience),
          dataset: { action: `for-${audience}` },
          onchange: (event) => {
            const current = edit();
            const chosen = new Set(current.audiences);
            if (event.target.checked) chosen.add(audience);
            else chosen.delete(audience);
            current.audiences = AUDIENCES.filter((item) => chosen.has(item)); // a fixed order
          },
        }),
        ` ${strings.ws_audiences?.[audience] ?? audience}`,
      );
    }),
  );
  const changedElsewhere = draft && draft.base !== JSON.stringify(server);
  const filled = DEEPENING.some((field) => server[field].trim()) || server.audiences.length > 0;
  const note = draft ? strings.ws_unsaved : filled ? strings.ws_filled : "";
  const form = h(
    "form",
    {
      class: "ws-deepen-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const current = ws.deepenDrafts.get(key)?.values ?? server;
        const ack = await run("update_deepening", { cluster_id: cluster.id, ...current });
        if (ack.ok) {
          ws.deepenDrafts.delete(key);
          ws.notes.set(key, strings.saved);
          board.forced.add(key);
          renderWorkspaceSoon();
        }
      },
    },
    fields,
    audiences,
    changedElsewhere ? h("p", { class: "ws-note-warn", text: strings.ws_changed_elsewhere }) : null,
    h(
      "div",
      { class: "ws-form-end" },
      h("button", { type: "submit", class: "small", text: strings.ws_save_deepening, dataset: { action: "deepen-save" } }),
      h("span", { class: "ws-saved", "aria-live": "polite", text: ws.notes.get(key) ?? "" }),
    ),
  );
  return disclosure(
    key,
    "deepen",
    [strings.ws_deepening, note ? h("span", { class: "ws-summary-note", text: ` · ${note}` }) : null],
    "ws-deepen",
    form,
  );
}

// Merge into another cluster, split, delete.
function more(board, cluster, key, members, run, report) {
  const others = board.clusters.map((other, index) => [other, index]).filter(([other]) => other.id !== cluster.id);
  const mergeKey = `${key}:merge`;
  const mergeSelect = h(
    "select",
    {
      id: `ws-${key}-merge`,
      dataset: { action: "merge-choice" },
      onchange: (event) => ws.drafts.set(mergeKey, event.target.value),
    },
    h("option", { value: "", text: strings.ws_choose_cluster }),
    others.map(([other, index]) => h("option", { value: String(other.id), text: optionLabel(other, index) })),
  );
  const chosen = ws.drafts.get(mergeKey) ?? "";
  mergeSelect.value = others.some(([other]) => String(other.id) === chosen) ? chosen : "";
  const merge = h(
    "div",
    { class: "ws-row" },
    h("label", { for: mergeSelect.id, text: strings.ws_merge_with }),
    h(
      "div",
      { class: "inline-field" },
      mergeSelect,
      h("button", {
        type: "button",
        class: "small secondary",
        text: strings.ws_merge,
        dataset: { action: "merge" },
        "aria-disabled": String(others.length === 0),
        onclick: async () => {
          const into = Number(mergeSelect.value);
          if (!into) {
            report(strings.ws_choose_cluster_first);
            mergeSelect.focus();
            return;
          }
          const ack = await run("merge_clusters", { cluster_id: cluster.id, into_id: into });
          if (ack.ok) {
            ws.drafts.delete(mergeKey);
            focusLater("title", into);
          }
        },
      }),
    ),
  );

  const splitKey = `${key}:split`;
  const splitInput = h("input", {
    type: "number",
    id: `ws-${key}-split`,
    min: 2,
    max: 10,
    step: 1,
    inputmode: "numeric",
    placeholder: strings.ws_auto_short,
    value: ws.drafts.get(splitKey) ?? "",
    dataset: { action: "split-k" },
    oninput: (event) => ws.drafts.set(splitKey, event.target.value),
  });
  const split = h(
    "div",
    { class: "ws-row" },
    h("label", { for: splitInput.id, text: strings.ws_split_into }),
    h(
      "div",
      { class: "inline-field" },
      splitInput,
      h("button", {
        type: "button",
        class: "small secondary",
        text: strings.ws_split,
        dataset: { action: "split" },
        "aria-disabled": String(members.length < 2),
        onclick: async () => {
          if (members.length < 2) return report(strings.ws_split_needs_two);
          const raw = splitInput.value.trim();
          const payload = { cluster_id: cluster.id };
          if (raw) {
            const k = Number(raw);
            if (!Number.isInteger(k) || k < 2 || k > Math.min(10, members.length)) {
              report(t("ws_split_range", { max: Math.min(10, members.length) }));
              splitInput.focus();
              return;
            }
            payload.k = k;
          }
          const ack = await run("split_cluster", payload);
          if (ack.ok) ws.drafts.delete(splitKey);
        },
      }),
    ),
  );

  const remove = async () => {
    ws.confirmDelete = null;
    const ack = await run("delete_cluster", { cluster_id: cluster.id });
    if (!ack.ok) renderWorkspaceSoon();
  };
  const confirming = ws.confirmDelete === key;
  const deletion = confirming
    ? h(
        "div",
        { class: "ws-confirm", role: "group", "aria-label": strings.ws_delete },
        h("p", { text: tn("ws_delete_confirm", members.length) }),
        h("button", { type: "button", class: "small danger", text: strings.ws_delete_yes, dataset: { action: "delete-yes" }, onclick: remove }),
        h("button", {
          type: "button",
          class: "small secondary outline",
          text: strings.cancel,
          dataset: { action: "delete-no" },
          onclick: () => {
            ws.confirmDelete = null;
            renderWorkspace();
            focusLater("delete", key);
          },
        }),
      )
    : h("button", {
        type: "button",
        class: "small secondary outline ws-delete",
        text: strings.ws_delete,
        dataset: { action: "delete" },
        onclick: () => {
          if (members.length === 0) return remove();
          ws.confirmDelete = key; // ideas in it: ask once more
          renderWorkspace();
          focusLater("delete-yes", key);
        },
      });
  return disclosure(key, "more", strings.ws_more, "ws-more", merge, split, h("div", { class: "ws-row" }, deletion));
}

// ---------------------------------------------------------------- breakout groups (deelsessies)

const announce = announcer($("announcement"));
const groupsError = $("groups-error");
const groupById = (id) => state.groups.find((group) => group.id === id);
const personName = (person) => person.name || t("person", { n: person.id });

function applyGroups(data) {
  state.apart = Boolean(data.apart);
  state.rule = data.rule ?? null;
  const previous = new Map(state.groups.map((group) => [group.id, group]));
  state.groups = state.apart
    ? (data.groups ?? []).map((group) => {
        // A late copy never turns back a newer phase or timer of a group.
        const old = previous.get(group.id);
        const next = { ...group };
        if (old && !live.fresh(`group-phase:${group.id}`, data.seq)) next.phase = old.phase;
        if (old && !live.fresh(`group-timer:${group.id}`, data.seq)) next.timer = old.timer;
        return next;
      })
    : [];
  if (state.viewGroup !== null && !groupById(state.viewGroup)) {
    state.viewGroup = null;
    renderAllIdeas();
  }
  followHostedGroup();
  renderGroups();
  renderPeople(true);
}

// A co-facilitator named host of a group sees that group's board first (once; "Alles tonen"
// goes back to all).
function followHostedGroup() {
  const mine = state.groups.find((group) => group.host_user?.id === myUserId);
  if (!mine || mine.id === state.followedGroup) return;
  state.followedGroup = mine.id;
  state.viewGroup = mine.id;
  renderAllIdeas();
}

function updateGroup(id, changes) {
  const index = state.groups.findIndex((group) => group.id === id);
  if (index < 0) return;
  state.groups[index] = { ...state.groups[index], ...changes };
  renderGroups();
}

// Counts and last activity come from the ideas the console follows live (groups_changed is only
// sent when the groups themselves change), with the server's figure as the floor.
function groupStats(group) {
  let count = 0;
  let last = Date.parse(group.last_activity ?? "") || 0;
  for (const idea of state.ideas.values()) {
    if (idea.group?.id !== group.id) continue;
    count += 1;
    last = Math.max(last, Date.parse(idea.created_at) || 0);
  }
  return { ideas: count, last: last ? new Date(last).toISOString() : null };
}

// Split form: which fields the chosen rule needs.
const splitForm = $("split-form");
const splitRule = () => splitForm.querySelector('input[name="rule"]:checked')?.value ?? "random";
function renderSplitFields() {
  const rule = splitRule();
  $("split-count-field").hidden = rule === "sector";
  $("split-count-optional").hidden = rule !== "partnership";
  $("split-names-field").hidden = rule === "sector" || rule === "partnership";
  $("split-capacity-field").hidden = rule !== "choice";
}
splitForm.addEventListener("change", renderSplitFields);
renderSplitFields();

splitForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("split-error"));
  const rule = splitRule();
  const payload = { rule };
  // By partnership an empty count means one group per partnership.
  const countGiven = !(rule === "partnership" && $("split-count").value.trim() === "");
  if (rule !== "sector" && countGiven) {
    const count = Number($("split-count").value);
    if (!Number.isInteger(count) || count < 2 || count > 50) {
      report(strings.split_count_range);
      $("split-count").focus();
      return;
    }
    payload.count = count;
  }
  if (rule === "random" || rule === "choice") {
    payload.names = $("split-names")
      .value.split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  }
  if (rule === "choice" && $("split-capacity").value.trim() !== "") {
    payload.capacity = Number($("split-capacity").value);
  }
  const button = $("split-submit");
  button.setAttribute("aria-busy", "true");
  const ack = await command("split_groups", payload, report);
  button.removeAttribute("aria-busy");
  if (ack.ok) {
    $("split-names").value = "";
    $("groups-summary").textContent = tn("split_done", ack.groups?.length ?? 0);
  }
});

// The overview: one row per group, kept between renders (only texts and states change), so a
// select or button under the facilitator's hands is never replaced while they use it.
const groupRows = new Map(); // group id -> row parts

function cell(label, ...children) {
  return h("td", { "data-label": label }, ...children);
}

function makeRow(group) {
  const heads = [...document.querySelectorAll("#groups-table thead th")].map((th) => th.textContent.trim());
  const row = { name: h("strong"), members: h("span"), ideas: h("span"), activity: h("span"), phaseNow: h("span", { class: "phase-now-label" }), timer: h("span", { class: "group-timer" }) };
  row.phaseButtons = GROUP_PHASES.map((phase) =>
    h("button", {
      type: "button",
      class: "small outline",
      text: strings.phases?.[phase] ?? phase,
      dataset: { groupPhase: phase },
      "aria-pressed": "false",
      onclick: () => groupCommand("group_phase", { group_id: group.id, phase }),
    }),
  );
  row.phases = h("div", { class: "group-phases", role: "group" }, row.phaseButtons);
  row.host = h("select", {
    onchange: async (event) => {
      // "p:12" a member, "u:3" a co-facilitator, "" nobody.
      const [kind, id] = event.target.value.split(":");
      const host = kind === "u" ? { user_id: Number(id) } : { participant_id: kind === "p" ? Number(id) : null };
      const ack = await groupCommand("set_group_host", { group_id: group.id, ...host });
      if (!ack.ok) renderGroups(true); // back to what the server has
    },
  });
  row.hostKey = "";
  row.view = h("button", {
    type: "button",
    class: "small secondary outline",
    text: strings.view,
    "aria-pressed": "false",
    onclick: () => {
      state.viewGroup = state.viewGroup === group.id ? null : group.id;
      renderGroups();
      renderAllIdeas();
    },
  });
  row.tr = h(
    "tr",
    { dataset: { id: group.id } },
    h("th", { scope: "row", "data-label": heads[0] }, row.name),
    cell(heads[1], row.members),
    cell(heads[2], row.ideas),
    cell(heads[3], h("p", { class: "group-phase-line" }, row.phaseNow, " ", row.timer), row.phases),
    cell(heads[4], row.activity),
    cell(heads[5], row.host),
    cell(heads[6], row.view),
  );
  return row;
}

function renderGroups(forceHosts = false) {
  const apart = state.apart;
  $("groups-apart").hidden = !apart;
  splitForm.hidden = apart;
  $("groups-summary").textContent = apart
    ? `· ${tn("groups", state.groups.length)} · ${strings.rules?.[state.rule] ?? state.rule ?? ""}`
    : "";
  const ids = new Set();
  const rows = [];
  for (const group of state.groups) {
    ids.add(group.id);
    let row = groupRows.get(group.id);
    if (!row) {
      row = makeRow(group);
      groupRows.set(group.id, row);
    }
    fillRow(row, group, forceHosts);
    rows.push(row.tr);
  }
  for (const [id, row] of groupRows) {
    if (!ids.has(id)) {
      row.tr.remove();
      groupRows.delete(id);
    }
  }
  placeInOrder($("groups-body"), rows);
  renderSpotlight();
  tickGroups();
  followViewInWorkspace();
}

function fillRow(row, group, forceHosts) {
  const setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };
  setText(row.name, group.name);
  setText(
    row.members,
    typeof group.capacity === "number" ? t("places", { n: group.members ?? 0, max: group.capacity }) : String(group.members ?? 0),
  );
  const stats = groupStats(group);
  setText(row.ideas, String(stats.ideas));
  row.last = stats.last;
  setText(row.activity, stats.last ? timeAgo(stats.last) : strings.no_activity);
  setText(row.phaseNow, strings.phases?.[group.phase] ?? group.phase ?? "");
  row.phases.setAttribute("aria-label", t("phase_of", { name: group.name }));
  for (const button of row.phaseButtons) {
    const current = button.dataset.groupPhase === group.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("outline", !current);
  }
  // Host: nobody, one of the group's members, or a co-facilitator.
  const members = [...state.people.values()]
    .filter((person) => person.group_id === group.id)
    .sort((a, b) => personName(a).localeCompare(personName(b), "nl"));
  const current = group.host_user ? `u:${group.host_user.id}` : group.host_id ? `p:${group.host_id}` : "";
  const key = JSON.stringify([current, members.map((p) => [p.id, personName(p)])]);
  if (forceHosts || key !== row.hostKey) {
    row.hostKey = key;
    const options = [h("option", { value: "", text: strings.no_host })];
    for (const person of members) options.push(h("option", { value: `p:${person.id}`, text: personName(person) }));
    if (group.host_id && !members.some((p) => p.id === group.host_id)) {
      options.push(h("option", { value: `p:${group.host_id}`, text: t("person", { n: group.host_id }) }));
    }
    if (coFacilitators.length) {
      const team = coFacilitators.map((u) => h("option", { value: `u:${u.id}`, text: u.name }));
      options.push(h("optgroup", { label: strings.co_facilitators }, ...team));
    }
    row.host.replaceChildren(...options);
    row.host.value = current;
  }
  row.host.setAttribute("aria-label", t("host_of", { name: group.name }));
  const viewing = state.viewGroup === group.id;
  row.view.setAttribute("aria-pressed", String(viewing));
  row.view.setAttribute("aria-label", t("view_group", { name: group.name }));
  row.view.classList.toggle("outline", !viewing);
  row.tr.classList.toggle("is-viewed", viewing);
  row.timer.dataset.group = String(group.id);
}

// "3 min geleden" and the groups' countdowns move on by themselves.
function tickGroups() {
  for (const [id, row] of groupRows) {
    const group = groupById(id);
    if (!group) continue;
    const activity = row.last ? timeAgo(row.last) : strings.no_activity;
    if (row.activity.textContent !== activity) row.activity.textContent = activity;
    const timer = group.timer;
    let text = "";
    if (timer?.running && timer.ends_at) {
      text = t("timer_of", { time: formatSeconds(Math.max(0, (Date.parse(timer.ends_at) - clock.now()) / 1000)) });
    } else if (timerIsSet(timer)) text = t("timer_paused_at", { time: formatSeconds(timer.remaining) });
    if (row.timer.textContent !== text) row.timer.textContent = text;
  }
}
setInterval(tickGroups, 1000);

const groupCountsSoon = scheduler(() => {
  if (state.apart) renderGroups();
  else renderSpotlight();
}, 200);

async function groupCommand(name, payload) {
  groupsError.textContent = "";
  const ack = await command(name, payload, (text) => {
    groupsError.textContent = text;
  });
  if (ack.ok && name === "group_phase" && ack.phase) updateGroup(payload.group_id, { phase: ack.phase });
  return ack;
}

// Every group at once to a phase (each one is its own command).
const allPhases = $("all-phases");
for (const phase of GROUP_PHASES) {
  allPhases.append(
    h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.phases?.[phase] ?? phase,
      dataset: { allPhase: phase },
      onclick: async (event) => {
        const button = event.currentTarget;
        button.setAttribute("aria-busy", "true");
        for (const group of [...state.groups]) {
          const ack = await groupCommand("group_phase", { group_id: group.id, phase });
          if (!ack.ok) break;
        }
        button.removeAttribute("aria-busy");
      },
    }),
  );
}

// Which group's board the idea list shows.
function renderViewBanner() {
  const group = state.viewGroup === null ? null : groupById(state.viewGroup);
  $("view-banner").hidden = !group;
  const text = group ? t("viewing", { name: group.name }) : "";
  if ($("view-text").textContent !== text) $("view-text").textContent = text;
}
$("view-all").addEventListener("click", () => {
  state.viewGroup = null;
  renderGroups();
  renderAllIdeas();
});

// Message to every screen.
$("message-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("message-feedback"));
  const input = $("message-text");
  const text = input.value.trim();
  if (!text) {
    report(strings.message_empty);
    input.focus();
    return;
  }
  const ack = await command("message_all", { text }, report);
  if (ack.ok) {
    input.value = "";
    report(strings.message_sent);
  }
});

// Back to the plenary ("delen opbrengsten").
$("return-plenary").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.setAttribute("aria-busy", "true");
  const ack = await command("return_to_plenary", {}, feedback($("return-error")));
  button.removeAttribute("aria-busy");
  if (ack.ok) $("spotlight-status").textContent = strings.returned;
});

// People and their group: a select each, to move someone.
const peopleList = new KeyedList($("people"), { render: renderPerson, itemClass: "person" });
const peopleDirty = new Set();
let peopleAllDirty = true;

function peopleChanged(id) {
  peopleDirty.add(String(id));
  peopleSoon();
  groupCountsSoon(); // members of a group, and its host choices
}
const peopleSoon = scheduler(() => renderPeople(), 100);

// Drawn only while the list is open: a large session has many people and many groups.
function renderPeople(all = false) {
  if (all) peopleAllDirty = true;
  $("people-count").textContent = state.people.size;
  if (!$("people-details").open || !state.apart) return;
  const marked = peopleAllDirty ? true : new Set(peopleDirty);
  peopleAllDirty = false;
  peopleDirty.clear();
  const people = [...state.people.values()].sort((a, b) => a.id - b.id);
  peopleList.sync(people, marked);
}
$("people-details").addEventListener("toggle", () => renderPeople(true));

function renderPerson(person, body) {
  const selectId = `person-${person.id}-group`;
  const name = personName(person);
  const options = [];
  if (!person.group_id || !groupById(person.group_id)) {
    options.push(h("option", { value: "", text: `— ${strings.no_group} —`, disabled: true }));
  }
  for (const group of state.groups) options.push(h("option", { value: String(group.id), text: group.name }));
  const select = h(
    "select",
    {
      id: selectId,
      dataset: { action: "move" },
      onchange: async (event) => {
        const groupId = Number(event.target.value);
        peopleList.error(person.id, "");
        const ack = await command("move_participant", { participant_id: person.id, group_id: groupId }, (text) =>
          peopleList.error(person.id, text),
        );
        if (!ack.ok) event.target.value = person.group_id ? String(person.group_id) : "";
      },
    },
    options,
  );
  select.value = person.group_id && groupById(person.group_id) ? String(person.group_id) : "";
  body.append(
    h(
      "label",
      { for: selectId, class: "person-label" },
      h("span", { class: "person-name", text: name }),
      person.sector ? h("span", { class: "tag", text: person.sector }) : null,
      person.partnership ? h("span", { class: "tag", text: person.partnership }) : null,
      h("span", { class: "visually-hidden", text: ` ${t("group_for", { name })}` }),
    ),
    select,
  );
}

// After the return: one group's outcome (or all) on the presenter screen.
function renderSpotlight() {
  const groups = new Map();
  for (const idea of state.ideas.values()) {
    if (!idea.group || idea.hidden || idea.pending) continue;
    const entry = groups.get(idea.group.id) ?? { ...idea.group, count: 0 };
    entry.count += 1;
    groups.set(idea.group.id, entry);
  }
  const show = !state.apart && groups.size > 0;
  $("spotlight-box").hidden = !show;
  if (!show) return;
  const list = $("spotlight-list");
  const focusedKey = document.activeElement?.closest?.("#spotlight-list li")?.dataset.id;
  const current = state.spotlight === undefined ? undefined : (state.spotlight?.id ?? "all");
  const item = (key, label, count, groupId) => {
    const pressed = current === key;
    return h(
      "li",
      { dataset: { id: String(key) } },
      h("span", { class: "spotlight-name" }, h("strong", { text: label }), count === null ? null : h("span", { class: "muted", text: ` · ${tn("ideas", count)}` })),
      h("button", {
        type: "button",
        class: `small${pressed ? "" : " outline"}`,
        text: strings.spotlight_show,
        "aria-label": groupId === null ? strings.spotlight_all : t("spotlight_named", { name: label }),
        "aria-pressed": String(pressed),
        onclick: async () => {
          const ack = await command("spotlight_group", { group_id: groupId }, (text) => {
            $("spotlight-status").textContent = text;
          });
          if (ack.ok) {
            state.spotlight = ack.group ?? null;
            renderSpotlight();
          }
        },
      }),
    );
  };
  const sorted = [...groups.values()].sort((a, b) => a.id - b.id); // the order they were made in
  list.replaceChildren(item("all", strings.all_groups, null, null), ...sorted.map((g) => item(g.id, g.name, g.count, g.id)));
  if (focusedKey) list.querySelector(`li[data-id="${CSS.escape(focusedKey)}"] button`)?.focus();
  const status =
    state.spotlight === undefined ? "" : state.spotlight ? t("spotlight_now", { name: state.spotlight.name }) : strings.spotlight_all_now;
  if ($("spotlight-status").textContent !== status && status) $("spotlight-status").textContent = status;
}

renderPhase();
countdown.set(null);
suggestAgendaItem();
renderGroups();
renderK();
renderWorkspace();
