// The facilitator's console: steer the phase, agenda, settings and timer; moderate the ideas
// (hide, pin, correct, approve, merge); cluster them and title and order the clusters.
import {
  Countdown,
  KeyedList,
  agendaTimes,
  byBoardOrder,
  clock,
  connectSession,
  h,
  ideaOf,
  presenceOf,
  scheduler,
  showStatus,
  strings,
  t,
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
  const all = [...state.ideas.values()];
  const board = all.filter((idea) => !idea.pending).sort(byBoardOrder);
  const waiting = all.filter((idea) => idea.pending).sort((a, b) => byBoardOrder(b, a));
  boardList.sync(board, marked);
  pendingList.sync(waiting, marked);
  $("pending-ideas-section").hidden = waiting.length === 0;
  $("pending-ideas-count").textContent = waiting.length;
  const shown = board.filter((idea) => !idea.hidden).length;
  $("idea-count").textContent = shown;
  $("board-count").textContent = shown;
  $("hidden-count").textContent = board.length - shown ? tn("hidden_count", board.length - shown) : "";
  $("no-ideas").hidden = board.length + waiting.length > 0;
  renderMergeBanner();
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

renderPhase();
countdown.set(null);
suggestAgendaItem();
