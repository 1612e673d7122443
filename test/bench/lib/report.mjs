// Turns the samples of test/bench/run.mjs into the Markdown report.

const MiB = 1 << 20;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Ratios a[i] / b[i] of two cases timed in the same rounds. The machine's
 * speed drifts within a run, so cases next to each other in one round agree
 * better than medians taken over all rounds.
 */
function roundRatios(a, b) {
  if (!a || !b || a.length !== b.length) return [];
  return a.map((sample, i) => sample.ms / b[i].ms);
}

function summary(samples, field = 'ms') {
  if (!samples || samples.length === 0) return null;
  const values = samples.map((sample) => sample[field]);
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values), bytes: samples[0].bytes };
}

const ms = (value) => (value === null || value === undefined ? '–' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 100 ? `${value.toFixed(0)} ms` : value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(2)} ms`);
const signed = (value) => (value < 0 ? `−${ms(-value)}` : `+${ms(value)}`);
const mibs = (bytes, time) => `${(bytes / MiB / (time / 1000)).toFixed(1)}`;
const x = (ratio) => `${ratio.toFixed(2)}×`;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const pct = (part, whole) => `${((100 * part) / whole).toFixed(0)} %`;

function table(headers, rows, align) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), `|${headers.map((_, i) => ((align?.[i] ?? (i ? 'r' : 'l')) === 'r' ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(line)].join('\n');
}

/** What each case is, in the order of the per-size tables, and what its "vs" column compares it with. */
const CASES = [
  ['Limits', 'limit.serverNode', 'the server alone: Node fetch, drained (once, before the browser cases)'],
  ['Limits', 'limit.drain', 'fetch, body drained, nothing kept (worker)'],
  ['Limits', 'limit.drainByob', 'fetch, body read BYOB into one reused 1 MiB buffer, nothing kept (worker)'],
  ['Limits', 'limit.arrayBuffer', 'fetch → arrayBuffer() (worker)'],
  ['Limits', 'limit.sha256', 'SHA-256, hash-wasm, 1 MiB updates, bytes in memory (worker)'],
  ['Limits', 'limit.opfsRead', 'OPFS read-only SyncAccessHandle.read into one buffer (worker)'],
  ['Limits', 'limit.swMemory', 'a service worker answering 1 MiB it holds in memory, page fetch → arrayBuffer() (no storage: the floor of any service-worker answer)'],
  ['Peers', 'peer.cacheApi.store', 'Cache API put(fetch response) (worker)'],
  ['Peers', 'peer.cacheApi.read', 'Cache API match().arrayBuffer() (worker)'],
  ['Peers', 'peer.idb.store', 'IndexedDB fetch → blob() → put (worker)'],
  ['Peers', 'peer.idb.read', 'IndexedDB get → blob.arrayBuffer() (worker)'],
  ['Peers', 'peer.httpCache.first', 'HTTP cache, first fetch of a max-age=3600 URL (worker)'],
  ['Peers', 'peer.httpCache.repeat', 'HTTP cache, repeat fetch → arrayBuffer() (worker)'],
  ['Peers', 'peer.swBare.full', 'bare service worker `new Response(file)` from OPFS, page fetch → arrayBuffer()'],
  ['Peers', 'peer.swBare.range', 'bare service worker, 1 MiB Range from the middle (`file.slice`)'],
  ['volume-cache', 'vc.cold', 'getFile cold: download + hash + write + validate + commit (page)'],
  ['volume-cache', 'vc.coldNoStore', 'getFile cold, the response marked Cache-Control: no-store (Chromium reads no further ahead than the page)'],
  ['volume-cache', 'mirror.default', 'bench mirror of the cold path (worker; breakdown below)'],
  ['volume-cache', 'vc.warmArrayBuffer', 'getArrayBuffer warm, bytes transferred to the page'],
  ['volume-cache', 'vc.warmGetFile', 'getFile warm, the File handle alone'],
  ['volume-cache', 'mirror.warm', 'bench mirror of a warm getFile\'s steps inside the worker (breakdown below)'],
  ['volume-cache', 'vc.swFull', 'volume-cache service worker, whole cached entry, page fetch → arrayBuffer()'],
  ['volume-cache', 'vc.swRange', 'volume-cache service worker, 1 MiB Range from the middle'],
];

function comparisons(byCase) {
  const m = (id) => summary(byCase[id])?.median;
  const out = {};
  if (m('vc.cold') && m('limit.sha256')) out['vc.cold'] = `${x(m('limit.sha256') / m('vc.cold'))} SHA-256 throughput`;
  if (m('vc.coldNoStore') && m('limit.sha256')) out['vc.coldNoStore'] = `${x(m('limit.sha256') / m('vc.coldNoStore'))} SHA-256 throughput`;
  if (m('mirror.default') && m('vc.cold')) out['mirror.default'] = `real cold is ${x(m('vc.cold') / m('mirror.default'))} this`;
  if (m('vc.warmArrayBuffer') && m('limit.opfsRead')) out['vc.warmArrayBuffer'] = `${x(m('vc.warmArrayBuffer') / m('limit.opfsRead'))} OPFS read`;
  const rangeVs = [];
  if (m('vc.swRange') && m('peer.swBare.range')) rangeVs.push(`${x(m('vc.swRange') / m('peer.swBare.range'))} bare SW range`);
  if (m('vc.swRange') && m('limit.swMemory')) rangeVs.push(`${x(m('vc.swRange') / m('limit.swMemory'))} SW from memory`);
  if (rangeVs.length > 0) out['vc.swRange'] = rangeVs.join(', ');
  if (m('peer.swBare.range') && m('limit.swMemory')) out['peer.swBare.range'] = `${x(m('peer.swBare.range') / m('limit.swMemory'))} SW from memory`;
  if (m('vc.warmGetFile') && m('mirror.warm')) out['mirror.warm'] = `real getFile warm is ${x(m('vc.warmGetFile') / m('mirror.warm'))} this`;
  if (m('vc.swFull') && m('peer.swBare.full')) out['vc.swFull'] = `${x(m('vc.swFull') / m('peer.swBare.full'))} bare SW`;
  for (const peer of ['peer.cacheApi.read', 'peer.idb.read', 'peer.httpCache.repeat', 'peer.swBare.full']) {
    if (m(peer) && m('vc.warmArrayBuffer')) out[peer] = `getArrayBuffer warm is ${x(m('vc.warmArrayBuffer') / m(peer))} this`;
  }
  if (m('limit.arrayBuffer') && m('limit.drain')) out['limit.arrayBuffer'] = `${x(m('limit.arrayBuffer') / m('limit.drain'))} drain`;
  return out;
}

const WARM_PEERS = [
  ['peer.cacheApi.read', 'Cache API'],
  ['peer.idb.read', 'IndexedDB'],
  ['peer.httpCache.repeat', 'HTTP cache'],
  ['peer.swBare.full', 'bare SW'],
];

export function renderReport({ environment: env, volumes, results, memory, phases, notes, largest, errors, wallSeconds }) {
  const out = [];
  const push = (...lines) => out.push(...lines);
  const rateLabels = ['1 Gbit/s', '100 Mbit/s'];

  push(`# volume-cache benchmark, ${env.startedAt}`, '');
  push('## Machine and run', '');
  push(`- Chromium: ${env.chromium} (\`${env.executablePath}\`), headless, fresh profile; flags \`${env.flags.join(' ')}\``);
  push(`- User agent: ${env.userAgent}`);
  push(`- CPU: ${env.cpuModel}, ${env.cores} cores (navigator.hardwareConcurrency ${env.hardwareConcurrency}); memory ${(env.memoryBytes / 1024 ** 3).toFixed(1)} GiB; ${env.kernel}; Node ${env.node}`);
  push(`- Source: ${env.git}${env.dirtySources.length ? `, with uncommitted changes in ${env.dirtySources.map((line) => line.slice(3)).join(', ')} (measured as they were)` : ', clean src/'}`);
  push(`- Server: local Vite dev server + test/server volume routes on 127.0.0.1 (same machine, sharing its ${env.cores} cores), /gen/<k>-7.nii generated on the fly; throttling by \`?rate=\``);
  push(`- Timer: crossOriginIsolated=${env.crossOriginIsolated} (COOP/COEP on the bench pages), performance.now() step ${(env.timerResolutionMs * 1000).toFixed(0)} µs`);
  push(`- Options: sizes ${volumes.map((v) => v.label).join(', ')}; --runs ${env.options.runs}${env.options.quick ? ' (--quick)' : ''}; throttled cases ${env.options.throttle ? 'on' : 'off'}; experiments ${env.options.experiments ? 'on' : 'off'}; budget ×${env.options.budget}; wall time ${(wallSeconds / 60).toFixed(1)} min`);
  push(`- Times are wall-clock ms of performance.now() around one operation; "n" is the number of timed runs after a warm-up round (long phases: fewer runs, warm-up skipped, see the phase list at the end). Throughput is MiB/s (2^20 B/s).`);
  push('');
  if (errors.length > 0) push(`**${errors.length} correctness failure(s):**`, '', ...errors.map((e) => `- ${e}`), '');
  else push('All bytes verified: every cold download (library, mirror, SHA-256 limit) matched the server\'s SHA-256; every other case returned the expected byte count; warm getArrayBuffer and the service-worker answer were hashed once per size.', '');

  // Per-size tables.
  push('## Results per size', '');
  for (const volume of volumes) {
    const byCase = results.get(volume.slices);
    const vs = comparisons(byCase);
    push(`### ${volume.label} (${volume.bytes.toLocaleString('en')} bytes, ${mib(volume.bytes)})`, '');
    const rows = [];
    for (const [group, id, label] of CASES) {
      const s = summary(byCase[id]);
      if (!s) continue;
      const throughput = ['vc.swRange', 'peer.swBare.range', 'limit.swMemory', 'vc.warmGetFile', 'mirror.warm'].includes(id) ? '' : mibs(s.bytes, s.median);
      rows.push([`${group}: ${label}`, s.n, `**${ms(s.median)}**`, ms(s.min), ms(s.max), throughput, vs[id] ?? '']);
    }
    for (const rate of rateLabels) {
      const ab = summary(byCase[`T:${rate}.arrayBuffer`]);
      const cold = summary(byCase[`T:${rate}.vc.cold`]);
      if (ab) rows.push([`${rate}: fetch → arrayBuffer() (worker)`, ab.n, `**${ms(ab.median)}**`, ms(ab.min), ms(ab.max), mibs(ab.bytes, ab.median), '']);
      if (cold) rows.push([`${rate}: getFile cold (page)`, cold.n, `**${ms(cold.median)}**`, ms(cold.min), ms(cold.max), mibs(cold.bytes, cold.median), ab ? `${x(cold.median / ab.median)} fetch → arrayBuffer()` : '']);
      const mirrored = summary(byCase[`T:${rate}.mirror.default`]);
      if (mirrored) rows.push([`${rate}: bench mirror of the cold path (worker)`, mirrored.n, `**${ms(mirrored.median)}**`, ms(mirrored.min), ms(mirrored.max), mibs(mirrored.bytes, mirrored.median), ab ? `${x(mirrored.median / ab.median)} fetch → arrayBuffer()` : '']);
    }
    push(table(['case', 'n', 'median', 'min', 'max', 'MiB/s', 'vs'], rows), '');
    const http = notes.get(volume.slices).httpCache;
    if (http) {
      const repeats = http.fetches - 1;
      const missed = Math.max(0, http.reachedServer - 1);
      push(missed === 0
        ? `HTTP cache: the first fetch reached the server, all ${repeats} repeat fetches (warm-up included) were answered from the HTTP cache.`
        : `HTTP cache: ${missed} of ${repeats} repeat fetches reached the server (Chromium did not keep the ${volume.label} response${missed >= repeats ? ' at all' : ' every time'}), so its "repeat" row is ${missed >= repeats ? 'a network fetch' : 'partly network fetches'}.`);
      push('');
    }
  }

  // Targets.
  push('## Targets', '');
  const rows = [];
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  const m = (volume, id) => summary(results.get(volume.slices)[id])?.median;
  for (const volume of volumes) {
    const cold = m(volume, 'vc.cold');
    const sha = m(volume, 'limit.sha256');
    if (!cold || !sha) continue;
    const perRound = roundRatios(results.get(volume.slices)['limit.sha256'], results.get(volume.slices)['vc.cold']);
    const paired = perRound.length > 1 ? `; each cold get against the SHA-256 run of its own round: median ${x(median(perRound))}, ${x(Math.min(...perRound))} to ${x(Math.max(...perRound))}` : '';
    rows.push(['cold unthrottled getFile ≥ 0.9× the SHA-256 bound (throughput)', volume.label, `${x(sha / cold)} (${mibs(volume.bytes, cold)} vs ${mibs(volume.bytes, sha)} MiB/s)${paired}`, verdict(sha / cold >= 0.9)]);
  }
  for (const rate of rateLabels) {
    for (const volume of volumes) {
      const cold = m(volume, `T:${rate}.vc.cold`);
      const ab = m(volume, `T:${rate}.arrayBuffer`);
      if (cold && ab) rows.push([`cold at ${rate} ≤ 1.05× fetch → arrayBuffer()`, volume.label, `${x(cold / ab)} (${ms(cold)} vs ${ms(ab)})`, verdict(cold / ab <= 1.05)]);
    }
  }
  for (const volume of volumes) {
    const warm = m(volume, 'vc.warmArrayBuffer');
    const read = m(volume, 'limit.opfsRead');
    if (warm && read) rows.push(['warm getArrayBuffer ≤ 1.2× SyncAccessHandle.read', volume.label, `${x(warm / read)} (${ms(warm)} vs ${ms(read)})`, verdict(warm / read <= 1.2)]);
  }
  for (const volume of volumes) {
    const warm = m(volume, 'vc.warmArrayBuffer');
    const peers = WARM_PEERS.map(([id, name]) => [name, m(volume, id)]).filter(([, value]) => value);
    if (!warm || peers.length === 0) continue;
    const [fastestName, fastest] = peers.reduce((a, b) => (b[1] < a[1] ? b : a));
    const slower = peers.filter(([, value]) => value <= warm).map(([name]) => name);
    rows.push(['warm getArrayBuffer faster than every peer', volume.label, `${x(warm / fastest)} the fastest peer (${fastestName} ${ms(fastest)})${slower.length ? `; not faster than ${slower.join(', ')}` : ''}`, verdict(slower.length === 0)]);
  }
  for (const volume of volumes) {
    const s = summary(results.get(volume.slices)['vc.warmGetFile']);
    if (s) rows.push(['warm getFile ≤ 5 ms', volume.label, `median ${ms(s.median)} (max ${ms(s.max)})`, verdict(s.median <= 5)]);
  }
  for (const volume of volumes) {
    const full = m(volume, 'vc.swFull');
    const bare = m(volume, 'peer.swBare.full');
    if (full && bare) rows.push(['SW full response ≤ 1.5× the bare SW', volume.label, `${x(full / bare)} (${ms(full)} vs ${ms(bare)})`, verdict(full / bare <= 1.5)]);
  }
  const ranges = volumes.map((volume) => [volume, m(volume, 'vc.swRange')]).filter(([, value]) => value);
  for (const [volume, value] of ranges) {
    const floor = m(volume, 'limit.swMemory');
    rows.push(['SW 1 MiB range ≤ 15 ms', volume.label, ms(value) + (floor ? ` (a service worker answering 1 MiB from memory: ${ms(floor)})` : ''), verdict(value <= 15)]);
  }
  if (ranges.length > 1) {
    const values = ranges.map(([, value]) => value);
    const spread = Math.max(...values) - Math.min(...values);
    const ratio = ranges[ranges.length - 1][1] / ranges[0][1];
    // Independent: the largest entry's median within 25 % or 2 ms of the smallest's.
    rows.push(['SW 1 MiB range independent of entry size (largest within 25 % or 2 ms of smallest)', `${ranges[0][0].label} → ${ranges[ranges.length - 1][0].label}`, `${x(ratio)}, spread ${ms(spread)} over sizes`, verdict(ratio <= 1.25 || Math.abs(ranges[ranges.length - 1][1] - ranges[0][1]) <= 2)]);
  }
  const coldMemory = memory['vc.cold'];
  if (coldMemory) {
    const worst = worstGrowth(coldMemory);
    const is1GB = largest.slices === 16384;
    rows.push([
      `cold ${is1GB ? '1 GB' : largest.label} download ≤ 64 MiB peak RSS over baseline (renderer and browser, each)`,
      largest.label,
      `renderer ${mib(worst.renderer)}, browser ${mib(worst.browser)} (sum sampled together ${mib(worst.sum)}; worst of ${coldMemory.length} runs)` +
        (memory['limit.drainByob'] ? `; reading the body alone (BYOB, nothing kept): renderer ${mib(worstGrowth(memory['limit.drainByob']).renderer)}` : '') +
        (memory['vc.coldNoStore'] ? `; the same download sent with Cache-Control: no-store: renderer ${mib(worstGrowth(memory['vc.coldNoStore']).renderer)}` : ''),
      is1GB ? verdict(worst.renderer <= 64 * MiB && worst.browser <= 64 * MiB) : `${verdict(worst.renderer <= 64 * MiB && worst.browser <= 64 * MiB)} at ${largest.label} (1 GB not run)`,
    ]);
  }
  const labelToVolume = new Map(volumes.map((volume) => [volume.label, volume]));
  for (const row of rows) {
    const phaseKey = row[0].startsWith('cold at ') ? `T:${rateLabels.find((rate) => row[0].includes(rate))}`
      : row[0].startsWith('cold unthrottled') || row[0].startsWith('cold ') ? 'U'
      : row[0].startsWith('warm') ? 'W' : row[0].startsWith('SW 1 MiB range') ? 'S:range' : row[0].startsWith('SW') ? 'S' : null;
    const volume = labelToVolume.get(row[1]) ?? largest;
    const phase = phaseKey ? phases.get(volume.slices)?.[phaseKey] : null;
    row.push(phase && row[1] !== undefined && labelToVolume.has(row[1]) ? phase.foreignCores.toFixed(2) : '');
  }
  push('"other cores": how many of the machine\'s cores other processes kept busy during the phase the numbers come from (see Phases); above ~0.5 the absolute times are inflated by contention.', '');
  push(table(['target', 'size', 'measured', 'verdict', 'other cores'], rows, ['l', 'l', 'l', 'l', 'r']), '');

  // Breakdown.
  push('## Cold-path breakdown', '');
  push('The bench worker runs the loop of src/engine/downloadVolume.ts with the library\'s own PartitionFiles sink, StreamingSha256 and NiftiStreamValidator, then the engine\'s commit steps (totals, Web Lock, eviction check, move to blobs/, IndexedDB row, File read back), timing each step. Medians over runs; percentages of the mirror\'s total.', '');
  const steps = [
    ['headersMs', 'response headers'],
    ['setupMs', 'setup'],
    ['waitMs', 'network wait'],
    ['writeMs', 'OPFS write + flush'],
    ['hashMs', 'SHA-256'],
    ['validateMs', 'NIfTI validation'],
    ['commitMs', 'commit'],
    ['otherMs', 'other (promise turns)'],
  ];
  const breakdownRows = [];
  for (const [prefix, rateName] of [['', 'unthrottled'], ...rateLabels.map((rate) => [`T:${rate}.`, rate])])
  for (const volume of volumes) {
    const samples = results.get(volume.slices)[`${prefix}mirror.default`];
    if (!samples) continue;
    const total = median(samples.map((s) => s.ms));
    const real = m(volume, `${prefix}vc.cold`);
    const chunks = median(samples.map((s) => s.chunks));
    breakdownRows.push([
      `${volume.label}, ${rateName}`,
      ...steps.map(([field]) => {
        const value = median(samples.map((s) => s[field]));
        return `${ms(value)} (${pct(value, total)})`;
      }),
      `**${ms(total)}**`,
      real ? `${ms(real)} (${x(real / total)})` : '–',
      `${chunks} × ${(volume.bytes / chunks / 1024).toFixed(0)} KiB`,
    ]);
  }
  push(table(['size', ...steps.map(([, name]) => name), 'mirror total', 'real getFile cold', 'chunks'], breakdownRows), '');

  // Warm path breakdown.
  const warmRows = [];
  for (const volume of volumes) {
    const samples = results.get(volume.slices)['mirror.warm'];
    if (!samples) continue;
    const med = (field) => median(samples.map((sample) => sample[field]));
    const realFile = m(volume, 'vc.warmGetFile');
    const realBuffer = m(volume, 'vc.warmArrayBuffer');
    warmRows.push([
      volume.label, ms(med('getMs')), ms(med('fileMs')), ms(med('touchMs')), ms(med('totalsMs')), `**${ms(med('ms'))}**`,
      realFile ? `${ms(realFile)} (${signed(realFile - med('ms'))})` : '–',
      ms(med('readBytesMs')), m(volume, 'limit.opfsRead') ? ms(m(volume, 'limit.opfsRead')) : '–',
      realBuffer ? `${ms(realBuffer)} (${signed(realBuffer - med('ms') - med('readBytesMs'))})` : '–',
    ]);
  }
  if (warmRows.length > 0) {
    push('## Warm-path breakdown', '');
    push('The steps a warm get does in the engine (IndexedDB get of the row, the OPFS File, the lastAccessedAt touch and the totals, each its own transaction, all awaited before answering), timed in the bench worker on an entry the mirror committed. "+" is what the real call adds on top (negative: noise between phases): comlink round trip, key derivation, BroadcastChannel posts, for getArrayBuffer the transfer.', '');
    push(table(['size', 'IndexedDB get', 'File', 'touch (readwrite tx)', 'totals (readwrite tx)', 'steps for getFile', 'real getFile warm', 'readBlobBytes', 'OPFS read limit', 'real getArrayBuffer warm'], warmRows), '');
  }

  // Experiments.
  const experimentIds = ['x.default', 'x.byob', 'x.coalesce', 'x.parallel-hash', 'x.stall-timeout'];
  const anyExperiment = volumes.some((volume) => results.get(volume.slices)['x.default']);
  if (anyExperiment) {
    push('## Experiments on the mirror (unthrottled, one change each)', '');
    push('default = the mirror above; byob = BYOB reader into one reused 1 MiB buffer; coalesce = chunks gathered into 1 MiB before write/hash/validate; parallel-hash = SHA-256 in a second worker (chunks transferred after the write, ≤ 16 MiB in flight); stall-timeout = a setTimeout/Promise.race watchdog around every read.', '');
    const experimentRows = [];
    for (const volume of volumes) {
      const byCase = results.get(volume.slices);
      const base = summary(byCase['x.default'])?.median;
      for (const id of experimentIds) {
        const s = summary(byCase[id]);
        if (!s) continue;
        const med = (field) => median(byCase[id].map((sample) => sample[field]));
        const growth = volume === largest && memory[id] ? worstGrowth(memory[id]) : null;
        experimentRows.push([
          volume.label,
          id.slice(2),
          s.n,
          `**${ms(s.median)}**`,
          mibs(s.bytes, s.median),
          base ? x(s.median / base) : '',
          ms(med('waitMs')),
          ms(med('writeMs')),
          ms(med('hashMs')),
          ms(med('otherMs') + med('copyMs')),
          `${median(byCase[id].map((sample) => sample.chunks))}`,
          growth ? `${mib(growth.renderer)} / ${mib(growth.browser)}` : '',
        ]);
      }
    }
    push(table(['size', 'variant', 'n', 'median', 'MiB/s', 'vs default', 'network wait', 'write', 'hash', 'other + copy', 'chunks', `renderer / browser peak Δ (${largest.label})`], experimentRows), '');
  }

  // Memory.
  const memoryIds = Object.keys(memory);
  if (memoryIds.length > 0) {
    push(`## Memory during cold downloads of ${largest.label}`, '');
    push('Peak RSS over the RSS just before the download (VmHWM reset with clear_refs and RSS sampled every 50 ms), per Chromium process of this profile (the dedicated workers live in the renderer; zygote and GPU processes never grew); worst and median over runs. The experiments table above has the same numbers for each mirror variant.', '');
    const memoryRows = [];
    const shownKinds = ['renderer', 'browser', 'utility:network', 'utility:storage'];
    for (const id of memoryIds.filter((id) => !id.startsWith('x.'))) {
      const runs = memory[id];
      const kinds = shownKinds.filter((kind) => runs.some((run) => run.processes.some((p) => p.kind === kind)));
      for (const kind of kinds) {
        const growths = runs.map((run) => Math.max(...run.processes.filter((p) => p.kind === kind).map((p) => p.growth)));
        const baselines = runs.map((run) => Math.max(...run.processes.filter((p) => p.kind === kind).map((p) => p.baseline)));
        if (!growths.every(Number.isFinite)) continue;
        memoryRows.push([id, kind, mib(median(baselines)), `**${mib(Math.max(...growths))}**`, mib(median(growths))]);
      }
      const sums = runs.map((run) => run.rendererBrowserSumGrowth);
      memoryRows.push([id, 'renderer + browser (sampled together)', '', `**${mib(Math.max(...sums))}**`, mib(median(sums))]);
    }
    push(table(['case', 'process', 'baseline RSS', 'worst peak Δ', 'median peak Δ'], memoryRows), '');
  }

  push('## Phases', '');
  const phaseRows = [];
  for (const volume of volumes) {
    for (const [key, phase] of Object.entries(phases.get(volume.slices))) {
      phaseRows.push([volume.label, phase.name, phase.warmUp ? 'yes' : 'no (warmed up at a smaller size)', phase.runs, `${phase.roundSeconds.toFixed(1)} s`, phase.ownCores.toFixed(2), phase.foreignCores.toFixed(2)]);
    }
  }
  push('CPU: cores busy on average during the timed rounds, from /proc/stat: this benchmark (its Node process, which also runs the server, and its Chromium) and every other process on the machine (the noise; this machine is shared).', '');
  push(table(['size', 'phase', 'warm-up round', 'timed runs', 'mean round', 'bench cores', 'other processes\' cores'], phaseRows), '');
  return out.join('\n');
}

function worstGrowth(runs) {
  const of = (run, kind) => Math.max(0, ...run.processes.filter((p) => p.kind === kind).map((p) => p.growth));
  return {
    renderer: Math.max(...runs.map((run) => of(run, 'renderer'))),
    browser: Math.max(...runs.map((run) => of(run, 'browser'))),
    sum: Math.max(...runs.map((run) => run.rendererBrowserSumGrowth)),
  };
}
