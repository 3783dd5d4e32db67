import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMetrics } from '../../../src/metrics/index.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(
  readFileSync(resolve(__dirname, '../../../docs/grafana-dashboard.json'), 'utf8'),
) as {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; query: unknown }[] };
};

describe('docs/grafana-dashboard.json', () => {
  test('is a dashboard: unique panel ids, panels inside the 24-column grid, queries on every graph', () => {
    expect(dashboard.uid).toBe('l2speaker');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type !== 'row') expect(panel.targets?.length).toBeGreaterThan(0);
    }
  });

  test('queries only metrics the speaker exports, and uses every one of them', async () => {
    const exported = new Set(
      (await createMetrics().registry.getMetricsAsJSON()).flatMap((metric) =>
        String(metric.type) === 'histogram'
          ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
          : [metric.name],
      ),
    );
    const queried = new Set(
      [
        ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
        ...dashboard.templating.list.map((variable) => JSON.stringify(variable.query)),
      ].flatMap((expr) => [...expr.matchAll(/\b(metallb|l2speaker)_[a-z0-9_]+/g)].map((m) => m[0])),
    );
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    const families = [...queried].map((name) => name.replace(/_(bucket|sum|count)$/, ''));
    const unused = (await createMetrics().registry.getMetricsAsJSON())
      .map((metric) => metric.name)
      .filter((name) => !families.includes(name));
    expect(unused).toEqual([]);
  });
});
