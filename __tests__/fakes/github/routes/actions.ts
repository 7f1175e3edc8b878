// Workflow runs: read one (rollback takes the moment it was pressed from it).
import * as represent from '../represent.js';
import { notFound, type Route } from '../router.js';

const DOCS = 'https://docs.github.com/rest/actions/workflow-runs';

export const actionsRoutes: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
    area: 'actions',
    access: 'read',
    docs: `${DOCS}#get-a-workflow-run`,
    handler: (ctx) => {
      const run = ctx.repo.workflowRuns.get(Number(ctx.params.run_id));
      if (!run) throw notFound();
      return { status: 200, body: represent.workflowRun(ctx.urls, ctx.repo, run) };
    },
  },
];
