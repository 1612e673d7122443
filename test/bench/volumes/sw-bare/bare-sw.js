// The benchmark's bare service worker: answers <scope>bare-opfs/<name> with
// `new Response(file)` of the OPFS file bench-sw-bare/<name>, nothing else.
// It is the floor for serving a stored volume through a service worker.
// <scope>bare-memory/<n> answers n bytes kept in memory, no storage at all:
// the floor of any service-worker answer of that size.
const inMemory = new Map();
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const memory = /\/bare-memory\/(\d+)$/.exec(new URL(event.request.url).pathname);
  if (memory) {
    const length = Number(memory[1]);
    if (!inMemory.has(length)) inMemory.set(length, new Uint8Array(length));
    event.respondWith(new Response(inMemory.get(length), { status: 206, headers: { 'Content-Range': `bytes 0-${length - 1}/${length}` } }));
    return;
  }
  const match = /\/bare-opfs\/([\w.-]+)$/.exec(new URL(event.request.url).pathname);
  if (!match) return;
  event.respondWith(
    (async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('bench-sw-bare');
      const file = await (await folder.getFileHandle(match[1])).getFile();
      const range = /^bytes=(\d+)-(\d+)$/.exec(event.request.headers.get('Range') ?? '');
      if (!range) return new Response(file);
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), file.size - 1);
      return new Response(file.slice(start, end + 1), { status: 206, headers: { 'Content-Range': `bytes ${start}-${end}/${file.size}` } });
    })(),
  );
});
