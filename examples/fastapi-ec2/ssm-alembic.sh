#!/usr/bin/env bash
# deploy/ssm-alembic.sh in the application's repository: Alembic against one environment's database, run
# from the image being released on the environment's EC2 instances through AWS Systems Manager.
#   ./deploy/ssm-alembic.sh upgrade <environment>   applies the image's migrations (alembic upgrade head)
#   ./deploy/ssm-alembic.sh check <environment>     exits 0 only when the database is at the image's head
#                                                  (the release's migrations gate: unapplied ones block it)
# The image is $ECR_REGISTRY/api:$IMAGE_TAG. The remote scripts are fixed texts; the image travels as
# their environment, so no value is ever spliced into a shell line.
set -euo pipefail
action="${1:-}"
environment="${2:-}"
[[ "$environment" =~ ^[a-z0-9-]+$ ]] || { echo "usage: ssm-alembic.sh upgrade|check <environment>" >&2; exit 2; }
case "$action" in
  upgrade)
    remote=$(cat <<'SCRIPT'
set -euo pipefail
aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE%%/*}"
docker run --rm --env-file /etc/api.env "$IMAGE" alembic upgrade head
SCRIPT
)
    ;;
  check)
    remote=$(cat <<'SCRIPT'
set -euo pipefail
aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE%%/*}"
current=$(docker run --rm --env-file /etc/api.env "$IMAGE" alembic current | awk 'NR==1 {print $1}')
head=$(docker run --rm --env-file /etc/api.env "$IMAGE" alembic heads | awk 'NR==1 {print $1}')
echo "database at ${current:-no revision}, image head $head"
[[ "$current" == "$head" ]]
SCRIPT
)
    ;;
  *) echo "usage: ssm-alembic.sh upgrade|check <environment>" >&2; exit 2 ;;
esac
params=$(jq -n --arg image "$ECR_REGISTRY/api:$IMAGE_TAG" --arg script "$remote" \
  '{commands: ["export IMAGE=\($image | @sh)", $script]}')
# One instance is enough: they share the database.
id=$(aws ssm send-command --document-name AWS-RunShellScript \
  --targets "Key=tag:app,Values=api-$environment" \
  --max-concurrency 1 --max-errors 0 --timeout-seconds 600 \
  --parameters "$params" --query Command.CommandId --output text)
while :; do
  statuses=$(aws ssm list-command-invocations --command-id "$id" --query 'CommandInvocations[].Status' --output text)
  [[ -n "$statuses" && ! "$statuses" =~ (Pending|InProgress|Delayed) ]] && break
  sleep 5
done
echo "alembic $action on api-$environment: $statuses"
[[ ! "$statuses" =~ (Failed|Cancelled|TimedOut) ]]
