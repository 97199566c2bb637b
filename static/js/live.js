// Shared by the live pages: one Socket.IO connection to a session, with the token and the
// last seq in `auth`, so a reconnect gets exactly what it missed (or a fresh snapshot).
/* global io */

export const strings = JSON.parse(document.getElementById("live-strings").textContent);

const ACK_TIMEOUT_MS = 10000;

export function connectSession({ token, onEvent, onStatus }) {
  let lastSeq = null;
  const socket = io({ auth: (cb) => cb({ token, last_seq: lastSeq }) });

  socket.on("connect", () => onStatus("online"));
  socket.on("disconnect", () => onStatus("offline"));
  socket.on("connect_error", (err) => {
    // The server refused the token: retrying will not help until the page is reloaded.
    onStatus(socket.active ? "offline" : "refused", err.message);
  });
  socket.onAny((name, data) => {
    if (name === "session_snapshot") {
      lastSeq = data.seq;
    } else if (typeof data?.seq === "number") {
      if (lastSeq !== null && data.seq <= lastSeq) return; // already seen (snapshot or replay)
      lastSeq = data.seq;
    }
    onEvent(name, data);
  });

  async function send(command, payload) {
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(command, payload);
    } catch {
      return { ok: false, code: "timeout", error: strings.no_answer };
    }
  }

  return { socket, send };
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

// The idea board both pages show: keyed by id, so a replayed or resent idea never doubles.
export class IdeaBoard {
  constructor(list, { empty, count, mine = new Set() }) {
    Object.assign(this, { list, empty, count, mine, ideas: new Map() });
  }

  reset(ideas) {
    this.ideas.clear();
    this.list.replaceChildren();
    ideas.forEach((idea) => this.add(idea));
    this.refresh();
  }

  add(idea) {
    if (this.ideas.has(idea.id)) return;
    this.ideas.set(idea.id, idea);
    const li = document.createElement("li");
    li.dataset.id = idea.id;
    li.textContent = idea.text;
    if (this.mine.has(idea.id)) li.classList.add("mine");
    this.list.prepend(li);
    this.refresh();
  }

  markMine(id) {
    this.mine.add(id);
    this.list.querySelector(`li[data-id="${id}"]`)?.classList.add("mine");
  }

  refresh() {
    this.empty.hidden = this.ideas.size > 0;
    this.count.textContent = this.ideas.size;
  }
}
