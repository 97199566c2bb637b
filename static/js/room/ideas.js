// Sending vraagstukken, and editing or withdrawing one's own while input is open. What is sent
// stays on this device (localStorage) until the server acknowledges it. Each submission gets its
// client_id once, when it is queued, and every resend (after a timeout, a lost connection, or a
// refusal whose reason has gone away) carries that same id: the server answers a client_id it
// already has with that idea, so an acknowledged idea is never lost and never doubled.
import { KeyedList, h, limitOf, strings, t, tn, uuid4 } from "../live.js";
import { $, inputOpen, live, maxLength, mustChoose, onConnection, state, store } from "./context.js";
import { actionButton, ideaChanged, ideaCommand, ideas, removeIdea, renderIdeasNow } from "./board.js";
import { clustersSoon } from "./themes.js";

const form = $("idea-form");
const textarea = $("idea-text");
const submitButton = $("idea-submit");
const charsLeft = $("idea-left");
const formError = $("idea-error");

const RETRY_MS = 5000;

// Submissions not yet acknowledged: [{client_id, text, code?, error?}], in order.
let pending = store.get("pending", []).filter((item) => item && item.client_id && item.text);
let flushing = false;
let retryHandle = 0;

// What waits to be sent or was refused, for the board's news of others' ideas.
export function pendingItems() {
  return pending;
}

onConnection(() => {
  renderPending();
  if (state.connected) flush();
});

// ---------------------------------------------------------------- sending vraagstukken

function savePending() {
  store.set(
    "pending",
    pending.map(({ client_id, text, code, error }) => ({ client_id, text, code, error })),
  );
}

export function saveMine() {
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
export function retryRefused(codes) {
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

export function startEdit(idea) {
  const others = [state.editing?.id, state.confirming].filter(Boolean);
  state.editing = { id: String(idea.id), text: idea.text };
  state.confirming = null;
  renderIdeasNow(new Set([String(idea.id), ...others]), { id: String(idea.id), action: "edit-text" });
}

export function cancelEdit(idea) {
  state.editing = null;
  renderIdeasNow(new Set([String(idea.id)]), { id: String(idea.id), action: "edit" });
}

export async function saveEdit(idea) {
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

export async function withdraw(idea) {
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

// ---------------------------------------------------------------- rendering

export const pendingList = new KeyedList($("pending"), { render: renderPendingItem, itemClass: "idea pending" });

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

export function renderPending() {
  pendingList.sync(pending.map((item) => ({ ...item, id: item.client_id })));
  $("pending-section").hidden = pending.length === 0;
  $("pending-count").textContent = pending.length;
}

export function renderForm() {
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
