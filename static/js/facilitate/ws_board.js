import { KeyedList, h, strings, t, tn } from "../live.js";
import Sortable from "../../vendor/sortablejs-1.15.7/sortable.esm.js";
import { $, command, live, state } from "./context.js";
import {
  MAP_H,
  MAP_W,
  PALETTE,
  clusterName,
  clustersOf,
  dragEnded,
  dragStarted,
  onBoard,
  optionLabel,
  renderWorkspace,
  scopeData,
  scopeIdeas,
  scopeName,
  short,
  svg,
  votesShown,
  ws,
} from "./workspace.js";
import { moveIdea, renderCluster, renderExtra } from "./ws_cluster.js";

// One scope's board: its heading and actions, suggestions, the columns, "Past nergens" and the
// ideas not clustered yet, and the map. Built once; render() updates what changed.
export class Board {
  constructor(scope) {
    this.scope = scope;
    this.slug = scope.replace(/[^a-z0-9]+/gi, "-");
    this.clusters = [];
    this.signatures = new Map();
    this.forced = new Set();
    this.forceAll = false;
    this.sortables = new Set();
    this.ideaNodes = new Map(); // idea id -> its item, kept across rebuilds (ideaItem)
    const headingId = `ws-${this.slug}-heading`;
    this.heading = h("h3", { id: headingId, class: "ws-board-title" });
    this.error = h("p", { class: "ack-error ws-board-error", "aria-live": "polite" });
    this.newTitle = h("input", {
      type: "text",
      id: `ws-${this.slug}-new`,
      maxLength: 120,
      autocomplete: "off",
      placeholder: strings.ws_new_placeholder,
      "aria-label": strings.ws_new_label,
    });
    this.byVotes = h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.ws_by_votes,
      onclick: () => this.orderByVotes(),
    });
    this.empty = h("p", { class: "ws-empty", text: strings.ws_empty });
    this.suggestions = h("div", { class: "ws-suggestions", hidden: true });
    this.columns = h("ol", {
      class: "ws-clusters",
      id: scope === "plenary" ? "clusters" : `clusters-${this.slug}`,
      "aria-labelledby": headingId,
    });
    this.extras = h("ul", { class: "ws-extras", "aria-label": strings.ws_extras });
    this.list = new KeyedList(this.columns, {
      render: (item, body, li) => renderCluster(this, item, body, li),
      itemClass: "ws-cluster",
    });
    this.extraList = new KeyedList(this.extras, {
      render: (item, body, li) => renderExtra(this, item, body, li),
      itemClass: "ws-cluster ws-extra",
    });
    this.mapBox = h("div", { class: "ws-map-box" });
    this.mapCaption = h("p", { class: "ws-map-caption", "aria-live": "polite" });
    this.legend = h("ul", { class: "ws-legend", "aria-label": strings.ws_legend });
    this.mapDetails = h(
      "details",
      { class: "ws-map", ontoggle: () => this.renderMap() },
      h("summary", { text: strings.ws_map }),
      h("p", { class: "ws-map-help", text: strings.ws_map_help }),
      this.mapBox,
      this.mapCaption,
      this.legend,
    );
    this.section = h(
      "section",
      { class: "ws-board", dataset: { scope }, "aria-labelledby": headingId },
      h(
        "div",
        { class: "ws-board-head" },
        this.heading,
        h(
          "div",
          { class: "ws-board-actions" },
          h(
            "form",
            {
              class: "ws-new inline-field",
              onsubmit: (event) => {
                event.preventDefault();
                this.create();
              },
            },
            this.newTitle,
            h("button", { type: "submit", class: "small secondary outline", text: strings.ws_new }),
          ),
          this.byVotes,
        ),
      ),
      this.error,
      this.empty,
      this.suggestions,
      this.columns,
      this.extras,
      this.mapDetails,
    );
    // Clusters are reordered by their grip (⠿); ↑ and ↓ do the same from the keyboard.
    this.columnsSortable = Sortable.create(this.columns, {
      group: `clusters-${this.slug}`,
      handle: ".ws-handle",
      draggable: ".ws-cluster",
      forceFallback: true,
      fallbackTolerance: 3,
      animation: 150,
      ghostClass: "ws-ghost",
      chosenClass: "ws-chosen",
      onStart: dragStarted,
      onEnd: (event) => this.clusterDropped(event),
    });
  }

  destroy() {
    for (const sortable of this.sortables) sortable.destroy();
    this.sortables.clear();
    this.columnsSortable?.destroy();
    this.section.remove();
  }

  // The idea lists of all columns share one group: an idea goes from any list to any other.
  ideaList(list, { put = true } = {}) {
    this.sortables.add(
      Sortable.create(list, {
        group: { name: `ideas-${this.slug}`, pull: true, put },
        sort: false, // within a cluster the ideas keep their order
        forceFallback: true, // pointer events, not HTML5 drag and drop: the same in every browser
        fallbackTolerance: 3,
        animation: 150,
        draggable: ".ws-idea",
        filter: "select, button, input, textarea, option",
        preventOnFilter: false,
        emptyInsertThreshold: 28,
        ghostClass: "ws-ghost",
        chosenClass: "ws-chosen",
        dragClass: "ws-dragging",
        onStart: dragStarted,
        onEnd: (event) => this.ideaDropped(event),
      }),
    );
    return list;
  }

  ideaDropped(event) {
    dragEnded();
    const from = event.from.dataset.clusterId;
    const to = event.to.dataset.clusterId;
    if (from === to) return;
    moveIdea(this, Number(event.item.dataset.idea), to === "none" ? null : Number(to), false);
  }

  async clusterDropped(event) {
    dragEnded();
    if (event.oldIndex === event.newIndex) return;
    const ids = [...this.columns.children].map((li) => Number(li.dataset.id));
    this.error.textContent = "";
    const ack = await command("reorder_clusters", { cluster_ids: ids }, (text) => {
      this.error.textContent = text;
    });
    if (!ack.ok) renderWorkspace(); // back to the server's order
  }

  async create() {
    const title = this.newTitle.value.trim();
    this.error.textContent = "";
    if (!title) {
      this.error.textContent = strings.ws_new_needs_title;
      this.newTitle.focus();
      return;
    }
    const ack = await command("create_cluster", { title, scope: this.scope }, (text) => {
      this.error.textContent = text;
    });
    if (ack.ok) this.newTitle.value = "";
  }

  async orderByVotes() {
    this.error.textContent = "";
    await command("order_clusters_by_votes", { scope: this.scope }, (text) => {
      this.error.textContent = text;
    });
  }

  render(force) {
    const scope = this.scope;
    const heading = state.apart ? t("ws_board_of", { name: scopeName(scope) }) : strings.ws_board;
    if (this.heading.textContent !== heading) this.heading.textContent = heading;
    this.heading.classList.toggle("visually-hidden", !state.apart);
    const clusters = clustersOf(scope);
    this.clusters = clusters;
    const data = scopeData(scope);
    const outliers = new Set((data.outliers ?? []).map(String));
    const all = force || this.forceAll;
    this.forceAll = false;

    // Every select lists the scope's clusters: a new name or order redraws every column.
    const shared = JSON.stringify([clusters.map((cluster, index) => optionLabel(cluster, index)), votesShown()]);
    const memberKey = (id) => {
      const idea = state.ideas.get(String(id));
      return onBoard(idea) ? [idea.id, idea.text, outliers.has(String(id))] : null;
    };
    const items = clusters.map((cluster, index) => ({ id: cluster.id, cluster, index }));
    const dirty = new Set();
    const seen = new Set();
    for (const { cluster, index } of items) {
      const key = String(cluster.id);
      seen.add(key);
      // A vote changes one number: it is written in place below, not by rebuilding the column
      // (300 phones voting rebuilt every column several times a second).
      const { votes: _votes, ...drawn } = cluster;
      const signature = JSON.stringify([
        shared,
        drawn,
        index,
        cluster.idea_ids.map(memberKey),
        ws.confirmDelete === key,
        ws.notes.get(key) ?? "",
      ]);
      if (all || this.forced.has(key) || this.signatures.get(key) !== signature) dirty.add(key);
      this.signatures.set(key, signature);
    }
    for (const key of this.signatures.keys()) if (!seen.has(key)) this.signatures.delete(key);
    this.forced.clear();
    this.list.sync(items, dirty);
    for (const { cluster } of items) {
      const tag = this.list.nodes.get(String(cluster.id))?.querySelector(".tag-votes");
      if (!tag) continue;
      const text = tn("votes", cluster.votes ?? 0);
      if (tag.textContent !== text) tag.textContent = text;
      tag.hidden = !votesShown() && !(cluster.votes ?? 0);
    }

    // "Past nergens" (by hand) and the ideas no run has placed yet.
    const placed = new Set(clusters.flatMap((cluster) => cluster.idea_ids.map(String)));
    const nowhere = new Set((data.unassigned ?? []).map(String));
    const ideas = scopeIdeas(scope).sort((a, b) => Number(a.id) - Number(b.id));
    const extras = [];
    if (clusters.length) {
      extras.push({ id: "none", ideas: ideas.filter((idea) => nowhere.has(String(idea.id)) && !placed.has(String(idea.id))) });
      const waiting = ideas.filter((idea) => !placed.has(String(idea.id)) && !nowhere.has(String(idea.id)));
      if (waiting.length) extras.push({ id: "new", ideas: waiting });
    }
    const extraDirty = new Set();
    for (const item of extras) {
      const signature = JSON.stringify([shared, item.ideas.map((idea) => memberKey(idea.id))]);
      if (all || this.signatures.get(`extra:${item.id}`) !== signature) extraDirty.add(item.id);
      this.signatures.set(`extra:${item.id}`, signature);
    }
    this.extraList.sync(extras, extraDirty);
    this.extras.hidden = extras.length === 0;

    this.empty.hidden = clusters.length > 0;
    this.byVotes.hidden = clusters.length < 2;
    this.renderSuggestions();
    this.renderMap();
    for (const [id, kept] of this.ideaNodes) if (!kept.li.isConnected) this.ideaNodes.delete(id);
    // Lists that were rebuilt leave their old SortableJS behind.
    for (const sortable of this.sortables) {
      if (!sortable.el.isConnected) {
        sortable.destroy();
        this.sortables.delete(sortable);
      }
    }
  }

  // "Lijkt op elkaar" (two ideas) and "Samenvoegen?" (two clusters of different groups).
  renderSuggestions() {
    const data = scopeData(this.scope);
    const rows = [];
    for (const [a, b] of data.duplicates ?? []) {
      const key = `dup:${Math.min(a, b)}:${Math.max(a, b)}`;
      const first = state.ideas.get(String(a));
      const second = state.ideas.get(String(b));
      if (!ws.dismissed.has(key) && onBoard(first) && onBoard(second)) rows.push({ key, kind: "dup", first, second });
    }
    for (const [a, b, score] of data.merge_suggestions ?? []) {
      const key = `merge:${a}:${b}`;
      const one = this.clusters.find((cluster) => cluster.id === a);
      const two = this.clusters.find((cluster) => cluster.id === b);
      if (!ws.dismissed.has(key) && one && two) rows.push({ key, kind: "merge", one, two, score });
    }
    const signature = JSON.stringify(
      rows.map((row) =>
        row.kind === "dup"
          ? [row.key, row.first.text, row.second.text, row.first.votes, row.second.votes]
          : [row.key, row.one.label, row.two.label, row.one.origin, row.two.origin, row.score],
      ),
    );
    if (signature === this.suggestionsKey) return;
    this.suggestionsKey = signature;
    const active = document.activeElement;
    const focused = this.suggestions.contains(active) ? [active.closest("li")?.dataset.key, active.dataset.action] : null;
    const list = h("ul", { class: "ws-suggestion-list" }, rows.map((row) => this.suggestionRow(row)));
    this.suggestions.replaceChildren(h("h4", { text: strings.ws_suggestions }), list);
    this.suggestions.hidden = rows.length === 0;
    if (focused) {
      const selector = `li[data-key="${CSS.escape(focused[0] ?? "")}"] [data-action="${CSS.escape(focused[1] ?? "")}"]`;
      (list.querySelector(selector) ?? list.querySelector("button") ?? this.columns)?.focus?.();
    }
  }

  suggestionRow(row) {
    const dismiss = h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.ws_dismiss,
      dataset: { action: "dismiss" },
      onclick: () => {
        ws.dismissed.add(row.key);
        this.renderSuggestions();
      },
    });
    const report = (text) => {
      this.error.textContent = text;
    };
    if (row.kind === "dup") {
      // The one with more votes stays, else the older.
      const [keep, merge] =
        (row.second.votes ?? 0) > (row.first.votes ?? 0) ||
        ((row.second.votes ?? 0) === (row.first.votes ?? 0) && Number(row.second.id) < Number(row.first.id))
          ? [row.second, row.first]
          : [row.first, row.second];
      const pair = t("ws_pair", { a: short(row.first.text, 80), b: short(row.second.text, 80) });
      return h(
        "li",
        { dataset: { key: row.key } },
        h("span", { class: "tag ws-tag-dup", text: strings.ws_duplicates }),
        h("span", { class: "ws-suggestion-text", text: pair }),
        h(
          "span",
          { class: "ws-suggestion-actions" },
          h("button", {
            type: "button",
            class: "small",
            text: strings.ws_merge_ideas,
            dataset: { action: "merge" },
            "aria-label": `${strings.ws_merge_ideas}: ${pair}`,
            onclick: async () => {
              this.error.textContent = "";
              await command("merge_ideas", { keep_id: keep.id, merge_id: merge.id }, report);
            },
          }),
          dismiss,
        ),
      );
    }
    // Of two clusters, the one with a title (or a lock) is kept.
    const weight = (cluster) => (cluster.locked ? 2 : 0) + (cluster.title ? 1 : 0);
    const [into, gone] = weight(row.two) > weight(row.one) ? [row.two, row.one] : [row.one, row.two];
    const name = (cluster) => {
      const label = `„${short(clusterName(cluster, this.clusters.indexOf(cluster)), 60)}”`;
      return cluster.origin?.name ? `${label} (${cluster.origin.name})` : label;
    };
    const text = t("ws_pair_clusters", { a: name(row.one), b: name(row.two) });
    const score = typeof row.score === "number" ? ` · ${t("ws_similar", { n: Math.round(row.score * 100) })}` : "";
    return h(
      "li",
      { dataset: { key: row.key } },
      h("span", { class: "tag ws-tag-merge", text: strings.ws_merge_question }),
      h("span", { class: "ws-suggestion-text", text: `${text}${score}` }),
      h(
        "span",
        { class: "ws-suggestion-actions" },
        h("button", {
          type: "button",
          class: "small",
          text: strings.ws_merge,
          dataset: { action: "merge" },
          "aria-label": `${strings.ws_merge}: ${text}`,
          onclick: async () => {
            this.error.textContent = "";
            await command("merge_clusters", { cluster_id: gone.id, into_id: into.id }, report);
          },
        }),
        dismiss,
      ),
    );
  }

  // The map: every idea at its coordinates (or near its cluster's middle), coloured by cluster.
  renderMap() {
    if (!this.mapDetails.open) return;
    const coords = scopeData(this.scope).coords ?? {};
    const clusters = this.clusters;
    const outliers = new Set((scopeData(this.scope).outliers ?? []).map(String));
    const indexOf = new Map();
    clusters.forEach((cluster, index) => {
      for (const id of cluster.idea_ids) indexOf.set(String(id), index);
    });
    const ideas = scopeIdeas(this.scope).sort((a, b) => Number(a.id) - Number(b.id));
    const valid = (point) => Array.isArray(point) && point.length >= 2 && point.every(Number.isFinite);
    const sums = clusters.map(() => [0, 0, 0]);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const idea of ideas) {
      const point = coords[idea.id];
      if (!valid(point)) continue;
      [minX, maxX, minY, maxY] = [Math.min(minX, point[0]), Math.max(maxX, point[0]), Math.min(minY, point[1]), Math.max(maxY, point[1])];
      const index = indexOf.get(String(idea.id));
      if (index !== undefined) {
        sums[index][0] += point[0];
        sums[index][1] += point[1];
        sums[index][2] += 1;
      }
    }
    const spread = Math.max(maxX - minX, maxY - minY, 0.01) * 0.035;
    const points = [];
    for (const idea of ideas) {
      const id = String(idea.id);
      const index = indexOf.get(id);
      let point = coords[id];
      let estimated = false;
      if (!valid(point)) {
        if (index === undefined || !sums[index][2]) continue;
        const [sx, sy, n] = sums[index];
        const angle = (Number(idea.id) * 2.39996) % (2 * Math.PI); // the golden angle: no overlap
        point = [sx / n + Math.cos(angle) * spread, sy / n + Math.sin(angle) * spread];
        estimated = true;
      }
      points.push({ idea, index, point, estimated });
    }
    const labels = clusters.map((cluster, index) => optionLabel(cluster, index));
    const signature = JSON.stringify([labels, points.map((p) => [p.idea.id, p.idea.text, p.index, p.point, outliers.has(String(p.idea.id))])]);
    if (signature === this.mapKey) return;
    this.mapKey = signature;
    if (!points.length) {
      this.mapBox.replaceChildren(h("p", { class: "ws-map-empty", text: strings.ws_map_empty }));
      this.legend.replaceChildren();
      this.mapCaption.textContent = "";
      return;
    }
    for (const { point } of points) {
      [minX, maxX, minY, maxY] = [Math.min(minX, point[0]), Math.max(maxX, point[0]), Math.min(minY, point[1]), Math.max(maxY, point[1])];
    }
    const pad = 24;
    const scale = (value, min, max, size) => pad + ((value - min) / (max - min || 1)) * (size - 2 * pad);
    const focusedIdea = this.mapBox.contains(document.activeElement) ? document.activeElement.dataset.idea : null;
    const chart = svg("svg", {
      viewBox: `0 0 ${MAP_W} ${MAP_H}`,
      class: "ws-map-svg",
      "aria-label": strings.ws_map_label,
    });
    chart.append(svg("rect", { x: 0, y: 0, width: MAP_W, height: MAP_H, class: "ws-map-bg", rx: 8 }));
    for (const { idea, index, point, estimated } of points) {
      const label = index === undefined ? strings.ws_not_in_cluster : labels[index];
      const name = `${idea.text} — ${label}`;
      const classes = ["ws-point"];
      if (estimated) classes.push("is-estimated");
      if (outliers.has(String(idea.id))) classes.push("is-outlier");
      const dot = svg("circle", {
        cx: scale(point[0], minX, maxX, MAP_W).toFixed(1),
        cy: scale(point[1], minY, maxY, MAP_H).toFixed(1),
        r: 9,
        class: classes.join(" "),
        "data-color": index === undefined ? "none" : index % PALETTE,
        "data-idea": idea.id,
        tabindex: 0,
        role: "button",
        "aria-label": name,
      });
      dot.append(svg("title", {}, name));
      const show = () => {
        this.mapCaption.textContent = name;
      };
      dot.addEventListener("focus", show);
      dot.addEventListener("mouseenter", show);
      dot.addEventListener("click", () => this.showIdea(idea.id));
      dot.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          this.showIdea(idea.id);
        }
      });
      chart.append(dot);
    }
    this.mapBox.replaceChildren(chart);
    const counts = clusters.map((cluster) => points.filter((p) => p.index === clusters.indexOf(cluster)).length);
    const rest = points.filter((p) => p.index === undefined).length;
    const entries = clusters.map((cluster, index) =>
      h(
        "li",
        {},
        h("span", { class: "ws-swatch", dataset: { color: String(index % PALETTE) }, "aria-hidden": "true" }),
        `${labels[index]} (${counts[index]})`,
      ),
    );
    if (rest) {
      entries.push(h("li", {}, h("span", { class: "ws-swatch", dataset: { color: "none" }, "aria-hidden": "true" }), `${strings.ws_not_in_cluster} (${rest})`));
    }
    this.legend.replaceChildren(...entries);
    if (focusedIdea) chart.querySelector(`[data-idea="${CSS.escape(focusedIdea)}"]`)?.focus();
  }

  // From the map to the board: scroll to the idea and put focus on its "Verplaats naar…".
  showIdea(id) {
    const item = this.section.querySelector(`li[data-idea="${CSS.escape(String(id))}"]`);
    if (!item) return;
    item.scrollIntoView({ block: "center", behavior: "smooth" });
    item.classList.add("ws-flash");
    setTimeout(() => item.classList.remove("ws-flash"), 2000);
    item.querySelector("select")?.focus({ preventScroll: true });
  }
}
