/* geo_zaitaku map script (project code, MIT).
 *
 * GZ.start(map, control, id) reads the page's configuration (JSON in the element `id`,
 * written by geo_zaitaku.maps.base) and draws everything from it: GeoJSON layers with
 * their styles and tooltips, labels, the legend, the title block, facility markers built
 * from one compact table, and the controls the maps need (fullscreen, current location,
 * name search, printable list). The configuration is data only: user text (names,
 * addresses, notes) is inserted with textContent or as attribute values, never as HTML,
 * and no code is built from strings. */
(function (global) {
  "use strict";
  var GZ = global.GZ || {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  GZ.el = el;

  /* Text as HTML source, for the few Leaflet APIs that take HTML strings (layer-control
   * names, attribution). */
  function escapeHtml(text) {
    var d = document.createElement("div");
    d.textContent = String(text === undefined || text === null ? "" : text);
    return d.innerHTML;
  }
  GZ.escapeHtml = escapeHtml;

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url.trim()) ? url.trim() : null;
  }
  function telHref(phone) {
    // a number at the start of the cell (「096-123-4567（代表）」), not digits picked out of
    // any text (「=1+1」 was tel:1+1)
    var lead = /^\s*(\+?[(0-9][0-9\-\s().]*)/.exec(String(phone || ""));
    var digits = lead ? lead[1].replace(/[^0-9+]/g, "") : "";
    return digits.replace(/\+/g, "").length >= 3 ? "tel:" + digits : null;
  }
  function norm(s) {
    return String(s || "").normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }
  GZ.norm = norm;

  /* ------------------------------------------------------------------ start */

  GZ.start = function (map, control, id) {
    var node = document.getElementById(id);
    var cfg = JSON.parse(node.textContent);
    var text = cfg.text;
    GZ.config = cfg;
    GZ.text = text;
    GZ.map = map;
    GZ.control = control;
    GZ.layers = {};
    GZ.specs = {};
    map.createPane("gzLabels").style.zIndex = 650;  /* area names above the markers (600) */
    map.getPane("gzLabels").style.pointerEvents = "none";
    map.createPane("gzUnitLabels").style.zIndex = 450;  /* town names above areas, below markers */
    map.getPane("gzUnitLabels").style.pointerEvents = "none";
    GZ.zoomClasses(map);
    GZ.titleBlock(map, cfg.title);
    GZ.printHeader(map, cfg.title);
    if (cfg.hatch) GZ.hatch(map, cfg.hatch);
    (cfg.layers || []).forEach(function (spec) { GZ.layer(map, control, spec); });
    if (cfg.labels) GZ.labels(map, control, cfg.labels);
    if (cfg.unitLabels) GZ.unitLabels(map, control, cfg.unitLabels);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(escapeHtml(cfg.credit));
    GZ.fullscreen(map, text);
    GZ.legend(map, cfg);
    var expand = control.expand;
    control.expand = function () {
      var out = expand.apply(control, arguments);
      GZ.layout(map, control);
      return out;
    };
    GZ.layout(map, control);
    global.addEventListener("resize", function () { GZ.layout(map, control); });
    global.addEventListener("beforeprint", function () { GZ.printLegend(map, cfg); GZ.printFit(map, cfg, true); });
    global.addEventListener("afterprint", function () { GZ.printFit(map, cfg, false); });
    map.getContainer().classList.add("gz-map-" + cfg.kind);
    map.on("overlayadd overlayremove", function () { GZ.layout(map, control); });
    var fac = cfg.facilities;
    var extra = cfg.ready || {};
    if (!fac) {
      GZ.ready(Object.assign({ facilities: 0 }, extra), map);
      return;
    }
    GZ.load(fac.table, function (data) {
      data.rows = GZ.rowsOf(data);
      data.text = text;
      GZ.facilities(map, data, control, {
        roles: !!fac.roles,
        done: function (info) {
          Object.assign(info, extra);
          info.unlocated = data.unlocated;
          GZ.ready(info, map);
          var h = (location.hash || "").match(/^#f=(.+)$/);
          if (fac.deepLink && h) GZ.open(map, decodeURIComponent(h[1]));
        }
      });
      if (fac.reach) GZ.reachCircles(map, control, data, fac.reach.radius, fac.reach.name);
      if (fac.search) GZ.searchControl(map, data, text);
      if (fac.locate) GZ.locate(map, text);
      if (fac.expandControl && window.innerWidth > 800) {
        control.expand();
        GZ.fit(map, GZ.config, GZ.legendControl);  /* the open layer list takes the right side */
      }
      if (fac.print) {
        GZ.listContainer(map, text);
        global.addEventListener("beforeprint", function () { GZ.printList(data); });
      }
    });
  };

  /* ------------------------------------------------------------------ layers */

  /* One GeoJSON overlay: {name, data, style, fill (property holding the fill colour),
   * hatch, highlight, tips, valueLayer, covers, show, interactive}. A layer that `covers`
   * another (a choropleth over the areas) turns that layer's fill off while it is on, so
   * that its colours are the legend's; `valueLayer` names the layer whose value line
   * (tip.v) the tooltips show while it is on. */
  GZ.layer = function (map, control, spec) {
    var base = spec.style || {};
    var interactive = spec.interactive !== false;
    var options = {
      interactive: interactive,
      style: function (feature) {
        var s = Object.assign({}, base);
        if (spec.fill) s.fillColor = feature.properties[spec.fill];
        if (spec.hatch) s.fillColor = "url(#gz-hatch)";
        if (spec.noFill) s.fillOpacity = 0;
        return s;
      }
    };
    /* point features (marked facilities) are drawn as rings */
    if (spec.points) {
      options.pointToLayer = function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({ interactive: interactive }, spec.points));
      };
    }
    var layer = L.geoJSON(spec.data, options);
    if (spec.highlight) {
      layer.on("mouseover", function (e) { e.layer.setStyle(spec.highlight); });
      layer.on("mouseout", function (e) { layer.resetStyle(e.layer); });
    }
    if (spec.tips) GZ.tips(layer, spec.tips, spec.valueLayer);
    if (spec.show !== false) layer.addTo(map);
    if (control) control.addOverlay(layer, escapeHtml(spec.name));
    GZ.layers[spec.name] = layer;
    GZ.specs[spec.name] = spec;
    if (spec.covers) {
      var cover = function () {
        var under = GZ.specs[spec.covers], target = GZ.layers[spec.covers];
        if (!under || !target) return;
        under.noFill = map.hasLayer(layer);
        target.resetStyle();
      };
      map.on("overlayadd overlayremove", cover);
      cover();
    }
    return layer;
  };

  /* Tooltips from plain-text data: {t: title, l: [lines], e: [error lines]}, looked up by
   * the feature's property i. */
  GZ.tips = function (layer, tips, valueLayer) {
    layer.eachLayer(function (l) {
      var tip = tips[l.feature.properties.i];
      if (!tip) return;
      l.bindTooltip(function () {
        var box = el("div", "gz-tip");
        box.appendChild(el("div", "gz-tip-title", tip.t));
        var shaded = GZ.layers[valueLayer];
        if (tip.v && shaded && GZ.map.hasLayer(shaded)) box.appendChild(el("div", "gz-tip-value", tip.v));
        (tip.l || []).forEach(function (s) { box.appendChild(el("div", null, s)); });
        (tip.e || []).forEach(function (s) { box.appendChild(el("div", "gz-tip-error", "⚠ " + s)); });
        return box;
      }, { sticky: true, className: "gz-tooltip" });
    });
  };

  /* Area names: {name, items: [{lat, lon, text, error}]} in a pane above the markers. */
  GZ.labels = function (map, control, spec) {
    var group = L.featureGroup();
    spec.items.forEach(function (item) {
      var span = el("span", null, item.text);
      L.marker([item.lat, item.lon], {
        icon: L.divIcon({ html: span, className: "gz-label" + (item.error ? " gz-error-label" : ""), iconSize: [0, 0] }),
        interactive: false,
        keyboard: false,
        pane: "gzLabels"
      }).addTo(group);
    });
    group.addTo(map);
    if (control) control.addOverlay(group, escapeHtml(spec.name));
    GZ.layers[spec.name] = group;
    return group;
  };

  /* Municipality names: {name, items: [{lat, lon, text, box: [s, w, n, e]}]}. A name is
   * shown only at the zoom levels where it fits inside its municipality's bounding box and
   * does not collide with an area name or a name already placed (larger units first). */
  GZ.unitLabels = function (map, control, spec) {
    var group = L.featureGroup(), items = [];
    spec.items.forEach(function (item) {
      var span = el("span", null, item.text);
      var m = L.marker([item.lat, item.lon], {
        icon: L.divIcon({ html: span, className: "gz-unit-label", iconSize: [0, 0] }),
        interactive: false,
        keyboard: false,
        pane: "gzUnitLabels"
      });
      m.addTo(group);
      items.push({ marker: m, item: item });
    });
    var place = function () {
      if (!map.hasLayer(group)) return;
      var size = map.getSize(), taken = [];
      document.querySelectorAll(".gz-label span").forEach(function (s) {
        var r = s.getBoundingClientRect();
        if (r.width) taken.push([r.left - 2, r.top - 2, r.right + 2, r.bottom + 2]);
      });
      var origin = map.getContainer().getBoundingClientRect();
      items.forEach(function (it) {
        var b = it.item.box, node = it.marker.getElement();
        if (!node) return;
        var span = node.firstChild;
        var p = map.latLngToContainerPoint([it.item.lat, it.item.lon]);
        var sw = map.latLngToContainerPoint([b[0], b[1]]), ne = map.latLngToContainerPoint([b[2], b[3]]);
        var w = it.width || (it.width = span.offsetWidth || 12 * String(it.item.text).length);
        var h = it.height || (it.height = span.offsetHeight || 14);
        var fits = w <= Math.abs(ne.x - sw.x) * 0.9 && h <= Math.abs(sw.y - ne.y) * 0.8;
        var box = [origin.left + p.x - w / 2, origin.top + p.y - h / 2, origin.left + p.x + w / 2, origin.top + p.y + h / 2];
        var inside = p.x > -w && p.y > -h && p.x < size.x + w && p.y < size.y + h;
        var clear = fits && inside && !taken.some(function (t) {
          return box[0] < t[2] && box[2] > t[0] && box[1] < t[3] && box[3] > t[1];
        });
        node.classList.toggle("gz-hidden", !clear);
        if (clear) taken.push(box);
      });
      var shown = items.filter(function (it) { var n = it.marker.getElement(); return n && !n.classList.contains("gz-hidden"); });
      map.getContainer().setAttribute("data-gz-unit-labels", String(shown.length));
    };
    group.addTo(map);
    map.on("zoomend moveend resize", place);
    group.on("add", function () { setTimeout(place, 0); });
    setTimeout(place, 0);
    if (control) control.addOverlay(group, escapeHtml(spec.name));
    GZ.layers[spec.name] = group;
    GZ.placeUnitLabels = place;
    return group;
  };

  /* Classes on the map container by zoom (markers are drawn small at low zoom). */
  GZ.zoomClasses = function (map) {
    var set = function () {
      var z = map.getZoom(), box = map.getContainer();
      box.classList.toggle("gz-zoom-xlow", z < 9);
      box.classList.toggle("gz-zoom-low", z < 10);
      box.classList.toggle("gz-zoom-mid", z >= 10 && z < 12);
    };
    map.on("zoomend", set);
    map.whenReady(set);
  };

  /* Hatch pattern for areas with errors, defined in the SVG renderer's own <svg>. */
  GZ.hatch = function (map, color) {
    var add = function () {
      var svg = map.getPanes().overlayPane.querySelector("svg");
      if (!svg || svg.querySelector("#gz-hatch")) return;
      var ns = "http://www.w3.org/2000/svg";
      var defs = document.createElementNS(ns, "defs");
      var p = document.createElementNS(ns, "pattern");
      p.setAttribute("id", "gz-hatch");
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "8");
      p.setAttribute("height", "8");
      p.setAttribute("patternTransform", "rotate(45)");
      var line = document.createElementNS(ns, "line");
      line.setAttribute("x1", "0"); line.setAttribute("y1", "0");
      line.setAttribute("x2", "0"); line.setAttribute("y2", "8");
      line.setAttribute("stroke", color);
      line.setAttribute("stroke-width", "3");
      p.appendChild(line);
      defs.appendChild(p);
      svg.insertBefore(defs, svg.firstChild);
    };
    add();
    map.on("layeradd zoomend", add);
  };

  /* ------------------------------------------------------------------ title and legend */

  /* The title block on the map: {title, subtitle, date}. */
  GZ.titleBlock = function (map, title) {
    if (!title || !title.title) return null;
    var box = el("div", "gz-title");
    box.appendChild(el("div", "gz-title-main", title.title));
    if (title.subtitle) box.appendChild(el("div", "gz-title-sub", title.subtitle));
    if (title.date) box.appendChild(el("div", "gz-title-date", title.date));
    L.DomEvent.disableClickPropagation(box);
    map.getContainer().appendChild(box);
    return box;
  };

  /* The same title above the map, shown only when printing. */
  GZ.printHeader = function (map, title) {
    if (!title || !title.title) return null;
    var box = el("header", "gz-print-header");
    box.appendChild(el("h1", null, title.title));
    if (title.subtitle) box.appendChild(el("p", "gz-print-sub", title.subtitle));
    if (title.date) box.appendChild(el("p", "gz-print-date", title.date));
    var node = map.getContainer();
    node.parentNode.insertBefore(box, node);
    return box;
  };

  function rect(node) {
    if (!node || !node.offsetParent) return null;
    var r = node.getBoundingClientRect();
    return r.width && r.height ? r : null;
  }
  function overlaps(a, b) {
    return !!(a && b && a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top);
  }

  /* Keep the controls apart: the legend's height stops above the controls of its corner's
   * column and below the layer list when they share a column; the bottom corners sit above
   * the attribution when it spans the map (a phone). */
  GZ.layout = function (map, control) {
    var box = map.getContainer(), size = map.getSize();
    var attribution = map.attributionControl && map.attributionControl.getContainer();
    var bottoms = box.querySelectorAll(".leaflet-bottom");
    bottoms.forEach(function (corner) { corner.style.bottom = ""; });
    var a = rect(attribution);
    var left = box.querySelector(".leaflet-bottom.leaflet-left");
    if (a && left) {
      var scale = box.querySelector(".leaflet-control-scale");
      if (overlaps(rect(scale), a) || a.width > size.x * 0.6) left.style.bottom = Math.ceil(a.height) + "px";
    }
    var legend = box.querySelector(".gz-legend");
    if (control && control.getContainer && legend) {  /* an open layer list stops above the legend */
      var list = control.getContainer().querySelector(".leaflet-control-layers-list");
      var lr = rect(control.getContainer()), gr = rect(legend);
      if (list) list.style.maxHeight = "";
      if (list && lr && gr && control.getContainer().classList.contains("leaflet-control-layers-expanded") &&
          lr.left < gr.right && lr.right > gr.left && lr.bottom > gr.top) {
        var lt = list.getBoundingClientRect().top;
        list.style.height = "";
        list.style.maxHeight = Math.max(80, Math.floor(gr.top - lt - 16)) + "px";
        list.style.overflowY = "auto";
      }
    }
    if (!legend) return;
    legend.style.maxHeight = "";
    var origin = box.getBoundingClientRect();
    var l = legend.getBoundingClientRect();
    var top = 10;  /* the lowest control above the legend in its column */
    box.querySelectorAll(".leaflet-top .leaflet-control, .gz-title, .leaflet-control-layers").forEach(function (node) {
      var r = rect(node);
      if (r && r.left < l.right && r.right > l.left && r.bottom - origin.top < l.top - origin.top + l.height) {
        if (!node.contains(legend)) top = Math.max(top, r.bottom - origin.top + 8);
      }
    });
    var bottom = l.bottom - origin.top;
    legend.style.maxHeight = Math.max(60, Math.floor(bottom - top)) + "px";
  };

  function symbol(item) {
    var s;
    if (item.fill) {
      s = el("span", "gz-fill");
      s.style.background = item.fill;
    } else if (item.hatch) {
      s = el("span", "gz-fill");
      s.style.background = "repeating-linear-gradient(45deg," + item.hatch + " 0 2px,#fff 2px 6px)";
      s.style.border = "2px dashed " + item.hatch;
    } else if (item.line) {
      s = el("span", "gz-line");
      s.style.borderTop = item.line.width + "px " + item.line.style + " " + item.line.color;
    } else if (item.swatch) {
      s = el("span", "gz-swatch");
      s.style.background = item.swatch;
    } else if (item.role) {
      s = el("span", "gz-swatch gz-role-" + item.role);
    } else if (item.ring) {
      s = el("span", "gz-ring");
      s.style.borderColor = item.ring;
    } else if (item.badge) {
      s = el("span", "gz-badge", item.badge);
    }
    return s;
  }

  /* The legend: {position, items: [{h: heading, layer: name} | {note: text} | {t: text,
   * fill|hatch|line|swatch|role|badge}]} plus the credit line; collapses behind a button on
   * a phone. A heading with a layer starts a section shown only while that layer is on the
   * map (the choropleth's classes appear, at the top, when it is turned on). */
  GZ.legend = function (map, cfg) {
    var spec = cfg.legend || { items: [] };
    var sections = [], hidden = [];
    var C = L.Control.extend({
      options: { position: spec.position || "bottomleft" },
      onAdd: function () {
        var d = el("div", "gz-legend" + (global.innerWidth < 600 ? " gz-collapsed" : ""));
        var toggle = el("button", "gz-legend-toggle", cfg.text.legend);
        toggle.setAttribute("type", "button");
        toggle.setAttribute("aria-expanded", global.innerWidth < 600 ? "false" : "true");
        toggle.addEventListener("click", function () {
          d.classList.toggle("gz-collapsed");
          toggle.setAttribute("aria-expanded", d.classList.contains("gz-collapsed") ? "false" : "true");
          GZ.layout(map, GZ.control);
        });
        d.appendChild(toggle);
        var body = el("div", "gz-legend-body"), section = el("div", "gz-legend-section");
        body.appendChild(section);
        spec.items.forEach(function (item) {
          if (item.h !== undefined) {
            section = el("div", "gz-legend-section");
            if (item.layer) {
              section.setAttribute("data-layer", item.layer);
              sections.push(section);
            }
            body.appendChild(section);
            section.appendChild(el("h4", null, item.h));
            return;
          }
          if (item.note !== undefined) { section.appendChild(el("div", "gz-note", item.note)); return; }
          var row = el("div", "gz-row");
          if (item.unless || item.only) {  /* shown while a layer is off (unless) or on (only) */
            if (item.unless) row.setAttribute("data-unless", item.unless);
            if (item.only) row.setAttribute("data-only", item.only);
            hidden.push(row);
          }
          var s = symbol(item);
          if (s) row.appendChild(s);
          row.appendChild(el("span", null, item.t));
          section.appendChild(row);
        });
        body.appendChild(el("div", "gz-credit", cfg.credit));
        d.appendChild(body);
        L.DomEvent.disableClickPropagation(d);
        L.DomEvent.disableScrollPropagation(d);
        return d;
      }
    });
    var legend = new C().addTo(map);
    var sync = function () {
      sections.forEach(function (sec) {
        var layer = GZ.layers[sec.getAttribute("data-layer")];
        var on = !!(layer && map.hasLayer(layer));
        sec.classList.toggle("gz-hidden", !on);
        if (on && sec.parentNode.firstChild !== sec) sec.parentNode.insertBefore(sec, sec.parentNode.firstChild);
      });
      hidden.forEach(function (row) {  /* the area colours under a choropleth; layers turned off */
        var on = function (name) { var l = GZ.layers[name]; return !!(l && map.hasLayer(l)); };
        var unless = row.getAttribute("data-unless"), only = row.getAttribute("data-only");
        row.classList.toggle("gz-hidden", (!!unless && on(unless)) || (!!only && !on(only)));
      });
    };
    sync();
    map.on("overlayadd overlayremove", sync);
    GZ.fit(map, cfg, legend);
    return legend;
  };

  /* Fit the view to the data, beside the legend (on a wide screen) and below the title. */
  GZ.fit = function (map, cfg, legend) {
    var bounds = L.latLngBounds(cfg.bounds);
    var box = map.getContainer();
    var title = box.querySelector(".gz-title");
    var top = title ? title.offsetTop + title.offsetHeight + 6 : 10;
    var spec = cfg.legend || {};
    var options = { animate: false, paddingTopLeft: [10, top], paddingBottomRight: [10, 10] };
    if (global.innerWidth >= 600 && legend) {
      var w = legend.getContainer().offsetWidth + 20;
      if (spec.position === "bottomright") options.paddingBottomRight = [w, 10];
      else options.paddingTopLeft = [w, top];
      var layers = GZ.control && GZ.control.getContainer();
      if (layers && layers.classList.contains("leaflet-control-layers-expanded") && spec.position !== "bottomright") {
        options.paddingBottomRight = [layers.offsetWidth + 20, 10];
      }
    }
    map.fitBounds(bounds, options);
    GZ.legendControl = legend;
  };

  /* ------------------------------------------------------------------ facilities */

  /* Popup content for one facility row (an HTMLElement, built from text). */
  function popupFor(data, row) {
    var c = data.columns, t = data.text, F = data.flags;
    var flags = row[c.flags];
    var box = el("div", "gz-popup");
    box.appendChild(el("div", "gz-popup-name", row[c.name]));
    var kind = data.kinds[row[c.kind]];
    var meta = el("div", "gz-popup-kind", kind.label);
    if (flags & F.is_24h) meta.appendChild(el("span", "gz-badge", t.h24));
    box.appendChild(meta);
    var roles = [];
    if (flags & F.key_institution) roles.push(t.key);
    if (flags & F.hub) roles.push(t.hub);
    if (roles.length) box.appendChild(el("div", "gz-popup-roles", roles.join(" / ")));
    var addr = (row[c.unit] >= 0 ? data.units[row[c.unit]] : "") + (row[c.address] || "");
    if (addr) box.appendChild(el("div", "gz-popup-address", addr));
    if (row[c.position] === "town") box.appendChild(el("div", "gz-popup-position", t.town_position));
    var tel = telHref(row[c.phone]);
    if (tel) {
      var a = el("a", "gz-popup-phone", t.phone + " " + row[c.phone]);
      a.setAttribute("href", tel);
      box.appendChild(a);
    } else if (row[c.phone]) {
      box.appendChild(el("div", "gz-popup-phone", t.phone + " " + row[c.phone]));
    }
    var fn = [];
    data.functions.forEach(function (f) { if (flags & F[f.id]) fn.push(f.label); });
    if (fn.length) box.appendChild(el("div", "gz-popup-functions", t.functions + ": " + fn.join("・")));
    var url = safeUrl(row[c.url]);
    if (url) {
      var w = el("a", "gz-popup-url", t.website);
      w.setAttribute("href", url);
      w.setAttribute("target", "_blank");
      w.setAttribute("rel", "noopener noreferrer");
      box.appendChild(w);
    }
    return box;
  }
  GZ.popupFor = popupFor;

  function iconFor(kind, flags, F, big) {
    var both = (flags & F.key_institution) && (flags & F.hub);
    var role = big && both ? " gz-key gz-both" : big && (flags & F.key_institution) ? " gz-key" : big && (flags & F.hub) ? " gz-hub" : "";
    var cls = "gz-icon gz-kind-" + kind.index + role + (!role && (flags & F.is_24h) ? " gz-24h" : "");
    var size = big ? 22 : 14;
    var span = el("span");
    span.style.background = kind.color;
    return L.divIcon({
      className: cls,
      html: span.outerHTML,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
      popupAnchor: [0, -size / 2]
    });
  }

  /* Add facility layers: one overlay per kind (clustered when the data say so), plus
   * separate overlays for key institutions and hubs when asked.
   * Returns {layers: {id: layer}, markers: {id: marker}, count: n}. */
  GZ.facilities = function (map, data, control, opts) {
    opts = opts || {};
    var c = data.columns, F = data.flags, markers = {}, byKind = [], icons = {}, n = 0;
    var iconBits = F.key_institution | F.hub | F.is_24h;
    /* one shared popup, filled on click: no Popup object per marker */
    /* a long name or list scrolls inside the popup (at most about half the screen), and
     * the popup is panned clear of the zoom, search and locate controls */
    var popup = L.popup({ maxWidth: Math.min(320, global.innerWidth - 48),
      maxHeight: Math.max(160, Math.round(global.innerHeight * 0.5)), offset: [0, -4] });
    GZ.openMarker = function (m) {
      /* on a phone the controls of the top left corner take the whole column: the popup
       * is panned below them (and the title), not under them */
      var top = 10;
      if (global.innerWidth < 600) {
        map.getContainer().querySelectorAll(".leaflet-top .leaflet-control, .gz-title").forEach(function (node) {
          top = Math.max(top, node.getBoundingClientRect().bottom - map.getContainer().getBoundingClientRect().top + 8);
        });
      }
      popup.options.autoPanPaddingTopLeft = L.point(10, top);
      popup.setLatLng(m.getLatLng()).setContent(popupFor(data, m.__row)).openOn(map);
    };
    var onClick = function (e) {
      var m = e.propagatedFrom || e.layer;
      if (m && m.__row) GZ.openMarker(m);
    };
    var roleLayers = opts.roles ? { key: L.featureGroup(), hub: L.featureGroup() } : null;
    data.kinds.forEach(function (kind, i) {
      kind.index = i;
      byKind.push(data.cluster ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false,
        maxClusterRadius: 50, disableClusteringAtZoom: 16, spiderfyOnMaxZoom: false,
        iconCreateFunction: clusterIcon(kind) }) : L.featureGroup());
      byKind[i].__markers = [];
    });
    data.rows.forEach(function (row) {
      var flags = row[c.flags], kind = data.kinds[row[c.kind]];
      var role = roleLayers && (flags & (F.key_institution | F.hub));
      var key = row[c.kind] + ":" + (flags & iconBits) + (role ? "r" : "");
      var icon = icons[key] || (icons[key] = iconFor(kind, flags, F, !!role));
      var m = L.marker([row[c.lat], row[c.lon]], { icon: icon, title: String(row[c.name]) });
      m.__row = row;
      markers[row[c.id]] = m;
      n += 1;
      if (role) {  /* a key institution that is also a hub is in both overlays */
        if (flags & F.key_institution) roleLayers.key.addLayer(m);
        if (flags & F.hub) roleLayers.hub.addLayer(m);
      } else {
        byKind[row[c.kind]].__markers.push(m);
      }
    });
    var layers = {}, pending = 1;
    var finished = function () {
      pending -= 1;
      /* after the current clustering chunk has put its clusters on the map */
      if (pending === 0 && opts.done) {
        setTimeout(function () { opts.done({ facilities: n, ms: Math.round(performance.now()) }); }, 0);
      }
    };
    data.kinds.forEach(function (kind, i) {
      var g = byKind[i], list = g.__markers;
      if (!list.length) return;
      var visible = kind.visible !== false;
      g.on("click", onClick);
      if (visible) g.addTo(map);
      if (data.cluster) {
        if (visible) {  /* clustering runs in chunks only for groups on the map */
          pending += 1;
          var counted = false;
          g.options.chunkProgress = function (done, total) {
            if (done === total && !counted) { counted = true; finished(); }
          };
        }
        g.addLayers(list);
      } else {
        list.forEach(function (m) { g.addLayer(m); });
      }
      if (control) control.addOverlay(g, legendLabel(kind.color, kind.label + " (" + list.length + ")"));
      layers[kind.id] = g;
    });
    if (roleLayers) {
      [["key", data.text.key_layer], ["hub", data.text.hub_layer]].forEach(function (r) {
        var g = roleLayers[r[0]], other = roleLayers[r[0] === "key" ? "hub" : "key"];
        g.on("click", onClick);
        /* turning one overlay off takes its markers off the map: put back those the
         * other overlay, still on, also holds */
        g.on("remove", function () {
          if (!map.hasLayer(other)) return;
          other.eachLayer(function (m) { if (!map.hasLayer(m)) map.addLayer(m); });
        });
        g.addTo(map);
        if (control) control.addOverlay(g, legendLabel(null, r[1] + " (" + g.getLayers().length + ")", "gz-role-" + r[0]));
        layers[r[0]] = g;
      });
    }
    finished();
    GZ.markers = markers;
    GZ.facilityLayers = layers;
    return { layers: layers, markers: markers, count: n };
  };

  function clusterIcon(kind) {
    return function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
      var span = el("span", null, String(n));
      span.style.background = kind.color;
      return L.divIcon({ html: span.outerHTML, className: "gz-cluster", iconSize: [size, size] });
    };
  }

  /* Layer-control label (HTML source for Leaflet): a colour swatch and escaped text. */
  function legendLabel(color, text, cls) {
    var s = el("span", "gz-layer-label");
    var sw = el("span", "gz-swatch" + (cls ? " " + cls : ""));
    if (color) sw.style.background = color;
    s.appendChild(sw);
    s.appendChild(document.createTextNode(text));
    return s.outerHTML;
  }
  GZ.legendLabel = legendLabel;

  /* Show a facility and open its popup (search results and #f=ID links). At zoom 16
   * clustering stops, so the marker itself is on the map. */
  GZ.open = function (map, id) {
    var m = GZ.markers && GZ.markers[id];
    if (!m) return false;
    map.setView(m.getLatLng(), Math.max(map.getZoom(), 16), { animate: false });
    GZ.openMarker(m);
    return true;
  };

  GZ.searchControl = function (map, data, text) {
    var C = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = el("div", "gz-search leaflet-bar");
        var input = el("input");
        input.setAttribute("type", "search");
        input.setAttribute("placeholder", text.search);
        input.setAttribute("aria-label", text.search);
        var list = el("ul", "gz-search-results");
        box.appendChild(input);
        box.appendChild(list);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var c = data.columns;
        var names = data.rows.map(function (r) { return norm(r[c.name]); });
        input.addEventListener("input", function () {
          while (list.firstChild) list.removeChild(list.firstChild);
          var q = norm(input.value);
          if (!q) return;
          var hits = 0;
          for (var i = 0; i < names.length && hits < 20; i++) {
            if (names[i].indexOf(q) >= 0) {
              var row = data.rows[i];
              var li = el("li", null, row[c.name]);
              li.setAttribute("tabindex", "0");
              (function (id) {
                var go = function () { GZ.open(map, id); };
                li.addEventListener("click", go);
                li.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
              })(row[c.id]);
              list.appendChild(li);
              hits += 1;
            }
          }
          if (!hits) list.appendChild(el("li", "gz-none", text.no_match));
        });
        return box;
      }
    });
    return new C().addTo(map);
  };

  GZ.buttonControl = function (map, iconClass, title, onClick, position) {
    var C = L.Control.extend({
      options: { position: position || "topleft" },
      onAdd: function () {
        var bar = el("div", "leaflet-bar gz-button");
        var a = el("a", iconClass);
        a.setAttribute("href", "#");
        a.setAttribute("role", "button");
        a.setAttribute("title", title);
        a.setAttribute("aria-label", title);
        L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); onClick(); });
        L.DomEvent.disableClickPropagation(bar);
        bar.appendChild(a);
        return bar;
      }
    });
    return new C().addTo(map);
  };

  GZ.fullscreen = function (map, text) {
    return GZ.buttonControl(map, "gz-fullscreen-icon", text.fullscreen, function () {
      var box = map.getContainer();
      if (document.fullscreenElement) document.exitFullscreen();
      else if (box.requestFullscreen) box.requestFullscreen();
      else box.classList.toggle("gz-pseudo-fullscreen");
      setTimeout(function () { map.invalidateSize(); }, 200);
    });
  };

  GZ.locate = function (map, text) {
    var mark = null;
    map.on("locationfound", function (e) {
      if (mark) map.removeLayer(mark);
      mark = L.circle(e.latlng, { radius: e.accuracy, color: "#0072B2", weight: 2, fillOpacity: 0.15 }).addTo(map);
    });
    map.on("locationerror", function () { global.alert(text.locate_error); });
    return GZ.buttonControl(map, "gz-locate-icon", text.locate, function () {
      map.locate({ setView: true, maxZoom: 15 });
    });
  };

  /* Circles of the reach distance around key institutions (an overlay, hidden at first). */
  GZ.reachCircles = function (map, control, data, radius, label) {
    var group = L.featureGroup(), c = data.columns, F = data.flags;
    data.rows.forEach(function (r) {
      if (r[c.flags] & F.key_institution) {
        L.circle([r[c.lat], r[c.lon]], { radius: radius, color: "#000000", weight: 1, dashArray: "4 4",
          fillOpacity: 0.05, interactive: false }).addTo(group);
      }
    });
    if (control) control.addOverlay(group, legendLabel(null, label));
    return group;
  };

  /* Data are embedded as JSON, or for large tables as base64 of gzip (decompressed by the
   * browser's own DecompressionStream). */
  GZ.load = function (payload, callback) {
    if (typeof payload !== "string") { callback(payload); return; }
    var bin = atob(payload), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(stream).text().then(function (text) { callback(JSON.parse(text)); });
  };

  /* Rows from the table's columns (the page carries one list per column, compact and
   * cheap to write): rows[i][columns[name]] = cols[name][i]. */
  GZ.rowsOf = function (data) {
    if (data.rows) return data.rows;
    var names = Object.keys(data.columns).sort(function (a, b) { return data.columns[a] - data.columns[b]; });
    var lists = names.map(function (name) { return data.cols[name]; });
    var rows = new Array(data.n);
    for (var i = 0; i < data.n; i++) {
      var row = new Array(lists.length);
      for (var k = 0; k < lists.length; k++) row[k] = lists[k][i];
      rows[i] = row;
    }
    data.cols = null;
    return rows;
  };

  GZ.ready = function (info, map) {
    if (map) { info.zoom = map.getZoom(); var centre = map.getCenter(); info.center = [centre.lat, centre.lng]; }
    document.documentElement.setAttribute("data-gz-ready", JSON.stringify(info));
  };

  /* ------------------------------------------------------------------ printing */

  /* The container of the printable list, after the map. */
  GZ.listContainer = function (map, text) {
    var box = el("div", "gz-list");
    box.id = "gz-list";
    box.appendChild(el("h2", null, text.list_title));
    var after = map.getContainer();
    after.parentNode.insertBefore(box, after.nextSibling);
    return box;
  };

  /* While printing, the map has the printed page's size (A4 less the margins, 15 cm
   * high) and the data fitted to it; afterwards the screen's view comes back. */
  GZ.printFit = function (map, cfg, printing) {
    var box = map.getContainer();
    if (printing) {
      GZ.screenView = { center: map.getCenter(), zoom: map.getZoom() };
      box.classList.add("gz-printing");
      map.invalidateSize({ animate: false, pan: false });
      map.fitBounds(L.latLngBounds(cfg.bounds), { animate: false, padding: [12, 12] });
    } else if (GZ.screenView) {
      box.classList.remove("gz-printing");
      map.invalidateSize({ animate: false, pan: false });
      map.setView(GZ.screenView.center, GZ.screenView.zoom, { animate: false });
    }
  };

  /* A compact legend below the printed map (the on-screen legend is not printed). */
  GZ.printLegend = function (map, cfg) {
    if (document.getElementById("gz-print-legend")) return;
    var box = el("section", "gz-print-legend");
    box.id = "gz-print-legend";
    var visible = function (name) { var l = GZ.layers[name]; return !name || (l && map.hasLayer(l)); };
    var show = true;
    ((cfg.legend || {}).items || []).forEach(function (item) {
      if (item.h !== undefined) {
        show = visible(item.layer);
        if (show) box.appendChild(el("h4", null, item.h));
        return;
      }
      if (!show) return;
      if (item.note !== undefined) { box.appendChild(el("div", "gz-note", item.note)); return; }
      var row = el("div", "gz-row");
      var s = symbol(item);
      if (s) row.appendChild(s);
      row.appendChild(el("span", null, item.t));
      box.appendChild(row);
    });
    box.appendChild(el("div", "gz-credit", cfg.credit));
    var node = map.getContainer();
    node.parentNode.insertBefore(box, node.nextSibling);
  };

  /* Printable list: built from the same data when the page is printed. */
  GZ.printList = function (data) {
    var box = document.getElementById("gz-list");
    if (!box || box.querySelector("table")) return;
    var c = data.columns, t = data.text, F = data.flags;
    var table = el("table"), head = el("tr");
    [t.list_kind, t.list_name, t.list_address, t.phone, t.h24].forEach(function (h) {
      head.appendChild(el("th", null, h));
    });
    table.appendChild(head);
    var rows = data.rows.slice().sort(function (a, b) {
      return a[c.kind] - b[c.kind] || (a[c.unit] - b[c.unit]) || String(a[c.name]).localeCompare(String(b[c.name]), "ja");
    });
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", null, data.kinds[r[c.kind]].label));
      tr.appendChild(el("td", null, r[c.name]));
      tr.appendChild(el("td", null, (r[c.unit] >= 0 ? data.units[r[c.unit]] : "") + (r[c.address] || "")));
      tr.appendChild(el("td", null, r[c.phone] || ""));
      tr.appendChild(el("td", null, r[c.flags] & F.is_24h ? t.yes : r[c.flags] & F.not_24h ? t.no : t.unknown));
      table.appendChild(tr);
    });
    box.appendChild(table);
  };

  /* A map written with --cdn and opened offline has no Leaflet: say so instead of a blank page. */
  GZ.checkScripts = function () {
    if (typeof global.L !== "undefined") return true;
    var node = document.getElementById("gz-config"), text = {};
    try { text = JSON.parse(node.textContent).text || {}; } catch (e) { /* no configuration */ }
    var box = el("div", "gz-offline", text.scripts_missing || "Leaflet could not be loaded.");
    box.setAttribute("role", "alert");
    document.body.insertBefore(box, document.body.firstChild);
    return false;
  };
  document.addEventListener("DOMContentLoaded", GZ.checkScripts);

  global.GZ = GZ;
})(window);
