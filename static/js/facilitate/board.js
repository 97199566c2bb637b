import { KeyedList, byBoardOrder, groupTag, h, scheduler, strings, t, tn } from "../live.js";
import { $, live, state, timeFormat } from "./context.js";
import { renderClustersSoon, renderWorkspaceSoon } from "./workspace.js";
import { groupCountsSoon, renderViewBanner } from "./groups.js";
import { renderBadges } from "./cockpit.js";

// ---------------------------------------------------------------- moderation

export async function ideaCommand(idea, name, payload) {
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

export function startMerge(idea) {
  state.mergeSource = String(idea.id);
  state.correcting = null;
  renderAllIdeas();
}

export function cancelMerge() {
  const source = state.mergeSource;
  state.mergeSource = null;
  renderAllIdeas();
  if (source) focusAction(source, "merge");
}

export async function mergeInto(target) {
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

export async function saveCorrection(idea) {
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

export const boardList = new KeyedList($("ideas"), { render: renderIdea, itemClass: "idea" });
export const pendingList = new KeyedList($("pending-ideas"), { render: renderIdea, itemClass: "idea is-pending" });
export const listFor = (idea) => (idea?.pending ? pendingList : boardList);
export const dirty = new Set();
export let allDirty = true;

export function ideaChanged(id) {
  dirty.add(String(id));
  renderSoon();
}

export function renderAllIdeas() {
  allDirty = true;
  renderIdeasNow();
}

export const renderSoon = scheduler(() => renderIdeasNow());

// Redraw these ideas at once (a control in them changed), then focus can move into them.
export function redraw(...ids) {
  for (const id of ids) if (id !== undefined && id !== null) dirty.add(String(id));
  renderIdeasNow();
}

export function renderIdeasNow() {
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
  renderBadges();
  groupCountsSoon();
  renderWorkspaceSoon();
}

export function focusAction(id, action) {
  document.querySelector(`li[data-id="${CSS.escape(id)}"] [data-action="${action}"]`)?.focus();
}

export function actionButton(action, text, onClick, { describedBy, cls = "secondary outline", pressed } = {}) {
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

export function renderIdea(idea, body, li) {
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

export function renderMergeBanner() {
  const banner = $("merge-banner");
  const source = state.mergeSource && state.ideas.get(state.mergeSource);
  const text = source ? t("merge_choose", { text: source.text }) : "";
  banner.hidden = !source;
  if ($("merge-text").textContent !== text) {
    $("merge-text").textContent = text;
    $("merge-live").textContent = text; // always in the page, so screen readers hear it
  }
}

