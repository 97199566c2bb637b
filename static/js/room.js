// The participant's page: submit vraagstukken (kept on the device until acked), see the board.
import { IdeaBoard, connectSession, showStatus, strings, uuid4 } from "./live.js";

const root = document.getElementById("live");
const sessionId = root.dataset.sessionId;
const maxLength = Number(root.dataset.maxLength);
const form = document.getElementById("idea-form");
const textarea = document.getElementById("idea-text");
const left = document.getElementById("idea-left");
const error = document.getElementById("idea-error");
const status = document.getElementById("status");

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
    localStorage.setItem(this.key(name), JSON.stringify(value));
  },
};

const board = new IdeaBoard(document.getElementById("ideas"), {
  empty: document.getElementById("no-ideas"),
  count: document.getElementById("idea-count"),
  mine: new Set(store.get("mine", [])),
});

let pending = store.get("pending", []); // [{client_id, text}] not yet acked by the server
let flushing = false;

const live = connectSession({
  token: root.dataset.token,
  onStatus: (state, detail) => {
    showStatus(status, state, detail);
    if (state === "online") flush();
  },
  onEvent: (name, data) => {
    if (name === "session_snapshot") {
      board.reset(data.ideas);
      renderClusters(data.clusters);
    } else if (name === "idea_added") {
      board.add(data);
    } else if (name === "clusters_updated") {
      renderClusters(data.clusters);
    }
  },
});

async function flush() {
  if (flushing) return;
  flushing = true;
  while (pending.length && live.socket.connected) {
    const item = pending[0];
    const ack = await live.send("submit_idea", item);
    if (ack.code === "timeout") break; // keep it; the next connect sends it again
    pending.shift();
    store.set("pending", pending);
    if (ack.ok) {
      board.markMine(ack.id);
      store.set("mine", [...board.mine]);
    } else {
      error.textContent = ack.error;
      if (!textarea.value) textarea.value = item.text;
    }
  }
  flushing = false;
}

function updateCounter() {
  left.textContent = maxLength - textarea.value.length;
  store.set("draft", textarea.value);
}

textarea.value = store.get("draft", "");
updateCounter();
textarea.addEventListener("input", () => {
  error.textContent = "";
  updateCounter();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = textarea.value.trim();
  if (!text) {
    error.textContent = strings.empty;
    textarea.focus();
    return;
  }
  pending.push({ client_id: uuid4(), text });
  store.set("pending", pending);
  textarea.value = "";
  updateCounter();
  if (!live.socket.connected) showStatus(status, "offline");
  flush();
});

function renderClusters(clusters) {
  const section = document.getElementById("clusters-section");
  const list = document.getElementById("clusters");
  section.hidden = clusters.length === 0;
  list.replaceChildren(
    ...clusters.map((cluster) => {
      const li = document.createElement("li");
      const h3 = document.createElement("h3");
      h3.textContent = cluster.label;
      const ul = document.createElement("ul");
      for (const id of cluster.idea_ids) {
        const idea = board.ideas.get(id);
        if (!idea) continue;
        const item = document.createElement("li");
        item.textContent = idea.text;
        ul.append(item);
      }
      li.append(h3, ul);
      return li;
    }),
  );
}
