// The Insights tab, for an `insights` key (or the admin token): demand topics week by week, unmet
// demand per topic, suggestions, and how load spreads over providers. Everything shown comes from
// the insights API, which only ever returns aggregates and labels drawn from employees' offers.
import { barChart, lorenzChart, meter } from "./charts.js";
import { $, api, el, fail } from "./core.js";
import { lang, t } from "./i18n.js";

const WEEK = 7 * 24 * 3600 * 1000;
const SHOWN_TOPICS = 6;

const pct = (share) => (share === null || share === undefined ? "–" : `${Math.round(share * 100)} %`);
const day = (iso) => new Date(iso).toLocaleDateString(lang(), { day: "numeric", month: "numeric" });
const query = (p) => `since=${encodeURIComponent(p.since)}&until=${encodeURIComponent(p.until)}`;

// `n` consecutive weeks ending now, oldest first.
function weekPeriods(n, now = Date.now()) {
  return Array.from({ length: n }, (_, i) => ({
    since: new Date(now - (n - i) * WEEK).toISOString(),
    until: new Date(now - (n - i - 1) * WEEK).toISOString(),
  }));
}

export async function loadInsights() {
  const box = $("#insights");
  box.setAttribute("aria-busy", "true");
  box.replaceChildren(el("p", {}, t("searching")));
  try {
    const periods = weekPeriods(Number($("#i-weeks").value));
    const whole = query({ since: periods[0].since, until: periods[periods.length - 1].until });
    // One call after another: each brings the server's topic store up to date before it answers.
    const weekly = [];
    for (const p of periods) weekly.push((await api("GET", `/v1/insights/demand?${query(p)}`)).data);
    const demand = (await api("GET", `/v1/insights/demand?${whole}`)).data;
    const supply = (await api("GET", `/v1/insights/supply?${whole}&limit=10`)).data;
    const suggestions = (await api("GET", `/v1/insights/suggestions?${whole}&limit=10`)).data;
    box.replaceChildren(
      el("p", { class: "count" }, t("insightsSummary", { n: demand.requests, hidden: demand.hidden_topics, min: demand.min_group_size })),
      demandOverTime(periods, weekly, demand),
      unmetDemand(demand),
      suggestionList(suggestions),
      loadSpread(supply),
    );
  } catch (err) {
    box.replaceChildren();
    fail(err);
  } finally {
    box.setAttribute("aria-busy", "false");
  }
}

function section(id, heading, ...children) {
  return el("section", { class: "card insight", "aria-labelledby": id }, el("h3", { id }, heading), ...children);
}

// A data table in a focusable, scrollable region: the chart's numbers for anyone who cannot see it.
function table(caption, head, rows) {
  return el(
    "div",
    { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
    el(
      "table",
      {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map(([first, ...rest]) => el("tr", {}, el("th", { scope: "row" }, first), rest.map((c) => el("td", {}, String(c)))))),
    ),
  );
}

function demandOverTime(periods, weekly, demand) {
  const label = (topic) => topic.label[lang()];
  const ticks = periods.map((p) => day(p.since));
  const topics = demand.topics.slice(0, SHOWN_TOPICS);
  const series = topics.map((topic) =>
    weekly.map((w) => w.topics.find((x) => x.id === topic.id)?.volume ?? null),
  );
  const say = (values) => values.map((v, i) => `${ticks[i]}: ${v ?? t("hiddenValue")}`).join("; ");
  const charts = topics.map((topic, i) =>
    el(
      "li",
      { "data-topic": topic.id },
      el("h4", {}, label(topic)),
      barChart({ title: t("chartWeekly", { label: label(topic) }), desc: say(series[i]), labels: ticks, values: series[i] }),
    ),
  );
  if (!charts.length) return section("i-demand", t("demandHeading"), el("p", {}, t("noTopics", { min: demand.min_group_size })));
  return section(
    "i-demand",
    t("demandHeading"),
    el("p", { class: "meta" }, t("demandHint", { min: demand.min_group_size })),
    el("ul", { class: "multiples" }, charts),
    el(
      "details",
      {},
      el("summary", {}, t("showTable")),
      table(t("demandTable"), [t("topic"), ...ticks], topics.map((topic, i) => [label(topic), ...series[i].map((v) => v ?? "–")])),
    ),
  );
}

function unmetDemand(demand) {
  const topics = [...demand.topics].sort((a, b) => b.unmet_share - a.unmet_share || b.volume - a.volume);
  const items = topics.map((topic) =>
    el(
      "li",
      { "data-topic": topic.id },
      el("h4", {}, topic.label[lang()]),
      el("p", {}, t("unmetLine", { unmet: topic.unmet, volume: topic.volume, pct: pct(topic.unmet_share) })),
      meter(topic.unmet_share),
      el("p", { class: "meta" }, t("topicFacts", {
        strong: pct(topic.strong_share),
        accepted: pct(topic.acceptance_rate),
        trend: topic.trend === null ? "–" : `${topic.trend >= 0 ? "+" : ""}${Math.round(topic.trend * 100)} %`,
      })),
    ),
  );
  return section("i-unmet", t("unmetHeading"), items.length ? el("ul", { class: "list plain" }, items) : el("p", {}, t("noTopics", { min: demand.min_group_size })));
}

const KINDS = ["recruit_or_train", "revise", "retire_or_reword"];

function suggestionList(data) {
  const groups = KINDS.map((kind) => {
    const mine = data.suggestions.filter((s) => s.kind === kind);
    if (!mine.length) return null;
    return el(
      "div",
      { class: "suggestions", "data-kind": kind },
      el("h4", {}, t(`kind_${kind}`)),
      el("ul", {}, mine.map((s) => el("li", {}, el("strong", {}, s.label[lang()]), " – ", s.reason[lang()]))),
    );
  });
  const shown = groups.filter(Boolean);
  return section("i-suggestions", t("suggestionsHeading"), shown.length ? shown : el("p", {}, t("noSuggestions")));
}

function loadSpread(supply) {
  const s = supply.spread;
  const fmt = (x) => (x === null ? "–" : x.toFixed(2));
  const facts = el("p", {}, t("spreadLine", {
    providers: s.providers, gini: fmt(s.load_gini), top: pct(s.load_top10_share), exposure: fmt(s.exposure_gini),
  }));
  if (!s.load_lorenz) return section("i-load", t("loadHeading"), facts, el("p", { class: "meta" }, t("noLorenz", { min: supply.min_group_size })));
  const shares = s.load_lorenz.map((_, i) => `${i * 10} %`);
  const desc = s.load_lorenz.map((v, i) => t("lorenzPoint", { people: shares[i], load: pct(v) })).join("; ");
  return section(
    "i-load",
    t("loadHeading"),
    facts,
    el("p", { class: "meta" }, t("lorenzHint")),
    lorenzChart({ title: t("lorenzTitle"), desc, points: s.load_lorenz, evenLabel: t("lorenzEven"), curveLabel: t("lorenzCurve") }),
    el(
      "details",
      {},
      el("summary", {}, t("showTable")),
      table(t("lorenzTitle"), [t("lorenzPeople"), t("lorenzLoad")], s.load_lorenz.map((v, i) => [shares[i], pct(v)])),
    ),
  );
}
