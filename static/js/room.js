// The participant's page: send vraagstukken (kept on this device until the server has them),
// edit or withdraw your own while input is open, dot-vote, and follow the session live.
// In breakout groups (deelsessies) the page follows its own group: its board, phase and timer,
// and its host's controls; after the return to the plenary every idea carries its group's name.
// Once the facilitator has clustered, the themes (thema's) of what this person may see are shown
// with their ideas and votes; while voting, themes get dots from a budget of their own.
// A live poll question the facilitator opens shows as a card above the idea form (poll_room.js).
// This module takes the live events and hands them to the areas in static/js/room/: context
// (elements, state, connection), ideas (sending and one's own ideas), board (the ideas and their
// votes), themes (clusters and theme votes), groups (breakout groups and their host) and phase
// (phase, settings, timer, agenda, messages, the redraw of everything).
import { ideaOf, presenceOf } from "./live.js";
import { initPollRoom, onPollEvent } from "./poll_room.js";
import { $, belongsHere, inputOpen, live, onEvents, state, store } from "./room/context.js";
import { renderForm, renderPending, retryRefused, saveMine } from "./room/ideas.js";
import { ideaArrived, removeIdea, setVotes, upsert } from "./room/board.js";
import { applyClusters, setClusterVotes, themeBudgetLeft } from "./room/themes.js";
import { applyGroups, assigned, returned } from "./room/groups.js";
import {
  announce,
  effectivePhase,
  renderAll,
  renderPhase,
  renderPresence,
  setPhase,
  setSettings,
  showTimer,
} from "./room/phase.js";
import { applyVoteTotals, renderResults } from "./room/results.js";

initPollRoom({ root: $("polls"), news: $("poll-news"), send: (command, payload) => live.send(command, payload) });
onEvents(onEvent);

function onEvent(name, data) {
  onPollEvent(name, data); // the live poll: session_snapshot, poll_question, poll_results
  switch (name) {
    case "session_snapshot":
      applySnapshot(data);
      break;
    case "idea_added":
    case "idea_updated": {
      const idea = ideaOf(data);
      if (idea?.id !== undefined && belongsHere(idea) && live.fresh(`idea:${idea.id}`, data.seq)) {
        const arrived = name === "idea_added" && !state.ideas.has(String(idea.id));
        upsert(idea, data.seq);
        if (arrived) ideaArrived(String(idea.id));
      }
      break;
    }
    case "idea_removed":
      if (live.fresh(`idea:${data.id}`, data.seq)) removeIdea(data);
      break;
    case "ideas_revealed":
      for (const idea of data.ideas ?? []) {
        if (belongsHere(idea) && live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      }
      break;
    case "votes_changed":
      if (live.fresh(`votes:${data.idea_id}`, data.seq)) {
        setVotes(data.idea_id, data.votes);
        renderResults();
      }
      break;
    case "vote_totals":
      if (live.fresh("vote-totals", data.seq)) {
        applyVoteTotals(data);
        renderAll();
      }
      break;
    case "phase_changed":
      if (live.fresh("phase", data.seq)) {
        state.sessionPhase = data.phase ?? state.sessionPhase;
        state.agenda = data.agenda_item ?? null;
        setPhase();
      }
      break;
    case "settings_changed":
      if (live.fresh("settings", data.seq)) setSettings(data.settings ?? {});
      break;
    case "timer_changed":
      if (live.fresh("timer", data.seq)) {
        state.sessionTimer = data.timer ?? null;
        showTimer();
      }
      break;
    case "groups_changed":
      if (live.fresh("groups", data.seq)) applyGroups(data);
      break;
    case "group_assigned":
      if (live.fresh("assigned", data.seq)) assigned(data.group ?? null);
      break;
    case "group_phase_changed":
      if (data.group_id === state.myGroup?.id && live.fresh(`group-phase:${data.group_id}`, data.seq)) {
        state.myGroup = { ...state.myGroup, phase: data.phase };
        setPhase();
      }
      break;
    case "group_timer_changed":
      if (data.group_id === state.myGroup?.id && live.fresh(`group-timer:${data.group_id}`, data.seq)) {
        state.myGroup = { ...state.myGroup, timer: data.timer ?? null };
        showTimer();
      }
      break;
    case "groups_returned":
      if (live.fresh("returned", data.seq)) returned(data);
      break;
    case "announcement":
      announce(data.text, data.sent_at);
      break;
    case "clusters_updated":
      applyClusters(data);
      break;
    case "cluster_votes":
      if (live.fresh(`cluster-votes:${data.cluster_id}`, data.seq)) {
        setClusterVotes(data.cluster_id, data.votes);
        renderResults();
      }
      break;
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "session_reset":
      // A rehearsal was wiped: this participant and everything typed for it are gone.
      for (const name of ["pending", "mine", "draft"]) localStorage.removeItem(store.key(name));
      window.location.reload();
      break;
    default:
      break;
  }
}

function applySnapshot(data) {
  state.sessionPhase = data.phase ?? state.sessionPhase;
  state.agenda = data.agenda_item ?? null;
  state.apart = Boolean(data.groups?.apart);
  state.rule = data.groups?.rule ?? null;
  state.groups = state.apart ? (data.groups?.groups ?? []) : [];
  state.myGroup = state.apart ? (data.me?.group ?? null) : null;
  state.switching = false;
  state.phase = effectivePhase();
  state.settings = data.settings ?? {};
  state.ideas = new Map((data.ideas ?? []).filter((idea) => !idea.hidden).map((idea) => [String(idea.id), idea]));
  state.clusters = data.clusters ?? [];
  state.unassigned = new Map(
    Object.entries(data.workspace?.scopes ?? {}).map(([scope, info]) => [scope, new Set((info?.unassigned ?? []).map(String))]),
  );
  const me = data.me ?? {};
  if (Array.isArray(me.ideas)) {
    state.mine = new Set(me.ideas.map(String));
    saveMine();
  }
  state.myVotes = new Map(Object.entries(me.votes ?? {}).map(([id, n]) => [String(id), Number(n) || 0]));
  state.ideasLeft = typeof me.ideas_left === "number" ? me.ideas_left : null;
  state.votesLeft = typeof me.votes_left === "number" ? me.votes_left : null;
  state.myClusterVotes = new Map(Object.entries(me.cluster_votes ?? {}).map(([id, n]) => [String(id), Number(n) || 0]));
  state.clusterVotesLeft = typeof me.cluster_votes_left === "number" ? me.cluster_votes_left : themeBudgetLeft(state.settings);
  if ("presence" in data) state.presence = presenceOf(data.presence);
  if (state.editing && !state.ideas.has(state.editing.id)) state.editing = null;
  if (state.confirming && !state.ideas.has(state.confirming)) state.confirming = null;
  state.sessionTimer = data.timer ?? null;
  showTimer();
  renderAll();
  if (inputOpen()) retryRefused(["phase_closed"]);
}

renderPhase();
renderForm();
renderPending();
