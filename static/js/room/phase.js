// The phase that rules this page (the session's, or the group's while apart), the settings and
// what is left of the budgets, the timer, the agenda item, the count of participants and the
// facilitator's messages; and the redraw of every area when one of these changes.
import { Countdown, agendaTimes, announcer, limitOf, strings, timerIsSet, tn } from "../live.js";
import { $, inGroup, inputOpen, root, state, voting } from "./context.js";
import { markAllDirty, renderIdeasNow } from "./board.js";
import { renderForm, retryRefused } from "./ideas.js";
import { renderChoices, renderGroupBox, renderHost } from "./groups.js";
import { clustersSoon, renderClusters, renderThemeVotesLeft, themeBudgetLeft, visibleThemes } from "./themes.js";
import { countsHidden, forgetCounts, renderResults } from "./results.js";

if (root.dataset.resultsUrl) $("results").querySelector("a").href = root.dataset.resultsUrl;

const countdown = new Countdown({ box: $("timer"), display: $("timer-display"), note: $("timer-note") });
export const announce = announcer($("announcement"));

// While apart, my group's phase rules (input, voting…); otherwise the session's.
export function effectivePhase() {
  return inGroup() ? (state.myGroup.phase ?? state.sessionPhase) : state.sessionPhase;
}

export function setPhase() {
  const wasOpen = inputOpen();
  const before = state.phase;
  state.phase = effectivePhase();
  if (state.phase === "hidden_input" && before !== "hidden_input") {
    // As in a snapshot: only your own until the facilitator reveals them all (ideas_revealed).
    for (const id of [...state.ideas.keys()]) if (!state.mine.has(id)) state.ideas.delete(id);
    clustersSoon();
  }
  if (!inputOpen()) {
    state.editing = null;
    state.confirming = null;
  }
  renderAll();
  if (inputOpen() && !wasOpen) retryRefused(["phase_closed"]);
}

export function setSettings(settings) {
  const before = { ideas: limitOf(state.settings.idea_limit), votes: limitOf(state.settings.vote_budget) };
  const after = { ideas: limitOf(settings.idea_limit), votes: limitOf(settings.vote_budget) };
  // The ack and the snapshot say exactly how many are left; a new limit shifts that by the difference.
  if (before.ideas !== after.ideas) {
    if (after.ideas === null) state.ideasLeft = null;
    else if (before.ideas !== null && state.ideasLeft !== null) {
      state.ideasLeft = Math.max(0, state.ideasLeft + after.ideas - before.ideas);
    } else state.ideasLeft = Math.max(0, after.ideas - [...state.mine].filter((id) => state.ideas.has(id)).length);
  }
  if (before.votes !== after.votes) {
    const used = [...state.myVotes.values()].reduce((sum, n) => sum + n, 0);
    if (after.votes === null) state.votesLeft = null;
    else if (before.votes !== null && state.votesLeft !== null) {
      state.votesLeft = Math.max(0, state.votesLeft + after.votes - before.votes);
    } else state.votesLeft = Math.max(0, after.votes - used);
    // Themes have a budget of the same size, spent apart from the one for ideas.
    if (after.votes === null) state.clusterVotesLeft = null;
    else if (before.votes !== null && state.clusterVotesLeft !== null) {
      state.clusterVotesLeft = Math.max(0, state.clusterVotesLeft + after.votes - before.votes);
    } else state.clusterVotesLeft = themeBudgetLeft(settings);
  }
  // Themes taken back into the facilitator's draft leave this page; blind again: counts unknown.
  if (!settings.themes_shown) state.clusters = [];
  const wasBlind = Boolean(state.settings.hide_votes) && !state.settings.results_shown;
  state.settings = settings;
  if (countsHidden() && !wasBlind) forgetCounts();
  renderAll();
  retryRefused(["limit_reached"]);
}

// My group's timer while it runs one, else the session's.
export function showTimer() {
  const groupTimer = inGroup() ? state.myGroup.timer : null;
  countdown.set(timerIsSet(groupTimer) ? groupTimer : state.sessionTimer);
  renderHost();
}

export function renderAll() {
  markAllDirty();
  renderGroupBox();
  renderChoices();
  renderHost();
  renderPhase();
  renderForm();
  renderPresence();
  renderIdeasNow();
  renderClusters();
  renderResults();
}

export function renderPhase() {
  const phase = state.phase;
  $("phase-label").textContent = strings.phases?.[phase] ?? "";
  const agenda = state.agenda;
  $("agenda-title").textContent = agenda?.title ?? "";
  $("agenda-time").textContent = agendaTimes(agenda);
  $("phase-box").dataset.phase = phase ?? "";
  let help = (inGroup() ? strings.group_phase_help : strings.phase_help)?.[phase] ?? "";
  if (phase === "voting") help = `${help} ${state.settings.vote_stacking ? strings.stacking_on : strings.stacking_off}`;
  $("phase-help").textContent = help;
  $("results").hidden = phase !== "closed" || inGroup();

  $("votes-box").hidden = !voting();
  renderThemeVotesLeft(visibleThemes().length > 0);
}

export function renderPresence() {
  $("presence").textContent = state.presence === null ? "" : tn("connected", state.presence);
}
