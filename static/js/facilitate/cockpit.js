// The cockpit around the areas: the tabs (Board, Clusters, Polls, Groups, Settings) with the
// WAI-ARIA tab pattern (arrow keys, Home and End move between the tabs, Enter or Space opens one;
// the choice is kept in localStorage per session, so it survives a reload), and the bar's
// counts and badges: ideas waiting for approval, and ideas new since the facilitator last looked
// at the Board.
import { $, root, state } from "./context.js";

const TABS = ["board", "clusters", "polls", "groups", "session"];
const sessionId = root.dataset.sessionId;
const tabKey = `brainstorm:console-tab:${sessionId}`;
const seenKey = `brainstorm:console-seen:${sessionId}`;
const tablist = document.querySelector("[role=tablist]");
const tabs = [...tablist.querySelectorAll("[role=tab]")];
const bar = document.querySelector(".cockpit-bar");

function stored(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage blocked: the page still works, it only forgets
  }
}

function store(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* storage blocked or full */
  }
}

export let currentTab = TABS.includes(stored(tabKey)) ? stored(tabKey) : "board";

// Shows one area. `focus`: put the keyboard focus on its tab (after a click on a badge, the
// panel itself gets it instead, so the facilitator lands where they wanted to go).
export function showTab(name, { focusTab = false, focusPanel = false } = {}) {
  if (!TABS.includes(name)) return;
  const changed = name !== currentTab;
  currentTab = name;
  store(tabKey, name);
  for (const tab of tabs) {
    const selected = tab.dataset.tab === name;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  const panel = $(`panel-${name}`);
  if (changed) keepPanelInView(panel);
  if (focusTab) tabs.find((tab) => tab.dataset.tab === name)?.focus();
  if (focusPanel) panel.focus({ preventScroll: true });
  if (name === "board") markSeen();
}

// After a switch the new panel starts right under the bar, never somewhere down the old one.
function keepPanelInView(panel) {
  const top = panel.getBoundingClientRect().top + window.scrollY - bar.offsetHeight - 8;
  if (window.scrollY > top) window.scrollTo({ top: Math.max(0, top) });
}

tablist.addEventListener("click", (event) => {
  const tab = event.target.closest("[role=tab]");
  if (tab) showTab(tab.dataset.tab);
});

// Arrow keys move the focus between the tabs (wrapping), Home and End to the first and last;
// Enter and Space open the focused tab (it is a button).
tablist.addEventListener("keydown", (event) => {
  const index = tabs.indexOf(document.activeElement);
  if (index < 0) return;
  const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
  for (const tab of tabs) tab.tabIndex = tab === next ? 0 : -1;
  next.focus();
});

// Focus leaving the tablist: the selected tab is again the one Tab comes back to.
tablist.addEventListener("focusout", (event) => {
  if (tablist.contains(event.relatedTarget)) return;
  for (const tab of tabs) tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
});

// The badges take the facilitator to the Board: the queue first when something waits.
$("pending-badge").addEventListener("click", () => {
  showTab("board", { focusPanel: true });
  const queue = $("pending-ideas-section");
  if (!queue.hidden) queue.scrollIntoView({ block: "nearest" });
});
$("new-badge").addEventListener("click", () => showTab("board", { focusPanel: true }));

// ---------------------------------------------------------------- counts and badges

let seenUpTo = Number(stored(seenKey)) || 0; // the highest idea id the Board showed

const onTheBoard = (idea) => !idea.pending && !idea.hidden;

function markSeen() {
  renderBadges();
}

document.addEventListener("visibilitychange", () => {
  if (currentTab === "board") markSeen();
});

function setText(id, text) {
  const node = $(id);
  if (node.textContent !== text) node.textContent = text;
}

// Called whenever the ideas were drawn.
export function renderBadges() {
  if (currentTab === "board" && document.visibilityState !== "hidden") {
    let highest = seenUpTo;
    for (const idea of state.ideas.values()) if (onTheBoard(idea)) highest = Math.max(highest, Number(idea.id) || 0);
    if (highest !== seenUpTo) {
      seenUpTo = highest;
      store(seenKey, String(highest));
    }
  }
  let waiting = 0;
  let unseen = 0;
  for (const idea of state.ideas.values()) {
    if (idea.pending && !idea.hidden) waiting += 1;
    else if (onTheBoard(idea) && Number(idea.id) > seenUpTo) unseen += 1;
  }
  $("pending-badge").hidden = waiting === 0;
  setText("pending-badge-count", String(waiting));
  $("new-badge").hidden = unseen === 0;
  setText("new-badge-count", String(unseen));
}

// "meegedaan": everyone who ever joined (the console follows participant_joined live).
export function renderJoined() {
  if (state.people.size) setText("joined-count", String(state.people.size));
}

// The bar's height: the merge banner sticks under it, and focus moved by Tab or a scroll into
// view never lands under it (scroll-padding).
function measureBar() {
  const height = `${Math.ceil(bar.getBoundingClientRect().height)}px`;
  document.documentElement.style.setProperty("--cockpit-bar-h", height);
  document.documentElement.style.scrollPaddingTop = `calc(${height} + 0.5rem)`;
}
new ResizeObserver(measureBar).observe(bar);
measureBar();

showTab(currentTab);
