#!/usr/bin/env bash
# /srv/app/deploy.sh on each VM (installed by Terraform's startup script): the only thing the deploy may
# run over SSH. It takes an image tag and a task, checks both, and never evaluates them.
set -euo pipefail
tag="$1"
task="${2:-deploy}"
[[ "$tag" =~ ^[A-Za-z0-9._-]{1,128}$ ]] || { echo "bad image tag: $tag" >&2; exit 2; }
cd /srv/app
export IMAGE_TAG="$tag"
docker compose pull --quiet api web
# Migrations first, from the new image, while the old release still serves: they must stay backward
# compatible, since a rollback redeploys the previous image on the migrated schema.
if [[ "$task" != "deploy:rollback" ]]; then
  docker compose run --rm -T api python manage.py migrate --noinput
fi
docker compose up -d --wait api web
printf '%s\n' "$tag" > /srv/app/LIVE_TAG
