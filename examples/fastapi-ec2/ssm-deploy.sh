#!/usr/bin/env bash
# deploy/ssm-deploy.sh in the application's repository: runs on the GitHub runner, deploys one image tag
# to the environment's EC2 instances through AWS Systems Manager. Everything it needs arrives as
# variables (DEPLOY_KIT_* from deploy-kit, ECR_REGISTRY from the workflow); the remote script is a fixed
# text, and the values travel as its environment, so no value is ever spliced into a shell line.
# Migrations are not run here: the release job applies them first (deploy/ssm-alembic.sh upgrade) and the
# gates check them, and a rollback (DEPLOY_KIT_TASK=deploy:rollback) never downgrades the schema.
set -euo pipefail
image="$ECR_REGISTRY/api:$DEPLOY_KIT_VERSION"

remote=$(cat <<'SCRIPT'
set -euo pipefail
aws ecr get-login-password | docker login --username AWS --password-stdin "${IMAGE%%/*}"
docker pull "$IMAGE"
printf 'IMAGE=%s\n' "$IMAGE" > /etc/api.image
systemctl restart api
SCRIPT
)
params=$(jq -n --arg image "$image" --arg script "$remote" \
  '{commands: ["export IMAGE=\($image | @sh)", $script]}')
id=$(aws ssm send-command --document-name AWS-RunShellScript \
  --targets "Key=tag:app,Values=api-$DEPLOY_KIT_ENVIRONMENT" \
  --max-concurrency 1 --max-errors 0 --timeout-seconds 600 \
  --parameters "$params" --query Command.CommandId --output text)
echo "SSM command $id: $image to api-$DEPLOY_KIT_ENVIRONMENT ($DEPLOY_KIT_TASK)"
# Wait for every targeted instance: one at a time (max-concurrency 1), stopping at the first failure.
while :; do
  statuses=$(aws ssm list-command-invocations --command-id "$id" --query 'CommandInvocations[].Status' --output text)
  [[ -n "$statuses" && ! "$statuses" =~ (Pending|InProgress|Delayed) ]] && break
  sleep 5
done
echo "instances: $statuses"
[[ ! "$statuses" =~ (Failed|Cancelled|TimedOut) ]]
