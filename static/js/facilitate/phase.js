import { Countdown, agendaTimes, clock, strings, tn } from "../live.js";
import { $, agenda, agendaSelect, command, feedback, guarded, phaseButtons, settingsForm, state } from "./context.js";

export const countdown = new Countdown({
  box: $("timer"),
  display: $("timer-display"),
  note: $("timer-note"),
  onChange: renderTimerButtons,
});

// Phase and agenda
export const agendaId = () => {
  const value = agendaSelect.value;
  if (!value) return null;
  return Number.isNaN(Number(value)) ? value : Number(value);
};

for (const button of phaseButtons) {
  button.addEventListener("click", async () => {
    const phase = button.dataset.phase;
    button.setAttribute("aria-busy", "true");
    const ack = await command("set_phase", { phase, agenda_item_id: agendaId() }, feedback($("phase-error")));
    button.removeAttribute("aria-busy");
    if (ack.ok) {
      state.phase = ack.phase ?? phase;
      renderPhase();
    }
  });
}

$("agenda-apply").addEventListener("click", () =>
  command("set_phase", { phase: state.phase, agenda_item_id: agendaId() }, feedback($("phase-error"))),
);

// Settings

export function fillSettings() {
  if (state.settingsDirty) {
    $("settings-feedback").textContent = strings.settings_changed_elsewhere;
    return;
  }
  const s = state.settings;
  $("setting-idea-limit").value = s.idea_limit ?? "";
  $("setting-vote-budget").value = s.vote_budget ?? "";
  $("setting-vote-stacking").checked = Boolean(s.vote_stacking);
  $("setting-premoderation").checked = Boolean(s.premoderation);
  $("setting-hide-votes").checked = Boolean(s.hide_votes);
}

settingsForm.addEventListener("input", () => {
  state.settingsDirty = true;
});

settingsForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const report = feedback($("settings-feedback"));
  if (!settingsForm.reportValidity()) return;
  const changes = {
    vote_stacking: $("setting-vote-stacking").checked,
    premoderation: $("setting-premoderation").checked,
    hide_votes: $("setting-hide-votes").checked,
  };
  for (const [name, id] of [
    ["idea_limit", "setting-idea-limit"],
    ["vote_budget", "setting-vote-budget"],
  ]) {
    const value = $(id).value.trim();
    if (value !== "") changes[name] = Math.round(Number(value));
  }
  const ack = await command("update_settings", changes, report);
  if (ack.ok) {
    state.settingsDirty = false;
    if (ack.settings) state.settings = ack.settings;
    fillSettings();
    report(strings.saved);
  }
});

// Timer
export const timerError = $("timer-error");

export async function timerCommand(name, payload = {}) {
  const ack = await command(name, payload, feedback(timerError));
  if (ack.ok && ack.timer !== undefined) countdown.set(ack.timer);
}

$("timer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const minutes = Number($("timer-minutes").value.replace(",", "."));
  if (!(minutes > 0)) {
    timerError.textContent = strings.timer_minutes_needed;
    return;
  }
  timerCommand("timer_start", { seconds: Math.min(7200, Math.max(1, Math.round(minutes * 60))) });
});

guarded($("timer-toggle"), () => timerCommand(countdown.state === "paused" ? "timer_resume" : "timer_pause"));
guarded($("timer-extend"), () => timerCommand("timer_extend", { seconds: 60 }));
guarded($("timer-stop"), () => timerCommand("timer_stop"));

export function renderTimerButtons(timerState) {
  const off = timerState === "off";
  // Without a timer its buttons are of no use and their room goes to the rest of the row
  // (in "Stemmen", with the badges and both show buttons, the row wrapped otherwise).
  $("timer-buttons").hidden = off;
  for (const id of ["timer-toggle", "timer-extend", "timer-stop"]) {
    $(id).setAttribute("aria-disabled", off ? "true" : "false");
  }
  const toggle = $("timer-toggle");
  const label = timerState === "paused" ? strings.resume : strings.pause;
  if (toggle.textContent !== label) toggle.textContent = label;
  $("timer-off").hidden = !off;
}

// ---------------------------------------------------------------- rendering: phase, presence

export function renderPhase() {
  for (const button of phaseButtons) {
    const current = button.dataset.phase === state.phase;
    button.setAttribute("aria-pressed", String(current));
    button.classList.toggle("outline", !current);
  }
  const label = phaseButtons.find((b) => b.dataset.phase === state.phase)?.textContent.trim() ?? strings.phases?.[state.phase] ?? "";
  $("phase-current").textContent = label;
  const item = state.agenda;
  $("agenda-current").textContent = item ? `· ${agendaTimes(item)} ${item.title}` : "";
}

export function renderPresence() {
  if (state.presence !== null) $("presence-count").textContent = String(state.presence);
}

// The agenda item running now (Amsterdam wall clock), as a suggestion before any is chosen.
export function suggestAgendaItem() {
  if (agendaSelect.value || !agenda.length) return;
  const now = new Intl.DateTimeFormat("nl", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Amsterdam" }).format(clock.now());
  const current = agenda.find((item) => item.starts_at <= now && now < item.ends_at);
  if (current) agendaSelect.value = String(current.id);
}

