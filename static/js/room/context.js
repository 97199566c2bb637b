// Shared by the areas of the participant's page (static/js/room/): its elements and limits, what
// this device keeps (localStorage), the state, what the phase and the groups allow now, and the
// one connection.
import { connectSession, showStatus } from "../live.js";

export const $ = (id) => document.getElementById(id);
export const root = $("live");
const sessionId = root.dataset.sessionId;
export const maxLength = Number(root.dataset.maxLength) || 500;
const status = $("status");

const INPUT_PHASES = new Set(["input", "hidden_input"]);

export const store = {
  key: (name) => `brainstorm:${sessionId}:${name}`,
  get(name, fallback) {
    try {
      return JSON.parse(localStorage.getItem(this.key(name))) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(this.key(name), JSON.stringify(value));
    } catch {
      /* private mode or full: the page still works, it just forgets on reload */
    }
  },
};

export const state = {
  phase: root.dataset.phase || null, // what rules this page: the group's phase while apart
  sessionPhase: root.dataset.phase || null,
  sessionTimer: null,
  participantId: Number(root.dataset.participantId) || null,
  apart: false, // breakout groups are apart
  rule: null, // how they were split: random, sector, choice
  groups: [], // [{id, name, members, capacity, phase, host_id, timer}] while apart
  myGroup: null, // my breakout group while apart, as above
  switching: false, // reconnecting to follow another group's room
  agenda: null,
  settings: {},
  ideas: new Map(), // String(id) -> idea
  clusters: [], // every cluster this page may see, each with its scope ("plenary", "group:3")
  unassigned: new Map(), // scope -> Set of String(idea id) marked "past nergens"
  myClusterVotes: new Map(), // String(cluster id) -> my votes on it
  clusterVotesLeft: null,
  clusterBusy: new Set(), // cluster ids with a vote on its way
  expanded: new Set(), // cluster ids whose whole idea list is open
  mine: new Set(store.get("mine", []).map(String)),
  myVotes: new Map(), // String(idea id) -> my votes on it
  ideasLeft: null,
  votesLeft: null,
  presence: null,
  editing: null, // {id, text}: the own idea being edited
  confirming: null, // id of the own idea whose withdrawal waits for a second click
  busy: new Set(), // ids with a command on its way
  connected: false,
};

export const inGroup = () => state.apart && state.myGroup !== null;
// In a group the page shows only that group's ideas, never a plenary one (those still reach
// the session's room while the groups are apart).
export const belongsHere = (idea) => !inGroup() || idea.group?.id === state.myGroup.id;
export const isHost = () => inGroup() && state.participantId !== null && state.myGroup.host_id === state.participantId;
// Groups apart and people choose their own: until this person has, they do not send in.
export const mustChoose = () => state.apart && state.rule === "choice" && state.myGroup === null;
export const inputOpen = () => (state.phase === null || INPUT_PHASES.has(state.phase)) && !mustChoose();
export const voting = () => state.phase === "voting";
// The themes shown here: my group's while the groups are apart, else the plenary's.
export const myScope = () => (inGroup() ? `group:${state.myGroup.id}` : "plenary");

// ---------------------------------------------------------------- the connection

// Events go to the handler the entry registers (onEvents), changes of the connection to the one
// the sending area registers (onConnection); none arrive before every module of the page has run.
let handler = () => {};
let connectionHandler = () => {};
export function onEvents(run) {
  handler = run;
}
export function onConnection(run) {
  connectionHandler = run;
}

export const live = connectSession({
  token: root.dataset.token,
  onStatus: (connection, detail) => {
    showStatus(status, connection, detail);
    state.connected = connection === "online";
    connectionHandler();
  },
  onEvent: (name, data) => handler(name, data),
});
