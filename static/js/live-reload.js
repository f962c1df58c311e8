// For `catalogue serve` only: reload the page when the content, templates or static files
// change. The server answers /__live-reload?since=N when its version is no longer N.
const script = document.currentScript;
const url = script.dataset.url;
const seen = script.dataset.version;

async function watch() {
  for (;;) {
    try {
      const response = await fetch(`${url}?since=${seen}`, { cache: "no-store" });
      const { version } = await response.json();
      if (String(version) !== seen) {
        location.reload();
        return;
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the server restarts
    }
  }
}
watch();
