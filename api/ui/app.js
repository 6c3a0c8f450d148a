// Velho's page: speaks only to the public JSON API, with the employee's bearer token kept in
// sessionStorage (gone when the tab closes). Built from DOM nodes and textContent only, so no
// profile or request text is ever parsed as HTML.
import { $, api, el, fail, notify, state } from "./core.js";
import { lang, setLang, t, translateStatic } from "./i18n.js";
import { loadInsights } from "./insights.js";
import { schedulePreview } from "./preview.js";
import { loadPrompts } from "./prompts.js";

// -- signing in -------------------------------------------------------------------------------

async function signIn(token) {
  sessionStorage.setItem("velho.token", token);
  try {
    state.role = await roleOf();
  } catch (err) {
    sessionStorage.removeItem("velho.token");
    fail(err);
    return;
  }
  notify("");
  showApp();
}

// An employee's JWT reads /v1/me; an insights key (or the admin token) may not, but reads insights.
async function roleOf() {
  try {
    await loadMe();
    return "employee";
  } catch (err) {
    if (err.status !== 403) throw err;
  }
  await api("GET", "/v1/insights/suggestions?limit=1");
  state.me = null;
  return "insights";
}

function signOut() {
  sessionStorage.removeItem("velho.token");
  state.me = null;
  state.role = null;
  $("#results").replaceChildren();
  $("#insights").replaceChildren();
  $("#request").value = "";
  showSignIn();
}

async function showSignIn() {
  $("#app").hidden = true;
  $("#who").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in").hidden = false;
  try {
    const { data } = await api("GET", "/v1/dev/employees", { auth: false });
    const select = $("#dev-employee");
    select.replaceChildren(...data.map((e) => el("option", { value: e.external_id }, `${e.name} – ${e.unit} (${e.external_id})`)));
    $("#dev-form").hidden = false;
  } catch {
    $("#dev-form").hidden = true; // dev sign-in is off (404): only a real token signs in
  }
}

function showApp() {
  $("#sign-in").hidden = true;
  $("#app").hidden = false;
  $("#who").hidden = false;
  $("#sign-out").hidden = false;
  const insights = state.role === "insights";
  // The Insights tab is for the people who steer support services; an employee gets the other three.
  for (const tab of allTabs()) tab.hidden = insights !== (tab.id === "tab-insights");
  $("#who").textContent = whoText();
  selectTab(insights ? $("#tab-insights") : $("#tab-find"));
}

function whoText() {
  return state.role === "insights" ? t("signedInInsights") : t("signedInAs", { name: state.me.name });
}

// -- tabs -------------------------------------------------------------------------------------

const allTabs = () => [...document.querySelectorAll('[role="tab"]')];
const tabs = () => allTabs().filter((tab) => !tab.hidden);

function selectTab(tab, focus = false) {
  for (const other of allTabs()) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(`#${other.getAttribute("aria-controls")}`).hidden = !selected;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-profile") fillProfile();
  if (tab.id === "tab-offers") loadOffers().catch(fail);
  if (tab.id === "tab-insights") loadInsights();
}

function onTabKey(event) {
  const all = tabs();
  const i = all.indexOf(event.currentTarget);
  const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 };
  if (!(event.key in moves)) return;
  event.preventDefault();
  selectTab(all[(moves[event.key] + all.length) % all.length], true);
}

// -- find help --------------------------------------------------------------------------------

async function nameOf(externalId) {
  if (!externalId) return "–";
  if (!state.names.has(externalId)) {
    const name = api("GET", `/v1/employees/${encodeURIComponent(externalId)}`)
      .then(({ data }) => data)
      .catch(() => null);
    state.names.set(externalId, name);
  }
  return state.names.get(externalId);
}

async function findHelp(event) {
  event.preventDefault();
  const results = $("#results");
  results.setAttribute("aria-busy", "true");
  results.replaceChildren(el("p", {}, t("searching")));
  try {
    const { data } = await api("POST", "/v1/match", { body: { text: $("#request").value, k: 5 } });
    const profiles = await Promise.all(data.results.map((item) => nameOf(item.external_id)));
    renderResults(data, profiles);
  } catch (err) {
    results.replaceChildren();
    fail(err);
  } finally {
    results.setAttribute("aria-busy", "false");
  }
}

function availabilityBadge(availability) {
  return el("span", { class: `badge ${availability}` }, t(availability));
}

function renderResults(match, profiles) {
  const items = match.results.map((item, i) => {
    const id = `result-${i}`;
    const profile = profiles[i];
    // Named by its visible text; the provider's name (the item heading) describes it.
    const button = el("button", { type: "button", class: "primary", "aria-describedby": id }, t("proposeShort"));
    button.addEventListener("click", () => propose(match.request_id, item, button));
    return el(
      "li",
      { class: "item", "data-provider": item.external_id },
      el("h3", { id }, item.name),
      el("p", { class: "meta" }, [item.title, item.unit].filter(Boolean).join(", ")),
      el("p", { class: "meta" }, strengthBadge(item.strength), " · ", t("score", { pct: Math.round(item.score * 100) }),
        " · ", t("availability"), ": ", profile ? availabilityBadge(profile.availability) : "–"),
      el("p", {}, item.explanation),
      el("p", { class: "meta" }, t("matched")),
      el("ul", {}, item.matched_strengths.map((s) => el("li", {}, s.text))),
      button,
    );
  });
  const summary = el("p", { class: "count" }, items.length ? t("resultsCount", { n: items.length }) : t("noResults"));
  $("#results").replaceChildren(summary, ...weakMatchNotice(match, items.length), el("ol", { class: "results" }, items));
}

// The band is written out (and marked by a symbol), so it never rests on colour alone.
const BAND_MARK = { strong: "●●●", fair: "●●○", weak: "●○○" };

function strengthBadge(strength) {
  if (!strength) return t("strengthUnknown");
  return el("span", { class: `band ${strength}` }, el("span", { "aria-hidden": "true" }, BAND_MARK[strength], " "), t(`band_${strength}`));
}

// No strong match: say so before the list, and what to do about it.
function weakMatchNotice(match, count) {
  if (!count || !match.no_strong_match) return [];
  const key = match.best_strength === "weak" ? "noStrongWeak" : "noStrongFair";
  return [
    el("div", { class: "advice", id: "no-strong", role: "note" },
      el("p", {}, el("strong", {}, t("noStrongTitle"))),
      el("p", {}, t(key))),
  ];
}

async function propose(requestId, item, button) {
  button.disabled = true;
  try {
    await api("POST", "/v1/engagements", { body: { request_id: requestId, provider_id: item.external_id } });
    button.textContent = t("proposed");
    notify(t("proposedTo", { name: item.name }));
  } catch (err) {
    button.disabled = false;
    fail(err);
  }
}

// -- my profile -------------------------------------------------------------------------------

async function loadMe() {
  const { data, etag } = await api("GET", "/v1/me");
  state.me = data;
  state.etag = etag;
}

function strengthRow(strength, n) {
  const id = `strength-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const input = el("input", { id, value: strength.text, maxlength: "1000", "data-level": strength.level ?? "", "data-language": strength.language ?? "" });
  input.dataset.original = strength.text;
  const row = el("li", {}, el("label", { for: id }, t("strengthText", { n })), input);
  row.append(el("button", { type: "button", "aria-label": t("removeStrength", { n }), onclick: () => { row.remove(); renumber(); previewDraft(); } }, "✕"));
  return row;
}

// A new, empty strength row, focused; a prompt passes its topic as the hint of what to write.
function addStrength(hint) {
  const list = $("#p-strengths");
  const row = strengthRow({ text: "" }, list.children.length + 1);
  const input = row.querySelector("input");
  if (hint) input.placeholder = t("promptsPlaceholder", { topic: hint });
  list.append(row);
  input.focus();
}

function renumber() {
  [...$("#p-strengths").children].forEach((row, i) => {
    row.querySelector("label").textContent = t("strengthText", { n: i + 1 });
    row.querySelector("button").setAttribute("aria-label", t("removeStrength", { n: i + 1 }));
  });
}

function fillProfile() {
  const me = state.me;
  if (!me) return;
  $("#p-name").value = me.name;
  $("#p-unit").value = me.unit;
  $("#p-strengths").replaceChildren(...me.strengths.map((s, i) => strengthRow(s, i + 1)));
  $("#p-languages").value = me.languages.join(", ");
  for (const radio of document.querySelectorAll('input[name="availability"]')) radio.checked = radio.value === me.availability;
  $("#p-capacity").value = me.capacity;
  $("#p-visible").checked = me.visible;
  previewDraft(0);
  loadPrompts(addStrength);
}

function draftStrengths() {
  return [...$("#p-strengths").querySelectorAll("input")]
    .filter((input) => input.value.trim())
    .map((input) => {
      const strength = { text: input.value.trim() };
      // An unchanged statement keeps its level and language; an edited one is detected anew.
      if (input.value.trim() === input.dataset.original) {
        if (input.dataset.level) strength.level = Number(input.dataset.level);
        if (input.dataset.language) strength.language = input.dataset.language;
      }
      return strength;
    });
}

function previewDraft(delay) {
  schedulePreview(draftStrengths(), delay);
}

function profileBody() {
  const me = state.me;
  const strengths = draftStrengths();
  const languages = $("#p-languages").value.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  return {
    name: $("#p-name").value.trim(),
    unit: $("#p-unit").value.trim(),
    title: me.title,
    supervisor: me.supervisor,
    languages,
    availability: document.querySelector('input[name="availability"]:checked')?.value ?? me.availability,
    capacity: Number($("#p-capacity").value),
    visible: $("#p-visible").checked,
    strengths,
  };
}

async function saveProfile(event) {
  event.preventDefault();
  const me = state.me;
  try {
    const { data, etag } = await api("PUT", `/v1/employees/${encodeURIComponent(me.external_id)}`, {
      body: profileBody(),
      headers: { "If-Match": state.etag ?? `"${me.version}"` },
    });
    state.me = data;
    state.etag = etag;
    $("#who").textContent = t("signedInAs", { name: data.name });
    fillProfile();
    notify(t("saved", { v: data.version }));
  } catch (err) {
    if (err.status === 412) {
      await loadMe();
      fillProfile();
      notify(t("conflict"), true);
    } else fail(err);
  }
}

// -- my offers --------------------------------------------------------------------------------

async function loadOffers() {
  const [offers, engagements] = await Promise.all([api("GET", "/v1/me/offers"), api("GET", "/v1/me/engagements")]);
  const offerItems = await Promise.all(offers.data.map((e) => engagementItem(e, "offer")));
  const allItems = await Promise.all(engagements.data.map((e) => engagementItem(e, "all")));
  $("#offers").replaceChildren(...(offerItems.length ? offerItems : [el("li", {}, t("noOffers"))]));
  $("#engagements").replaceChildren(...(allItems.length ? allItems : [el("li", {}, t("noEngagements"))]));
}

async function engagementItem(e, list) {
  const me = state.me.external_id;
  const asProvider = e.provider_id === me;
  const other = asProvider ? e.requester_id : e.provider_id;
  const profile = await nameOf(other);
  const who = profile ? profile.name : other ?? "–";
  const heading = `${list}-${e.id}`;
  const item = el(
    "li",
    { class: "item", "data-engagement": e.id, "data-status": e.status },
    el("h3", { id: heading }, asProvider ? t("offerFrom", { who }) : t("helpFrom", { who })),
    el("p", { class: "meta" }, t("status", { s: t(`st_${e.status}`) }), " · ", new Date(e.proposed_at).toLocaleDateString(lang())),
  );
  const actions = el("div", { class: "actions" });
  const act = (key, verb, body) =>
    el("button", { type: "button", "aria-describedby": heading, onclick: () => transition(e.id, verb, body) }, t(key));
  if (list === "offer" && e.status === "proposed") {
    // "Not my skill" teaches the ranking about requests like this one without marking them unresponsive.
    actions.append(act("accept", "accept"), act("decline", "decline"), act("declineOutside", "decline", { outside_skills: true }));
  }
  if (e.status === "accepted" && (list === "offer" || !asProvider)) actions.append(act("complete", "complete"));
  if (actions.children.length) item.append(actions);
  if (list === "all" && !asProvider && e.status === "completed") {
    item.append(e.rating ? el("p", {}, t("rated", { score: e.rating.score })) : rateForm(e.id, heading));
  }
  return item;
}

function rateForm(id, heading) {
  const score = `score-${id}`;
  const comment = `comment-${id}`;
  const form = el(
    "form",
    { class: "rate", "aria-describedby": heading },
    el("h4", {}, t("rate")),
    el("label", { for: score }, t("rating")),
    el("select", { id: score, required: true }, [5, 4, 3, 2, 1].map((n) => el("option", { value: n }, String(n)))),
    el("label", { for: comment }, t("comment")),
    el("textarea", { id: comment, rows: "2", maxlength: "2000" }),
    el("button", { type: "submit" }, t("sendRating")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { score: Number(form.querySelector("select").value) };
    const text = form.querySelector("textarea").value.trim();
    if (text) body.comment = text;
    try {
      await api("POST", `/v1/engagements/${id}/rating`, { body });
      notify(t("done"));
      await loadOffers();
    } catch (err) {
      fail(err);
    }
  });
  return form;
}

async function transition(id, verb, body) {
  try {
    await api("POST", `/v1/engagements/${id}/${verb}`, { body });
    notify(t("done"));
    await loadOffers();
  } catch (err) {
    fail(err);
  }
}

// -- start ------------------------------------------------------------------------------------

function switchLanguage() {
  setLang(lang() === "fi" ? "en" : "fi");
  translateStatic();
  if (state.role) {
    $("#who").textContent = whoText();
    const open = tabs().find((tab) => tab.getAttribute("aria-selected") === "true");
    if (open) selectTab(open);
  }
}

function start() {
  setLang(lang());
  translateStatic();
  $("#lang").addEventListener("click", switchLanguage);
  $("#sign-out").addEventListener("click", signOut);
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("#token").value.trim());
  });
  $("#dev-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { data } = await api("POST", "/v1/dev/token", { body: { external_id: $("#dev-employee").value }, auth: false });
      await signIn(data.token);
    } catch (err) {
      fail(err);
    }
  });
  $("#dev-insights").addEventListener("click", async () => {
    try {
      const { data } = await api("POST", "/v1/dev/insights-token", { auth: false });
      await signIn(data.token);
    } catch (err) {
      fail(err);
    }
  });
  $("#insights-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadInsights();
  });
  for (const tab of allTabs()) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", onTabKey);
  }
  $("#find-form").addEventListener("submit", findHelp);
  $("#profile-form").addEventListener("submit", saveProfile);
  $("#p-strengths").addEventListener("input", () => previewDraft());
  $("#add-strength").addEventListener("click", () => addStrength());
  $("#reload-offers").addEventListener("click", () => loadOffers().catch(fail));
  if (sessionStorage.getItem("velho.token")) signIn(sessionStorage.getItem("velho.token"));
  else showSignIn();
}

start();
