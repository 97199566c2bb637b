// The themes (thema's): once the facilitator has clustered, the clusters of this page's scope
// with their ideas, the ideas in no theme, and, while voting, dots on themes from a budget of
// their own.
import { KeyedList, h, limitOf, replaceScope, scheduler, strings, t, tn, clusterScope as scopeOf } from "../live.js";
import { $, live, myScope, state, voting } from "./context.js";
import { actionButton } from "./board.js";
import { renderPhase } from "./phase.js";

const themes = new KeyedList($("clusters"), { render: renderTheme, itemClass: "theme" });
export const clustersSoon = scheduler(renderClusters, 50);

// A clusters_updated holds every cluster of its scope: they replace what this page had.
export function applyClusters(data) {
  const scope = data.scope ?? "plenary";
  if (!live.fresh(`clusters:${scope}`, data.seq)) return;
  const { clusters, incoming } = replaceScope(state.clusters, data, live.fresh);
  state.clusters = clusters;
  state.unassigned.set(scope, new Set((data.unassigned ?? []).map(String)));
  // Only a whole run is news worth saying out loud; a rename or a moved idea just shows.
  if (data.change?.action === "run" && scope === myScope()) announceThemes(incoming.length);
  clustersSoon();
}

export function setClusterVotes(clusterId, votes) {
  if (typeof votes !== "number") return;
  const id = String(clusterId);
  const index = state.clusters.findIndex((cluster) => String(cluster.id) === id);
  if (index < 0) return;
  state.clusters[index] = { ...state.clusters[index], votes };
  clustersSoon();
}

// What is left of the theme budget when the server did not say (an older snapshot).
export function themeBudgetLeft(settings) {
  const budget = limitOf(settings?.vote_budget);
  if (budget === null) return null;
  return Math.max(0, budget - [...state.myClusterVotes.values()].reduce((sum, n) => sum + n, 0));
}

let newsHandle = 0;
function announceThemes(n) {
  const region = $("themes-news");
  // Emptied first, so the same words after a second run are read out again.
  region.textContent = "";
  clearTimeout(newsHandle);
  newsHandle = setTimeout(() => {
    region.textContent = tn("themes_made", n);
  }, 150);
}

// The themes of my scope, in the facilitator's order. A theme whose ideas are all out of sight
// (hidden input, another group's) is left out; one the facilitator made empty is shown.
export function visibleThemes() {
  const scope = myScope();
  return state.clusters
    .filter((cluster) => scopeOf(cluster) === scope)
    .filter((cluster) => !cluster.idea_ids?.length || cluster.idea_ids.some((id) => seeable(id)))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id));
}

function seeable(id) {
  const idea = state.ideas.get(String(id));
  return Boolean(idea && !idea.pending);
}

// The ack's `votes`: a map of my dots per theme, or (as the server sends now) the theme's count,
// in which case my own count moves by the one dot just given or taken back.
function applyMyClusterVotes(clusterId, votes, command) {
  const id = String(clusterId);
  if (votes && typeof votes === "object") {
    for (const [key, n] of Object.entries(votes)) state.myClusterVotes.set(String(key), Number(n) || 0);
    // A map that leaves out the theme just voted on means none are left on it.
    if (!(id in votes)) state.myClusterVotes.set(id, 0);
  } else {
    const n = state.myClusterVotes.get(id) ?? 0;
    state.myClusterVotes.set(id, Math.max(0, n + (command === "vote_cluster" ? 1 : -1)));
  }
}

async function castThemeVote(cluster, command) {
  const id = String(cluster.id);
  if (state.clusterBusy.has(id)) return;
  state.clusterBusy.add(id);
  themes.error(id, "");
  renderClusters();
  const ack = await live.send(command, { cluster_id: cluster.id });
  state.clusterBusy.delete(id);
  if (ack.ok) {
    if (typeof ack.votes_left === "number") state.clusterVotesLeft = ack.votes_left;
    // The theme's count itself comes with cluster_votes (sent before this ack, ordered by seq):
    // taking it from the ack could turn back a newer count of someone else's dot.
    applyMyClusterVotes(cluster.id, ack.votes, command);
    renderPhase();
  }
  renderClusters();
  if (!ack.ok) themes.error(id, ack.error);
}

const IDEAS_FOLDED = 5; // a theme with more ideas shows this many until it is opened

function renderTheme(cluster, body, li) {
  const id = String(cluster.id);
  const labelId = `theme-${id}-label`;
  const fresh = new Set((cluster.new_idea_ids ?? []).map(String));
  // Ideas slotted in since the last run come first, so a folded theme still shows them.
  const members = (cluster.idea_ids ?? [])
    .map((ideaId) => state.ideas.get(String(ideaId)))
    .filter((idea) => idea && !idea.pending)
    .sort((a, b) => fresh.has(String(b.id)) - fresh.has(String(a.id)));
  const mineHere = state.myClusterVotes.get(id) ?? 0;
  li.classList.toggle("voted", mineHere > 0);
  if (state.clusterBusy.has(id)) li.setAttribute("aria-busy", "true");
  else li.removeAttribute("aria-busy");

  const label = cluster.label || cluster.title || (cluster.terms ?? []).join(", ");
  body.append(h("h3", { id: labelId, class: "theme-label", text: label }));
  const votes = cluster.votes ?? 0;
  body.append(
    h(
      "p",
      { class: "idea-tags theme-meta" },
      themeVotesShown && h("span", { class: "tag tag-votes", text: tn("votes", votes) }),
      h("span", { class: "tag", text: tn("ideas", members.length) }),
      cluster.origin?.name && originTag(cluster.origin),
    ),
  );

  const open = state.expanded.has(id) || members.length <= IDEAS_FOLDED + 1;
  const listId = `theme-${id}-ideas`;
  if (members.length) {
    body.append(
      h(
        "ul",
        { class: "theme-ideas", id: listId },
        (open ? members : members.slice(0, IDEAS_FOLDED)).map((idea) =>
          h(
            "li",
            { class: state.mine.has(String(idea.id)) ? "mine" : null },
            h("span", { class: "theme-idea-text", text: idea.text }),
            fresh.has(String(idea.id)) && [" ", h("span", { class: "tag tag-new", text: strings.new_idea })],
            state.mine.has(String(idea.id)) && [" ", h("span", { class: "tag tag-mine", text: strings.you })],
          ),
        ),
      ),
    );
  }
  if (members.length > IDEAS_FOLDED + 1) {
    body.append(
      h("button", {
        type: "button",
        class: "small secondary outline theme-more",
        text: open ? strings.show_fewer : t("show_all_ideas", { n: members.length }),
        dataset: { action: "more" },
        "aria-expanded": String(open),
        "aria-controls": listId,
        onclick: () => {
          if (state.expanded.has(id)) state.expanded.delete(id);
          else state.expanded.add(id);
          renderClusters();
        },
      }),
    );
  }
  if (voting()) body.append(themeVoteControls(cluster, labelId));
}

function originTag(origin) {
  return h("span", { class: "tag tag-group" }, h("span", { class: "visually-hidden", text: `${strings.from_group} ` }), origin.name);
}

// "Stem" and "Stem terug" always side by side; one that cannot be used now says why when tapped.
function themeVoteControls(cluster, labelId) {
  const id = String(cluster.id);
  const n = state.myClusterVotes.get(id) ?? 0;
  const stacking = Boolean(state.settings.vote_stacking);
  const outOfVotes = state.clusterVotesLeft !== null && state.clusterVotesLeft <= 0;
  let cannotVote = null;
  if (n > 0 && !stacking) cannotVote = strings.theme_one_vote;
  else if (outOfVotes) cannotVote = strings.theme_votes_none_left;
  return h(
    "div",
    { class: "vote-controls theme-votes" },
    n > 0 &&
      h(
        "p",
        { class: "my-votes" },
        h("span", { class: "dots", "aria-hidden": "true", text: "●".repeat(Math.min(n, 10)) }),
        " ",
        stacking ? tn("my_votes", n) : strings.theme_voted,
      ),
    actionButton("vote-theme", n > 0 && stacking ? strings.vote_more : strings.vote, () => castThemeVote(cluster, "vote_cluster"), {
      describedBy: labelId,
      unavailable: cannotVote,
      cls: "vote",
      list: themes,
    }),
    actionButton("unvote-theme", strings.theme_unvote, () => castThemeVote(cluster, "unvote_cluster"), {
      describedBy: labelId,
      unavailable: n > 0 ? null : strings.theme_no_vote,
      list: themes,
    }),
  );
}

// Ideas of my scope in no theme: not clustered yet, or marked "past nergens" by hand.
function restItems() {
  const scope = myScope();
  const clustered = new Set();
  for (const cluster of state.clusters) {
    if (scopeOf(cluster) === scope) for (const id of cluster.idea_ids ?? []) clustered.add(String(id));
  }
  const nowhere = state.unassigned.get(scope) ?? new Set();
  const open = [];
  const fitsNowhere = [];
  const ordered = [...state.ideas.values()].filter((idea) => !idea.pending).sort((a, b) => Number(a.id) - Number(b.id));
  for (const idea of ordered) {
    const id = String(idea.id);
    if (clustered.has(id)) continue;
    (nowhere.has(id) ? fitsNowhere : open).push(idea);
  }
  return [
    { key: "open", title: strings.not_clustered, ideas: open },
    { key: "nowhere", title: strings.fits_nowhere, ideas: fitsNowhere },
  ].filter((part) => part.ideas.length);
}

// Vote counts on every theme or on none (while voting, after the session, or once any has dots).
let themeVotesShown = false;

export function renderClusters() {
  const shown = visibleThemes();
  const known = shown.some((cluster) => typeof cluster.votes === "number"); // blind voting: none
  themeVotesShown = known && (voting() || state.phase === "closed" || shown.some((cluster) => cluster.votes > 0));
  themes.sync(shown);
  $("clusters-section").hidden = shown.length === 0;
  $("themes-count").textContent = shown.length;
  $("themes-budget").hidden = !(voting() && shown.length);
  $("themes-rest").replaceChildren(
    ...(shown.length ? restItems() : []).map((part) =>
      h(
        "section",
        { class: `theme-rest theme-rest-${part.key}`, "aria-label": part.title },
        h("h3", {}, part.title, " ", h("small", { class: "muted", text: `(${part.ideas.length})` })),
        h(
          "ul",
          { class: "theme-ideas" },
          part.ideas.map((idea) =>
            h(
              "li",
              { class: state.mine.has(String(idea.id)) ? "mine" : null },
              h("span", { class: "theme-idea-text", text: idea.text }),
              state.mine.has(String(idea.id)) && [" ", h("span", { class: "tag tag-mine", text: strings.you })],
            ),
          ),
        ),
      ),
    ),
  );
  renderThemeVotesLeft(shown.length > 0);
}

// Two budgets while themes can be voted on: one line each in the box at the top.
export function renderThemeVotesLeft(haveThemes) {
  const show = voting() && haveThemes;
  $("theme-votes-line").hidden = !show;
  const left = state.clusterVotesLeft;
  const text = !show ? "" : left === null ? strings.theme_votes_unlimited : left > 0 ? tn("theme_votes_left", left) : strings.theme_votes_none_left_short;
  if ($("theme-votes-left").textContent !== text) $("theme-votes-left").textContent = text;
  const ideaLeft = state.votesLeft;
  let ideaText;
  if (ideaLeft === null) ideaText = strings.votes_unlimited;
  else if (ideaLeft <= 0) ideaText = show ? strings.idea_votes_none_left_short : strings.votes_none_left_short;
  else ideaText = show ? tn("idea_votes_left", ideaLeft) : tn("votes_left", ideaLeft);
  if ($("votes-left").textContent !== ideaText) $("votes-left").textContent = ideaText;
}
