// What the room sees. Clusters are the facilitator's draft until "Toon thema's aan de zaal"; from
// then on every change follows live on presenter and phones, until they are hidden again. With
// blind voting (the default) the room sees no counts until "Uitslag tonen".
import { $, command, feedback, guarded, state } from "./context.js";

const themesButton = $("show-themes");
const resultsButton = $("show-results");
const note = $("ws-shown-note");

function toggle(button, on) {
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? button.dataset.hide : button.dataset.show;
}

export function renderShowing() {
  const themes = Boolean(state.settings.themes_shown);
  toggle(themesButton, themes);
  note.textContent = themes ? note.dataset.shown : note.dataset.draft;
  note.classList.toggle("is-draft", !themes);
  const results = Boolean(state.settings.results_shown);
  toggle(resultsButton, results);
  // The result belongs to voting and after; a shown result can always be taken down.
  resultsButton.hidden = !(results || state.phase === "voting" || state.phase === "closed");
}

guarded(themesButton, () =>
  command("show_themes", { shown: !state.settings.themes_shown }, feedback($("phase-error"))),
);
guarded(resultsButton, () =>
  command("show_results", { shown: !state.settings.results_shown }, feedback($("phase-error"))),
);
