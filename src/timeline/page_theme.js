export default function (component) {
  const { setStateValue, data } = component;
  let last = data.drawn;
  const report = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const rgb = app && getComputedStyle(app).backgroundColor.match(/[\d.]+/g);
    // Not painted yet (no colour, or a transparent one that would read as black): wait.
    if (!rgb || (rgb.length > 3 && Number(rgb[3]) === 0)) return;
    // The phone's card sheet covers the page: it takes the page's background.
    document.documentElement.style.setProperty("--page-bg", getComputedStyle(app).backgroundColor);
    const [r, g, b] = rgb.map(Number);
    const dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
    if (dark !== last) {
      last = dark;
      setStateValue("dark", dark);
    }
  };
  report();
  const timer = setInterval(report, 500);
  return () => clearInterval(timer);
}
