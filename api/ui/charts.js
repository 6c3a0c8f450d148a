// Small inline SVG charts, no library. Each chart is one `role="img"` named by its <title> and
// described by its <desc>, which says in words every number the chart shows; the page puts a data
// table next to it as well. Sizes come from the viewBox, so a chart shrinks to a phone's width.
const SVG = "http://www.w3.org/2000/svg";
let serial = 0;

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(width, height, title, desc) {
  const id = `chart-${++serial}`;
  // Drawn at its natural size (one unit a CSS pixel, so its text stays legible), shrunk to fit narrower screens.
  const svg = svgEl("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-labelledby": `${id}-t ${id}-d`,
    class: "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
  svg.append(svgEl("title", { id: `${id}-t` }, title), svgEl("desc", { id: `${id}-d` }, desc));
  return svg;
}

// Vertical bars with their value above and their label below; `null` values are drawn as a dash
// (the API hid the group: fewer than the minimum, or none).
export function barChart({ title, desc, labels, values, height = 150 }) {
  const width = Math.max(200, values.length * 46 + 8);
  const svg = frame(width, height, title, desc);
  const top = 18, bottom = 22, left = 4;
  const plot = height - top - bottom;
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const slot = (width - left) / Math.max(values.length, 1);
  const bar = Math.min(36, slot * 0.7);
  svg.append(svgEl("line", { x1: left, x2: width, y1: top + plot, y2: top + plot, class: "axis" }));
  values.forEach((value, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const h = value ? (value / max) * plot : 0;
    if (h > 0) svg.append(svgEl("rect", { x, y: top + plot - h, width: bar, height: h, class: "bar" }));
    svg.append(svgEl("text", { x: x + bar / 2, y: top + plot - h - 4, "text-anchor": "middle", class: "value" }, value ?? "–"));
    svg.append(svgEl("text", { x: x + bar / 2, y: height - 6, "text-anchor": "middle", class: "tick" }, labels[i]));
  });
  return svg;
}

// A Lorenz curve: the share of the total held by the least loaded x % of people, against the
// diagonal of a perfectly even spread.
export function lorenzChart({ title, desc, points, evenLabel, curveLabel, size = 220 }) {
  const pad = 30;
  const svg = frame(size + pad + 30, size + pad + 10, title, desc);
  const px = (share) => pad + share * size;
  const py = (share) => 10 + size - share * size;
  svg.append(
    svgEl("line", { x1: px(0), y1: py(0), x2: px(1), y2: py(0), class: "axis" }),
    svgEl("line", { x1: px(0), y1: py(0), x2: px(0), y2: py(1), class: "axis" }),
    svgEl("line", { x1: px(0), y1: py(0), x2: px(1), y2: py(1), class: "even" }),
  );
  const coords = points.map((v, i) => `${px(i / (points.length - 1)).toFixed(1)},${py(v).toFixed(1)}`).join(" ");
  svg.append(svgEl("polyline", { points: coords, class: "curve" }));
  for (const tick of [0, 0.5, 1]) {
    svg.append(svgEl("text", { x: px(tick), y: size + pad + 4, "text-anchor": "middle", class: "tick" }, `${tick * 100} %`));
    svg.append(svgEl("text", { x: pad - 4, y: py(tick) + 4, "text-anchor": "end", class: "tick" }, `${tick * 100}`));
  }
  svg.append(
    svgEl("text", { x: px(0.55), y: py(0.68), class: "tick", transform: `rotate(-45 ${px(0.55)} ${py(0.68)})` }, evenLabel),
    svgEl("text", { x: px(0.98), y: py(points[points.length - 2] ?? 0) + 16, "text-anchor": "end", class: "tick" }, curveLabel),
  );
  return svg;
}

// A thin horizontal meter of a share (0..1); decorative, the number is always in the text beside it.
export function meter(share) {
  const svg = svgEl("svg", { viewBox: "0 0 100 8", preserveAspectRatio: "none", class: "meter", "aria-hidden": "true", focusable: "false" });
  svg.append(svgEl("rect", { x: 0, y: 0, width: 100, height: 8, class: "track" }));
  svg.append(svgEl("rect", { x: 0, y: 0, width: Math.round(Math.max(0, Math.min(1, share)) * 100), height: 8, class: "bar" }));
  return svg;
}
