// The facilitator's console: watch ideas arrive, cluster them, title and order the clusters.
import { IdeaBoard, connectSession, showStatus, strings } from "./live.js";

const root = document.getElementById("live");
const status = document.getElementById("status");
const clusterStatus = document.getElementById("cluster-status");
const clusterList = document.getElementById("clusters");
const runButton = document.getElementById("run-clustering");

const board = new IdeaBoard(document.getElementById("ideas"), {
  empty: document.getElementById("no-ideas"),
  count: document.getElementById("idea-count"),
});
let clusters = [];

const live = connectSession({
  token: root.dataset.token,
  onStatus: (state, detail) => showStatus(status, state, detail),
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

async function command(name, payload) {
  const ack = await live.send(name, payload);
  if (!ack.ok) clusterStatus.textContent = ack.error;
  return ack;
}

document.getElementById("cluster-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  runButton.setAttribute("aria-busy", "true");
  runButton.disabled = true;
  clusterStatus.textContent = strings.clustering;
  const k = document.getElementById("cluster-k").value;
  const ack = await command("run_clustering", { k: k ? Number(k) : null });
  runButton.removeAttribute("aria-busy");
  runButton.disabled = false;
  if (ack.ok) clusterStatus.textContent = `${strings.clustered}: ${ack.k} (${ack.duration_ms} ms)`;
});

function button(label, text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "secondary outline small";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function renderClusters(list) {
  clusters = list;
  clusterList.replaceChildren(
    ...clusters.map((cluster, index) => {
      const li = document.createElement("li");
      li.dataset.id = cluster.id;

      const form = document.createElement("form");
      form.className = "cluster-title";
      const input = document.createElement("input");
      input.name = "title";
      input.value = cluster.title;
      input.placeholder = cluster.label;
      input.maxLength = 120;
      input.setAttribute("aria-label", `${strings.title_for} ${index + 1}`);
      const save = document.createElement("button");
      save.textContent = strings.save;
      save.className = "small";
      form.append(input, save);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        command("rename_cluster", { cluster_id: cluster.id, title: input.value });
      });

      const tools = document.createElement("div");
      tools.className = "cluster-tools";
      const move = (direction) => () => command("move_cluster", { cluster_id: cluster.id, direction });
      tools.append(
        button(`${strings.up}: ${cluster.label}`, "↑", move("up")),
        button(`${strings.down}: ${cluster.label}`, "↓", move("down")),
      );

      const terms = document.createElement("small");
      terms.className = "muted";
      terms.textContent = `${cluster.terms.join(", ")} · ${cluster.idea_ids.length} ${strings.ideas_count}`;

      const ul = document.createElement("ul");
      for (const id of cluster.idea_ids) {
        const item = document.createElement("li");
        item.textContent = board.ideas.get(id)?.text ?? "";
        ul.append(item);
      }
      li.append(form, tools, terms, ul);
      return li;
    }),
  );
}
