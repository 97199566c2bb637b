// "Uitslag tonen" on the phone: once the facilitator shows the result, the themes and the ideas
// with the most votes as bars, above everything else. With blind voting the counts arrive only
// then (vote_totals); before, the page says that the votes of others stay hidden.
import { h, rankingList, strings } from "../live.js";
import { $, state, voting } from "./context.js";
import { visibleThemes } from "./themes.js";

const RESULT_ROWS = 5;

// Every count at once, as the server sends it when the counts become visible.
export function applyVoteTotals(data) {
  for (const [id, idea] of state.ideas) state.ideas.set(id, { ...idea, votes: data.ideas?.[id] ?? 0 });
  state.clusters = state.clusters.map((cluster) => ({ ...cluster, votes: data.clusters?.[String(cluster.id)] ?? 0 }));
}

// Blind voting again (a new round, or the result taken down): counts are unknown, not zero.
export function forgetCounts() {
  for (const [id, idea] of state.ideas) state.ideas.set(id, { ...idea, votes: null });
  state.clusters = state.clusters.map((cluster) => ({ ...cluster, votes: null }));
}

export const countsHidden = () => Boolean(state.settings.hide_votes) && !state.settings.results_shown;

export function renderResults() {
  const box = $("result-box");
  $("votes-hidden").hidden = !(voting() && countsHidden());
  if (!state.settings.results_shown) {
    box.hidden = true;
    return;
  }
  const themes = visibleThemes().map((cluster) => ({ label: cluster.label, votes: cluster.votes ?? 0 }));
  const ideas = [...state.ideas.values()].filter((idea) => !idea.pending).map((idea) => ({ label: idea.text, votes: idea.votes ?? 0 }));
  const parts = [];
  if (themes.some((row) => row.votes > 0)) parts.push(h("h3", { text: strings.result_themes }), rankingList(themes, RESULT_ROWS));
  if (ideas.some((row) => row.votes > 0)) parts.push(h("h3", { text: strings.result_ideas }), rankingList(ideas, RESULT_ROWS));
  if (!parts.length) parts.push(h("p", { class: "muted", text: strings.result_none }));
  $("result-body").replaceChildren(...parts);
  if (box.hidden) {
    box.hidden = false;
    // The moment the whole room looks at: the result comes into view wherever one had scrolled
    // (at once: a smooth scroll would move the buttons away under a finger about to tap).
    box.scrollIntoView({ block: "start" });
  }
}
