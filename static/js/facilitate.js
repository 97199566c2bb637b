// The facilitator's console: steer the phase, agenda, settings and timer; moderate the ideas
// (hide, pin, correct, approve, merge); cluster them and title and order the clusters; split
// the session into breakout groups (deelsessies), follow and steer them, and bring them back.
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
} from "./live.js";

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
  clusters: [],
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

function onEvent(name, data) {
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
      if (live.fresh("clusters", data.seq)) {
        state.clusters = data.clusters ?? [];
        renderClusters();
      }
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
  state.clusters = data.clusters ?? [];
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
  renderClusters();
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

// ---------------------------------------------------------------- clusters

document.getElementById("cluster-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  runButton.setAttribute("aria-busy", "true");
  runButton.disabled = true;
  clusterStatus.textContent = strings.clustering;
  const k = document.getElementById("cluster-k").value;
  const ack = await command("run_clustering", { k: k ? Number(k) : null }, (text) => {
    clusterStatus.textContent = text;
  });
  runButton.removeAttribute("aria-busy");
  runButton.disabled = false;
  if (ack.ok) clusterStatus.textContent = `${strings.clustered}: ${ack.k} (${ack.duration_ms} ms)`;
});

const clusterList = new KeyedList($("clusters"), { render: renderCluster });
const renderClustersSoon = scheduler(renderClusters, 50);

function renderClusters() {
  clusterList.sync(state.clusters, true);
}

function renderCluster(cluster, body) {
  const index = state.clusters.indexOf(cluster);
  const key = String(cluster.id);
  const report = (text) => clusterList.error(cluster.id, text);
  const input = h("input", {
    name: "title",
    value: state.titleDrafts.get(key) ?? cluster.title ?? "",
    placeholder: cluster.label,
    maxLength: 120,
    "aria-label": `${strings.title_for} ${index + 1}`,
    dataset: { action: "title" },
    oninput: (event) => state.titleDrafts.set(key, event.target.value),
  });
  const form = h(
    "form",
    {
      class: "cluster-title",
      onsubmit: async (event) => {
        event.preventDefault();
        clusterList.error(cluster.id, "");
        const ack = await command("rename_cluster", { cluster_id: cluster.id, title: input.value }, report);
        if (ack.ok) state.titleDrafts.delete(key);
      },
    },
    input,
    h("button", { class: "small", text: strings.save, dataset: { action: "title-save" } }),
  );
  const move = (direction) => () => {
    clusterList.error(cluster.id, "");
    command("move_cluster", { cluster_id: cluster.id, direction }, report);
  };
  const tools = h(
    "div",
    { class: "cluster-tools" },
    h("button", {
      type: "button",
      class: "secondary outline small",
      text: "↑",
      "aria-label": `${strings.up}: ${cluster.label}`,
      dataset: { action: "up" },
      onclick: move("up"),
    }),
    h("button", {
      type: "button",
      class: "secondary outline small",
      text: "↓",
      "aria-label": `${strings.down}: ${cluster.label}`,
      dataset: { action: "down" },
      onclick: move("down"),
    }),
  );
  const terms = h("small", {
    class: "muted",
    text: `${(cluster.terms ?? []).join(", ")} · ${cluster.idea_ids.length} ${strings.ideas_count}`,
  });
  const list = h(
    "ul",
    {},
    cluster.idea_ids.map((id) => {
      const idea = state.ideas.get(String(id));
      return h("li", { class: idea?.hidden ? "is-hidden" : null, text: idea?.text ?? "" });
    }),
  );
  body.append(form, tools, terms, list);
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
