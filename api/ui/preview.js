// The profile's live preview: while strengths are edited (debounced), which recent demand the draft
// would be found by. The API answers with counts per topic, labelled from employees' offers, never
// a request's text; groups below the minimum are hidden there, not here.
import { $, api, el } from "./core.js";
import { lang, t } from "./i18n.js";

const DEBOUNCE_MS = 600;
let timer = null;
let latest = 0;

export function schedulePreview(strengths, delay = DEBOUNCE_MS) {
  clearTimeout(timer);
  timer = setTimeout(() => runPreview(strengths), delay);
}

async function runPreview(strengths) {
  const box = $("#preview-body");
  const mine = ++latest;
  if (!strengths.length) {
    box.replaceChildren(el("p", {}, t("previewEmpty")));
    return;
  }
  box.setAttribute("aria-busy", "true");
  try {
    const { data } = await api("POST", "/v1/me/preview", { body: { strengths } });
    if (mine === latest) box.replaceChildren(...render(data));
  } catch (err) {
    if (mine === latest) box.replaceChildren(el("p", { class: "error-text" }, t("error", { detail: err.message })));
  } finally {
    if (mine === latest) box.setAttribute("aria-busy", "false");
  }
}

function render(data) {
  const count = (n) => (n === null ? t("previewFewer", { min: data.min_group_size }) : String(n));
  const out = [
    el("p", { class: "count", id: "preview-found", "data-found": data.found ?? "" },
      t("previewFound", { n: count(data.found), total: data.requests, k: data.k })),
    el("p", { class: "meta", id: "preview-now" }, t("previewNow", { n: count(data.found_now) })),
  ];
  if (data.topics.length) {
    out.push(el("ul", { class: "topics" }, data.topics.map((topic) =>
      el("li", { "data-topic": topic.id }, el("span", {}, topic.label[lang()]), " – ", t("previewTopicCount", { n: topic.found })))));
  }
  if (data.hidden_topics) out.push(el("p", { class: "meta" }, t("previewHidden", { n: data.hidden_topics, min: data.min_group_size })));
  return out;
}
