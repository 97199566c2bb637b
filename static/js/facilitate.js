// The facilitator's console: steer the phase, agenda, settings and timer; moderate the ideas
// (hide, pin, correct, approve, merge); shape the clusters in the workspace (run, drag, rename,
// lock, merge, split, deepen, undo, map); split the session into breakout groups (deelsessies),
// follow and steer them, and bring them back. This module takes the live events and hands them to
// the areas in static/js/facilitate/: context (state, connection, commands), phase (phase, agenda,
// settings, timer, presence), board (the ideas and their moderation), workspace, ws_board and
// ws_cluster (the clusters), groups (breakout groups), cockpit (the tabs, the bar's counts and badges).
import { ideaOf, presenceOf, strings } from "./live.js";
import { initPollConsole, onPollEvent } from "./poll_console.js";
import { $, agendaSelect, live, onEvents, state } from "./facilitate/context.js";
import { countdown, fillSettings, renderPhase, renderPresence, suggestAgendaItem } from "./facilitate/phase.js";
import { ideaChanged, renderAllIdeas } from "./facilitate/board.js";
import {
  applyClusterVotes,
  applyClusters,
  applyVoteTotals,
  applyWorkspaceSnapshot,
  dropGroupScopes,
  renderClustersSoon,
  renderK,
  renderRunStatus,
  renderWorkspace,
  ws,
} from "./facilitate/workspace.js";
import {
  announce,
  applyGroups,
  followHostedGroup,
  peopleChanged,
  renderGroups,
  renderPeople,
  renderSpotlight,
  updateGroup,
} from "./facilitate/groups.js";
import { renderJoined } from "./facilitate/cockpit.js";
import { renderShowing } from "./facilitate/showing.js";

onEvents(onEvent);
initPollConsole({ root: $("poll-console"), send: (command, payload) => live.send(command, payload), strings });

function onEvent(name, data) {
  onPollEvent(name, data); // live poll: session_snapshot, poll_question, poll_results
  switch (name) {
    case "session_snapshot":
      applySnapshot(data);
      break;
    case "idea_moderated": {
      // The full state of an idea after any change: replaces what the console had.
      const idea = ideaOf(data);
      if (idea?.id !== undefined && live.fresh(`idea:${idea.id}`, data.seq)) upsert(idea, data.seq);
      break;
    }
    case "idea_added":
    case "idea_updated": {
      // The public form (no hidden, pending, author): merged into what the console knows;
      // an idea_moderated with the full state follows.
      const idea = ideaOf(data);
      if (idea?.id !== undefined && live.fresh(`idea:${idea.id}`, data.seq)) upsert(withCounts(idea), data.seq);
      break;
    }
    case "idea_removed":
      if (live.fresh(`idea:${data.id}`, data.seq)) removeIdea(data);
      break;
    case "ideas_revealed":
      for (const idea of data.ideas ?? []) {
        if (live.fresh(`idea:${idea.id}`, data.seq)) upsert(withCounts(idea), data.seq);
      }
      break;
    case "votes_changed": {
      const id = String(data.idea_id);
      const idea = state.ideas.get(id);
      if (idea && typeof data.votes === "number" && live.fresh(`votes:${id}`, data.seq)) {
        state.ideas.set(id, { ...idea, votes: data.votes });
        ideaChanged(id);
      }
      break;
    }
    case "phase_changed":
      if (live.fresh("phase", data.seq)) {
        state.phase = data.phase ?? state.phase;
        state.agenda = data.agenda_item ?? null;
        renderPhase();
        renderShowing();
        renderAllIdeas();
      }
      break;
    case "settings_changed":
      if (live.fresh("settings", data.seq)) {
        state.settings = data.settings ?? {};
        fillSettings();
        renderShowing();
      }
      break;
    case "vote_totals":
      applyVoteTotals(data);
      renderAllIdeas();
      break;
    case "timer_changed":
      if (live.fresh("timer", data.seq)) countdown.set(data.timer);
      break;
    case "clusters_updated":
      applyClusters(data);
      break;
    case "clustering_started":
      ws.running.add(data.scope ?? "plenary");
      renderRunStatus();
      break;
    case "cluster_votes":
      applyClusterVotes(data);
      break;
    case "presence":
      state.presence = presenceOf(data);
      renderPresence();
      break;
    case "session_reset":
      window.location.reload(); // the log starts again at 1: only a fresh page can follow it
      break;
    case "groups_changed":
      if (live.fresh("groups", data.seq)) applyGroups(data);
      break;
    case "participant_joined":
    case "participant_moved": {
      const person = data.participant;
      if (person?.id !== undefined && live.fresh(`person:${person.id}`, data.seq)) {
        state.people.set(person.id, person);
        peopleChanged(person.id);
        renderJoined();
      }
      break;
    }
    case "group_phase_changed":
      if (live.fresh(`group-phase:${data.group_id}`, data.seq)) updateGroup(data.group_id, { phase: data.phase });
      break;
    case "group_timer_changed":
      if (live.fresh(`group-timer:${data.group_id}`, data.seq)) updateGroup(data.group_id, { timer: data.timer ?? null });
      break;
    case "groups_returned":
      if (live.fresh("returned", data.seq)) {
        // The public form: merged into what the console knows (author, hidden…).
        for (const idea of data.ideas ?? []) {
          const id = String(idea.id);
          if (live.fresh(`idea:${id}`, data.seq)) state.ideas.set(id, withCounts(idea));
        }
        state.apart = false;
        state.groups = [];
        state.viewGroup = null;
        state.spotlight = null;
        dropGroupScopes();
        renderGroups();
        renderAllIdeas();
      }
      break;
    case "spotlight":
      if (live.fresh("spotlight", data.seq)) {
        state.spotlight = data.group ?? null;
        renderSpotlight();
      }
      break;
    case "announcement":
      announce(data.text, data.sent_at);
      break;
    default:
      break;
  }
}

function applySnapshot(data) {
  state.phase = data.phase ?? state.phase;
  state.agenda = data.agenda_item ?? null;
  state.settings = data.settings ?? {};
  state.ideas = new Map((data.ideas ?? []).map((idea) => [String(idea.id), idea]));
  applyWorkspaceSnapshot(data);
  if ("presence" in data) state.presence = presenceOf(data.presence);
  if (state.mergeSource && !state.ideas.has(state.mergeSource)) state.mergeSource = null;
  if (state.correcting && !state.ideas.has(state.correcting.id)) state.correcting = null;
  countdown.set(data.timer);
  state.apart = Boolean(data.groups?.apart);
  state.rule = data.groups?.rule ?? null;
  state.groups = state.apart ? (data.groups?.groups ?? []) : [];
  state.people = new Map((data.people ?? []).map((person) => [person.id, person]));
  if (state.viewGroup !== null && !state.groups.some((group) => group.id === state.viewGroup)) state.viewGroup = null;
  followHostedGroup();
  renderGroups();
  renderPeople(true);
  renderJoined();
  state.settingsDirty = false;
  fillSettings();
  renderPhase();
  renderShowing();
  renderPresence();
  renderAllIdeas();
  renderWorkspace();
  if (state.agenda) agendaSelect.value = String(state.agenda.id);
}

// The public form of an idea, merged into what the console knows: author, hidden and, during
// blind voting (votes: null), the count only the console sees.
function withCounts(idea) {
  const old = state.ideas.get(String(idea.id));
  return { ...old, ...idea, votes: idea.votes ?? old?.votes ?? 0 };
}

function upsert(idea, seq) {
  const id = String(idea.id);
  const old = state.ideas.get(id);
  if (old && !live.fresh(`votes:${id}`, seq)) idea = { ...idea, votes: old.votes };
  state.ideas.set(id, idea);
  ideaChanged(id);
  if (old && old.text !== idea.text) renderClustersSoon();
  // Moving between the pending list and the board changes which list holds it.
  if (old && Boolean(old.pending) !== Boolean(idea.pending)) renderAllIdeas();
}

function removeIdea({ id, reason }) {
  id = String(id);
  const idea = state.ideas.get(id);
  if (!idea) return;
  if (reason === "hidden") {
    // The console keeps hidden ideas, greyed, so they can be put back.
    state.ideas.set(id, { ...idea, hidden: true });
    ideaChanged(id);
    return;
  }
  state.ideas.delete(id);
  if (state.mergeSource === id) state.mergeSource = null;
  if (state.correcting?.id === id) state.correcting = null;
  renderAllIdeas();
  renderClustersSoon();
}

renderPhase();
countdown.set(null);
suggestAgendaItem();
renderGroups();
renderK();
renderWorkspace();
