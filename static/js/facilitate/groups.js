import {
  GROUP_PHASES,
  KeyedList,
  announcer,
  clock,
  formatSeconds,
  h,
  placeInOrder,
  scheduler,
  strings,
  t,
  timeAgo,
  timerIsSet,
  tn,
} from "../live.js";
import { $, coFacilitators, command, feedback, live, myUserId, state, status } from "./context.js";
import { renderAllIdeas } from "./board.js";
import { followViewInWorkspace } from "./workspace.js";
import { showTab } from "./cockpit.js";

// ---------------------------------------------------------------- breakout groups (deelsessies)

export const announce = announcer($("announcement"));
export const groupsError = $("groups-error");
export const groupById = (id) => state.groups.find((group) => group.id === id);
export const personName = (person) => person.name || t("person", { n: person.id });

export function applyGroups(data) {
  state.apart = Boolean(data.apart);
  state.rule = data.rule ?? null;
  const previous = new Map(state.groups.map((group) => [group.id, group]));
  state.groups = state.apart
    ? (data.groups ?? []).map((group) => {
        // A late copy never turns back a newer phase or timer of a group.
        const old = previous.get(group.id);
        const next = { ...group };
        if (old && !live.fresh(`group-phase:${group.id}`, data.seq)) next.phase = old.phase;
        if (old && !live.fresh(`group-timer:${group.id}`, data.seq)) next.timer = old.timer;
        return next;
      })
    : [];
  if (state.viewGroup !== null && !groupById(state.viewGroup)) {
    state.viewGroup = null;
    renderAllIdeas();
  }
  followHostedGroup();
  renderGroups();
  renderPeople(true);
}

// A co-facilitator named host of a group sees that group's board first (once; "Alles tonen"
// goes back to all).
export function followHostedGroup() {
  const mine = state.groups.find((group) => group.host_user?.id === myUserId);
  if (!mine || mine.id === state.followedGroup) return;
  state.followedGroup = mine.id;
  state.viewGroup = mine.id;
  renderAllIdeas();
}

export function updateGroup(id, changes) {
  const index = state.groups.findIndex((group) => group.id === id);
  if (index < 0) return;
  state.groups[index] = { ...state.groups[index], ...changes };
  renderGroups();
}

// Counts and last activity come from the ideas the console follows live (groups_changed is only
// sent when the groups themselves change), with the server's figure as the floor.
export function groupStats(group) {
  let count = 0;
  let last = Date.parse(group.last_activity ?? "") || 0;
  for (const idea of state.ideas.values()) {
    if (idea.group?.id !== group.id) continue;
    count += 1;
    last = Math.max(last, Date.parse(idea.created_at) || 0);
  }
  return { ideas: count, last: last ? new Date(last).toISOString() : null };
}

// Split form: which fields the chosen rule needs.
export const splitForm = $("split-form");
export const splitRule = () => splitForm.querySelector('input[name="rule"]:checked')?.value ?? "random";
export function renderSplitFields() {
  const rule = splitRule();
  $("split-count-field").hidden = rule === "sector";
  $("split-count-optional").hidden = rule !== "partnership";
  $("split-names-field").hidden = rule === "sector" || rule === "partnership";
  $("split-capacity-field").hidden = rule !== "choice";
}
splitForm.addEventListener("change", renderSplitFields);
renderSplitFields();

splitForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("split-error"));
  const rule = splitRule();
  const payload = { rule };
  // By partnership an empty count means one group per partnership.
  const countGiven = !(rule === "partnership" && $("split-count").value.trim() === "");
  if (rule !== "sector" && countGiven) {
    const count = Number($("split-count").value);
    if (!Number.isInteger(count) || count < 2 || count > 50) {
      report(strings.split_count_range);
      $("split-count").focus();
      return;
    }
    payload.count = count;
  }
  if (rule === "random" || rule === "choice") {
    payload.names = $("split-names")
      .value.split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  }
  if (rule === "choice" && $("split-capacity").value.trim() !== "") {
    payload.capacity = Number($("split-capacity").value);
  }
  const button = $("split-submit");
  button.setAttribute("aria-busy", "true");
  const ack = await command("split_groups", payload, report);
  button.removeAttribute("aria-busy");
  if (ack.ok) {
    $("split-names").value = "";
    $("groups-summary").textContent = tn("split_done", ack.groups?.length ?? 0);
  }
});

// The overview: one row per group, kept between renders (only texts and states change), so a
// select or button under the facilitator's hands is never replaced while they use it.
export const groupRows = new Map(); // group id -> row parts

export function cell(label, ...children) {
  return h("td", { "data-label": label }, ...children);
}

export function makeRow(group) {
  const heads = [...document.querySelectorAll("#groups-table thead th")].map((th) => th.textContent.trim());
  const row = { name: h("strong"), members: h("span"), ideas: h("span"), activity: h("span"), phaseNow: h("span", { class: "phase-now-label" }), timer: h("span", { class: "group-timer" }) };
  row.phaseButtons = GROUP_PHASES.map((phase) =>
    h("button", {
      type: "button",
      class: "small outline",
      text: strings.phases?.[phase] ?? phase,
      dataset: { groupPhase: phase },
      "aria-pressed": "false",
      onclick: () => groupCommand("group_phase", { group_id: group.id, phase }),
    }),
  );
  row.phases = h("div", { class: "group-phases", role: "group" }, row.phaseButtons);
  row.host = h("select", {
    onchange: async (event) => {
      // "p:12" a member, "u:3" a co-facilitator, "" nobody.
      const [kind, id] = event.target.value.split(":");
      const host = kind === "u" ? { user_id: Number(id) } : { participant_id: kind === "p" ? Number(id) : null };
      const ack = await groupCommand("set_group_host", { group_id: group.id, ...host });
      if (!ack.ok) renderGroups(true); // back to what the server has
    },
  });
  row.hostKey = "";
  row.view = h("button", {
    type: "button",
    class: "small secondary outline",
    text: strings.view,
    "aria-pressed": "false",
    onclick: () => {
      state.viewGroup = state.viewGroup === group.id ? null : group.id;
      renderGroups();
      renderAllIdeas();
      if (state.viewGroup !== null) showTab("board"); // "Bekijk": that group's ideas, on the Board
    },
  });
  row.tr = h(
    "tr",
    { dataset: { id: group.id } },
    h("th", { scope: "row", "data-label": heads[0] }, row.name),
    cell(heads[1], row.members),
    cell(heads[2], row.ideas),
    cell(heads[3], h("p", { class: "group-phase-line" }, row.phaseNow, " ", row.timer), row.phases),
    cell(heads[4], row.activity),
    cell(heads[5], row.host),
    cell(heads[6], row.view),
  );
  return row;
}

export function renderGroups(forceHosts = false) {
  const apart = state.apart;
  $("groups-apart").hidden = !apart;
  splitForm.hidden = apart;
  $("groups-summary").textContent = apart
    ? `· ${tn("groups", state.groups.length)} · ${strings.rules?.[state.rule] ?? state.rule ?? ""}`
    : "";
  const ids = new Set();
  const rows = [];
  for (const group of state.groups) {
    ids.add(group.id);
    let row = groupRows.get(group.id);
    if (!row) {
      row = makeRow(group);
      groupRows.set(group.id, row);
    }
    fillRow(row, group, forceHosts);
    rows.push(row.tr);
  }
  for (const [id, row] of groupRows) {
    if (!ids.has(id)) {
      row.tr.remove();
      groupRows.delete(id);
    }
  }
  placeInOrder($("groups-body"), rows);
  renderSpotlight();
  tickGroups();
  followViewInWorkspace();
}

export function fillRow(row, group, forceHosts) {
  const setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };
  setText(row.name, group.name);
  setText(
    row.members,
    typeof group.capacity === "number" ? t("places", { n: group.members ?? 0, max: group.capacity }) : String(group.members ?? 0),
  );
  const stats = groupStats(group);
  setText(row.ideas, String(stats.ideas));
  row.last = stats.last;
  setText(row.activity, stats.last ? timeAgo(stats.last) : strings.no_activity);
  setText(row.phaseNow, strings.phases?.[group.phase] ?? group.phase ?? "");
  row.phases.setAttribute("aria-label", t("phase_of", { name: group.name }));
  for (const button of row.phaseButtons) {
    const current = button.dataset.groupPhase === group.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("outline", !current);
  }
  // Host: nobody, one of the group's members, or a co-facilitator.
  const members = [...state.people.values()]
    .filter((person) => person.group_id === group.id)
    .sort((a, b) => personName(a).localeCompare(personName(b), "nl"));
  const current = group.host_user ? `u:${group.host_user.id}` : group.host_id ? `p:${group.host_id}` : "";
  const key = JSON.stringify([current, members.map((p) => [p.id, personName(p)])]);
  if (forceHosts || key !== row.hostKey) {
    row.hostKey = key;
    const options = [h("option", { value: "", text: strings.no_host })];
    for (const person of members) options.push(h("option", { value: `p:${person.id}`, text: personName(person) }));
    if (group.host_id && !members.some((p) => p.id === group.host_id)) {
      options.push(h("option", { value: `p:${group.host_id}`, text: t("person", { n: group.host_id }) }));
    }
    if (coFacilitators.length) {
      const team = coFacilitators.map((u) => h("option", { value: `u:${u.id}`, text: u.name }));
      options.push(h("optgroup", { label: strings.co_facilitators }, ...team));
    }
    row.host.replaceChildren(...options);
    row.host.value = current;
  }
  row.host.setAttribute("aria-label", t("host_of", { name: group.name }));
  const viewing = state.viewGroup === group.id;
  row.view.setAttribute("aria-pressed", String(viewing));
  row.view.setAttribute("aria-label", t("view_group", { name: group.name }));
  row.view.classList.toggle("outline", !viewing);
  row.tr.classList.toggle("is-viewed", viewing);
  row.timer.dataset.group = String(group.id);
}

// "3 min geleden" and the groups' countdowns move on by themselves.
export function tickGroups() {
  for (const [id, row] of groupRows) {
    const group = groupById(id);
    if (!group) continue;
    const activity = row.last ? timeAgo(row.last) : strings.no_activity;
    if (row.activity.textContent !== activity) row.activity.textContent = activity;
    const timer = group.timer;
    let text = "";
    if (timer?.running && timer.ends_at) {
      text = t("timer_of", { time: formatSeconds(Math.max(0, (Date.parse(timer.ends_at) - clock.now()) / 1000)) });
    } else if (timerIsSet(timer)) text = t("timer_paused_at", { time: formatSeconds(timer.remaining) });
    if (row.timer.textContent !== text) row.timer.textContent = text;
  }
}
setInterval(tickGroups, 1000);

export const groupCountsSoon = scheduler(() => {
  if (state.apart) renderGroups();
  else renderSpotlight();
}, 200);

export async function groupCommand(name, payload) {
  groupsError.textContent = "";
  const ack = await command(name, payload, (text) => {
    groupsError.textContent = text;
  });
  if (ack.ok && name === "group_phase" && ack.phase) updateGroup(payload.group_id, { phase: ack.phase });
  return ack;
}

// Every group at once to a phase (each one is its own command).
export const allPhases = $("all-phases");
for (const phase of GROUP_PHASES) {
  allPhases.append(
    h("button", {
      type: "button",
      class: "small secondary outline",
      text: strings.phases?.[phase] ?? phase,
      dataset: { allPhase: phase },
      onclick: async (event) => {
        const button = event.currentTarget;
        button.setAttribute("aria-busy", "true");
        for (const group of [...state.groups]) {
          const ack = await groupCommand("group_phase", { group_id: group.id, phase });
          if (!ack.ok) break;
        }
        button.removeAttribute("aria-busy");
      },
    }),
  );
}

// Which group's board the idea list shows.
export function renderViewBanner() {
  const group = state.viewGroup === null ? null : groupById(state.viewGroup);
  $("view-banner").hidden = !group;
  const text = group ? t("viewing", { name: group.name }) : "";
  if ($("view-text").textContent !== text) $("view-text").textContent = text;
}
$("view-all").addEventListener("click", () => {
  state.viewGroup = null;
  renderGroups();
  renderAllIdeas();
});

// Message to every screen.
$("message-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("message-feedback"));
  const input = $("message-text");
  const text = input.value.trim();
  if (!text) {
    report(strings.message_empty);
    input.focus();
    return;
  }
  const ack = await command("message_all", { text }, report);
  if (ack.ok) {
    input.value = "";
    report(strings.message_sent);
  }
});

// Back to the plenary ("delen opbrengsten").
$("return-plenary").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.setAttribute("aria-busy", "true");
  const ack = await command("return_to_plenary", {}, feedback($("return-error")));
  button.removeAttribute("aria-busy");
  if (ack.ok) $("spotlight-status").textContent = strings.returned;
});

// People and their group: a select each, to move someone.
export const peopleList = new KeyedList($("people"), { render: renderPerson, itemClass: "person" });
export const peopleDirty = new Set();
export let peopleAllDirty = true;

export function peopleChanged(id) {
  peopleDirty.add(String(id));
  peopleSoon();
  groupCountsSoon(); // members of a group, and its host choices
}
export const peopleSoon = scheduler(() => renderPeople(), 100);

// Drawn only while the list is open: a large session has many people and many groups.
export function renderPeople(all = false) {
  if (all) peopleAllDirty = true;
  $("people-count").textContent = state.people.size;
  if (!$("people-details").open || !state.apart) return;
  const marked = peopleAllDirty ? true : new Set(peopleDirty);
  peopleAllDirty = false;
  peopleDirty.clear();
  const people = [...state.people.values()].sort((a, b) => a.id - b.id);
  peopleList.sync(people, marked);
}
$("people-details").addEventListener("toggle", () => renderPeople(true));

export function renderPerson(person, body) {
  const selectId = `person-${person.id}-group`;
  const name = personName(person);
  const options = [];
  if (!person.group_id || !groupById(person.group_id)) {
    options.push(h("option", { value: "", text: `— ${strings.no_group} —`, disabled: true }));
  }
  for (const group of state.groups) options.push(h("option", { value: String(group.id), text: group.name }));
  const select = h(
    "select",
    {
      id: selectId,
      dataset: { action: "move" },
      onchange: async (event) => {
        const groupId = Number(event.target.value);
        peopleList.error(person.id, "");
        const ack = await command("move_participant", { participant_id: person.id, group_id: groupId }, (text) =>
          peopleList.error(person.id, text),
        );
        if (!ack.ok) event.target.value = person.group_id ? String(person.group_id) : "";
      },
    },
    options,
  );
  select.value = person.group_id && groupById(person.group_id) ? String(person.group_id) : "";
  body.append(
    h(
      "label",
      { for: selectId, class: "person-label" },
      h("span", { class: "person-name", text: name }),
      person.sector ? h("span", { class: "tag", text: person.sector }) : null,
      person.partnership ? h("span", { class: "tag", text: person.partnership }) : null,
      h("span", { class: "visually-hidden", text: ` ${t("group_for", { name })}` }),
    ),
    select,
  );
}

// After the return: one group's outcome (or all) on the presenter screen.
export function renderSpotlight() {
  const groups = new Map();
  for (const idea of state.ideas.values()) {
    if (!idea.group || idea.hidden || idea.pending) continue;
    const entry = groups.get(idea.group.id) ?? { ...idea.group, count: 0 };
    entry.count += 1;
    groups.set(idea.group.id, entry);
  }
  const show = !state.apart && groups.size > 0;
  $("spotlight-box").hidden = !show;
  if (!show) return;
  const list = $("spotlight-list");
  const focusedKey = document.activeElement?.closest?.("#spotlight-list li")?.dataset.id;
  const current = state.spotlight === undefined ? undefined : (state.spotlight?.id ?? "all");
  const item = (key, label, count, groupId) => {
    const pressed = current === key;
    return h(
      "li",
      { dataset: { id: String(key) } },
      h("span", { class: "spotlight-name" }, h("strong", { text: label }), count === null ? null : h("span", { class: "muted", text: ` · ${tn("ideas", count)}` })),
      h("button", {
        type: "button",
        class: `small${pressed ? "" : " outline"}`,
        text: strings.spotlight_show,
        "aria-label": groupId === null ? strings.spotlight_all : t("spotlight_named", { name: label }),
        "aria-pressed": String(pressed),
        onclick: async () => {
          const ack = await command("spotlight_group", { group_id: groupId }, (text) => {
            $("spotlight-status").textContent = text;
          });
          if (ack.ok) {
            state.spotlight = ack.group ?? null;
            renderSpotlight();
          }
        },
      }),
    );
  };
  const sorted = [...groups.values()].sort((a, b) => a.id - b.id); // the order they were made in
  list.replaceChildren(item("all", strings.all_groups, null, null), ...sorted.map((g) => item(g.id, g.name, g.count, g.id)));
  if (focusedKey) list.querySelector(`li[data-id="${CSS.escape(focusedKey)}"] button`)?.focus();
  const status =
    state.spotlight === undefined ? "" : state.spotlight ? t("spotlight_now", { name: state.spotlight.name }) : strings.spotlight_all_now;
  if ($("spotlight-status").textContent !== status && status) $("spotlight-status").textContent = status;
}

