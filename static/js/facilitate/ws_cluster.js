import { groupTag, h, strings, t, tn } from "../live.js";
import { $, command, live, state } from "./context.js";
import {
  AUDIENCES,
  DEEPENING,
  PALETTE,
  clusterName,
  fitHeight,
  focusLater,
  lockIcon,
  onBoard,
  optionLabel,
  renderWorkspace,
  renderWorkspaceSoon,
  scopeData,
  ws,
} from "./workspace.js";

export async function moveIdea(board, ideaId, clusterId, viaKeyboard) {
  board.error.textContent = "";
  const ack = await command("move_idea", { idea_id: ideaId, cluster_id: clusterId }, (text) => {
    board.error.textContent = text;
  });
  ws.drafts.delete(`move:${ideaId}`);
  if (!ack.ok) {
    board.forceAll = true; // the drag moved it on this page only: draw the server's board again
    renderWorkspace();
    return;
  }
  if (viaKeyboard) focusLater(`move-${ideaId}`, clusterId === null ? "none" : clusterId);
  renderWorkspaceSoon();
}

// A command about one cluster: its column is marked busy until the answer (the server takes
// commands one after another, so a second click meanwhile is simply sent too).
export async function clusterCommand(board, cluster, name, payload) {
  const key = String(cluster.id);
  const mark = () => {
    // Only the attribute changes: no rebuild under the facilitator's pointer.
    const li = board.list.nodes.get(key);
    if (ws.busy.has(key)) li?.setAttribute("aria-busy", "true");
    else li?.removeAttribute("aria-busy");
  };
  board.list.error(cluster.id, "");
  ws.busy.set(key, (ws.busy.get(key) ?? 0) + 1);
  mark();
  const ack = await command(name, payload, (text) => board.list.error(cluster.id, text));
  if (ws.busy.get(key) > 1) ws.busy.set(key, ws.busy.get(key) - 1);
  else ws.busy.delete(key);
  mark();
  return ack;
}

export function disclosure(key, part, summary, className, ...content) {
  const id = `${key}:${part}`;
  return h(
    "details",
    {
      class: className,
      open: ws.open.has(id),
      ontoggle: (event) => {
        if (event.currentTarget.open) ws.open.add(id);
        else ws.open.delete(id);
      },
    },
    h("summary", { dataset: { action: `${part}-toggle` } }, summary),
    ...content,
  );
}

// One idea on the board, with its keyboard way to another cluster. A column is rebuilt when
// what it shows changes (a new member, a cluster's name); its ideas are kept and moved into
// the new column when they read the same, so a burst rebuilds a few nodes per column instead
// of every idea in it (122 000 nodes made in 8 s of a burst of 300, now 24 000).
export function ideaItem(board, idea, cluster, here) {
  const id = String(idea.id);
  const data = scopeData(board.scope);
  const isNew = Boolean(cluster?.new_idea_ids?.includes(idea.id));
  const manual = Boolean(cluster?.manual_idea_ids?.includes(idea.id));
  const outlier = (data.outliers ?? []).map(String).includes(id);
  const targets = board.clusters.flatMap((other, index) => (String(other.id) === here ? [] : [[String(other.id), optionLabel(other, index)]]));
  if (here !== "none") targets.push(["none", strings.ws_nowhere]);
  const key = JSON.stringify([idea.text, here, isNew, manual, outlier]);
  const kept = board.ideaNodes.get(id);
  if (kept?.key === key) {
    kept.fill(targets);
    return kept.li;
  }
  const textId = `ws-idea-${id}-text`;
  const draftKey = `move:${id}`;
  const go = h("button", {
    type: "button",
    class: "small ws-move-go",
    text: strings.ws_move,
    dataset: { action: `move-go-${id}` },
    "aria-describedby": textId,
    onclick: () => {
      const value = select.value;
      if (value) moveIdea(board, idea.id, value === "none" ? null : Number(value), true);
    },
  });
  const select = h("select", {
    class: "ws-move",
    id: `ws-move-${id}`,
    dataset: { action: `move-${id}` },
    "aria-label": strings.ws_move_label,
    "aria-describedby": textId,
    onchange: (event) => {
      ws.drafts.set(draftKey, event.target.value);
      go.hidden = !event.target.value;
      event.target.closest(".ws-idea")?.classList.toggle("has-choice", Boolean(event.target.value));
    },
  });
  let filled = null;
  const fill = (wanted) => {
    const signature = JSON.stringify(wanted);
    if (signature === filled) return;
    filled = signature;
    const options = wanted.map(([value, text]) => h("option", { value, text }));
    select.replaceChildren(h("option", { value: "", text: strings.ws_move_to }), ...options);
    const draft = ws.drafts.get(draftKey) ?? "";
    select.value = wanted.some(([value]) => value === draft) ? draft : "";
    go.hidden = !select.value;
    select.closest(".ws-idea")?.classList.toggle("has-choice", Boolean(select.value));
  };
  fill(targets);
  const tags = [
    isNew && h("span", { class: "tag ws-tag-new", text: strings.ws_new_tag }),
    outlier && h("span", { class: "tag ws-tag-outlier", text: strings.ws_outlier }),
    manual && h("span", { class: "tag ws-tag-manual", text: strings.ws_manual }),
  ].filter(Boolean);
  const classes = ["ws-idea", isNew && "is-new", outlier && "is-outlier", select.value && "has-choice"];
  const li = h(
    "li",
    { class: classes.filter(Boolean).join(" "), dataset: { idea: id } },
    h("p", { class: "ws-idea-text", id: textId, text: idea.text }),
    tags.length ? h("p", { class: "ws-idea-tags" }, tags) : null,
    h("div", { class: "ws-move-row" }, select, go),
  );
  board.ideaNodes.set(id, { key, li, fill });
  return li;
}

export function renderExtra(board, item, body, li) {
  const nowhere = item.id === "none";
  li.dataset.color = "none";
  const title = nowhere ? strings.ws_nowhere : strings.ws_unclustered;
  body.append(
    h("h4", { class: "ws-extra-title", text: `${title} (${item.ideas.length})` }),
    h("p", { class: "ws-extra-help", text: nowhere ? strings.ws_nowhere_help : strings.ws_unclustered_help }),
    board.ideaList(
      h(
        "ul",
        { class: "ws-ideas", dataset: { clusterId: item.id }, "aria-label": title },
        item.ideas.map((idea) => ideaItem(board, idea, null, item.id)),
      ),
      { put: nowhere },
    ),
  );
}

export function renderCluster(board, { cluster, index }, body, li) {
  const key = String(cluster.id);
  const number = index + 1;
  const name = clusterName(cluster, index);
  const last = board.clusters.length - 1;
  const members = cluster.idea_ids.map((id) => state.ideas.get(String(id))).filter(onBoard);
  li.dataset.color = String(index % PALETTE);
  li.classList.toggle("is-locked", Boolean(cluster.locked));
  if (ws.busy.has(key)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");
  const report = (text) => board.list.error(cluster.id, text);
  const run = (commandName, payload) => clusterCommand(board, cluster, commandName, payload);

  // Title, with the engine's suggestions.
  // A one-line textarea that grows, so a long title stays readable; Enter saves.
  const input = h("textarea", {
    name: "title",
    rows: 1,
    value: state.titleDrafts.get(key) ?? cluster.title ?? "",
    placeholder: cluster.label || strings.ws_title_placeholder,
    maxLength: 120,
    "aria-label": `${strings.title_for} ${number}`,
    dataset: { action: "title" },
    oninput: (event) => {
      const field = event.target;
      if (field.value.includes("\n")) field.value = field.value.replace(/\s*\n\s*/g, " ");
      state.titleDrafts.set(key, field.value);
      titleForm.classList.toggle("is-dirty", field.value.trim() !== (cluster.title ?? ""));
      fitHeight(field);
    },
    onkeydown: (event) => {
      if (event.key !== "Enter" || event.isComposing) return;
      event.preventDefault();
      titleForm.requestSubmit();
    },
  });
  const rename = async (title) => {
    const ack = await run("rename_cluster", { cluster_id: cluster.id, title });
    if (ack.ok) state.titleDrafts.delete(key);
  };
  // The label is the name already (the placeholder): only the other suggestions are a choice.
  const suggested = (cluster.suggested_titles ?? []).filter((title) => title && title !== cluster.title && title !== cluster.label);
  const titleForm = h(
    "form",
    {
      // "Opslaan" shows once the title differs from the saved one (Enter saves as well).
      class: `ws-title${input.value.trim() !== (cluster.title ?? "") ? " is-dirty" : ""}`,
      onsubmit: (event) => {
        event.preventDefault();
        rename(input.value);
      },
    },
    input,
    h("button", { type: "submit", class: "small", text: strings.save, dataset: { action: "title-save" } }),
  );
  const chips =
    !cluster.title && suggested.length
      ? h(
          "p",
          { class: "ws-suggest" },
          h("span", { class: "ws-suggest-label", text: strings.ws_suggested }),
          suggested.slice(0, 2).map((title, i) =>
            h("button", {
              type: "button",
              class: "ws-chip",
              text: title,
              title,
              dataset: { action: `suggest-${i}` },
              "aria-label": t("ws_use_title", { title }),
              onclick: () => rename(title),
            }),
          ),
        )
      : null;

  // Order and lock.
  const moveButton = (direction, text, edge) =>
    h("button", {
      type: "button",
      class: "small secondary outline ws-icon-button",
      text,
      "aria-label": `${direction === "up" ? strings.up : strings.down}: ${name}`,
      "aria-disabled": String(edge),
      dataset: { action: direction },
      onclick: () => {
        if (!edge) run("move_cluster", { cluster_id: cluster.id, direction });
      },
    });
  const lock = h(
    "button",
    {
      type: "button",
      class: `small ws-icon-button ws-lock${cluster.locked ? "" : " secondary outline"}`,
      "aria-pressed": String(Boolean(cluster.locked)),
      "aria-label": t("ws_lock_named", { name }),
      title: strings.ws_lock_help,
      dataset: { action: "lock" },
      onclick: () => run("lock_cluster", { cluster_id: cluster.id, locked: !cluster.locked }),
    },
    lockIcon(),
  );
  // Number and title on one line, counts and controls on the next: at 1366×768 the first
  // vraagstukken of every column show without scrolling.
  const head = h(
    "div",
    { class: "ws-cluster-head" },
    h("span", { class: "ws-handle", title: strings.ws_drag_cluster, "aria-hidden": "true", text: "⠿" }),
    h("span", { class: "ws-number", "aria-hidden": "true", text: String(number) }),
    titleForm,
  );

  const meta = h(
    "div",
    { class: "ws-meta" },
    cluster.locked && h("span", { class: "tag ws-tag-lock" }, lockIcon(), strings.ws_locked),
    h("span", { class: "tag", text: tn("ideas", members.length) }),
    // Its count and whether it shows are kept up to date in place (Board.render).
    h("span", { class: "tag tag-votes" }),
    cluster.origin?.name ? groupTag({ group: cluster.origin }) : null,
    h(
      "span",
      { class: "ws-controls" },
      moveButton("up", "↑", index === 0),
      moveButton("down", "↓", index === last),
      lock,
    ),
  );
  // One line; the whole list on hover and for screen readers.
  const termsText = cluster.terms?.join(" · ") ?? "";
  const terms = termsText
    ? h("p", { class: "ws-terms", title: termsText }, h("span", { class: "visually-hidden", text: `${strings.ws_terms}: ` }), termsText)
    : null;

  const ideas = board.ideaList(
    h(
      "ul",
      { class: "ws-ideas", dataset: { clusterId: key }, "aria-label": t("ws_ideas_in", { name }) },
      members.map((idea) => ideaItem(board, idea, cluster, key)),
    ),
  );

  const parts = [
    h("h4", { class: "visually-hidden", text: t("ws_cluster_heading", { n: number, name }) }),
    head,
    chips,
    meta,
    terms,
    members.length ? null : h("p", { class: "ws-drop-hint", text: strings.ws_drop_here }),
    ideas,
    deepening(board, cluster, key, run),
    more(board, cluster, key, members, run, report),
  ];
  body.append(...parts.filter(Boolean));
}

// "Verdieping": summary, underlying question, recommendation and for whom, saved together.
export function deepening(board, cluster, key, run) {
  const server = {
    summary: cluster.summary ?? "",
    question: cluster.question ?? "",
    recommendation: cluster.recommendation ?? "",
    audiences: [...(cluster.audiences ?? [])],
  };
  const draft = ws.deepenDrafts.get(key);
  const values = draft?.values ?? server;
  const edit = () => {
    if (!ws.deepenDrafts.has(key)) ws.deepenDrafts.set(key, { values: structuredClone(server), base: JSON.stringify(server) });
    ws.notes.delete(key);
    return ws.deepenDrafts.get(key).values;
  };
  const fields = DEEPENING.map((field) => {
    const id = `ws-${key}-${field}`;
    return h(
      "div",
      { class: "ws-field" },
      h("label", { for: id, text: strings[`ws_${field}`] }),
      h("textarea", {
        id,
        rows: 2,
        value: values[field],
        dataset: { action: `deepen-${field}` },
        oninput: (event) => {
          edit()[field] = event.target.value;
        },
      }),
    );
  });
  const audiences = h(
    "fieldset",
    { class: "ws-audiences" },
    h("legend", { text: strings.ws_audiences_legend }),
    AUDIENCES.map((audience) => {
      const id = `ws-${key}-for-${audience}`;
      return h(
        "label",
        { for: id },
        h("input", {
          type: "checkbox",
          id,
          checked: values.audiences.includes(audience),
          dataset: { action: `for-${audience}` },
          onchange: (event) => {
            const current = edit();
            const chosen = new Set(current.audiences);
            if (event.target.checked) chosen.add(audience);
            else chosen.delete(audience);
            current.audiences = AUDIENCES.filter((item) => chosen.has(item)); // a fixed order
          },
        }),
        ` ${strings.ws_audiences?.[audience] ?? audience}`,
      );
    }),
  );
  const changedElsewhere = draft && draft.base !== JSON.stringify(server);
  const filled = DEEPENING.some((field) => server[field].trim()) || server.audiences.length > 0;
  const note = draft ? strings.ws_unsaved : filled ? strings.ws_filled : "";
  const form = h(
    "form",
    {
      class: "ws-deepen-form",
      onsubmit: async (event) => {
        event.preventDefault();
        const current = ws.deepenDrafts.get(key)?.values ?? server;
        const ack = await run("update_deepening", { cluster_id: cluster.id, ...current });
        if (ack.ok) {
          ws.deepenDrafts.delete(key);
          ws.notes.set(key, strings.saved);
          board.forced.add(key);
          renderWorkspaceSoon();
        }
      },
    },
    fields,
    audiences,
    changedElsewhere ? h("p", { class: "ws-note-warn", text: strings.ws_changed_elsewhere }) : null,
    h(
      "div",
      { class: "ws-form-end" },
      h("button", { type: "submit", class: "small", text: strings.ws_save_deepening, dataset: { action: "deepen-save" } }),
      h("span", { class: "ws-saved", "aria-live": "polite", text: ws.notes.get(key) ?? "" }),
    ),
  );
  return disclosure(
    key,
    "deepen",
    [strings.ws_deepening, note ? h("span", { class: "ws-summary-note", text: ` · ${note}` }) : null],
    "ws-deepen",
    form,
  );
}

// Merge into another cluster, split, delete.
export function more(board, cluster, key, members, run, report) {
  const others = board.clusters.map((other, index) => [other, index]).filter(([other]) => other.id !== cluster.id);
  const mergeKey = `${key}:merge`;
  const mergeSelect = h(
    "select",
    {
      id: `ws-${key}-merge`,
      dataset: { action: "merge-choice" },
      onchange: (event) => ws.drafts.set(mergeKey, event.target.value),
    },
    h("option", { value: "", text: strings.ws_choose_cluster }),
    others.map(([other, index]) => h("option", { value: String(other.id), text: optionLabel(other, index) })),
  );
  const chosen = ws.drafts.get(mergeKey) ?? "";
  mergeSelect.value = others.some(([other]) => String(other.id) === chosen) ? chosen : "";
  const merge = h(
    "div",
    { class: "ws-row" },
    h("label", { for: mergeSelect.id, text: strings.ws_merge_with }),
    h(
      "div",
      { class: "inline-field" },
      mergeSelect,
      h("button", {
        type: "button",
        class: "small secondary",
        text: strings.ws_merge,
        dataset: { action: "merge" },
        "aria-disabled": String(others.length === 0),
        onclick: async () => {
          const into = Number(mergeSelect.value);
          if (!into) {
            report(strings.ws_choose_cluster_first);
            mergeSelect.focus();
            return;
          }
          const ack = await run("merge_clusters", { cluster_id: cluster.id, into_id: into });
          if (ack.ok) {
            ws.drafts.delete(mergeKey);
            focusLater("title", into);
          }
        },
      }),
    ),
  );

  const splitKey = `${key}:split`;
  const splitInput = h("input", {
    type: "number",
    id: `ws-${key}-split`,
    min: 2,
    max: 10,
    step: 1,
    inputmode: "numeric",
    placeholder: strings.ws_auto_short,
    value: ws.drafts.get(splitKey) ?? "",
    dataset: { action: "split-k" },
    oninput: (event) => ws.drafts.set(splitKey, event.target.value),
  });
  const split = h(
    "div",
    { class: "ws-row" },
    h("label", { for: splitInput.id, text: strings.ws_split_into }),
    h(
      "div",
      { class: "inline-field" },
      splitInput,
      h("button", {
        type: "button",
        class: "small secondary",
        text: strings.ws_split,
        dataset: { action: "split" },
        "aria-disabled": String(members.length < 2),
        onclick: async () => {
          if (members.length < 2) return report(strings.ws_split_needs_two);
          const raw = splitInput.value.trim();
          const payload = { cluster_id: cluster.id };
          if (raw) {
            const k = Number(raw);
            if (!Number.isInteger(k) || k < 2 || k > Math.min(10, members.length)) {
              report(t("ws_split_range", { max: Math.min(10, members.length) }));
              splitInput.focus();
              return;
            }
            payload.k = k;
          }
          const ack = await run("split_cluster", payload);
          if (ack.ok) ws.drafts.delete(splitKey);
        },
      }),
    ),
  );

  const remove = async () => {
    ws.confirmDelete = null;
    const ack = await run("delete_cluster", { cluster_id: cluster.id });
    if (!ack.ok) renderWorkspaceSoon();
  };
  const confirming = ws.confirmDelete === key;
  const deletion = confirming
    ? h(
        "div",
        { class: "ws-confirm", role: "group", "aria-label": strings.ws_delete },
        h("p", { text: tn("ws_delete_confirm", members.length) }),
        h("button", { type: "button", class: "small danger", text: strings.ws_delete_yes, dataset: { action: "delete-yes" }, onclick: remove }),
        h("button", {
          type: "button",
          class: "small secondary outline",
          text: strings.cancel,
          dataset: { action: "delete-no" },
          onclick: () => {
            ws.confirmDelete = null;
            renderWorkspace();
            focusLater("delete", key);
          },
        }),
      )
    : h("button", {
        type: "button",
        class: "small secondary outline ws-delete",
        text: strings.ws_delete,
        dataset: { action: "delete" },
        onclick: () => {
          if (members.length === 0) return remove();
          ws.confirmDelete = key; // ideas in it: ask once more
          renderWorkspace();
          focusLater("delete-yes", key);
        },
      });
  return disclosure(key, "more", strings.ws_more, "ws-more", merge, split, h("div", { class: "ws-row" }, deletion));
}

