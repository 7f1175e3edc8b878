#!/usr/bin/env bash
# scripts/vercel-deploy.sh in the application's repository: migrates the environment's Supabase
# database (not on a rollback), then uploads the prebuilt output and points the environment's domain at
# it. Secrets come from the job's env; the rest from deploy-kit's DEPLOY_KIT_* variables.
set -euo pipefail
vercel() { npx --yes vercel@39.1.1 "$@" --token="$VERCEL_TOKEN"; }

if [[ -n "${DEPLOY_KIT_ARTIFACT_PATH:-}" && ! -d "$DEPLOY_KIT_ARTIFACT_PATH" ]]; then
  echo "release bundle gone from the cache: rebuilding $DEPLOY_KIT_SHA"
  git checkout --quiet "$DEPLOY_KIT_SHA"
  npm ci
  vercel pull --yes --environment="$([[ $DEPLOY_KIT_ENVIRONMENT == production ]] && echo production || echo preview)"
  vercel build $([[ $DEPLOY_KIT_ENVIRONMENT == production ]] && echo --prod)
fi

if [[ "$DEPLOY_KIT_TASK" != "deploy:rollback" ]]; then
  npx --yes supabase@1.226.4 link --project-ref "$SUPABASE_PROJECT_REF" --password "$SUPABASE_DB_PASSWORD"
  npx --yes supabase@1.226.4 db push --password "$SUPABASE_DB_PASSWORD"
fi

if [[ "$DEPLOY_KIT_ENVIRONMENT" == production ]]; then
  vercel deploy --prebuilt --prod | tee "$RUNNER_TEMP/vercel-url"
else
  vercel deploy --prebuilt | tee "$RUNNER_TEMP/vercel-url"
  vercel alias set "$(tail -n1 "$RUNNER_TEMP/vercel-url")" "${DEPLOY_KIT_URL#https://}"
fi
