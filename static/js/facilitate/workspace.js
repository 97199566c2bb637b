import { h, placeInOrder, replaceScope, scheduler, strings, t, clusterScope as scopeOf } from "../live.js";
import Sortable from "../../vendor/sortablejs-1.15.7/sortable.esm.js";
import { $, clusterStatus, command, guarded, live, runButton, state, timeFormat } from "./context.js";
import { Board } from "./ws_board.js";
import { groupById } from "./groups.js";
import { showTab } from "./cockpit.js";

// ---------------------------------------------------------------- workspace: the clusters

// The facilitator's clustering workspace (docs/workspace-protocol.md). Clusters belong to a scope:
// "plenary", or "group:<id>" while the groups are apart. Every correction is a command; the
// server answers with one `clusters_updated` for the scope, which replaces that scope's clusters
// here (the server is the truth: after a failed ack the board is drawn again from state). The
// board has one column per cluster; the idea lists are SortableJS lists sharing one group per
// scope, and every drag has a keyboard twin ("Verplaats naar…", ↑ and ↓). Columns are only
// rebuilt when what they show changed, and typed titles and deepenings live in drafts, so an
// incoming event never takes away what the facilitator is typing.

export const PALETTE = 10; // cluster colours --ws-c0…--ws-c9 in app.css, by place in the order
export const AUDIENCES = ["ocw", "vakorganisaties", "sectorraden", "voorlopersgroep"];
export const DEEPENING = ["summary", "question", "recommendation"];
export const SVG_NS = "http://www.w3.org/2000/svg";
export const MAP_W = 1000;
export const MAP_H = 560;
export const boardsBox = $("ws-boards");
export const wsError = $("ws-error");
export const kRange = $("cluster-k");
export const kAuto = $("cluster-auto");
export const scopeSelect = $("ws-scope");
export const undoButton = $("ws-undo");

export const ws = {
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
  totals: new Map(), // cluster id -> dots, also while the room's clusters carry none
};

export const scopeData = (scope) => state.workspace.scopes[scope] ?? {};
export const onBoard = (idea) => Boolean(idea) && !idea.hidden && !idea.pending;
export const ideaScope = (idea) => (state.apart && idea.group?.id != null ? `group:${idea.group.id}` : "plenary");
export const scopeIdeas = (scope) => [...state.ideas.values()].filter((idea) => onBoard(idea) && ideaScope(idea) === scope);
export const short = (text, max = 60) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
export const votesShown = () => state.phase === "voting" || state.phase === "closed";

export function clustersOf(scope) {
  return state.clusters
    .filter((cluster) => scopeOf(cluster) === scope)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
}

export function scopeName(scope) {
  if (scope === "plenary") return strings.ws_plenary;
  const id = Number(scope.slice("group:".length));
  return groupById(id)?.name ?? t("ws_group_n", { n: id });
}

export function clusterName(cluster, index) {
  return cluster.label || t("ws_cluster_n", { n: index + 1 });
}

export function optionLabel(cluster, index) {
  return `${index + 1}. ${short(clusterName(cluster, index), 48)}`;
}

// ---- events and snapshot

export function applyWorkspaceSnapshot(data) {
  state.clusters = (data.clusters ?? []).map((cluster) => ({ ...cluster, scope: scopeOf(cluster) }));
  const workspace = data.workspace ?? {};
  state.workspace = {
    scopes: { ...(workspace.scopes ?? {}) },
    can_undo: Boolean(workspace.can_undo),
    log: [...(workspace.log ?? [])],
  };
  ws.totals = new Map(Object.entries(workspace.totals?.clusters ?? {}));
  fillCounts();
  ws.running.clear(); // clustering_started is not logged: a run that ended meanwhile is in here
  ws.forceAll = true;
}

export function applyClusters(data) {
  const scope = data.scope ?? "plenary";
  if (data.change) addToLog(data.change);
  if ("can_undo" in data && live.fresh("can-undo", data.seq)) state.workspace.can_undo = Boolean(data.can_undo);
  ws.running.delete(scope);
  if (!live.fresh(`clusters:${scope}`, data.seq)) {
    renderWorkspaceSoon();
    return;
  }
  state.clusters = replaceScope(state.clusters, data, live.fresh).clusters;
  fillCounts();
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
    k: data.k ?? before.k ?? null,
  };
  renderWorkspaceSoon();
}

export function applyClusterVotes(data) {
  const cluster = state.clusters.find((item) => item.id === data.cluster_id);
  if (!cluster || typeof data.votes !== "number" || !live.fresh(`cluster-votes:${data.cluster_id}`, data.seq)) return;
  cluster.votes = data.votes;
  ws.totals.set(String(cluster.id), data.votes);
  renderWorkspaceSoon();
}

// Every count at once (blind voting: the room's clusters carry votes: null, the console
// keeps the counts it is sent apart).
export function applyVoteTotals(data) {
  if (!live.fresh("vote-totals", data.seq)) return;
  ws.totals = new Map(Object.entries(data.clusters ?? {}));
  for (const cluster of state.clusters) cluster.votes = ws.totals.get(String(cluster.id)) ?? 0;
  for (const [id, idea] of state.ideas) state.ideas.set(id, { ...idea, votes: data.ideas?.[id] ?? 0 });
  renderWorkspaceSoon();
}

function fillCounts() {
  for (const cluster of state.clusters) {
    if (typeof cluster.votes === "number") ws.totals.set(String(cluster.id), cluster.votes);
    else cluster.votes = ws.totals.get(String(cluster.id)) ?? 0;
  }
}

// After the return every cluster is plenary; the groups' boards are gone.
export function dropGroupScopes() {
  state.clusters = state.clusters.filter((cluster) => scopeOf(cluster) === "plenary");
  for (const scope of Object.keys(state.workspace.scopes)) {
    if (scope !== "plenary") delete state.workspace.scopes[scope];
  }
  ws.running.clear();
  renderWorkspaceSoon();
}

// ---- the log of changes: "12:04 Demo Facilitator: idee verplaatst …"

export const changeKey = (change) => `${change.at}|${change.action}|${change.by}|${change.text}`;

export function addToLog(change) {
  const log = state.workspace.log;
  const key = changeKey(change);
  if (log.some((item) => changeKey(item) === key)) return;
  log.unshift(change);
  log.sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
  if (log.length > 30) log.length = 30;
}

// "12:04 Demo Facilitator: vraagstuk verplaatst: “…” → Begeleiding"
export function changeLine(change) {
  const at = Date.parse(change.at);
  const action = strings.ws_actions?.[change.action] ?? change.action ?? "";
  const what = [action, change.text].filter(Boolean).join(": ");
  return [Number.isNaN(at) ? "" : timeFormat.format(at), change.by ? `${change.by}:` : "", what].filter(Boolean).join(" ");
}

export function renderLog() {
  const lines = state.workspace.log.map(changeLine);
  const key = lines.join("\n");
  if (key === ws.logKey) return;
  ws.logKey = key;
  $("ws-log").replaceChildren(...lines.map((line) => h("li", { text: line })));
  $("ws-log-empty").hidden = lines.length > 0;
  $("ws-last").textContent = lines.length ? t("ws_last_change", { change: lines[0] }) : "";
}

// ---- the toolbar: run, scope, undo

export function renderK() {
  // While automatic the control shows what the last run chose, not a number nobody picked.
  const chosen = scopeData(runScopes()[0] ?? "plenary").k;
  if (kAuto.checked && typeof chosen === "number") kRange.value = String(Math.min(Math.max(chosen, 2), Number(kRange.max)));
  $("ws-k").classList.toggle("is-auto", kAuto.checked);
  $("cluster-k-value").textContent = kRange.value;
}
kRange.addEventListener("input", () => {
  kAuto.checked = false; // moving the slider means: this many
  renderK();
});
kAuto.addEventListener("change", renderK);

export function shownScopes() {
  if (!state.apart) return ["plenary"];
  if (ws.view === "all") return state.groups.map((group) => `group:${group.id}`);
  return [ws.view];
}

export function fillScopeSelect() {
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
export function followViewInWorkspace() {
  if (state.viewGroup === ws.lastView) return;
  ws.lastView = state.viewGroup;
  if (state.apart) ws.view = state.viewGroup === null ? "all" : `group:${state.viewGroup}`;
  renderWorkspaceSoon();
}

export function runScopes() {
  if (!state.apart) return ["plenary"];
  return ws.view === "all" ? state.groups.map((group) => `group:${group.id}`) : [ws.view];
}

export function renderRunStatus() {
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
  showTab("clusters"); // "Clusteren" sits in the bar: the run is followed where it lands
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

export function renderUndo() {
  undoButton.setAttribute("aria-disabled", String(!state.workspace.can_undo));
}

export async function undo() {
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

export const TEXT_INPUTS = new Set(["text", "search", "number", "email", "url", "tel", "password"]);
export function inTextField(element) {
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

export const renderWorkspaceSoon = scheduler(renderWorkspace, 50);
export const renderClustersSoon = renderWorkspaceSoon;

export function renderWorkspace() {
  if (ws.dragging && !Sortable.dragged) ws.dragging = false; // a drag that ended without onEnd
  if (ws.dragging) {
    ws.renderWaiting = true; // never rebuild a list under a drag
    return;
  }
  fillScopeSelect();
  renderK();
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
export const FIELD_SIZING = CSS.supports("field-sizing", "content");
export function fitHeight(field) {
  if (FIELD_SIZING || !field.isConnected) return;
  field.style.height = "auto";
  field.style.height = `${field.scrollHeight + 2}px`;
}

export function focusLater(action, cluster) {
  ws.focusAfter = { action, cluster: String(cluster), until: Date.now() + 5000 };
  applyFocusAfter();
}

export function applyFocusAfter() {
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

export function dragStarted() {
  ws.dragging = true;
}

export function dragEnded() {
  ws.dragging = false;
  if (ws.renderWaiting) {
    ws.renderWaiting = false;
    renderWorkspaceSoon();
  }
}

export function svg(tag, attributes = {}, text = "") {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

export function lockIcon() {
  const icon = svg("svg", { viewBox: "0 0 16 16", width: 14, height: 14, class: "ws-lock-icon", "aria-hidden": "true", focusable: "false" });
  icon.append(
    svg("rect", { x: 3, y: 7, width: 10, height: 8, rx: 1.5 }),
    svg("path", { d: "M5 7V5a3 3 0 0 1 6 0v2", fill: "none", "stroke-width": 1.8 }),
  );
  return icon;
}

