// Every page's own script. It starts Blazor (blazor.web.js, whose address is this script's data-blazor) after the
// page's first frame: evaluating that script and starting it take tens of milliseconds of the main thread, which
// would otherwise come between the parsed page and its first paint. A hidden tab draws no frames, so there it loads
// at once.
//
// Controls whose choice lives in the page's address, for pages rendered without a Blazor circuit (the compare page):
// <select data-query="name"> sets the query parameter to the chosen value (none when empty), <input type="checkbox"
// data-query="name"> sets it to 1 or drops it. The page is then fetched again through Blazor's enhanced navigation,
// which patches it in place and keeps the scroll position; the address holds every choice, so it can be shared and
// the back button works. Embedded in the server and served from /ui/cairn-page.js.
(() => {
  const blazor = document.currentScript?.dataset.blazor;
  if (blazor) {
    const load = () => {
      const script = document.createElement("script");
      script.src = blazor;
      document.body.appendChild(script);
    };
    if (document.visibilityState === "hidden") load();
    else requestAnimationFrame(() => setTimeout(load, 0));
  }

  document.addEventListener("change", event => {
    const control = event.target instanceof Element ? event.target.closest("[data-query]") : null;
    if (!control) return;
    const value = control.type === "checkbox" ? (control.checked ? "1" : "") : control.value;
    const url = new URL(location.href);
    if (value) url.searchParams.set(control.dataset.query, value);
    else url.searchParams.delete(control.dataset.query);
    // Run id lists read better with their commas as they are.
    const target = url.pathname + "?" + url.searchParams.toString().replaceAll("%2C", ",") + url.hash;
    if (window.Blazor?.navigateTo) window.Blazor.navigateTo(target, { forceLoad: false, replaceHistoryEntry: false });
    else location.assign(target);
  });
})();
