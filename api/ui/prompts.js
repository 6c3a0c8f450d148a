// Demand near your strengths: topics of recent requests by others that found no well-rated help
// while one of your saved statements relates to them (GET /v1/me/prompts). Counts and topic labels
// only, as the API answers; the reason names your own statement and asks you to say it plainly.
import { $, api, el } from "./core.js";
import { lang, t } from "./i18n.js";

let latest = 0;

// `onAct(topic)` opens a new strength row for saying it plainly (the profile form below).
export async function loadPrompts(onAct) {
  const box = $("#prompts-body");
  const mine = ++latest;
  box.setAttribute("aria-busy", "true");
  try {
    const { data } = await api("GET", "/v1/me/prompts");
    if (mine === latest) box.replaceChildren(...render(data, onAct));
  } catch (err) {
    if (mine === latest) box.replaceChildren(el("p", { class: "error-text" }, t("error", { detail: err.message })));
  } finally {
    if (mine === latest) box.setAttribute("aria-busy", "false");
  }
}

function render(data, onAct) {
  if (!data.prompts.length) return [el("p", { id: "prompts-none" }, t("promptsNone"))];
  const out = [el("ul", { class: "topics", id: "prompts-list" }, data.prompts.map((p) => {
    const label = p.label[lang()];
    return el("li", { "data-topics": p.topic_ids.join(" "), "data-requests": p.requests },
      el("strong", {}, label), el("br"), el("span", { class: "meta" }, p.reason[lang()]), el("br"),
      el("button", { type: "button", class: "act", onclick: () => onAct(label) }, t("promptsAct")));
  }))];
  if (data.more_topics) out.push(el("p", { class: "meta" }, t("promptsMore", { n: data.more_topics })));
  return out;
}
