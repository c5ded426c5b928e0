(() => {
  let tries = 30;
  const show = () => {
    const card = document.querySelector(".st-key-__CARD__");
    if (!card) return tries-- > 0 && requestAnimationFrame(show);
    const sheet = card.parentElement;
    const box = getComputedStyle(sheet).position === "fixed" ? sheet : card.closest(".stColumn");
    const r = box.getBoundingClientRect();
    // Not under the page's header, which covers the top of the screen (scroll-margin-top).
    const top = parseFloat(getComputedStyle(box).scrollMarginTop) || 0;
    if (r.top < top || r.bottom > innerHeight) box.scrollIntoView({block: "nearest"});
  };
  show();
})();
