// The outcome page, enhanced: the filters apply at once (the server filters the same way when
// the form is sent without JavaScript) and the address follows, so a filtered view can be shared.
const form = document.querySelector(".outcome-filters");
const page = document.getElementById("outcome");

function apply() {
  const want = {};
  for (const select of form.querySelectorAll("select[data-filter]")) {
    want[select.dataset.filter] = select.value;
  }
  let shown = 0;
  const visible = new Set();
  for (const theme of page.querySelectorAll(".outcome-theme")) {
    let keep = !want.session || theme.dataset.session === want.session;
    if (keep && (want.sector || want.group)) {
      let any = false;
      for (const idea of theme.querySelectorAll(".theme-ideas li[data-sector]")) {
        const match =
          (!want.sector || idea.dataset.sector === want.sector) &&
          (!want.group || idea.dataset.group === want.group);
        idea.hidden = !match;
        any = any || match;
      }
      keep = any;
    } else {
      for (const idea of theme.querySelectorAll(".theme-ideas li[data-sector]")) idea.hidden = false;
    }
    theme.hidden = !keep;
    if (keep) {
      shown += 1;
      visible.add(theme.id.replace("thema-", ""));
    }
  }
  for (const heading of page.querySelectorAll(".outcome-session")) {
    heading.hidden = Boolean(want.session) && heading.dataset.session !== want.session;
  }
  for (const spot of page.querySelectorAll(".map-theme")) {
    if (visible.has(spot.dataset.theme)) spot.removeAttribute("visibility");
    else spot.setAttribute("visibility", "hidden");
  }
  page.querySelector(".outcome-none").hidden = shown > 0;
  const count = form.querySelector(".outcome-count");
  count.textContent = count.dataset.countTemplate
    .replace("{shown}", String(shown))
    .replace("{total}", page.dataset.themes);

  const params = new URLSearchParams();
  for (const select of form.querySelectorAll("select[data-filter]")) {
    if (select.value) params.set(select.name, select.value);
  }
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
}

if (form && page) {
  const button = form.querySelector(".outcome-apply");
  if (button) button.hidden = true;
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
}

// A theme opened from its permanent link (or the map) is the one the reader came for.
function openFromHash() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  const details = target && target.querySelector("details");
  if (details) {
    details.open = true;
    target.scrollIntoView({ block: "start" });
  }
}
window.addEventListener("hashchange", openFromHash);
openFromHash();

// Printed, every theme shows its vraagstukken (a closed one would print only its title).
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll(".outcome-theme details")) details.open = true;
});
