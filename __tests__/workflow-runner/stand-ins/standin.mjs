// The client half of every stand-in tool (aws, gcloud, vercel, npx, ssh, rsync, kubectl, sudo, systemctl,
// docker, supabase, and a repository's deploy script the fleet plays):
// sends the call (tool, arguments, working directory, environment) to the fleet on loopback, which logs it
// and acts on the local services, then prints what the fleet answered and exits with its code.
// Plain JavaScript so a call costs one node start-up and no TypeScript compile.
const [tool, ...args] = process.argv.slice(2);
const fleet = process.env.STANDIN_FLEET_URL;
if (!fleet) {
  process.stderr.write(`${tool} stand-in: STANDIN_FLEET_URL is not set\n`);
  process.exit(127);
}
const answer = await fetch(`${fleet}/call`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ tool, args, cwd: process.cwd(), env: process.env }),
});
const { stdout = '', stderr = '', code = 1 } = await answer.json();
process.stdout.write(stdout);
process.stderr.write(stderr);
process.exitCode = code;
