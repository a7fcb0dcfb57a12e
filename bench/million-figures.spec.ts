import { ChartInput, renderChart } from './chart';
import { MillionSample, historyStats, memoryFigures, steadyRate } from './million-figures';
import { goal, toJson } from './results';

const sample = (second: number, sent: number, worker = 200, api = 150): MillionSample => ({
  at: 1_000_000 + second * 1000,
  t_s: second,
  esp_sent: sent,
  esp_msgs_per_s: 0,
  feedback_received: 0,
  feedback_per_s: 0,
  worker_rss_mib: worker,
  api_rss_mib: api,
  stage: 'SENDING',
});

describe('steadyRate', () => {
  it('measures between 10% and 90% arrived, leaving out a slow start and a slow end', () => {
    // 1,000 messages: 50 in the first 10 s, then 100/s, then 50 over the last 10 s
    const samples = [sample(0, 0), sample(10, 50), sample(11, 150), sample(19, 950), sample(29, 1_000)];
    expect(steadyRate(samples, 1_000)).toBeCloseTo(100, 6);
  });

  it('answers NaN when the ESP never got to 90%', () => {
    expect(steadyRate([sample(0, 0), sample(5, 500)], 1_000)).toBeNaN();
  });
});

describe('memoryFigures', () => {
  it('takes the peaks until the mark (the first sample past it included) and from the end mark on, and their medians', () => {
    const samples = [
      sample(0, 0, 100, 90),
      sample(1, 60, 180, 95),
      sample(2, 120, 190, 97),
      sample(3, 150, 200, 95),
      sample(4, 500, 260, 96),
      sample(5, 900, 240, 94),
      sample(6, 1_000, 230, 93),
      sample(7, 1_000, 250, 92),
    ];
    expect(memoryFigures(samples, 100, 900)).toEqual({
      mark: 100,
      endFrom: 900,
      // from the mark to twice it: the samples at 120, 150 and 500 (the first past 200)
      worker: { untilMark: 190, atEnd: 250, max: 260, medianAfterMark: 200, medianAtEnd: 240 },
      api: { untilMark: 97, atEnd: 94, max: 97, medianAfterMark: 96, medianAtEnd: 93 },
    });
  });

  it('ignores samples taken after a process was gone', () => {
    const samples = [sample(0, 0, 100, 90), sample(1, 200, NaN, NaN)];
    expect(memoryFigures(samples, 100, 150).worker).toMatchObject({ untilMark: 100, max: 100 });
  });
});

describe('historyStats', () => {
  it('counts events, scheduled activities and local activity markers over every run', () => {
    const run1 = [
      { workflowExecutionStartedEventAttributes: {} },
      { activityTaskScheduledEventAttributes: {} },
      { markerRecordedEventAttributes: { markerName: 'core_local_activity' } },
      { workflowExecutionContinuedAsNewEventAttributes: {} },
    ];
    const run2 = [
      { workflowExecutionStartedEventAttributes: {} },
      { activityTaskScheduledEventAttributes: {} },
      { activityTaskScheduledEventAttributes: {} },
      { markerRecordedEventAttributes: { markerName: 'something else' } },
    ];
    expect(historyStats([run1, run2])).toEqual({ runs: 2, events: 8, activitiesScheduled: 3, localActivities: 1 });
  });
});

describe('goal', () => {
  it('is met on the right side of its target only', () => {
    expect(goal(1.2, '<=', 1.3).met).toBe(true);
    expect(goal(1.4, '<=', 1.3).met).toBe(false);
    expect(goal(0.5, '>=', 0.6).met).toBe(false);
    expect(goal(NaN, '>=', 0.6).met).toBe(false);
  });
});

describe('renderChart', () => {
  const input: ChartInput = {
    runAt: '2026-01-02T03:04:05Z',
    machine: { cores: 2, database: '10.11.19-MariaDB', node: 'v22.0.0' },
    figures: {
      contacts: 1_000_000,
      baseline_raw_post_req_per_s: 10_000,
      end_to_end_s: 300,
      end_to_end_until_last_sent_s: 200,
      send_steady_msgs_per_s: 6_000,
      worker_rss_max_mib: 300,
      api_rss_max_mib: 200,
    },
    ratios: { end_to_end_over_raw_insert_plus_post: 1.5, steady_send_over_raw_post: 0.6 },
    series: {
      t0: '2026-01-02T03:04:05Z',
      samples: [sample(0, 0), { ...sample(1, 5_000), esp_msgs_per_s: 5_000 }, { ...sample(2, 11_000), esp_msgs_per_s: 6_000 }],
      phases: [
        { name: 'generate', start_s: 0.1, end_s: 0.5 },
        { name: 'gate', start_s: 0.5, end_s: 0.6 },
        { name: 'send', start_s: 0.6, end_s: 2 },
        { name: 'feedback fan-out', start_s: NaN, end_s: NaN },
      ],
    },
  };

  it('draws both rates and both memories as lines, the raw POST rate dashed, and names the run', () => {
    const svg = renderChart(input);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg).toContain('stroke-dasharray="7 5"');
    expect(svg).toContain('raw keep-alive POST, same run: 10,000/s');
    expect(svg).toContain('60% of it (goal): 6,000/s');
    expect(svg).toContain('1,000,000 contacts');
    expect(svg).toContain('(2026-01-02)');
    expect(svg).toContain('>generate<');
    expect(svg).not.toContain('>feedback fan-out<'); // a phase the history did not show is not drawn
    expect(svg).not.toContain('NaN');
  });

  it('draws no feedback line for results written before feedback was sampled', () => {
    const samples = input.series.samples.map(({ feedback_received: _r, feedback_per_s: _s, ...rest }) => rest);
    const svg = renderChart({ ...input, series: { ...input.series, samples } });
    expect(svg.match(/<polyline /g)).toHaveLength(3);
  });
});

describe('toJson', () => {
  it('writes short objects and arrays of plain values on one line, and reads back as the same value', () => {
    const value = {
      name: 'million',
      figures: { a: 1, b: 'x' },
      samples: [
        { t_s: 0, n: null },
        { t_s: 1, n: 2 },
      ],
      empty: [],
      list: [1, 2],
    };
    const json = toJson(value);
    expect(JSON.parse(json)).toEqual(value);
    expect(json.split('\n')).toEqual([
      '{',
      '  "name": "million",',
      '  "figures": { "a": 1, "b": "x" },',
      '  "samples": [',
      '    { "t_s": 0, "n": null },',
      '    { "t_s": 1, "n": 2 }',
      '  ],',
      '  "empty": [],',
      '  "list": [1, 2]',
      '}',
    ]);
  });

  it('writes a long object of plain values one key a line', () => {
    const value = { figures: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`figure_number_${i}`, i])) };
    const json = toJson(value);
    expect(JSON.parse(json)).toEqual(value);
    expect(json.split('\n')).toHaveLength(24);
    expect(json.split('\n')[2]).toBe('    "figure_number_0": 0,');
  });
});
