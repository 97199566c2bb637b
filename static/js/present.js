// The presenter screen (projector): no controls, just the session as it happens, in large type.
// While breakout groups are apart it shows the groups at a glance; after the return the plenary
// board with each idea's group, or one group's outcome when the facilitator spotlights it.
import {
  Countdown,
  KeyedList,
  agendaTimes,
  announcer,
  byBoardOrder,
  clusterItems,
  connectSession,
  groupTag,
  h,
  ideaOf,
  presenceOf,
  scheduler,
  strings,
  tn,
} from "./live.js";

const $ = (id) => document.getElementById(id);
const root = $("live");
const status = $("status");

const state = {
  phase: root.dataset.phase || null,
  agenda: null,
  ideas: new Map(), // String(id) -> idea, only what may be shown
  clusters: [],
  presence: null,
  apart: false,
  groups: [], // while apart: [{id, name, members, ideas, phase}]
  spotlight: null, // {id, name}: only that group's ideas (null: everything)
};

// Never on the wall: ideas a facilitator hid or has not approved yet.
const showable = (idea) => !idea.hidden && !idea.pending;

const countdown = new Countdown({ box: $("timer"), display: $("timer-display"), note: $("timer-note") });

const live = connectSession({
  token: root.dataset.token,
  onStatus: (connection, detail) => {
    status.dataset.state = connection;
    status.textContent =
      connection === "offline" ? strings.offline_retry : connection === "refused" ? detail || strings.refused : strings[connection];
  },
  onEvent,
});

function onEvent(name, data) {
  switch (name) {
    case "session_snapshot":
      state.phase = data.phase ?? state.phase;
      state.agenda = data.agenda_item ?? null;
      state.ideas = new Map((data.ideas ?? []).filter(showable).map((idea) => [String(idea.id), idea]));
      state.clusters = data.clusters ?? [];
      if ("presence" in data) state.presence = presenceOf(data.presence);
      state.apart = Boolean(data.groups?.apart);
      state.groups = state.apart ? (data.groups?.groups ?? []) : [];
      countdown.set(data.timer);
      renderAll();
      break;
    case "groups_changed":
      if (live.fresh("groups", data.seq)) {
        state.apart = Boolean(data.apart);
        state.groups = state.apart ? (data.groups ?? []) : [];
        if (state.apart) state.spotlight = null;
        renderAll();
      }
      break;
    case "groups_returned":
      if (live.fresh("returned", data.seq)) {
        state.ideas = new Map((data.ideas ?? []).filter(showable).map((idea) => [String(idea.id), idea]));
        state.apart = false;
        state.groups = [];
        state.spotlight = null;
        renderAll();
      }
      break;
    case "spotlight":
      if (live.fresh("spotlight", data.seq)) {
        state.spotlight = data.group ?? null;
        changed();
      }
      break;
    case "announcement":
      announce(data.text, data.sent_at);
      break;
    case "idea_added":
    case "idea_updated": {
      const idea = ideaOf(data);
      if (idea?.id !== undefined && live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      break;
    }
    case "ideas_revealed":
      for (const idea of data.ideas ?? []) if (live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      break;
    case "idea_removed":
      if (live.fresh(`idea:${data.id}`, data.seq) && state.ideas.delete(String(data.id))) changed();
      break;
    case "votes_changed": {
      const id = String(data.idea_id);
      const idea = state.ideas.get(id);
      if (idea && typeof data.votes === "number" && live.fresh(`votes:${id}`, data.seq)) {
        state.ideas.set(id, { ...idea, votes: data.votes });
        changed(id);
      }
      break;
    }
    case "phase_changed":
      if (live.fresh("phase", data.seq)) {
        state.phase = data.phase ?? state.phase;
        state.agenda = data.agenda_item ?? null;
        renderAll();
      }
      break;
    case "timer_changed":
      if (live.fresh("timer", data.seq)) countdown.set(data.timer);
      break;
    case "clusters_updated":
      if (live.fresh("clusters", data.seq)) {
        state.clusters = data.clusters ?? [];
        changed();
      }
      break;
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "session_reset":
      window.location.reload();
      break;
    default:
      break;
  }
}

function upsert(idea, seq) {
  const id = String(idea.id);
  const old = state.ideas.get(id);
  if (!showable(idea)) {
    if (old) {
      state.ideas.delete(id);
      changed();
    }
    return;
  }
  if (old && !live.fresh(`votes:${id}`, seq)) idea = { ...idea, votes: old.votes };
  state.ideas.set(id, idea);
  changed(id);
}

// ---------------------------------------------------------------- rendering

const board = new KeyedList($("ideas"), { render: renderIdea, itemClass: "present-idea" });
const dirty = new Set();
let allDirty = true;
const renderSoon = scheduler(renderBoard, 30);

function changed(id) {
  if (id === undefined) allDirty = true;
  else dirty.add(id);
  renderSoon();
}

function renderAll() {
  allDirty = true;
  renderPhase();
  renderPresence();
  renderBoard();
}

function showVotes() {
  return state.phase === "voting" || state.phase === "closed";
}

function renderIdea(idea, body, li) {
  li.classList.toggle("pinned", Boolean(idea.pinned));
  body.append(h("p", { class: "idea-text", text: idea.text }));
  // The group label, unless the heading already names the one group on the wall.
  const label = !state.spotlight && groupTag(idea);
  if (showVotes() || idea.pinned || label) {
    body.append(
      h(
        "p",
        { class: "idea-tags" },
        idea.pinned && h("span", { class: "tag tag-pin", text: strings.pinned }),
        showVotes() && h("span", { class: "tag tag-votes", text: tn("votes", idea.votes ?? 0) }),
        label,
      ),
    );
  }
}

function order() {
  const spot = state.spotlight;
  const ideas = [...state.ideas.values()].filter((idea) => !spot || idea.group?.id === spot.id);
  if (state.phase === "closed") {
    // After the session: most votes first (pinned still on top).
    return ideas.sort((a, b) => Boolean(b.pinned) - Boolean(a.pinned) || (b.votes ?? 0) - (a.votes ?? 0) || byBoardOrder(a, b));
  }
  return ideas.sort(byBoardOrder);
}

function renderBoard() {
  const marked = allDirty ? true : new Set(dirty);
  allDirty = false;
  dirty.clear();
  const apart = state.apart;
  const spot = apart ? null : state.spotlight;
  const shown = order();
  const count = shown.length;
  const hiddenInput = state.phase === "hidden_input" && !apart && !spot;
  // The clusters take the wall once there are any, except while ideas come in or votes are cast
  // (or one group's outcome is shown).
  const clustersView =
    !apart && !spot && state.clusters.length > 0 && !["input", "hidden_input", "voting"].includes(state.phase);

  renderGroupsOverview();
  const heading = spot ? spot.name : "";
  if ($("spotlight-heading").textContent !== heading) $("spotlight-heading").textContent = heading;
  $("spotlight-heading").hidden = !spot;
  $("hidden-count").hidden = !hiddenInput;
  // A presenter screen gets no idea events during hidden input (they go to each author and the
  // facilitators only), so it cannot count them honestly: words instead of a wrong number.
  $("hidden-count-text").textContent = strings.ideas_coming_in;
  $("board").hidden = apart || hiddenInput || clustersView;
  $("clusters-section").hidden = !clustersView;
  $("no-ideas").hidden = count > 0;

  if (!apart && !hiddenInput && !clustersView) {
    board.sync(shown, marked);
    // Fewer ideas, larger type: keeps a full board readable from the back of the room.
    $("ideas").dataset.density = count <= 6 ? "low" : count <= 14 ? "mid" : count <= 30 ? "high" : "max";
  }
  if (clustersView) {
    $("clusters").replaceChildren(...clusterItems(state.clusters, state.ideas, { heading: "h2" }));
    $("clusters").dataset.count = String(Math.min(state.clusters.length, 4));
  }
  $("idea-total").textContent = hiddenInput || apart ? "" : tn("ideas_in", count);
}

// While apart: every group with its people and ideas (as of the last groups_changed).
function renderGroupsOverview() {
  $("groups-overview").hidden = !state.apart;
  if (!state.apart) return;
  $("groups-list").replaceChildren(
    ...state.groups.map((group) =>
      h(
        "li",
        { dataset: { id: group.id } },
        h("h3", { text: group.name }),
        h(
          "p",
          { class: "group-counts" },
          h("span", { text: tn("participants", group.members ?? 0) }),
          h("span", { text: tn("ideas", group.ideas ?? 0) }),
        ),
        h("p", { class: "group-phase" }, h("span", { class: "tag", text: strings.phases?.[group.phase] ?? "" })),
      ),
    ),
  );
  $("groups-list").dataset.count = String(Math.min(state.groups.length, 4));
}

const announce = announcer($("announcement"), { hideAfterMs: 5 * 60 * 1000 });

function renderPhase() {
  // While apart each group has its own phase (in the overview); the session's says little.
  $("phase-label").textContent = state.apart ? strings.breakouts : (strings.phases?.[state.phase] ?? "");
  const item = state.agenda;
  $("agenda-title").textContent = item?.title ?? "";
  $("agenda-time").textContent = agendaTimes(item);
  document.body.dataset.phase = state.phase ?? "";
}

function renderPresence() {
  $("presence").textContent = state.presence === null ? "" : tn("participants", state.presence);
}

renderPhase();
