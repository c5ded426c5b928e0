if (!window.__dragDates) {
  window.__dragDates = true;
  const utc = (iso) => Date.parse(iso.slice(0, 19) + "Z");
  // packing.Axis.time: the time at a fraction of the plot's width, the cuts taking no width.
  const timeAt = (axis, fraction) => {
    const lo = utc(axis.lo), hi = utc(axis.hi);
    const cuts = axis.cuts.map(([a, b]) => [Math.max(utc(a), lo), Math.min(utc(b), hi)])
      .filter(([a, b]) => b > a).sort((p, q) => p[0] - q[0]);
    let t = lo, left = fraction * cuts.reduce((width, [a, b]) => width - (b - a), hi - lo);
    for (const [a, b] of cuts) {
      if (t + left <= a) break;
      left -= a - t;
      t = b;
    }
    return t + left;
  };
  const day = (ms) => new Date(ms).toLocaleDateString("en-GB", {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  });
  const tip = document.createElement("div");
  tip.id = "timeline-drag-dates";
  tip.style.cssText = "position: fixed; z-index: 1000; pointer-events: none; padding: 2px 6px;"
    + " border-radius: 4px; font: 13px sans-serif; background: rgba(0, 0, 0, 0.8); color: #fff;";
  let drag = null;
  // Plotly's own events for a drag (whole pixels, as it reads them), a touch's first finger.
  const on = (types, handle) => types.forEach((type) => document.addEventListener(
    type, (event) => handle(event, (event.touches ? event.touches[0] || {} : event).clientX), true));
  // A drag of the box tool across the timeline (its figure has the axis in its meta).
  on(["mousedown", "touchstart"], (event, x) => {
    const area = event.target.closest && event.target.closest(".nsewdrag");
    const plot = area && area.closest(".js-plotly-plot");
    const axis = plot && plot.layout && plot.layout.meta && plot.layout.meta.axis;
    const boxing = plot && plot._fullLayout && plot._fullLayout.dragmode === "select";
    drag = axis && boxing ? {axis, area, x} : null;
  });
  on(["mousemove", "touchmove"], (event, x) => {
    if (!drag || x === undefined || Math.abs(x - drag.x) < 4) return;
    const box = drag.area.getBoundingClientRect();
    const at = (px) => timeAt(drag.axis, Math.min(Math.max((px - box.left) / box.width, 0), 1));
    const [a, b] = [at(drag.x), at(x)].sort((p, q) => p - q).map(day);
    tip.textContent = a === b ? a : `${a} – ${b}`;  // as the zoom's note will say it
    tip.style.left = `${Math.min(x + 12, innerWidth - 260)}px`;
    tip.style.top = `${Math.max(box.top + 4, 4)}px`;
    document.body.appendChild(tip);
  });
  on(["mouseup", "touchend", "touchcancel"], () => { drag = null; tip.remove(); });
}
