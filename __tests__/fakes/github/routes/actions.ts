// Workflow runs and their attempts: what a deploy asks about a lease's holder run (has it completed?), and
// when a rollback was pressed (the run's latest attempt started) (area `actions`).
import * as represent from '../represent.js';
import { notFound, type Route } from '../router.js';

const DOCS = 'https://docs.github.com/rest/actions/workflow-runs';

export const actionsRoutes: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
    area: 'actions',
    access: 'read',
    docs: `${DOCS}#get-a-workflow-run-attempt`,
    handler: (ctx) => {
      const run = ctx.repo.workflowRuns.get(`${ctx.params.run_id}/${ctx.params.attempt_number}`);
      if (!run) throw notFound();
      return { status: 200, body: represent.workflowRun(ctx.urls, ctx.repo, run, ctx.store) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
    area: 'actions',
    access: 'read',
    docs: `${DOCS}#get-a-workflow-run`,
    handler: (ctx) => {
      // The run as GitHub shows it: its latest attempt.
      const attempts = [...ctx.repo.workflowRuns.values()].filter((r) => r.id === Number(ctx.params.run_id));
      const run = attempts.sort((a, b) => b.attempt - a.attempt)[0];
      if (!run) throw notFound();
      return { status: 200, body: represent.workflowRun(ctx.urls, ctx.repo, run, ctx.store) };
    },
  },
];
