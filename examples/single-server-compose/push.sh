#!/usr/bin/env bash
# deploy/push.sh in the application's repository: sends the release bundle to the server and switches to
# it. The bundle is $DEPLOY_KIT_ARTIFACT_PATH when deploy-kit restored one (a rollback), else deploy/.
set -euo pipefail
bundle="${DEPLOY_KIT_ARTIFACT_PATH:-deploy}"
if [[ ! -f "$bundle/.env" ]]; then
  # The cache evicted the bundle: rebuild it from the recorded commit and version.
  git checkout --quiet "$DEPLOY_KIT_SHA" -- deploy
  printf 'IMAGE_TAG=%s\nDB=sqlite\n' "$DEPLOY_KIT_VERSION" > deploy/.env
  bundle=deploy
fi
target="/srv/app/releases/$DEPLOY_KIT_DEPLOYMENT_ID"
rsync -a --delete -e ssh "$bundle/" "$DEPLOY_HOST:$target/"
# The server's ssh-gate runs /srv/app/bin/deploy with the folder; that script (below) does the rest.
ssh "$DEPLOY_HOST" deploy "$target" "$DEPLOY_KIT_TASK"

# /srv/app/bin/deploy on the server, for reference:
#   cd "$1"; set -a; . ./.env; set +a
#   if [[ $DB == sqlite ]]; then docker compose run --rm app sqlite3 /data/app.db ".backup /data/backup-$IMAGE_TAG.db"
#   else docker compose exec -T postgres pg_dump -U app --format=custom app > "/srv/app/backups/$IMAGE_TAG.dump"; fi
#   [[ $2 == deploy:rollback ]] || docker compose run --rm app ./manage migrate
#   docker compose up -d --wait && ln -sfn "$1" /srv/app/current
