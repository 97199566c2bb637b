// Shared by the live pages: one Socket.IO connection to a session (token and the seq it is
// complete to in `auth`, so a reconnect gets what it missed, or a fresh snapshot), seq dedupe,
// commands with a timeout, the status line, the server-corrected clock and countdown, and a
// keyed list renderer that never loses focus or typing when an item changes under the user's
// hands.
/* global io */

export const strings = JSON.parse(document.getElementById("live-strings").textContent);

const ACK_TIMEOUT_MS = 10000;
const SEEN_MAX = 2000; // remembered seqs; older ones fall below the floor
const GAP_GRACE_MS = 1500; // a missed seq may still come from another server process
const CATCH_UP_MIN_MS = 5000; // between two catch-up requests of one page
const CHECK_MS = 30000; // between two checks against the log (jittered: 300 phones)

// "nog {n} stemmen" → "nog 3 stemmen". Strings come from the template (Flask-Babel).
export function t(key, vars = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// Dutch and English both have one/other: strings hold `${key}_one` and `${key}_other`.
export function tn(key, n, vars = {}) {
  return t(n === 1 ? `${key}_one` : `${key}_other`, { n, ...vars });
}

export function connectSession({ token, onEvent, onStatus }) {
  // Every seq at or below `floor` is already applied (the last snapshot, or a catch-up's
  // `complete_to`). Above it, a seq is applied once; events may arrive out of order (several
  // workers, a message queue), so a late one with a lower seq is still applied when it was not
  // seen. On a reconnect the floor goes to the server, which replays what came after it.
  let floor = null;
  let lastSeq = null;
  let phase = null;
  const seen = new Set();
  const latest = new Map(); // key -> seq of the newest event applied for that key
  const gaps = new Set(); // `prev` seqs announced but not seen: asked for after a grace
  let asking = false;
  let askTimer = 0;
  let checkTimer = 0;
  let lastAsked = -Infinity;
  const jitter = (ms) => ms * (0.5 + Math.random()); // 300 phones must not ask at once

  let switching = false; // a reconnect this page asked for: not an outage
  // The floor, not the highest seq: with several processes a higher seq may be here while a
  // lower one, committed by a process that died before sending it, never came.
  const socket = io({ auth: (cb) => cb({ token, last_seq: floor }) });

  socket.on("connect", () => {
    switching = false;
    onStatus("online");
    checkLater();
  });
  socket.on("disconnect", () => onStatus(switching ? "connecting" : "offline"));
  socket.on("connect_error", (err) => {
    // The server refused the token: retrying will not help until the page is reloaded.
    onStatus(socket.active ? "offline" : "refused", err.message);
  });

  const accounted = (seq) => (floor !== null && seq <= floor) || seen.has(seq);

  // One logged event (or the snapshot) through the seq dedupe to the page.
  function deliver(name, data) {
    if (name === "session_snapshot") {
      floor = lastSeq = typeof data?.seq === "number" ? data.seq : null;
      seen.clear();
      latest.clear();
      gaps.clear();
    } else if (typeof data?.seq === "number") {
      if (accounted(data.seq)) return;
      seen.add(data.seq);
      if (lastSeq === null || data.seq > lastSeq) lastSeq = data.seq;
      if (seen.size > SEEN_MAX) raiseFloor(lastSeq - SEEN_MAX / 2);
    }
    if (name === "session_snapshot" || name === "phase_changed") phase = data?.phase ?? phase;
    if (data?.sent_at) clock.observe(data.sent_at);
    onEvent(name, data ?? {});
  }

  function raiseFloor(to) {
    if (floor !== null && to <= floor) return;
    floor = to;
    for (const seq of seen) if (seq <= floor) seen.delete(seq);
    for (const seq of gaps) if (seq <= floor) gaps.delete(seq);
  }

  socket.onAny((name, data) => {
    if (name === "batch" && Array.isArray(data?.events)) {
      // Several events for this page's room at once: each keeps its own seq.
      for (const event of data.events) deliver(event.name, event.data);
    } else {
      deliver(name, data);
    }
    // `prev` is the seq the server sent to this room just before: not seen means missed
    // (Redis pub/sub may drop messages). Another process's message may still be on its way,
    // so the page waits a moment before it asks.
    if (typeof data?.prev === "number" && !accounted(data.prev)) {
      gaps.add(data.prev);
      askSoon(GAP_GRACE_MS);
    }
  });

  // --- catching up by seq: a missed broadcast, or a regular check against the log ---

  function askSoon(delay) {
    if (askTimer || asking) return;
    const wait = Math.max(delay, lastAsked + CATCH_UP_MIN_MS - Date.now());
    askTimer = setTimeout(() => {
      askTimer = 0;
      const missing = [...gaps].some((seq) => !accounted(seq));
      gaps.clear();
      // From the floor, not from the missed seq: messages lost before it announced no gap of
      // their own (a Redis restart drops a run of them; only the next one says so).
      if (missing) catchUp(floor);
    }, jitter(wait));
  }

  // Every half minute or so, however busy the room: a process that died after its commit but
  // before its broadcast leaves a hole no later message points at, and only the log knows it.
  function checkLater() {
    if (checkTimer) return;
    checkTimer = setTimeout(() => {
      checkTimer = 0;
      if (phase !== "closed" && floor !== null) catchUp(floor);
      else checkLater();
    }, jitter(CHECK_MS));
  }

  async function catchUp(after) {
    if (asking || !socket.connected || floor === null) return;
    asking = true;
    lastAsked = Date.now();
    try {
      const answer = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("catch_up", { last_seq: after });
      if (answer?.ok) {
        for (const event of answer.events ?? []) deliver(event.name, event.data);
        // Every seq after `after` up to complete_to is now applied, or was not for this page
        // (another participant's idea in hidden input, the facilitators' copy): none is a gap.
        const upTo = answer.complete_to;
        if (typeof upTo === "number") {
          if (after <= floor) raiseFloor(upTo);
          else for (let seq = after + 1; seq <= upTo; seq += 1) seen.add(seq);
          if (lastSeq === null || upTo > lastSeq) lastSeq = upTo;
          if (seen.size > SEEN_MAX) raiseFloor(lastSeq - SEEN_MAX / 2);
        }
      } else if (answer?.code === "resync") {
        reconnect({ fresh: true });
      } else if (answer?.code === "not_allowed") {
        reconnect(); // a screen that may only watch: a reconnect replays what it missed
      }
    } catch {
      /* no answer in time: the next check asks again */
    } finally {
      asking = false;
      checkLater();
      if (gaps.size) askSoon(GAP_GRACE_MS);
    }
  }

  // `waitMs`: a command given while the page reconnects on purpose (to follow another breakout
  // group) waits that long for the connection instead of failing at once.
  async function send(command, payload = {}, { waitMs = 0 } = {}) {
    if (!socket.connected && waitMs > 0) await connected(waitMs);
    if (!socket.connected) return { ok: false, code: "offline", error: strings.offline_short };
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(command, payload);
    } catch {
      return { ok: false, code: "timeout", error: strings.no_answer };
    }
  }

  function connected(waitMs) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        socket.off("connect", done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      socket.on("connect", done);
    });
  }

  // True when this event is not older than one already applied for the same thing (an idea,
  // its votes, the timer…), so a late arrival never turns newer state back.
  function fresh(key, seq) {
    if (typeof seq !== "number") return true;
    const newest = latest.get(key);
    if (newest !== undefined && seq < newest) return false;
    latest.set(key, seq);
    return true;
  }

  // Connect again, e.g. to follow another breakout group's room. `fresh`: ask for a whole new
  // snapshot instead of what was missed (the board then is exactly what the server shows now).
  function reconnect({ fresh: anew = false } = {}) {
    if (anew) floor = null;
    switching = true;
    socket.disconnect();
    socket.connect();
  }

  return { socket, send, fresh, reconnect };
}

// A v4 UUID from getRandomValues (randomUUID needs a secure context; a LAN address is not).
export function uuid4() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function showStatus(element, state, detail) {
  element.dataset.state = state;
  element.textContent = detail && state === "refused" ? detail : strings[state];
}

// Idea events carry `{idea}`; older servers sent the idea flat.
export const ideaOf = (data) => data?.idea ?? data;

export const presenceOf = (value) => (typeof value === "number" ? value : value?.count ?? null);

// Pinned first, then newest first (created_at, then id).
export function byBoardOrder(a, b) {
  if (Boolean(a.pinned) !== Boolean(b.pinned)) return a.pinned ? -1 : 1;
  const ta = Date.parse(a.created_at) || 0;
  const tb = Date.parse(b.created_at) || 0;
  return tb - ta || Number(b.id) - Number(a.id);
}

export const limitOf = (value) => (typeof value === "number" && value > 0 ? value : null);

// A small element builder. Text only ever goes in as text nodes or textContent.
const PROPERTIES = new Set(["value", "checked", "disabled", "hidden", "type", "maxLength", "rows"]);
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) node[key] = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// The server's clock, as far as this page can tell. Every logged event carries `sent_at` (the
// server's clock when it went out, replays included); network delay only makes the server look
// behind, so the largest of the recent differences is the best estimate.
export const clock = {
  offset: null,
  samples: [],
  observe(serverTime) {
    const at = Date.parse(serverTime);
    if (Number.isNaN(at)) return;
    this.samples.push(at - Date.now());
    if (this.samples.length > 20) this.samples.shift();
    this.offset = Math.max(...this.samples);
  },
  now() {
    return Date.now() + (this.offset ?? 0);
  },
};

const AMSTERDAM_TIME = new Intl.DateTimeFormat("nl-NL", {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "Europe/Amsterdam",
});

// "15:30" stays as it is; an ISO moment ("2026-12-14T14:30:00+00:00") becomes Amsterdam HH:MM.
export function wallClock(value) {
  if (!value) return "";
  if (/^\d{1,2}:\d{2}$/.test(value)) return value;
  const at = Date.parse(value);
  return Number.isNaN(at) ? String(value) : AMSTERDAM_TIME.format(at);
}

export function agendaTimes(item) {
  if (!item?.starts_at) return "";
  const start = wallClock(item.starts_at);
  return item.ends_at ? `${start}–${wallClock(item.ends_at)}` : start;
}

export function formatSeconds(total) {
  const s = Math.max(0, Math.ceil(total));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

// Shows a session timer ({running, ends_at, remaining}) as a ticking mm:ss.
// `box` is shown only while a timer is set; `display` gets the digits, `note` the words.
export class Countdown {
  constructor({ box, display, note, onChange }) {
    Object.assign(this, { box, display, note, onChange, timer: null, handle: 0 });
  }

  set(timer) {
    this.timer = timer ?? null;
    clearInterval(this.handle);
    this.handle = 0;
    if (this.timer?.running) this.handle = setInterval(() => this.tick(), 250);
    this.tick();
  }

  get state() {
    const timer = this.timer;
    if (timer?.running && timer.ends_at) return this.left() > 0 ? "running" : "done";
    if (timer && !timer.running && typeof timer.remaining === "number") return "paused";
    return "off";
  }

  left() {
    const timer = this.timer;
    if (timer?.running && timer.ends_at) return Math.max(0, (Date.parse(timer.ends_at) - clock.now()) / 1000);
    if (typeof timer?.remaining === "number") return Math.max(0, timer.remaining);
    return null;
  }

  tick() {
    const state = this.state;
    const left = this.left();
    this.box.hidden = state === "off";
    this.box.dataset.state = state;
    const text = left === null ? "" : formatSeconds(left);
    if (this.display.textContent !== text) this.display.textContent = text;
    if (this.note) {
      const words = { running: strings.timer_running, paused: strings.timer_paused, done: strings.timer_done }[state] ?? "";
      if (this.note.textContent !== words) this.note.textContent = words;
    }
    if (state === "done" && this.handle) {
      clearInterval(this.handle);
      this.handle = 0;
    }
    this.onChange?.(state, left);
  }
}

// A list of items keyed by id (one <li data-id> each). `render(item, body, li)` fills the item's
// body; each <li> also has a polite live region for errors about that item. Only items marked
// dirty are rebuilt, nodes move only when the order changed, and keyboard focus (and the caret
// in a textarea) is put back on the same control of the same item after a rebuild.
export class KeyedList {
  constructor(list, { render, itemClass = "" }) {
    Object.assign(this, { list, render, itemClass, nodes: new Map() });
  }

  sync(items, dirty = true) {
    const focus = rememberFocus(this.list);
    const wanted = [];
    const keep = new Set();
    for (const item of items) {
      const id = String(item.id);
      keep.add(id);
      let li = this.nodes.get(id);
      const created = !li;
      if (created) {
        li = h("li", { dataset: { id } }, h("div", { class: "item-body" }), h("p", { class: "item-error", "aria-live": "polite" }));
        this.nodes.set(id, li);
      }
      if (created || dirty === true || dirty.has(id)) {
        li.className = this.itemClass;
        const body = h("div", { class: "item-body" });
        this.render(item, body, li);
        li.firstElementChild.replaceWith(body);
      }
      wanted.push(li);
    }
    for (const [id, li] of this.nodes) {
      if (!keep.has(id)) {
        li.remove();
        this.nodes.delete(id);
      }
    }
    let cursor = this.list.firstElementChild;
    for (const li of wanted) {
      if (li === cursor) cursor = cursor.nextElementSibling;
      else this.list.insertBefore(li, cursor);
    }
    restoreFocus(this.list, focus);
  }

  error(id, text) {
    const li = this.nodes.get(String(id));
    if (li) li.lastElementChild.textContent = text ?? "";
  }

  clearErrors() {
    for (const li of this.nodes.values()) li.lastElementChild.textContent = "";
  }
}

function rememberFocus(container) {
  const active = document.activeElement;
  if (!active || active === container || !container.contains(active)) return null;
  return {
    active,
    id: active.closest("li[data-id]")?.dataset.id,
    action: active.dataset.action,
    start: active.selectionStart ?? null,
    end: active.selectionEnd ?? null,
  };
}

function restoreFocus(container, focus) {
  if (!focus || (focus.active.isConnected && document.activeElement === focus.active)) return;
  let target = focus.active.isConnected ? focus.active : null;
  if (!target && focus.id && focus.action) {
    target = container.querySelector(
      `li[data-id="${CSS.escape(focus.id)}"] [data-action="${CSS.escape(focus.action)}"]`,
    );
  }
  if (!target || target.disabled) return;
  target.focus({ preventScroll: true });
  if (focus.start !== null && typeof target.setSelectionRange === "function") {
    try {
      target.setSelectionRange(focus.start, focus.end);
    } catch {
      /* not a text control */
    }
  }
}

// Renders clusters ({label, idea_ids}) as <li><h3>label</h3><ul>texts</ul></li>; `ideas` is
// keyed by String(id), as on every page.
export function clusterItems(clusters, ideas, { heading = "h3" } = {}) {
  return clusters.map((cluster) =>
    h(
      "li",
      { dataset: { id: cluster.id } },
      h(heading, { text: cluster.label }),
      h(
        "ul",
        {},
        cluster.idea_ids
          .map((id) => ideas.get(String(id)))
          .filter(Boolean)
          .map((idea) => h("li", { text: idea.text })),
      ),
    ),
  );
}

// A ranked result as horizontal bars (phone and projector): rows of {label, votes}, most first.
// The bar is a <meter> (no inline style under the CSP); the count is said in words beside it.
export function rankingList(rows, limit) {
  const ranked = rows
    .filter((row) => (row.votes ?? 0) > 0)
    .sort((a, b) => b.votes - a.votes)
    .slice(0, limit);
  const most = ranked[0]?.votes ?? 1;
  return h(
    "ol",
    { class: "ranking" },
    ranked.map((row) =>
      h(
        "li",
        {},
        h("span", { class: "ranking-label", text: row.label }),
        h("meter", { class: "ranking-bar", min: 0, max: most, value: row.votes, "aria-hidden": "true" }),
        h("span", { class: "ranking-count", text: tn("votes", row.votes) }),
      ),
    ),
  );
}

// Coalesces many changes into one render shortly after the last event of a burst.
export function scheduler(run, delay = 16) {
  let handle = 0;
  return () => {
    if (!handle) {
      handle = setTimeout(() => {
        handle = 0;
        run();
      }, delay);
    }
  };
}

// Puts `nodes` in this order as `parent`'s first children, moving only those out of place (a
// moved node loses keyboard focus, and an open select closes).
export function placeInOrder(parent, nodes) {
  let cursor = parent.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(node, cursor);
  }
}

// ---------------------------------------------------------------- breakout groups (deelsessies)

// The phases a breakout group moves through (its host or the facilitator picks one).
export const GROUP_PHASES = ["input", "hidden_input", "review", "voting"];

// True when a timer ({running, ends_at, remaining}) is set, running or paused.
export const timerIsSet = (timer) => Boolean(timer && (timer.running || typeof timer.remaining === "number"));

// The label of the breakout group an idea came from, for the plenary board after the return.
export function groupTag(idea) {
  if (!idea?.group?.name) return null;
  return h(
    "span",
    { class: "tag tag-group" },
    h("span", { class: "visually-hidden", text: `${strings.from_group} ` }),
    idea.group.name,
  );
}

// "zojuist", "3 min geleden", "2 uur geleden" for an ISO moment, by the server's clock.
export function timeAgo(iso) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return strings.no_activity;
  const minutes = Math.max(0, Math.floor((clock.now() - at) / 60000));
  if (minutes < 1) return strings.just_now;
  if (minutes < 60) return t("minutes_ago", { n: minutes });
  return t("hours_ago", { n: Math.floor(minutes / 60) });
}

// A message from the facilitator to every screen ("nog 5 minuten"): `region` is an always
// present, empty element with aria-live="assertive"; the message goes in until dismissed (or,
// on a screen nobody clicks, for `hideAfterMs`). A newer message replaces the older.
export function announcer(region, { hideAfterMs = 0 } = {}) {
  let handle = 0;
  const dismiss = () => {
    clearTimeout(handle);
    region.replaceChildren();
  };
  return (text, sentAt) => {
    if (!text) return;
    const time = wallClock(sentAt);
    clearTimeout(handle);
    region.replaceChildren(
      h(
        "div",
        { class: "announcement-box" },
        h(
          "p",
          { class: "announcement-text" },
          h("strong", { text: time ? `${strings.announcement} (${time}):` : `${strings.announcement}:` }),
          " ",
          h("span", { text }),
        ),
        h("button", {
          type: "button",
          class: "secondary small announcement-close",
          text: strings.close,
          "aria-label": strings.close_announcement,
          onclick: dismiss,
        }),
      ),
    );
    if (hideAfterMs) handle = setTimeout(dismiss, hideAfterMs);
  };
}

// ---------------------------------------------------------------- clusters (themes)

export const clusterScope = (cluster) => cluster.scope ?? "plenary";

// The clusters after a clusters_updated: every cluster of its scope is replaced by the new ones,
// but a vote count that a newer cluster_votes event already brought stays. `fresh` is the
// connection's (connectSession). Returns the whole list and the scope's new clusters.
export function replaceScope(clusters, data, fresh) {
  const scope = data.scope ?? "plenary";
  const old = new Map(clusters.map((cluster) => [String(cluster.id), cluster]));
  const incoming = (data.clusters ?? []).map((cluster) => {
    const before = old.get(String(cluster.id));
    const stale = before && !fresh(`cluster-votes:${cluster.id}`, data.seq);
    return { ...cluster, scope, ...(stale ? { votes: before.votes } : {}) };
  });
  return { incoming, clusters: [...clusters.filter((cluster) => clusterScope(cluster) !== scope), ...incoming] };
}
