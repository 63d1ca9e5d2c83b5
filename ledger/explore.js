// The explore page: shows the precomputed answers of the ledger (see ledger/explore.py) for the
// month on the slider. It looks values up; it computes no membership itself.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const SVGNS = "http://www.w3.org/2000/svg";
  const slider = $("slider"), play = $("play");
  let c = DATA.coalitions[0], timer = null, picked = null;

  function at(spans, i) {            // the state of a run list at month i, or null
    if (!spans) return null;
    for (const [first, last, state] of spans) if (first <= i && i <= last) return state;
    return null;
  }
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function num(n) { return n === null || n === undefined ? "" : n.toLocaleString("en-US"); }
  function labels() { return c.kind === "treaty" ? DATA.treaty_labels : DATA.labels; }
  function sourceLink(id) {
    const s = DATA.sources[id];
    if (!s || !s.url) return el("span", {title: s ? s.title : id}, id);
    // a new tab, so the page keeps its month and country
    const a = el("a", {href: s.url, title: [s.title, s.publisher, s.published].filter(Boolean).join(", "),
                       target: "_blank", rel: "noreferrer noopener"}, s.title || id);
    a.dataset.source = id;
    return a;
  }
  function sourcesCell(ids) {
    const span = el("span");
    ids.forEach((id, k) => { if (k) span.append(", "); span.append(sourceLink(id)); });
    return span;
  }

  function totals(i) {
    const t = c.totals[i], out = $("totals");
    out.textContent = "";
    const count = el("strong", {id: "count"}, String(t.count));
    if (t.counts) {
      out.append(count, " parties; signed ", el("span", {id: "signed"}, String(t.counts.signed)),
                 ", ratified ", el("span", {id: "ratified"}, String(t.counts.ratified)),
                 ", withdrawn ", el("span", {id: "withdrawn"}, String(t.counts.withdrawn)));
    } else {
      out.append(count, " members, ", el("strong", {id: "troops"}, num(t.troops)), " troops");
      if (t.count) out.append(` from ${t.troops_known} of ${t.count} members` +
        (t.troops_stale ? `; ${t.troops_stale} figure${t.troops_stale === 1 ? "" : "s"} older than ${t.stale_after}` : ""));
    }
    if (t.uncertain) out.append(` (and ${t.uncertain} uncertain on this date)`);
  }

  function paint(i) {
    document.querySelectorAll("#map .country").forEach((p) => {
      const s = at(c.countries[p.dataset.actor], i);
      p.setAttribute("fill", s ? (s[1] ? `url(#hatch-${s[0]})` : DATA.colours[s[0]]) : DATA.land);
      p.setAttribute("class", s ? `country ${s[0]}` : "country");
      p.classList.toggle("picked", p.dataset.actor === picked);
    });
    document.querySelectorAll("#map .dot").forEach((d) => {
      const s = at(c.countries[d.dataset.actor], i);
      d.setAttribute("class", s ? `dot on ${s[0]}` : "dot");
      if (s) d.setAttribute("fill", s[1] ? `url(#hatch-${s[0]})` : DATA.colours[s[0]]);
    });
    const g = $("troop-circles");
    g.textContent = "";
    if (c.kind !== "military" || !c.top_troops) return;
    const circles = [];
    for (const [actor, spans] of Object.entries(c.actors)) {
      const s = at(spans, i), place = c.anchor[actor];
      if (s && s.in && s.status === "member" && s.troops && place) circles.push([s.troops, actor, place]);
    }
    circles.sort((a, b) => b[0] - a[0]);
    for (const [troops, actor, place] of circles) {
      const [x, y] = DATA.centres[place];
      const circle = document.createElementNS(SVGNS, "circle");
      circle.setAttribute("class", "troops");
      circle.setAttribute("data-actor", actor);
      circle.setAttribute("cx", x);
      circle.setAttribute("cy", y);
      circle.setAttribute("r", (DATA.radius * Math.sqrt(troops / c.top_troops)).toFixed(1));
      g.append(circle);
    }
  }

  function table(i) {
    const treaty = c.kind === "treaty";
    const heads = ["name", "status", ...(treaty ? [] : ["troops"]), "since", "sources"];
    const thead = $("table").tHead, body = $("table").tBodies[0];
    thead.textContent = "";
    const tr = el("tr");
    heads.forEach((h) => tr.append(el("th", {scope: "col"}, h)));
    thead.append(tr);
    body.textContent = "";
    let n = 0;
    for (const actor of Object.keys(c.names)) {
      const s = at(c.actors[actor], i);
      if (!s || !s.in) continue;
      n += 1;
      const row = el("tr", {"data-actor": actor});
      const name = el("td"), button = el("button", {type: "button"}, c.names[actor]);
      button.addEventListener("click", () => show(actor));
      name.append(button);
      row.append(name, el("td", {}, s.status + (s.uncertain ? " (uncertain)" : "")));
      if (!treaty) {
        // a figure older than asof's horizon says how old it is, as `ledger asof` does
        const stale = s.stale && s.troops_as_of ? ` (figure of ${s.troops_as_of})` : "";
        row.append(el("td", {class: "n"}, (s.approx ? "about " : "") + num(s.troops) + stale));
      }
      row.append(el("td", {}, s.since));
      const src = el("td");
      src.append(sourcesCell(s.sources));
      row.append(src);
      body.append(row);
    }
    $("members-title").textContent = `Listed on ${c.months[i]} (${n})`;
  }

  function cursor(i) {
    const svg = $("chart").querySelector("svg"), plot = svg && svg.querySelector(".plot");
    if (!plot) return;
    let line = svg.querySelector(".cursor");
    if (!line) {
      line = document.createElementNS(SVGNS, "line");
      line.setAttribute("class", "cursor");
      line.setAttribute("stroke", "#000");
      line.setAttribute("stroke-width", "1");
      plot.parentNode.append(line);
    }
    const x0 = +plot.getAttribute("x"), w = +plot.getAttribute("width"), n = c.months.length;
    const x = n > 1 ? x0 + (w * i) / (n - 1) : x0 + w / 2;
    line.setAttribute("x1", x); line.setAttribute("x2", x);
    line.setAttribute("y1", plot.getAttribute("y"));
    line.setAttribute("y2", +plot.getAttribute("y") + +plot.getAttribute("height"));
  }

  // A country's history: the replay rows of every actor drawn on it (a former state too).
  function show(country) {
    picked = country;
    const box = $("history");
    box.textContent = "";
    const actors = Object.keys(c.territory).filter((a) => c.territory[a].includes(country) && c.history[a]);
    if (!actors.includes(country) && c.history[country]) actors.unshift(country);
    const title = DATA.countries[country] || c.names[country] || country;
    box.append(el("h2", {id: "history-title"}, title), el("p", {id: "history-now"}));
    box.dataset.actors = actors.join(" ");
    if (!actors.length) box.append(el("p", {}, `No events for ${title} in this coalition.`));
    for (const actor of actors) {
      if (actor !== country || actors.length > 1) box.append(el("h3", {}, c.names[actor] || actor));
      const list = el("ol", {class: "events", "data-actor": actor});
      for (const h of c.history[actor]) {
        const li = el("li", {"data-type": h.type, "data-date": h.date});
        li.append(el("time", {}, h.date), " ", el("strong", {}, h.type.replace(/_/g, " ")));
        if (h.detail) li.append(" ", h.detail);
        li.append(" — ", sourcesCell(h.sources));
        list.append(li);
      }
      box.append(list);
    }
    render();
  }

  // The picked country's actors on the slider's month, as the table and map show them.
  function now(i) {
    const line = $("history-now"), box = $("history");
    if (!line) return;
    const actors = (box.dataset.actors || "").split(" ").filter(Boolean);
    line.textContent = actors.map((a) => {
      const s = at(c.actors[a], i);
      return `${c.names[a] || a} on ${c.months[i]}: ` + (s ? labels()[s.status] + (s.uncertain ? " (uncertain)" : "") +
        (s.troops ? `, ${num(s.troops)} troops` : "") : "not in");
    }).join("; ");
  }

  function legend() {
    const box = $("legend"), keys = c.kind === "treaty"
      ? ["signatory", "ratified", "party", "withdrawn"] : ["member", "withdrawn"];
    box.textContent = "";
    for (const k of keys) {
      const item = el("span"), swatch = el("i");
      swatch.style.background = DATA.colours[k];
      item.append(swatch, labels()[k]);
      box.append(item);
    }
    const striped = el("span"), sw = el("i");
    sw.style.background = `repeating-linear-gradient(45deg, ${DATA.colours[keys[0]]} 0 3px, #fff 3px 5px)`;
    striped.append(sw, "uncertain on this date");
    box.append(striped);
    if (c.kind === "military") box.append(el("span", {}, "circles: troops (area in proportion)"));
  }

  function render() {
    const i = +slider.value;
    $("date").textContent = c.months[i] || "";
    slider.setAttribute("aria-valuetext", c.months[i] || "");
    if (!c.months.length) { $("totals").textContent = "No membership data."; return; }
    totals(i); paint(i); table(i); cursor(i); now(i);
  }

  function choose(k) {
    c = DATA.coalitions[k];
    $("title").textContent = c.name;
    $("chart").innerHTML = c.chart;        // our own SVG, made by the ledger's chart code
    slider.max = Math.max(c.months.length - 1, 0);
    // start where the coalition was largest (its first such month)
    let best = 0;
    c.totals.forEach((t, k) => { if (t.count > c.totals[best].count) best = k; });
    slider.value = best;
    picked = null;
    $("history").replaceChildren(el("h2", {}, "History"),
      el("p", {}, "Click a country on the map, or a name in the table, to see its events in this coalition."));
    legend(); render();
  }

  function stop() { clearInterval(timer); timer = null; play.textContent = "Play"; play.setAttribute("aria-pressed", "false"); }
  play.addEventListener("click", () => {
    if (timer) return stop();
    if (+slider.value >= +slider.max) slider.value = 0;
    play.textContent = "Pause"; play.setAttribute("aria-pressed", "true");
    timer = setInterval(() => {
      if (+slider.value >= +slider.max) return stop();
      slider.value = +slider.value + 1; render();
    }, 250);
  });
  slider.addEventListener("input", render);
  // a click on the timeline chart moves the slider to that month
  $("chart").addEventListener("click", (ev) => {
    const svg = $("chart").querySelector("svg"), plot = svg && svg.querySelector(".plot");
    if (!plot || c.months.length < 2) return;
    const box = plot.getBoundingClientRect();
    const k = Math.round(((ev.clientX - box.left) / box.width) * (c.months.length - 1));
    if (k < 0 || k >= c.months.length) return;
    stop(); slider.value = k; render();
  });
  $("coalition").addEventListener("change", (ev) => { stop(); choose(+ev.target.value); });
  $("map").addEventListener("click", (ev) => {
    const target = ev.target.closest("[data-actor]");
    if (target) show(target.dataset.actor);
  });
  $("footer").textContent = `coalition-ledger ${DATA.version}, ${DATA.events} events, head digest ` +
    `${DATA.head}; made ${DATA.generated}. Borders: ${DATA.borders}; present-day borders, so a ` +
    "former state is drawn on its successors' territory.";
  choose(0);
})();
