// The board: every idea this page may see, in board order, with one's own marked and their
// edit and withdraw buttons, the votes on ideas, and new ideas of others told to screen readers.
import { KeyedList, byBoardOrder, groupTag, h, scheduler, strings, tn } from "../live.js";
import { $, inputOpen, live, maxLength, state, voting } from "./context.js";
import { cancelEdit, pendingItems, pendingList, saveEdit, saveMine, startEdit, withdraw } from "./ideas.js";
import { renderAll, renderPhase } from "./phase.js";
import { clustersSoon } from "./themes.js";

export const ideas = new KeyedList($("ideas"), { render: renderIdea, itemClass: "idea" });
const dirty = new Set();
let allDirty = true;

// Every idea is drawn again on the next render: a change that touches them all (the phase, the
// groups, a vote budget).
export function markAllDirty() {
  allDirty = true;
}

export function ideaChanged(id) {
  dirty.add(String(id));
  renderSoon();
}

const renderSoon = scheduler(() => renderIdeasNow());

export function renderIdeasNow(extra, focusAfter) {
  const marked = allDirty ? true : new Set([...dirty, ...(extra ?? [])]);
  allDirty = false;
  dirty.clear();
  ideas.sync([...state.ideas.values()].sort(byBoardOrder), marked);
  $("idea-count").textContent = state.ideas.size;
  $("no-ideas").hidden = state.ideas.size > 0;
  if (focusAfter) {
    $("ideas")
      .querySelector(`li[data-id="${CSS.escape(focusAfter.id)}"] [data-action="${focusAfter.action}"]`)
      ?.focus();
  }
}

export function upsert(idea, seq) {
  const id = String(idea.id);
  if (idea.hidden) {
    removeIdea({ id, reason: "hidden" });
    return;
  }
  const old = state.ideas.get(id);
  // votes_changed may already have brought a newer count than this copy of the idea.
  if (old && !live.fresh(`votes:${id}`, seq)) idea = { ...idea, votes: old.votes };
  state.ideas.set(id, idea);
  ideaChanged(id);
  if (!old || old.text !== idea.text) clustersSoon();
}

export function removeIdea({ id, reason, into }) {
  id = String(id);
  if (reason === "merged" && into !== undefined && into !== null) {
    // My votes went along to the idea it was merged into (once, unless stacking is on).
    const mineHere = state.myVotes.get(id) ?? 0;
    if (mineHere) {
      const target = String(into);
      const there = state.myVotes.get(target) ?? 0;
      if (state.settings.vote_stacking) state.myVotes.set(target, there + mineHere);
      else {
        // Without stacking a vote on both counts once; the other comes back to spend again.
        state.myVotes.set(target, Math.max(there, mineHere));
        if (there && state.votesLeft !== null) state.votesLeft += Math.min(there, mineHere);
        renderPhase();
      }
      ideaChanged(target);
    }
  }
  state.myVotes.delete(id);
  if (reason === "withdrawn" && state.mine.delete(id)) saveMine();
  if (state.editing?.id === id) state.editing = null;
  if (state.confirming === id) state.confirming = null;
  if (state.ideas.delete(id)) {
    renderSoon();
    clustersSoon();
  }
}

export function setVotes(ideaId, votes) {
  const id = String(ideaId);
  const idea = state.ideas.get(id);
  if (!idea || typeof votes !== "number") return;
  state.ideas.set(id, { ...idea, votes });
  ideaChanged(id);
}

// New vraagstukken of others, said politely to screen readers (the board itself is not a live
// region: every vote and reorder would be read out). Arrivals within a second make one line.
const IDEA_NEWS_MS = 1000;
let arrivals = [];
let arrivalsHandle = 0;
export function ideaArrived(id) {
  arrivals.push(id);
  if (!arrivalsHandle) arrivalsHandle = setTimeout(tellArrivals, IDEA_NEWS_MS);
}

function tellArrivals() {
  arrivalsHandle = 0;
  // My own idea is not news to me: by now its ack has marked it mine (or it is still sending).
  const sending = new Set(pendingItems().map((item) => item.text.trim()));
  const news = arrivals
    .map((id) => state.ideas.get(id))
    .filter((idea) => idea && !state.mine.has(String(idea.id)) && !sending.has(idea.text.trim()));
  arrivals = [];
  if (!news.length) return;
  const region = $("ideas-news");
  region.textContent = "";
  setTimeout(() => {
    region.textContent = tn("idea_news", news.length, { text: news[news.length - 1].text });
  }, 100);
}

// A command on one idea (edit, withdraw, vote): busy until its ack, a refusal said on the idea.
export async function ideaCommand(idea, command, payload) {
  const id = String(idea.id);
  state.busy.add(id);
  ideas.error(id, "");
  renderIdeasNow(new Set([id]));
  const ack = await live.send(command, payload);
  state.busy.delete(id);
  if (!ack.ok) ideas.error(id, ack.error);
  return ack;
}

// ---------------------------------------------------------------- voting

function applyMyVotes(ideaId, votes) {
  if (!votes || typeof votes !== "object") return;
  for (const [id, n] of Object.entries(votes)) state.myVotes.set(String(id), Number(n) || 0);
  // A map that leaves out the idea just voted on means none are left on it.
  if (!(String(ideaId) in votes)) state.myVotes.set(String(ideaId), 0);
}

async function castVote(idea, command) {
  const ack = await ideaCommand(idea, command, { idea_id: idea.id });
  if (ack.ok) {
    if (typeof ack.votes_left === "number") state.votesLeft = ack.votes_left;
    applyMyVotes(idea.id, ack.votes);
    renderAll();
    keepVoteFocus(String(idea.id), command);
  } else renderIdeasNow(new Set([String(idea.id)]));
}

// With one vote per idea, "Stem" turns into "Stem terugnemen" and back: the button pressed is
// gone, so a keyboard user's focus goes to its twin instead of falling back to the page.
function keepVoteFocus(id, command) {
  const active = document.activeElement;
  if (active && active !== document.body) return;
  const li = $("ideas").querySelector(`li[data-id="${CSS.escape(id)}"]`);
  const order = command === "vote" ? ["vote", "unvote"] : ["unvote", "vote"];
  for (const action of order) {
    const button = li?.querySelector(`[data-action="${action}"]`);
    if (button) {
      button.focus();
      return;
    }
  }
}

// ---------------------------------------------------------------- rendering

// Buttons stay focusable while busy or unavailable (aria-disabled), so a keyboard user keeps
// their place when the item is redrawn; a click on an unavailable one explains why.
export function actionButton(action, text, onClick, { describedBy, unavailable = null, cls = "secondary outline", list = null } = {}) {
  return h("button", {
    type: "button",
    class: `small ${cls}`,
    text,
    dataset: { action },
    "aria-describedby": describedBy,
    "aria-disabled": unavailable ? "true" : null,
    onclick: (event) => {
      const li = event.currentTarget.closest("li[data-id]");
      // A theme's button names its list; an idea's is on the board or among the pending.
      const owner = list ?? (li?.closest("#ideas") ? ideas : pendingList);
      if (unavailable) {
        if (li) owner.error(li.dataset.id, unavailable);
        return;
      }
      if (!list && li && state.busy.has(li.dataset.id)) return; // an idea waits for its ack
      onClick();
    },
  });
}

function renderIdea(idea, body, li) {
  const id = String(idea.id);
  const mine = state.mine.has(id);
  const textId = `idea-${id}-text`;
  li.classList.toggle("mine", mine);
  li.classList.toggle("pinned", Boolean(idea.pinned));
  if (state.busy.has(id)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");

  if (state.editing?.id === id) {
    const editId = `idea-${id}-edit`;
    body.append(
      h(
        "form",
        {
          class: "edit-form",
          onsubmit: (event) => {
            event.preventDefault();
            saveEdit(idea);
          },
        },
        h("label", { for: editId, text: strings.edit_label }),
        h("textarea", {
          id: editId,
          rows: 3,
          maxLength,
          value: state.editing.text,
          dataset: { action: "edit-text" },
          oninput: (event) => {
            if (state.editing) state.editing.text = event.target.value;
          },
        }),
        h(
          "div",
          { class: "idea-actions" },
          h("button", { type: "submit", class: "small", text: strings.save, dataset: { action: "edit-save" } }),
          actionButton("edit-cancel", strings.cancel, () => cancelEdit(idea)),
        ),
      ),
    );
  } else {
    body.append(h("p", { class: "idea-text", id: textId, text: idea.text }));
  }

  // votes: null while voting is blind; a count only once it is known.
  const showVotes = typeof idea.votes === "number" && (voting() || state.phase === "closed" || idea.votes > 0);
  const tags = [
    idea.pinned && h("span", { class: "tag tag-pin", text: strings.pinned }),
    mine && h("span", { class: "tag tag-mine", text: strings.you }),
    idea.pending && h("span", { class: "tag tag-wait", text: strings.awaiting_approval }),
    showVotes && h("span", { class: "tag tag-votes", text: tn("votes", idea.votes) }),
    !state.apart && groupTag(idea), // back in the plenary: where each idea came from
  ].filter(Boolean);
  if (tags.length) body.append(h("p", { class: "idea-tags" }, tags));

  const actions = [];
  if (mine && inputOpen() && state.editing?.id !== id) {
    if (state.confirming === id) {
      actions.push(
        actionButton("withdraw", strings.withdraw_confirm, () => withdraw(idea), { describedBy: textId, cls: "danger" }),
        actionButton("withdraw-cancel", strings.keep, () => {
          state.confirming = null;
          renderIdeasNow(new Set([id]), { id, action: "withdraw" });
        }),
      );
    } else {
      actions.push(
        actionButton("edit", strings.edit, () => startEdit(idea), { describedBy: textId }),
        actionButton("withdraw", strings.withdraw, () => withdraw(idea), { describedBy: textId }),
      );
    }
  }
  if (voting()) actions.push(voteControls(idea, textId));
  if (actions.length) body.append(h("div", { class: "idea-actions" }, actions));
}

function voteControls(idea, textId) {
  const id = String(idea.id);
  const n = state.myVotes.get(id) ?? 0;
  const stacking = Boolean(state.settings.vote_stacking);
  const outOfVotes = state.votesLeft !== null && state.votesLeft <= 0;
  const parts = [];
  if (n > 0) {
    parts.push(h("span", { class: "my-votes", text: stacking ? tn("my_votes", n) : strings.voted }));
    parts.push(actionButton("unvote", strings.unvote, () => castVote(idea, "unvote"), { describedBy: textId }));
  }
  if (stacking || n === 0) {
    parts.push(
      actionButton("vote", n > 0 ? strings.vote_more : strings.vote, () => castVote(idea, "vote"), {
        describedBy: textId,
        unavailable: outOfVotes ? strings.votes_none_left : null,
        cls: "vote",
      }),
    );
  }
  return h("div", { class: "vote-controls" }, parts);
}
