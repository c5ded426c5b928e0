(() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const main = document.querySelector('[data-testid="stMain"]');
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (!sidebar || !main || !button) return;
  const covers = main.getBoundingClientRect().left < sidebar.getBoundingClientRect().right - 1;
  if (!covers) return;
  const active = document.activeElement;
  if (active && sidebar.contains(active)) active.blur();
  button.click();
})();
