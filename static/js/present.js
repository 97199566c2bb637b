// The presenter screen (projector): no controls, just the session as it happens, in large type.
// While breakout groups are apart it shows the groups at a glance; after the return the plenary
// board with each idea's group, or one group's outcome when the facilitator spotlights it.
// Once there are themes (clusters) they take the wall, ideas otherwise.
// A live poll question takes the wall while it is open, its chart growing with every answer;
// after it closes (or its results are revealed) it stays up until the phase changes.
// Before the first idea the join code and QR take the middle of the wall (the lobby). An ideas
// board or a set of themes that does not fit the screen pages by itself ("1–8 van 60").
import {
  Countdown,
  KeyedList,
  agendaTimes,
  rankingList,
  announcer,
  byBoardOrder,
  connectSession,
  groupTag,
  h,
  ideaOf,
  presenceOf,
  scheduler,
  strings,
  t,
  tn,
  clusterScope as scopeOf,
  replaceScope,
} from "./live.js";
import { drawResults, respondentsText } from "./poll_charts.js";
import { LivePolls, hasNumbers } from "./poll_live.js";

const $ = (id) => document.getElementById(id);
const root = $("live");
const status = $("status");

const state = {
  phase: root.dataset.phase || null,
  agenda: null,
  ideas: new Map(), // String(id) -> idea, only what may be shown
  clusters: [], // every cluster this screen may see, each with its scope
  unassigned: new Map(), // scope -> Set of String(idea id) marked "past nergens"
  clustering: new Map(), // scope -> safety timer while the engine runs for it
  presence: null,
  apart: false,
  groups: [], // while apart: [{id, name, members, ideas, phase}]
  spotlight: null, // {id, name}: only that group's ideas (null: everything)
  settings: {}, // themes_shown, hide_votes, results_shown: what the room may see
  arrivals: null, // how many ideas came in, as the server counts them (null: not told)
};

const countOf = (value) => {
  const n = typeof value === "number" ? value : value?.count;
  return Number.isInteger(n) && n >= 0 ? n : null;
};

// Never on the wall: ideas a facilitator hid or has not approved yet.
const showable = (idea) => !idea.hidden && !idea.pending;
// A run that fails sends no clusters_updated: the progress note does not stay up forever.
const CLUSTERING_MAX_MS = 90_000;

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
  pollEvent(name, data);
  switch (name) {
    case "session_snapshot":
      state.phase = data.phase ?? state.phase;
      state.agenda = data.agenda_item ?? null;
      state.ideas = new Map((data.ideas ?? []).filter(showable).map((idea) => [String(idea.id), idea]));
      state.clusters = data.clusters ?? [];
      state.settings = data.settings ?? {};
      state.unassigned = new Map(
        Object.entries(data.workspace?.scopes ?? {}).map(([scope, info]) => [scope, new Set((info?.unassigned ?? []).map(String))]),
      );
      if ("presence" in data) state.presence = presenceOf(data.presence);
      state.arrivals = countOf(data.idea_count);
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
    case "settings_changed":
      if (live.fresh("settings", data.seq)) applySettings(data.settings ?? {});
      break;
    case "vote_totals":
      if (live.fresh("vote-totals", data.seq)) {
        for (const [id, idea] of state.ideas) state.ideas.set(id, { ...idea, votes: data.ideas?.[id] ?? 0 });
        state.clusters = state.clusters.map((cluster) => ({ ...cluster, votes: data.clusters?.[String(cluster.id)] ?? 0 }));
        renderAll();
      }
      break;
    case "clusters_updated":
      applyClusters(data);
      break;
    case "clustering_started":
      clusteringStarted(data.scope ?? "plenary");
      break;
    case "cluster_votes": {
      const index = state.clusters.findIndex((cluster) => String(cluster.id) === String(data.cluster_id));
      if (index >= 0 && typeof data.votes === "number" && live.fresh(`cluster-votes:${data.cluster_id}`, data.seq)) {
        state.clusters[index] = { ...state.clusters[index], votes: data.votes };
        changed();
      }
      break;
    }
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "idea_count":
      // Only a number, also during hidden input: how many came in, never what.
      state.arrivals = countOf(data);
      renderHiddenCount();
      break;
    case "session_reset":
      window.location.reload();
      break;
    default:
      break;
  }
}

// Themes taken back into the facilitator's draft leave the wall; blind voting again (a new round,
// or the result taken down): the counts are unknown, not zero.
function applySettings(settings) {
  const wasBlind = countsHidden();
  state.settings = settings;
  if (!settings.themes_shown) state.clusters = [];
  if (countsHidden() && !wasBlind) {
    for (const [id, idea] of state.ideas) state.ideas.set(id, { ...idea, votes: null });
    state.clusters = state.clusters.map((cluster) => ({ ...cluster, votes: null }));
  }
  renderAll();
}

const countsHidden = () => Boolean(state.settings.hide_votes) && !state.settings.results_shown;

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

// ---------------------------------------------------------------- themes (clusters)

// A clusters_updated holds every cluster of its scope and ends a run in progress there.
function applyClusters(data) {
  const scope = data.scope ?? "plenary";
  clusteringDone(scope);
  if (!live.fresh(`clusters:${scope}`, data.seq)) return;
  state.clusters = replaceScope(state.clusters, data, live.fresh).clusters;
  state.unassigned.set(scope, new Set((data.unassigned ?? []).map(String)));
  renderAll();
}

function clusteringStarted(scope) {
  clearTimeout(state.clustering.get(scope));
  state.clustering.set(
    scope,
    setTimeout(() => clusteringDone(scope), CLUSTERING_MAX_MS),
  );
  renderAll();
}

function clusteringDone(scope) {
  if (!state.clustering.has(scope)) return;
  clearTimeout(state.clustering.get(scope));
  state.clustering.delete(scope);
  renderAll();
}

// The plenary themes in the facilitator's order; in a spotlight only that group's (by origin).
function wallThemes(spot) {
  return state.clusters
    .filter((cluster) => scopeOf(cluster) === "plenary" && (!spot || cluster.origin?.id === spot.id))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id));
}

// Denser type as more themes share the wall; each density starts with this many ideas per card.
const DENSITIES = ["low", "mid", "high", "max"];
// The projector layout (join column beside the wall), as in app.css; narrower windows scroll.
const WIDE = window.matchMedia("(min-width: 50.01rem)");
const IDEAS_PER_THEME = { low: 6, mid: 4, high: 3, max: 2 };

function themeDensity(count) {
  if (count <= 3) return "low";
  if (count <= 6) return "mid";
  if (count <= 12) return "high";
  return "max";
}

function themeCard(cluster, spot, limit, withVotes) {
  const members = (cluster.idea_ids ?? []).map((id) => state.ideas.get(String(id))).filter(Boolean);
  // The most telling idea first, then the rest in the order they came in.
  const first = members.findIndex((idea) => idea.id === cluster.representative_id);
  if (first > 0) members.unshift(...members.splice(first, 1));
  const fresh = new Set((cluster.new_idea_ids ?? []).map(String));
  const votes = cluster.votes ?? 0;
  const label = cluster.label || cluster.title || (cluster.terms ?? []).join(", ");
  return h(
    "li",
    { class: "present-theme", dataset: { id: cluster.id } },
    h("h3", { class: "theme-label", text: label }),
    h(
      "p",
      { class: "theme-meta" },
      withVotes && h("span", { class: "tag tag-votes", text: tn("votes", votes) }),
      h("span", { class: "tag", text: tn("ideas", members.length) }),
      !spot && cluster.origin?.name && originTag(cluster.origin),
    ),
    ideaLines(members, limit, fresh),
  );
}

function restCard(title, ideas, limit, cls) {
  return h(
    "li",
    { class: `present-theme ${cls}` },
    h("h3", { class: "theme-label", text: title }),
    h("p", { class: "theme-meta" }, h("span", { class: "tag", text: tn("ideas", ideas.length) })),
    ideaLines(ideas, limit, new Set()),
  );
}

function ideaLines(ideas, limit, fresh) {
  if (!ideas.length || limit < 1) return null;
  // "+ 1 meer" would take the place of the idea itself: then show that one too.
  const shown = ideas.length <= limit + 1 ? ideas : ideas.slice(0, limit);
  return h(
    "ul",
    { class: "theme-ideas" },
    shown.map((idea) =>
      h(
        "li",
        {},
        h("span", { class: "theme-idea-text", text: idea.text }),
        fresh.has(String(idea.id)) && [" ", h("span", { class: "tag tag-new", text: strings.new_idea })],
      ),
    ),
    ideas.length > shown.length && h("li", { class: "theme-more", text: t("more_ideas", { n: ideas.length - shown.length }) }),
  );
}

function originTag(origin) {
  return h("span", { class: "tag tag-group" }, h("span", { class: "visually-hidden", text: `${strings.from_group} ` }), origin.name);
}

function renderThemes(list, shownIdeas, spot) {
  const clustered = new Set(list.flatMap((cluster) => (cluster.idea_ids ?? []).map(String)));
  // Every plenary theme counts: an idea in a theme of another group is not "not yet sorted".
  for (const cluster of state.clusters) {
    if (scopeOf(cluster) === "plenary") for (const id of cluster.idea_ids ?? []) clustered.add(String(id));
  }
  const nowhere = state.unassigned.get("plenary") ?? new Set();
  const open = [];
  const fitsNowhere = [];
  for (const idea of [...shownIdeas].sort((a, b) => Number(a.id) - Number(b.id))) {
    const id = String(idea.id);
    if (!clustered.has(id)) (nowhere.has(id) ? fitsNowhere : open).push(idea);
  }
  // Vote counts on every card or on none, so the cards line up.
  const withVotes = !countsHidden() && (showVotes() || list.some((cluster) => (cluster.votes ?? 0) > 0));
  // Each card with a key, so a page of cards keeps its place while the themes change.
  const cards = list.map((cluster) => ({
    key: `theme:${cluster.id}`,
    make: (limit) => themeCard(cluster, spot, limit, withVotes),
  }));
  if (fitsNowhere.length) {
    cards.push({ key: "nowhere", make: (limit) => restCard(strings.fits_nowhere, fitsNowhere, limit, "theme-nowhere") });
  }
  if (open.length) cards.push({ key: "open", make: (limit) => restCard(strings.not_clustered, open, limit, "theme-open") });
  const box = $("clusters");
  const draw = (density, limit, some = cards) => {
    box.dataset.density = density;
    box.replaceChildren(...some.map((card) => card.make(limit)));
  };
  $("themes-count").textContent = tn("themes", list.length);
  const first = themeDensity(cards.length);
  if (!WIDE.matches || !displayed(box)) {
    themePager.stop();
    draw(first, IDEAS_PER_THEME[first]); // a narrow window scrolls: no squeezing
    return;
  }
  if (themePager.first && cards.length <= PAGE_MAX) {
    // The whole wall on one screen if it can be: fewer ideas per card first, then smaller
    // type; a single idea per card only when even the smallest type needs it, and at last only
    // the names and counts: while every theme fits on the screen at once, that overview wins.
    const tries = DENSITIES.slice(DENSITIES.indexOf(first)).flatMap((density) =>
      Array.from({ length: IDEAS_PER_THEME[density] - 1 }, (_, i) => [density, IDEAS_PER_THEME[density] - i]),
    );
    tries.push(["max", 1], ["max", 0]);
    themePager.unframe();
    for (const [density, limit] of tries) {
      draw(density, limit);
      if ($("clusters-section").getBoundingClientRect().bottom <= wallBottom()) {
        themePager.stop();
        return;
      }
    }
  }
  // Not even the names fit: the cards page, each again with its most telling idea.
  const [density, limit] = THEMES_PAGED;
  themePager.page(
    cards.map((card) => card.key),
    (from, to) => draw(density, limit, cards.slice(from, to)),
  );
}

// ---------------------------------------------------------------- paging the wall

// A wall that does not fit on the screen pages by itself every PAGE_SECONDS (`page_seconds` in
// the address, or data-page-seconds), with "1–8 van 60" under it: a page holds what fits at a
// readable size, and no idea is ever cut off without the count saying so. Nobody hovers a
// projector, so nothing pauses it. With prefers-reduced-motion a page simply replaces the last.
//
// New ideas: the board shows the newest first, so the first page shows each one as it comes in.
// A later page is anchored on its first item, so arrivals do not push its ideas along (nothing
// is skipped or shown twice in a round). When ideas came in while a later page was up, the next
// turn shows the first page with them and the turn after goes on where the round was: whoever
// just sent one sees it within a page or two, and the rest of the board still comes round.
const PAGE_SECONDS = 12;
const PAGE_MAX = 40; // more never fit a screen at a readable size: lay out at most this many
const IDEAS_PAGED = "high"; // the board's type while it pages (1.25rem): no squeezing needed
const THEMES_PAGED = ["max", 1]; // a theme's name, its most telling idea and how many more
const FRAME_MIN_PX = 160;

function pageSeconds() {
  const asked = Number(new URLSearchParams(window.location.search).get("page_seconds") || root.dataset.pageSeconds);
  return Number.isFinite(asked) && asked >= 1 ? asked : PAGE_SECONDS;
}

function pageText(from, to, total) {
  const vars = { from, to, total };
  return (root.dataset.pageText || "{from}–{to} / {total}").replace(/\{(\w+)\}/g, (whole, name) => String(vars[name] ?? whole));
}

// The lowest point the wall may reach: the window less the layout's own bottom margin.
function wallBottom() {
  return window.innerHeight - (parseFloat(getComputedStyle(root).paddingBottom) || 0);
}

const displayed = (element) => element.getClientRects().length > 0;

// How many of the list's items, from the first, lie wholly inside it (at least one: an idea
// longer than the screen still shows, rather than the wall stopping).
function fitting(list) {
  const edge = list.getBoundingClientRect();
  let n = 0;
  for (const item of list.children) {
    const box = item.getBoundingClientRect();
    if (box.bottom > edge.bottom + 1 || box.right > edge.right + 1) break;
    n += 1;
  }
  return Math.max(n, 1);
}

class WallPager {
  // `frame`: the part of the wall that gets the rest of the screen; `list`: the items in it;
  // `label`: where "1–8 van 60" goes.
  constructor(frame, list, label) {
    Object.assign(this, { frame, list, label, timer: 0 });
    this.reset();
  }

  reset() {
    this.anchor = null; // the key the page starts with (null: the first page)
    this.at = 0; // where that page started, should its first item go
    this.next = null; // the key the next page starts with (null: the first page again)
    this.resume = null; // after the first page came in between: where the round goes on
    this.mark = null; // the newest idea id when the first page was last on the wall
    this.news = false;
    this.turned = false;
  }

  get first() {
    return this.anchor === null;
  }

  // The frame as in the page's flow again (to see whether everything fits at once).
  unframe() {
    this.frame.classList.remove("is-paged");
    this.frame.style.removeProperty("height");
    this.label.hidden = true;
  }

  // Everything fits, or the part is not on the wall: no paging, no counter.
  stop() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.reset();
    this.unframe();
  }

  // Show the current page of `keys`: `fill(from, to)` puts those items in the list. `newest`:
  // the highest idea id, to notice arrivals (null: no arrivals to show).
  page(keys, fill, newest = null) {
    this.label.hidden = false;
    if (!this.label.textContent) this.label.textContent = pageText(1, 1, keys.length);
    this.frame.classList.add("is-paged");
    const top = this.frame.getBoundingClientRect().top;
    this.frame.style.height = `${Math.max(wallBottom() - top, FRAME_MIN_PX)}px`;
    let start = 0;
    if (this.anchor !== null) {
      const found = keys.indexOf(this.anchor);
      start = found >= 0 ? found : Math.max(0, Math.min(this.at, keys.length - 1));
    }
    fill(start, start + PAGE_MAX);
    const n = Math.min(fitting(this.list), keys.length - start);
    fill(start, start + n);
    this.at = start;
    this.next = start + n < keys.length ? keys[start + n] : null;
    if (start === 0) {
      this.mark = newest;
      const back = this.resume === null ? -1 : keys.indexOf(this.resume);
      if (back >= n) this.next = this.resume;
    }
    this.news = newest !== null && this.mark !== null && newest > this.mark;
    this.label.textContent = pageText(start + 1, start + n, keys.length);
    if (this.turned) {
      this.turned = false;
      this.list.classList.remove("page-in");
      void this.list.offsetWidth; // start the fade again
      this.list.classList.add("page-in");
    }
    if (!this.timer) this.timer = setTimeout(() => this.turn(), pageSeconds() * 1000);
  }

  turn() {
    this.timer = 0;
    if (this.anchor !== null && this.news) {
      this.resume = this.next; // first the new ideas on the first page, then on from here
      this.anchor = null;
    } else {
      this.anchor = this.next;
      this.resume = null;
    }
    this.turned = true;
    renderSoon();
  }
}

// ---------------------------------------------------------------- live poll

// The presenter joins the room of everyone: while a question's results are hidden it gets the
// count only, so that is what the wall shows until the facilitator reveals them.
const polls = new LivePolls();
let onStage = null; // String(question id) on the wall, or null: the ideas and themes

function pollEvent(name, data) {
  if (name === "session_snapshot") {
    if (!data.polls) return;
    polls.snapshot(data.polls);
    // After a reload only an open question comes back up (the one last in the poll's order).
    onStage = String(polls.list().filter((item) => item.question.state === "open").at(-1)?.question.id ?? "") || null;
    renderPoll();
  } else if (name === "poll_question") {
    const change = polls.question(data);
    if (!change) return;
    // Opened, closed, hidden or revealed: the facilitator is busy with this one, so it shows.
    const id = String(change.item.question.id);
    onStage = change.item.question.state === "draft" ? (onStage === id ? null : onStage) : id;
    renderPoll();
  } else if (name === "poll_results") {
    const item = polls.results(data);
    if (item && String(item.question.id) === onStage) renderPoll();
  } else if (name === "phase_changed" && onStage && polls.get(onStage)?.question.state !== "open") {
    // On to the next part of the session: a closed question makes way for the wall.
    onStage = null;
    renderPoll();
  }
}

function renderPoll() {
  const item = onStage ? polls.get(onStage) : null;
  const content = $("present-content");
  const was = content.dataset.view === "poll";
  $("poll-stage").hidden = !item;
  if (!item) {
    delete content.dataset.view;
    renderLobby();
    if (was) changed(); // the wall is back: fit the themes to the screen again
    return;
  }
  content.dataset.view = "poll";
  renderLobby();
  const { question, results } = item;
  const hidden = results.hidden && !hasNumbers(results);
  const open = question.state === "open";
  const tag = $("poll-stage-state");
  tag.textContent = open ? strings.poll_vote_now : strings.poll_closed;
  tag.className = `tag ${open ? "tag-open" : "tag-closed"}`;
  $("poll-stage-hidden").hidden = !question.results_hidden;
  // While hidden the chart's place shows the count large: not twice.
  $("poll-stage-count").textContent = hidden ? "" : respondentsText(results.respondents ?? 0);
  if ($("poll-stage-question").textContent !== question.text) $("poll-stage-question").textContent = question.text;
  const rows = question.options?.length ?? 0;
  $("poll-stage").dataset.rows = rows > 7 ? "many" : "few";
  drawResults($("poll-stage-chart"), question, results, { table: "hidden", openLimit: 12 });
}

// ---------------------------------------------------------------- rendering

const board = new KeyedList($("ideas"), { render: renderIdea, itemClass: "present-idea" });
const boardPager = new WallPager($("board"), $("ideas"), $("ideas-pager"));
const themePager = new WallPager($("clusters-section"), $("clusters"), $("clusters-pager"));
let lobby = false; // nothing on the wall yet: the join code and QR take the middle
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

// Counts while voting and after, unless voting is blind and the result is not shown yet.
function showVotes() {
  return (state.phase === "voting" || state.phase === "closed" || Boolean(state.settings.results_shown)) && !countsHidden();
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
  if (state.phase === "closed" || (state.settings.results_shown && !countsHidden())) {
    // The result shown, or after the session: most votes first (pinned still on top).
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
  renderResult(apart || hiddenInput);
  // The themes take the wall once there are any (in a spotlight: that group's), ideas otherwise.
  const themes = apart || hiddenInput ? [] : wallThemes(spot);
  const clustersView = themes.length > 0;
  const busy = !apart && state.clustering.has("plenary");

  renderGroupsOverview();
  const heading = spot ? spot.name : "";
  if ($("spotlight-heading").textContent !== heading) $("spotlight-heading").textContent = heading;
  $("spotlight-heading").hidden = !spot;
  $("hidden-count").hidden = !hiddenInput;
  renderHiddenCount();
  $("board").hidden = apart || hiddenInput || clustersView;
  $("clusters-section").hidden = !clustersView;
  $("no-ideas").hidden = count > 0;
  $("clustering-note").hidden = !busy;
  lobby = count === 0 && !apart && !spot && !hiddenInput && !clustersView && state.phase !== "closed";
  renderLobby(); // before measuring: the lobby moves the join column out of the way
  fitResult();

  if ($("board").hidden) boardPager.stop();
  else fitBoard(shown, marked);
  if (clustersView) renderThemes(themes, shown, spot);
  else themePager.stop();
  $("idea-total").textContent = hiddenInput || apart ? "" : tn("ideas_in", count);
}

// Fewer ideas, larger type: keeps a full board readable from the back of the room.
function ideaDensity(count) {
  return count <= 6 ? "low" : count <= 14 ? "mid" : count <= 30 ? "high" : "max";
}

function fitBoard(shown, marked) {
  const list = $("ideas");
  const first = ideaDensity(shown.length);
  if (!WIDE.matches || !displayed(list)) {
    boardPager.stop();
    list.dataset.density = first; // a narrow window scrolls
    board.sync(shown, marked);
    return;
  }
  let mark = marked;
  const sync = (ideas) => {
    board.sync(ideas, mark);
    mark = new Set(); // rendered once is enough
  };
  if (boardPager.first && shown.length <= PAGE_MAX) {
    // All on one screen if it can be, in denser type if need be.
    boardPager.unframe();
    sync(shown);
    for (const density of DENSITIES.slice(DENSITIES.indexOf(first))) {
      list.dataset.density = density;
      if (list.getBoundingClientRect().bottom <= wallBottom()) {
        boardPager.stop();
        return;
      }
    }
  }
  list.dataset.density = IDEAS_PAGED;
  const newest = shown.reduce((most, idea) => Math.max(most, Number(idea.id) || 0), 0);
  boardPager.page(
    shown.map((idea) => String(idea.id)),
    (from, to) => sync(shown.slice(from, to)),
    newest,
  );
}

// Until the first idea (and while no poll or groups hold the wall) the join code and QR are
// what the room needs: large, in the middle. With the first idea they go back to the side.
// "Uitslag tonen": the themes and the ideas with the most votes as bars, large, on the wall
// (a live poll still goes first); the board behind it is ordered by votes meanwhile.
const RESULT_THEMES = 6;
const RESULT_IDEAS = 5;

function renderResult(elsewhere) {
  const stage = $("result-stage");
  const content = $("present-content");
  const on = Boolean(state.settings.results_shown) && !countsHidden() && !elsewhere;
  stage.hidden = !on;
  if (!on) {
    if (content.dataset.view === "result") delete content.dataset.view;
    return;
  }
  if (content.dataset.view !== "poll") content.dataset.view = "result";
  const themes = wallThemes(state.spotlight).map((cluster) => ({
    label: cluster.label || cluster.title || (cluster.terms ?? []).join(", "),
    votes: cluster.votes ?? 0,
  }));
  const ideas = [...state.ideas.values()].map((idea) => ({ label: idea.text, votes: idea.votes ?? 0 }));
  const voted = (rows) => rows.some((row) => row.votes > 0);
  $("result-themes").hidden = !voted(themes);
  $("result-ideas").hidden = !voted(ideas);
  $("result-themes-list").replaceChildren(rankingList(themes, RESULT_THEMES));
  $("result-ideas-list").replaceChildren(rankingList(ideas, RESULT_IDEAS));
  $("result-none").hidden = voted(themes) || voted(ideas);
}

// The back of the room sees what fits on the wall, whole: the lowest rows go (a 1366×768
// projector holds four vraagstukken of two lines). Measured once the lobby has moved.
function fitResult() {
  if ($("result-stage").hidden) return;
  for (const box of [$("result-ideas-list"), $("result-themes-list")]) {
    const list = box.querySelector(".ranking");
    while (list && list.children.length > 1 && list.lastElementChild.getBoundingClientRect().bottom > wallBottom()) {
      list.lastElementChild.remove();
    }
  }
}

function renderLobby() {
  root.classList.toggle("present-lobby", lobby && $("present-content").dataset.view !== "poll");
}

// Hidden input: how many ideas came in, large, growing with every one (when the server says).
// Without a number (an older server) words instead of a wrong count: the ideas themselves
// never come to this screen before the reveal.
function renderHiddenCount() {
  const box = $("hidden-count-text");
  const n = state.arrivals;
  if (n === null) {
    delete box.dataset.count;
    if (box.textContent !== strings.ideas_coming_in) box.textContent = strings.ideas_coming_in;
    return;
  }
  if (box.dataset.count === String(n)) return;
  const rose = box.dataset.count !== undefined && n > Number(box.dataset.count);
  box.dataset.count = String(n);
  // "12 vraagstukken binnen": the number large, the words under it.
  const text = tn("ideas_in", n);
  const at = text.indexOf(String(n));
  const words = at < 0 ? text : `${text.slice(0, at)}${text.slice(at + String(n).length)}`.trim();
  box.replaceChildren(
    h("span", { class: `hidden-count-number${rose ? " bump" : ""}`, text: String(n) }),
    " ",
    h("span", { class: "hidden-count-words", text: words }),
  );
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
        h(
          "p",
          { class: "group-phase" },
          h("span", { class: "tag", text: strings.phases?.[group.phase] ?? "" }),
          state.clustering.has(`group:${group.id}`) && [" ", h("span", { class: "tag tag-busy", text: strings.clustering })],
        ),
      ),
    ),
  );
  $("groups-list").dataset.count = String(Math.min(state.groups.length, 4));
}

// On the projector a message is read, then gets out of the way again.
const ANNOUNCEMENT_MS = 20 * 1000;
const announce = announcer($("announcement"), { hideAfterMs: ANNOUNCEMENT_MS });
// Another window size fits another number of ideas per theme card.
window.addEventListener("resize", () => changed());

function renderPhase() {
  // While apart each group has its own phase (in the overview); the session's says little.
  $("phase-label").textContent = state.apart ? strings.breakouts : (strings.phases?.[state.phase] ?? "");
  const item = state.agenda;
  $("agenda-title").textContent = item?.title ?? "";
  $("agenda-time").textContent = agendaTimes(item);
  document.body.dataset.phase = state.phase ?? "";
}

function renderPresence() {
  $("presence").textContent = state.presence === null ? "" : tn("connected", state.presence);
}

renderPhase();
