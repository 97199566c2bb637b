import { connectSession, showStatus, strings } from "../live.js";

export const $ = (id) => document.getElementById(id);
export const root = $("live");
export const status = $("status");
export const clusterStatus = $("cluster-status");
export const runButton = $("run-clustering");
export const agendaSelect = $("agenda-select");
export const settingsForm = $("settings-form");
export const phaseButtons = [...document.querySelectorAll("button[data-phase]")];
export const agenda = JSON.parse($("agenda")?.textContent || "[]");
export const coFacilitators = JSON.parse($("co-facilitators")?.textContent || "[]"); // [{id, name}]
export const myUserId = Number(root.dataset.userId);
export const lang = document.documentElement.lang || "nl";
export const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });

export const state = {
  phase: root.dataset.phase || null,
  agenda: null,
  settings: {},
  ideas: new Map(), // String(id) -> idea (facilitator payload: with hidden, pending, original_text, author)
  clusters: [], // every cluster this console may see, each with its scope
  workspace: { scopes: {}, can_undo: false, log: [] }, // per scope: unassigned, duplicates, outliers, merge_suggestions, coords
  presence: null,
  mergeSource: null, // id of the idea chosen to be merged into another
  correcting: null, // {id, text}
  busy: new Set(),
  titleDrafts: new Map(), // cluster id -> title typed but not saved
  settingsDirty: false,
  apart: false, // breakout groups are apart
  rule: null,
  groups: [], // [{id, name, members, capacity, phase, host_id, host_user, timer, ideas, last_activity}]
  people: new Map(), // participant id -> {id, name, sector, group_id}
  viewGroup: null, // id of the group whose board the idea list shows (null: all)
  followedGroup: null, // the group this co-facilitator hosts, once shown
  spotlight: undefined, // what the presenter shows after the return: {id, name}, null (all) or unknown
};

// The one connection of the console. Events go to the handler main registers (onEvents);
// none arrive before every module of the page has run.
let handler = () => {};
export function onEvents(run) {
  handler = run;
}

export const live = connectSession({
  token: root.dataset.token,
  onStatus: (connection, detail) => showStatus(status, connection, detail),
  onEvent: (name, data) => handler(name, data),
});

// ---------------------------------------------------------------- commands

export async function command(name, payload, onError) {
  const ack = await live.send(name, payload);
  if (!ack.ok) onError(ack.error ?? strings.no_answer);
  return ack;
}

export function feedback(element) {
  element.textContent = "";
  return (text) => {
    element.textContent = text;
  };
}

export function guarded(button, run) {
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-disabled") === "true") return;
    run();
  });
}
