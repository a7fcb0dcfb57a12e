/**
 * Draws the million bench's chart from a results JSON, as a hand-written SVG: messages per second
 * at the ESP over the sendout against the raw keep-alive POST rate of the same run (and 60% of it,
 * the goal), the phases shaded, and the worker's and the API's resident memory below.
 *
 *   node dist/bench/chart.js [results.json] [out.svg]   (defaults: BENCH_RESULTS, docs/bench/million.svg)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MillionSeries } from './million-figures';
import { ROOT, ResultsFile, resultsPath } from './results';

const WIDTH = 1000;
const LEFT = 78;
const RIGHT = 24;
const TOP = { y: 100, height: 290 };
const BOTTOM = { y: 446, height: 140 };
const HEIGHT = 650;
const PHASE_COLOURS: Record<string, string> = {
  generate: '#dbeafe',
  gate: '#fde68a',
  send: '#dcfce7',
  'feedback fan-out': '#ede9fe',
};

export function chartPath(): string {
  return resolve(ROOT, process.env.BENCH_CHART ?? 'docs/bench/million.svg');
}

/** Reads the million section of `results` and writes the chart to `out`; answers the path written. */
export function drawChart(results = resultsPath(), out = chartPath()): string {
  const file = JSON.parse(readFileSync(results, 'utf8')) as ResultsFile;
  const bench = file.benches.million;
  if (!bench) throw new Error(`${results} has no million section: run BENCHES=million make bench`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderChart(bench as unknown as ChartInput));
  return out;
}

export interface ChartInput {
  runAt: string;
  machine: { cores: number; database: string; node: string };
  figures: Record<string, number>;
  ratios: Record<string, number>;
  series: MillionSeries;
}

export function renderChart({ runAt, machine, figures, ratios, series }: ChartInput): string {
  const samples = series.samples;
  const rawPost = figures.baseline_raw_post_req_per_s;
  const endS = Math.max(...samples.map((s) => s.t_s), 1);
  const x = scale(0, endS, LEFT, WIDTH - RIGHT);
  const rateMax = niceCeiling(Math.max(rawPost * 1.1, ...samples.flatMap((s) => [s.esp_msgs_per_s, s.feedback_per_s ?? 0])));
  const yRate = scale(0, rateMax, TOP.y + TOP.height, TOP.y);
  const rssMax = niceCeiling(Math.max(560, ...samples.flatMap((s) => [s.worker_rss_mib, s.api_rss_mib]).filter(Number.isFinite)));
  const yRss = scale(0, rssMax, BOTTOM.y + BOTTOM.height, BOTTOM.y);

  const parts: string[] = [];
  const text = (tx: number, ty: number, body: string, attrs = '') =>
    parts.push(`<text x="${f(tx)}" y="${f(ty)}" ${attrs}>${esc(body)}</text>`);

  const date = runAt.slice(0, 10);
  text(LEFT, 24, `Sendgate: one sendout of ${int(figures.contacts)} contacts, gate auto-accepted, feedback on (${date})`, 'class="title"');
  text(
    LEFT,
    44,
    `${machine.cores} cores, ${database(machine.database)}, Node ${machine.node}. End to end ${figures.end_to_end_s.toFixed(0)} s ` +
      `(last send at ${figures.end_to_end_until_last_sent_s.toFixed(0)} s): ` +
      `${ratios.end_to_end_over_raw_insert_plus_post.toFixed(2)}× the raw INSERT + raw POST time of the same run.`,
    'class="sub"',
  );
  text(
    LEFT,
    60,
    `Steady send ${int(figures.send_steady_msgs_per_s)} msg/s = ${pct(ratios.steady_send_over_raw_post)} of the raw POST rate; ` +
      `resident memory at most ${int(figures.worker_rss_max_mib)} MiB (worker), ${int(figures.api_rss_max_mib)} MiB (API).`,
    'class="sub"',
  );

  // phases, shaded across both panels, named above the top one (a name that would overlap the previous goes a row up)
  let labelEnd = -Infinity;
  let row = 0;
  for (const phase of series.phases) {
    if (!Number.isFinite(phase.start_s) || !Number.isFinite(phase.end_s)) continue;
    const [x0, x1] = [x(Math.max(0, phase.start_s)), x(Math.min(endS, phase.end_s))];
    const width = Math.max(1.5, x1 - x0);
    const fill = PHASE_COLOURS[phase.name] ?? '#eee';
    parts.push(`<rect x="${f(x0)}" y="${TOP.y}" width="${f(width)}" height="${TOP.height}" fill="${fill}"/>`);
    parts.push(`<rect x="${f(x0)}" y="${BOTTOM.y}" width="${f(width)}" height="${BOTTOM.height}" fill="${fill}"/>`);
    row = x0 < labelEnd + 6 ? 1 - row : 0;
    text(x0 + 2, TOP.y - 5 - row * 14, phase.name, 'class="phase"');
    labelEnd = x0 + 2 + phase.name.length * 6.5;
  }

  // top panel: messages per second
  axes(parts, x, yRate, TOP, endS, rateMax, 'messages/s at the ESP');
  // the reference lines' labels go on top of the data lines, drawn last
  const labels: Array<() => void> = [];
  const line = (y: number, attrs: string, label: string) => {
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y)}" y2="${f(y)}" ${attrs}/>`);
    labels.push(() => text(WIDTH - RIGHT - 4, y - 5, label, 'class="note" text-anchor="end"'));
  };
  line(yRate(rawPost), 'stroke="#111" stroke-width="1.5" stroke-dasharray="7 5"', `raw keep-alive POST, same run: ${int(rawPost)}/s`);
  line(yRate(rawPost * 0.6), 'stroke="#888" stroke-width="1" stroke-opacity="0.6"', `60% of it (goal): ${int(rawPost * 0.6)}/s`);
  // each rate is the mean over the second before its sample: drawn at the middle of that second
  const middle = (i: number) => x(i === 0 ? samples[0].t_s : (samples[i - 1].t_s + samples[i].t_s) / 2);
  if (samples.some((s) => s.feedback_per_s !== undefined)) {
    parts.push(
      polyline(
        samples.map((s, i): [number, number] => [middle(i), yRate(s.feedback_per_s ?? NaN)]),
        '#059669',
        1.2,
      ),
    );
  }
  parts.push(
    polyline(
      samples.map((s, i): [number, number] => [middle(i), yRate(s.esp_msgs_per_s)]),
      '#2563eb',
      1.6,
    ),
  );

  // bottom panel: resident memory
  axes(parts, x, yRss, BOTTOM, endS, rssMax, 'RSS (MiB)');
  const y512 = f(yRss(512));
  parts.push(
    `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y512}" y2="${y512}" stroke="#b91c1c" stroke-width="1" stroke-dasharray="4 4"/>`,
  );
  text(WIDTH - RIGHT - 4, yRss(512) - 4, '512 MiB (goal)', 'class="note" text-anchor="end"');
  parts.push(
    polyline(
      samples.map((s) => [x(s.t_s), yRss(s.worker_rss_mib)]),
      '#dc2626',
      1.6,
    ),
  );
  parts.push(
    polyline(
      samples.map((s) => [x(s.t_s), yRss(s.api_rss_mib)]),
      '#7c3aed',
      1.6,
    ),
  );
  labels.forEach((draw) => draw());
  text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 22, 'seconds since POST /v1/sendouts', 'class="axis" text-anchor="middle"');

  // legend
  const legend: Array<[string, string]> = [
    ['#2563eb', 'messages/s at the ESP'],
    ['#059669', 'feedback events/s at the receiver'],
    ['#dc2626', `worker RSS (max ${int(figures.worker_rss_max_mib)} MiB)`],
    ['#7c3aed', `API RSS (max ${int(figures.api_rss_max_mib)} MiB)`],
  ];
  let lx = LEFT;
  for (const [colour, label] of legend) {
    parts.push(`<line x1="${lx}" x2="${lx + 22}" y1="${HEIGHT - 6}" y2="${HEIGHT - 6}" stroke="${colour}" stroke-width="2.5"/>`);
    text(lx + 28, HEIGHT - 2, label, 'class="note"');
    lx += 28 + label.length * 6.4 + 26;
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT + 8}" viewBox="0 0 ${WIDTH} ${HEIGHT + 8}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:17px;font-weight:bold}.sub{font-size:12px;fill:#333}.axis{font-size:12px;fill:#333}' +
      '.tick{font-size:11px;fill:#555}.phase{font-size:12px;fill:#333}' +
      // a white halo keeps a label readable where a line crosses it
      '.note{font-size:11.5px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-opacity:0.85}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Frame, grid lines and ticks of a panel, the y label turned along its axis. */
function axes(
  parts: string[],
  x: (v: number) => number,
  y: (v: number) => number,
  panel: { y: number; height: number },
  xMax: number,
  yMax: number,
  yLabel: string,
): void {
  for (const v of ticks(yMax, 5)) {
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#000" stroke-opacity="0.08"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${f(y(v) + 4)}" class="tick" text-anchor="end">${int(v)}</text>`);
  }
  for (const v of ticks(xMax, 10)) {
    parts.push(
      `<line x1="${f(x(v))}" x2="${f(x(v))}" y1="${panel.y}" y2="${panel.y + panel.height}" stroke="#000" stroke-opacity="0.06"/>`,
    );
    parts.push(`<text x="${f(x(v))}" y="${panel.y + panel.height + 15}" class="tick" text-anchor="middle">${int(v)}</text>`);
  }
  parts.push(`<rect x="${LEFT}" y="${panel.y}" width="${WIDTH - LEFT - RIGHT}" height="${panel.height}" fill="none" stroke="#444"/>`);
  const cy = panel.y + panel.height / 2;
  parts.push(`<text x="18" y="${f(cy)}" class="axis" text-anchor="middle" transform="rotate(-90 18 ${f(cy)})">${esc(yLabel)}</text>`);
}

function polyline(points: Array<[number, number]>, colour: string, width: number): string {
  const finite = points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py));
  const coordinates = finite.map(([px, py]) => `${f(px)},${f(py)}`).join(' ');
  return `<polyline fill="none" stroke="${colour}" stroke-width="${width}" stroke-linejoin="round" points="${coordinates}"/>`;
}

function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  return (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
}

/** 1, 2 or 5 times a power of ten: round steps for `count` ticks up to `max`. */
function ticks(max: number, count: number): number[] {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(v);
  return out;
}

function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((c) => c >= value)!;
}

/** `10.11.19-MariaDB-0+deb12u1` → `MariaDB 10.11.19`; MySQL's plain `8.4.0` → `MySQL 8.4.0`. */
function database(version: string): string {
  const mariadb = /^([\d.]+)-MariaDB/.exec(version);
  return mariadb ? `MariaDB ${mariadb[1]}` : /^[\d.]+$/.test(version) ? `MySQL ${version}` : version;
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();
const int = (n: number) => Math.round(n).toLocaleString('en');
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

if (require.main === module) {
  const [results, out] = process.argv.slice(2);
  console.log(`chart drawn to ${drawChart(results ? resolve(results) : undefined, out ? resolve(out) : undefined)}`);
}
