// Lead time for changes: for every commit that reached the environment in the period, from its commit time to
// the first delivery that contained it (went live with it among its ancestors). The commits of the baseline
// (live before the period) reached it earlier and are not counted; neither are a delivery's commits already
// brought by an earlier one (a redeploy or a rollback brings none). With no baseline (the first deployment on
// record), only each delivered commit itself is counted: its ancestors' history is not the change it made.
import { leadTimeBand } from './bands.js';
import type { CommitGraph } from './commit-graph.js';
import { inPeriod } from './period.js';
import { median, percentile } from './stats.js';
import type { CommitLead, DeliveryRecord, Insights } from './types.js';

export function commitLeads(record: DeliveryRecord, graph: CommitGraph): CommitLead[] {
  const seen = new Set<string>();
  const walk = (from: string, visit: (sha: string) => void) => {
    const stack = [from];
    while (stack.length > 0) {
      const sha = stack.pop()!;
      if (seen.has(sha)) continue;
      seen.add(sha);
      const node = graph.commits.get(sha);
      if (!node) continue;
      visit(sha);
      stack.push(...node.parents);
    }
  };
  if (record.baseline) walk(record.baseline.sha, () => {});
  const leads: CommitLead[] = [];
  for (const [index, delivery] of record.deliveries.entries()) {
    if (delivery === record.baseline) continue;
    const counted = inPeriod(record.period, delivery.liveAt);
    const liveAt = Date.parse(delivery.liveAt);
    const add = (sha: string) => {
      const node = graph.commits.get(sha);
      if (!counted || !node) return;
      leads.push({
        sha,
        committedAt: node.committedAt,
        deploymentId: delivery.id,
        leadMs: Math.max(0, liveAt - Date.parse(node.committedAt)),
      });
    };
    if (!record.baseline && index === 0) {
      // The first deployment on record: its own commit counts, the history before it does not.
      const node = graph.commits.get(delivery.sha);
      add(delivery.sha);
      seen.add(delivery.sha);
      for (const parent of node?.parents ?? []) walk(parent, () => {});
    } else walk(delivery.sha, add);
  }
  return leads;
}

export function leadTime(leads: CommitLead[], graph: CommitGraph): Insights['leadTime'] {
  const times = leads.map((lead) => lead.leadMs);
  const medianMs = median(times);
  const p90Ms = percentile(times, 0.9);
  return {
    commits: leads.length,
    ...(medianMs !== undefined ? { medianMs } : {}),
    ...(p90Ms !== undefined ? { p90Ms } : {}),
    history: graph.describe,
    ...leadTimeBand(medianMs),
  };
}
