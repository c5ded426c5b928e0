if (!window.__tapSelects) {
  window.__tapSelects = true;
  document.addEventListener("touchstart", (event) => {
    const target = event.target;
    if (event.touches.length !== 1 || !target.closest || !target.closest(".js-plotly-plot")) {
      return;
    }
    const touch = event.touches[0];
    target.dispatchEvent(new MouseEvent("mousemove", {
      clientX: touch.clientX, clientY: touch.clientY, bubbles: true,
    }));
  }, {capture: true, passive: true});
}
