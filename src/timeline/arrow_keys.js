if (!window.__arrowKeys) {
  window.__arrowKeys = true;
  // ← and → press the page's Previous / Next (a story) or Earlier / Later (the explorer),
  // unless a field that reads those keys has the focus.
  const FIELDS = "input, textarea, select, [contenteditable], [role=combobox], [role=listbox], "
    + "[role=slider], [role=tab], [role=radio], [role=option], .js-plotly-plot";
  document.addEventListener("keydown", (event) => {
    const key = {ArrowLeft: "__PREV__", ArrowRight: "__NEXT__"}[event.key];
    const focus = document.activeElement;
    if (!key || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey
        || event.defaultPrevented || (focus && focus.closest && focus.closest(FIELDS))) {
      return;
    }
    const button = document.querySelector(`.st-key-${key} button:not([disabled])`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
}
