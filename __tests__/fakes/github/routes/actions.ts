// Workflow run attempts: what a deploy asks about a lease's holder run (has it completed?) (area `actions`).
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
];
