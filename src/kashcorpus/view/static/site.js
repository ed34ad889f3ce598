// kashcorpus review site: interaction only. The pages are complete without this script.
// Every string from the data reaches the DOM through textContent or attributes, never as HTML.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var byRef = null;
  function fragments(root, ref) {
    if (!byRef) {
      byRef = Object.create(null);
      Array.prototype.forEach.call(root.querySelectorAll("[data-ref]"), function (e) {
        var r = e.getAttribute("data-ref");
        (byRef[r] = byRef[r] || []).push(e);
      });
    }
    return byRef[ref] || [];
  }

  // index: a permalink #<doc>/<span> given to the index opens the document at that span
  function routeIndex() {
    var m = /^#([a-z][a-z0-9-]*)\/(.+)$/.exec(location.hash);
    if (!m) return;
    var card = document.querySelector('.doc-card[data-doc="' + m[1] + '"]');
    if (card) location.replace(card.getAttribute("href") + location.hash);
  }

  function docPage(main) {
    var doc = main.getAttribute("data-doc");
    var text = document.getElementById("text");
    var details = document.getElementById("details-body");
    document.getElementById("details").hidden = false;
    var svg = null;
    var active = null;

    function clearHits() {
      Array.prototype.forEach.call(document.querySelectorAll(".hit, .att-hit"), function (e) {
        e.classList.remove("hit");
        e.classList.remove("att-hit");
      });
    }

    function attributionOf(ref) {
      var i = ref.indexOf(":");
      return i > 0 ? ref.slice(0, i) : null;
    }

    function show(target) {
      // target: the innermost annotated element the reader picked
      clearHits();
      while (details.firstChild) details.removeChild(details.firstChild);
      var chain = [];
      for (var n = target; n && n !== text; n = n.parentElement) {
        if (n.hasAttribute && n.hasAttribute("data-ref")) chain.push(n);
      }
      chain.forEach(function (node, k) {
        var ref = node.getAttribute("data-ref");
        var box = el("div", "detail");
        var head = el("div", "head");
        var anchor = ref.replace(":content", "").replace(":", ".");
        var link = el("a", "ref", "#" + doc + "/" + anchor);
        link.setAttribute("href", "#" + doc + "/" + anchor);
        head.appendChild(el("span", "", ref));
        head.appendChild(link);
        box.appendChild(head);
        box.appendChild(el("pre", "", node.getAttribute("title") || ""));
        details.appendChild(box);
        if (k === 0) {
          fragments(text, ref).forEach(function (f) { f.classList.add("hit"); });
        }
      });
      active = null;
      chain.forEach(function (node) {
        var ref = node.getAttribute("data-ref");
        var att = attributionOf(ref);
        if (att && !active) {
          active = att;
          ["source", "cue", "content"].forEach(function (p) {
            fragments(text, att + ":" + p).forEach(function (f) { f.classList.add("att-hit"); });
          });
        }
        var item = document.getElementById("panel-" + doc + "/" + (att || ref));
        if (item) item.classList.add("hit");
      });
      redraw();
    }

    function fromHash() {
      if (!location.hash) return;
      var id;
      try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
      var target = document.getElementById(id);
      if (target && text.contains(target)) {
        show(target);
        target.scrollIntoView({ block: "center" });
      }
    }

    text.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("[data-ref]") : null;
      if (!t || !text.contains(t)) return;
      show(t);
      var first = fragments(text, t.getAttribute("data-ref"))[0];
      if (first && first.id && history.replaceState) history.replaceState(null, "", "#" + encodeURIComponent(first.id).replace(/%2F/g, "/"));
    });
    window.addEventListener("hashchange", fromHash);

    // attributions: curves from source to cue to content, above the text
    function anchorPoint(node, box, end) {
      var rects = node.getClientRects();
      if (!rects.length) return null;
      var r = end ? rects[rects.length - 1] : rects[0];
      return { x: (end ? r.right - 4 : r.left + Math.min(12, r.width / 2)) - box.left, y: r.top - box.top + 2 };
    }

    function curve(a, b, colour, strong) {
      var lift = Math.max(14, Math.min(46, Math.abs(b.x - a.x) / 5));
      var top = Math.min(a.y, b.y) - lift;
      var p = document.createElementNS(SVG, "path");
      p.setAttribute("d", "M" + a.x + " " + a.y + " C" + a.x + " " + top + " " + b.x + " " + top + " " + b.x + " " + b.y);
      p.setAttribute("fill", "none");
      p.setAttribute("stroke", colour);
      p.setAttribute("stroke-width", strong ? "2.2" : "1.3");
      p.setAttribute("stroke-opacity", strong ? "0.95" : "0.4");
      p.setAttribute("marker-end", "url(#arrow)");
      svg.appendChild(p);
    }

    function visible(node) {
      return getComputedStyle(node).getPropertyValue("--line").trim() !== "transparent";
    }

    function draw() {
      if (!svg) {
        svg = document.createElementNS(SVG, "svg");
        svg.setAttribute("class", "connectors");
        svg.setAttribute("aria-hidden", "true");
        text.insertBefore(svg, text.firstChild);
      }
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      var defs = document.createElementNS(SVG, "defs");
      var marker = document.createElementNS(SVG, "marker");
      marker.setAttribute("id", "arrow");
      marker.setAttribute("viewBox", "0 0 6 6");
      marker.setAttribute("refX", "3");
      marker.setAttribute("refY", "3");
      marker.setAttribute("markerWidth", "5");
      marker.setAttribute("markerHeight", "5");
      marker.setAttribute("orient", "auto-start-reverse");
      var tip = document.createElementNS(SVG, "path");
      tip.setAttribute("d", "M0 0 L6 3 L0 6 z");
      tip.setAttribute("fill", "context-stroke");
      marker.appendChild(tip);
      defs.appendChild(marker);
      svg.appendChild(defs);
      var box = text.getBoundingClientRect();
      var seen = {};
      Array.prototype.forEach.call(text.querySelectorAll(".a[data-ref]"), function (node) {
        var att = attributionOf(node.getAttribute("data-ref"));
        if (seen[att]) return;
        seen[att] = true;
        var parts = ["source", "cue", "content"].map(function (p) {
          return fragments(text, att + ":" + p)[0];
        }).filter(function (n) { return n && visible(n); });
        var colour = getComputedStyle(parts[0] || node).getPropertyValue("--u").trim() || "#888";
        for (var i = 0; i + 1 < parts.length; i++) {
          var a = anchorPoint(parts[i], box, false);
          var b = anchorPoint(parts[i + 1], box, false);
          if (a && b) curve(a, b, colour, att === active);
        }
      });
    }

    var pending = null;
    function redraw() {
      if (pending) cancelAnimationFrame(pending);
      pending = requestAnimationFrame(draw);
    }
    window.addEventListener("resize", redraw);
    Array.prototype.forEach.call(document.querySelectorAll(".legend input"), function (box) {
      box.addEventListener("change", redraw);
    });
    draw();
    fromHash();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(redraw);
  }

  if (document.body.classList.contains("page-index")) routeIndex();
  var main = document.querySelector("main.doc-layout");
  if (main) docPage(main);
})();
