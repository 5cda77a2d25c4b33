// embed-log.js: the course page's own script for demo/embed.html (plain JavaScript, no build step):
// prints every ae-progress, ae-done and ae-error event that reaches the document into <pre id="log">.
// Imports nothing; the elements come from dist/lib/autoencoder-lab.js.
const log = document.getElementById('log');

function line(text) {
  log.append(`${text}\n`);
}

document.addEventListener('ae-progress', (e) => {
  const d = e.detail;
  line(`ae-progress ${d.task}: ${d.message}`);
});
document.addEventListener('ae-done', (e) => {
  const d = e.detail;
  line(`ae-done ${d.task}${d.experiment ? ` ${d.experiment}` : ''}${d.stopped ? ' (stopped)' : ''}`);
});
document.addEventListener('ae-error', (e) => {
  line(`ae-error ${e.detail.task}: ${e.detail.message ?? e.detail.error.message}`);
});
