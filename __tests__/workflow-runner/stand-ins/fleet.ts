// The stand-in for the stacks' hosting: each environment is a real HTTP site on loopback (a router in front
// of the test app of the version it runs), and the stacks' command-line tools (aws, gcloud, vercel, npx,
// ssh, rsync, supabase, kubectl, sudo, systemctl; docker refuses) are small executables on PATH that send
// every call here, and so is a repository's own deploy script when the stack has it played (Fleet.script).
// The fleet logs each call with its arguments and acts as the real service would have: start the requested
// version of the app, switch the environment to it, report status, apply migrations, answer S3 lookups.
// What each tool understands is listed in STAND_INS below (and in examples/README.md); any other call fails
// loudly, so an example that asks the real tool for something new shows up in its test.

import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createNginxRouter } from '../../../src/traffic/nginx.js';
import { type Behaviour, startTestApp, type TestApp } from '../../fakes/test-app.js';
import { type RunningNginx, startNginx } from '../../helpers/nginx.js';

/** The tools put on PATH; each is `node standin.mjs <tool> "$@"`. */
export const TOOLS = [
  'aws',
  'gcloud',
  'vercel',
  'npx',
  'ssh',
  'rsync',
  'supabase',
  'kubectl',
  'sudo',
  'systemctl',
  'docker',
] as const;

export interface ToolCall {
  tool: string;
  args: string[];
  cwd: string;
  code: number;
}

/** How one version behaves: the app's own behaviour, and a share of its requests held back (a slow release). */
export type FleetVersion = Partial<Behaviour> & {
  /** Every (1/slowShare)-th request to this version waits slowMs first: exactly that share is slow. */
  slowShare?: number;
  slowMs?: number;
};

export interface FleetOptions {
  environments: string[];
  /** How each version behaves (slow, failing); any other version is a healthy app. */
  versions?: Record<string, FleetVersion>;
  /** ssh destinations (`deploy@203.0.113.10`) and the environment each one serves. */
  hosts?: Record<string, string>;
  /** Paths every version answers besides /, /health and /version (the stack's own pages). */
  pages?: Record<string, string | Record<string, unknown>>;
  /** The Alembic head revision each version's image carries (default `0001`). */
  migrationHeads?: Record<string, string>;
  /**
   * Environments whose site is a real nginx in front of the stable app, as ingress-nginx with a canary
   * Ingress: `kubectl annotate ingress web-canary nginx.ingress.kubernetes.io/canary-weight=N` sends N% of
   * the requests to the app `deployment/web-canary` runs (the upstream file rewritten, nginx reloaded).
   */
  ingress?: string[];
  /**
   * The environment served by one machine of its own (a self-hosted runner's), as examples/workflows/canary.yml
   * has it: its site is a real nginx in front of two slots, `baseline` and `canary`, each a loopback address
   * serving the version deployed there. On that machine the repository's deploy script
   * `deploy.sh <baseline|canary> <version>` (StackOptions.scripts) starts the version in the slot, and sudo
   * allows `nginx -t` and `systemctl reload nginx` (as its sudoers would), which check and reload that nginx.
   */
  edge?: string;
  /** A Prometheus file_sd file the fleet keeps listing every app it started (for metrics by version). */
  targetsFile?: string;
}

export interface Fleet {
  /** The environment's site: where its smoke tests must look. */
  site(environment: string): string;
  /** The version the environment serves now, as the site itself answers (GET /version). */
  served(environment: string): Promise<string>;
  /** Sets how a version behaves from its next start (call before it is deployed). */
  behave(version: string, behaviour: FleetVersion): void;
  /** Every tool call so far, in order (optionally of one tool). */
  calls(tool?: string): ToolCall[];
  /** Alembic revision of the environment's database. */
  databaseRevision(environment: string): string;
  /** Sets the Alembic head revision a version's image carries. */
  migrationHead(version: string, revision: string): void;
  /** Put an object in the stand-in S3. */
  putObject(bucket: string, key: string, body: string): void;
  /** The canary weights an ingress environment was given, in order. */
  canaryWeights(environment: string): number[];
  /** The edge machine's nginx and slots (FleetOptions.edge), for the paths and addresses its workflow names. */
  edge(): Edge;
  /** The version a slot of the edge machine runs ('' when none). */
  slotVersion(slot: 'baseline' | 'canary'): string;
  /** The text of an executable that sends its calls to the fleet as `tool` (a repository's deploy script). */
  script(tool: string): string;
  /** Environment for the runner: stand-in tools first on PATH, where they reach the fleet. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export interface Edge {
  /** The upstream file nginx includes (the example's /etc/nginx/conf.d/app-upstream.conf). */
  config: string;
  /** nginx's pid file (the example's /run/nginx.pid). */
  pidFile: string;
  /** The slots' host:port (the example's 127.0.0.1:8081 and :8082). */
  baseline: string;
  canary: string;
}

interface Answer {
  stdout?: string;
  stderr?: string;
  code: number;
}

interface Call {
  tool: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** The value after `--name` or in `--name=value`. */
function option(args: string[], name: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

const TAG = /^[A-Za-z0-9._-]{1,128}$/;

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const state = mkdtempSync(join(tmpdir(), 'fleet-'));
  const bin = join(state, 'bin');
  mkdirSync(bin);
  const apps = new Map<string, TestApp>();
  const live = new Map<string, string>();
  const revisions = new Map<string, string>();
  const calls: ToolCall[] = [];
  const ssmCommands = new Map<string, string>();
  const vercelDeployments = new Map<string, string>();
  const sites = new Map<string, { url: string; servers: Server[] }>();
  const versions = new Map<string, FleetVersion>(Object.entries(options.versions ?? {}));
  const served = new Map<string, number>();
  const heads = new Map<string, string>(Object.entries(options.migrationHeads ?? {}));
  const ingresses = new Map<string, { nginx: RunningNginx; stable: string }>();
  const canaries = new Map<string, string>();
  const weights = new Map<string, number[]>();
  const slots = new Map<'baseline' | 'canary', { address: string; version: string }>();
  let edgeNginx: RunningNginx | undefined;

  async function appFor(version: string): Promise<TestApp> {
    let app = apps.get(version);
    if (!app) {
      const { slowShare: _share, slowMs: _ms, ...behaviour } = versions.get(version) ?? {};
      app = await startTestApp({ pages: options.pages, ...behaviour, version });
      apps.set(version, app);
      if (options.targetsFile) {
        const targets = [...apps.values()].map((a) => new URL(a.url).host);
        const temp = `${options.targetsFile}.tmp`;
        writeFileSync(temp, JSON.stringify([{ targets }]));
        renameSync(temp, options.targetsFile);
      }
    }
    return app;
  }

  /** ingress-nginx applying the canary Ingress's weight: the upstream rewritten and nginx reloaded. */
  async function setCanaryWeight(environment: string, weight: number): Promise<Answer> {
    const ingress = ingresses.get(environment);
    if (!ingress) return { code: 0, stdout: `ingress.networking.k8s.io/web-canary annotated\n` };
    const canary = canaries.get(environment);
    const app = canary === undefined ? undefined : apps.get(canary);
    if (!app && weight > 0) return { code: 1, stderr: 'web-canary has no pods to send traffic to\n' };
    const { nginx, stable } = ingress;
    await createNginxRouter({
      upstream: nginx.upstreamName,
      baseline: stable,
      canary: app ? new URL(app.url).host : stable,
      configPath: nginx.upstreamFile,
      nginxBinary: nginx.binary,
      nginxArgs: nginx.nginxArgs,
      pidFile: nginx.pidFile,
    }).setWeight({
      weight,
      step: 0,
      baselineVersion: live.get(environment) ?? '',
      canaryVersion: canary ?? '',
    });
    weights.set(environment, [...(weights.get(environment) ?? []), weight]);
    return { code: 0, stdout: `ingress.networking.k8s.io/web-canary annotated (canary-weight ${weight})\n` };
  }

  async function switchTo(environment: string, version: string): Promise<void> {
    if (!sites.has(environment)) throw new Error(`no environment '${environment}'`);
    await appFor(version);
    live.set(environment, version);
  }

  function environmentOfHost(host: string): string {
    const environment = options.hosts?.[host];
    if (!environment) throw new Error(`ssh: Could not resolve hostname ${host}`);
    return environment;
  }

  /** ssh <host> <command…>: the server's ssh-gate accepts `switch <tag>` and `deploy <dir> <task>`. */
  async function ssh(call: Call): Promise<Answer> {
    const args = call.args.filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '-o');
    const [host = '', command, ...rest] = args;
    const environment = environmentOfHost(host);
    if (command === 'switch' && rest[0] && TAG.test(rest[0])) {
      await switchTo(environment, rest[0]);
      return { code: 0, stdout: `${environment} now runs ${rest[0]}\n` };
    }
    if (command === 'deploy' && rest[0]) {
      const bundle = join(state, 'servers', host, rest[0]);
      const envFile = join(bundle, '.env');
      if (!existsSync(envFile)) return { code: 1, stderr: `deploy: ${rest[0]}/.env not found\n` };
      const tag = /^IMAGE_TAG=(.*)$/m.exec(readFileSync(envFile, 'utf8'))?.[1]?.trim() ?? '';
      if (!TAG.test(tag)) return { code: 2, stderr: `deploy: bad image tag '${tag}'\n` };
      await switchTo(environment, tag);
      return { code: 0, stdout: `compose up: ${environment} now runs ${tag} (${rest[1] ?? 'deploy'})\n` };
    }
    return { code: 1, stderr: `ssh-gate: refused '${[command, ...rest].join(' ')}'\n` };
  }

  /** rsync -a --delete -e ssh <dir>/ <host>:<dir>/ copies into that host's folder under the fleet. */
  function rsync(call: Call): Answer {
    const [source, destination] = call.args.filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '-e');
    const match = /^([^:]+):(.+)$/.exec(destination ?? '');
    if (!source || !match) return { code: 1, stderr: 'rsync stand-in: expected <dir>/ <host>:<dir>/\n' };
    environmentOfHost(match[1]!);
    const target = join(state, 'servers', match[1]!, match[2]!);
    mkdirSync(target, { recursive: true });
    cpSync(resolve(call.cwd, source), target, { recursive: true });
    return { code: 0 };
  }

  /** aws ssm send-command / list-command-invocations, aws s3api head-object. */
  async function aws(call: Call): Promise<Answer> {
    const [service, operation] = call.args;
    if (!call.env.AWS_ACCESS_KEY_ID || !call.env.AWS_REGION) {
      return {
        code: 253,
        stderr: 'Unable to locate credentials. You can configure credentials by running "aws configure".\n',
      };
    }
    if (service === 'ssm' && operation === 'send-command') {
      const environment = /^Key=tag:app,Values=api-(.+)$/.exec(option(call.args, '--targets') ?? '')?.[1];
      if (!environment || !sites.has(environment)) return { code: 254, stderr: 'InvalidTarget\n' };
      const parameters = JSON.parse(option(call.args, '--parameters') ?? '{}') as { commands?: string[] };
      const commands = parameters.commands ?? [];
      const exported = Object.fromEntries(
        [...(commands[0] ?? '').matchAll(/(\w+)='([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
      );
      const script = commands.slice(1).join('\n');
      const image = exported.IMAGE ?? '';
      const tag = image.slice(image.lastIndexOf(':') + 1);
      let status = 'Success';
      if (/alembic upgrade head/.test(script) && exported.MIGRATE !== 'false') {
        revisions.set(environment, heads.get(tag) ?? '0001');
      }
      if (/alembic heads/.test(script)) {
        const head = heads.get(tag) ?? '0001';
        if ((revisions.get(environment) ?? '') !== head) status = 'Failed';
      }
      if (/systemctl restart api/.test(script)) {
        if (!TAG.test(tag)) status = 'Failed';
        else await switchTo(environment, tag);
      }
      const id = `cmd-${ssmCommands.size + 1}`;
      ssmCommands.set(id, status);
      return { code: 0, stdout: `${id}\n` };
    }
    if (service === 'ssm' && operation === 'list-command-invocations') {
      const status = ssmCommands.get(option(call.args, '--command-id') ?? '');
      if (!status) return { code: 254, stderr: 'InvalidCommandId\n' };
      // Two instances behind the tag, each reporting the command's status.
      return { code: 0, stdout: `${status}\t${status}\n` };
    }
    if (service === 's3api' && operation === 'head-object') {
      const bucket = option(call.args, '--bucket') ?? '';
      const key = option(call.args, '--key') ?? '';
      const path = join(state, 's3', bucket, key);
      if (!bucket || !key || !existsSync(path)) {
        return {
          code: 254,
          stderr: 'An error occurred (404) when calling the HeadObject operation: Not Found\n',
        };
      }
      const body = readFileSync(path);
      return {
        code: 0,
        stdout: `${JSON.stringify({ ContentLength: body.length, ContentType: 'binary/octet-stream' })}\n`,
      };
    }
    return unsupported(call);
  }

  /** gcloud compute ssh app-<env> … --command "sudo /srv/app/deploy.sh <tag> <task>". */
  async function gcloud(call: Call): Promise<Answer> {
    const [group, verb, instance] = call.args;
    if (group === 'compute' && verb === 'ssh' && instance) {
      if (!call.env.CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE) {
        return {
          code: 1,
          stderr: 'ERROR: (gcloud.compute.ssh) You do not currently have an active account selected.\n',
        };
      }
      const environment = /^app-(.+)$/.exec(instance)?.[1] ?? '';
      if (!sites.has(environment)) return { code: 1, stderr: `ERROR: instance ${instance} not found\n` };
      const words = (option(call.args, '--command') ?? '').split(/\s+/);
      if (words[0] !== 'sudo' || words[1] !== '/srv/app/deploy.sh') {
        return { code: 1, stderr: `refused remote command: ${words.join(' ')}\n` };
      }
      const tag = words[2] ?? '';
      if (!TAG.test(tag)) return { code: 2, stderr: `bad image tag: ${tag}\n` };
      await switchTo(environment, tag);
      return { code: 0, stdout: `${instance}: compose up ${tag} (${words[3] ?? 'deploy'})\n` };
    }
    return unsupported(call);
  }

  /** npx runs vercel and supabase through their stand-ins; it never downloads anything. */
  async function npx(call: Call): Promise<Answer> {
    const args = call.args.filter((a) => a !== '--yes' && a !== '-y');
    const [pkg = '', ...rest] = args;
    const name = pkg.replace(/(?<=.)@.*$/, '');
    if (name === 'vercel') return vercel({ ...call, tool: 'vercel', args: rest });
    if (name === 'supabase') return supabase({ ...call, tool: 'supabase', args: rest });
    return { code: 1, stderr: `npx stand-in: refusing to download ${pkg}\n` };
  }

  function siteOfDomain(domain: string): string | undefined {
    const bare = domain.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    for (const [environment, site] of sites) {
      if (site.url.replace(/^https?:\/\//, '') === bare) return environment;
    }
    return undefined;
  }

  /** vercel pull / build / deploy --prebuilt [--prod] / alias set / promote, with --token. */
  async function vercel(call: Call): Promise<Answer> {
    if (!option(call.args, '--token')) return { code: 1, stderr: 'Error: No existing credentials found.\n' };
    const args = call.args.filter((a, i, all) => !a.startsWith('--token') && all[i - 1] !== '--token');
    const [command, ...rest] = args;
    const vercelDir = join(call.cwd, '.vercel');
    if (command === 'pull') {
      mkdirSync(vercelDir, { recursive: true });
      writeFileSync(
        join(vercelDir, 'project.json'),
        JSON.stringify({ projectId: call.env.VERCEL_PROJECT_ID, orgId: call.env.VERCEL_ORG_ID }),
      );
      return { code: 0, stdout: `Downloaded project settings (${option(rest, '--environment')})\n` };
    }
    if (command === 'build') {
      if (!existsSync(join(vercelDir, 'project.json'))) {
        return {
          code: 1,
          stderr: 'Error: Your codebase isn’t linked to a project on Vercel. Run `vercel pull`.\n',
        };
      }
      // The "build" of the test app is its version file; the app itself is the test app of that version.
      const version = readFileSync(join(call.cwd, 'VERSION'), 'utf8').trim();
      mkdirSync(join(vercelDir, 'output', 'static'), { recursive: true });
      writeFileSync(join(vercelDir, 'output', 'config.json'), JSON.stringify({ version: 3 }));
      writeFileSync(join(vercelDir, 'output', 'static', 'VERSION'), version);
      return { code: 0, stdout: `Build Completed in .vercel/output (${version})\n` };
    }
    if (command === 'deploy' && rest.includes('--prebuilt')) {
      const versionFile = join(vercelDir, 'output', 'static', 'VERSION');
      if (!existsSync(versionFile)) return { code: 1, stderr: 'Error: .vercel/output not found\n' };
      const version = readFileSync(versionFile, 'utf8').trim();
      await appFor(version);
      const url = `https://app-${vercelDeployments.size + 1}.vercel.app`;
      vercelDeployments.set(url, version);
      if (rest.includes('--prod')) await switchTo('production', version);
      return { code: 0, stdout: `${url}\n` };
    }
    if ((command === 'alias' && rest[0] === 'set') || command === 'promote') {
      const url = command === 'promote' ? rest[0] : rest[1];
      const version = vercelDeployments.get(url ?? '');
      if (!version) return { code: 1, stderr: `Error: deployment ${url} not found\n` };
      const environment = command === 'promote' ? 'production' : siteOfDomain(rest[2] ?? '');
      if (!environment) return { code: 1, stderr: `Error: domain ${rest[2]} is not on this project\n` };
      await switchTo(environment, version);
      return { code: 0, stdout: `${environment} now points at ${url}\n` };
    }
    return unsupported(call);
  }

  /**
   * kubectl --namespace app-<env>: `set image deployment/web web=<image>:<tag>` switches the environment's
   * site to that tag, `set image deployment/web-canary …` starts the canary's app; `annotate ingress
   * web-canary nginx.ingress.kubernetes.io/canary-weight=N` splits an ingress environment's traffic (see
   * FleetOptions.ingress); label, scale, annotating deployment/web and `rollout status` answer as a healthy
   * cluster would.
   */
  async function kubectl(call: Call): Promise<Answer> {
    if (!call.env.KUBECONFIG || !existsSync(call.env.KUBECONFIG)) {
      return { code: 1, stderr: 'error: no configuration has been provided\n' };
    }
    const namespace = option(call.args, '--namespace') ?? option(call.args, '-n') ?? '';
    const environment = /^app-(.+)$/.exec(namespace)?.[1] ?? '';
    if (!sites.has(environment))
      return { code: 1, stderr: `Error from server (NotFound): namespaces "${namespace}" not found\n` };
    const args = call.args.filter((a, i, all) => a !== '--namespace' && all[i - 1] !== '--namespace');
    const [verb, ...rest] = args;
    if (verb === 'set' && rest[0] === 'image') {
      const deployment = rest[1] ?? '';
      const image = /^web=(.+)$/.exec(rest[2] ?? '')?.[1] ?? '';
      const tag = image.slice(image.lastIndexOf(':') + 1);
      if (!TAG.test(tag)) return { code: 1, stderr: `error: invalid image ${image}\n` };
      if (deployment === 'deployment/web') await switchTo(environment, tag);
      else if (deployment === 'deployment/web-canary') {
        await appFor(tag);
        canaries.set(environment, tag);
      } else {
        return { code: 1, stderr: `Error from server (NotFound): ${deployment} not found\n` };
      }
      return { code: 0, stdout: `${deployment} image updated\n` };
    }
    if (verb === 'rollout' && rest[0] === 'status') {
      return { code: 0, stdout: `${rest[1]} successfully rolled out\n` };
    }
    const weight = /^nginx\.ingress\.kubernetes\.io\/canary-weight=(\d{1,3})$/.exec(rest.at(-1) ?? '')?.[1];
    if (verb === 'annotate' && rest[0] === 'ingress' && rest[1] === 'web-canary' && weight !== undefined) {
      return setCanaryWeight(environment, Number(weight));
    }
    if (verb === 'label' || verb === 'scale' || (verb === 'annotate' && rest[0] === 'deployment/web'))
      return { code: 0, stdout: `${rest.join(' ')}\n` };
    return unsupported(call);
  }

  /** The edge machine's deploy script: `deploy.sh <baseline|canary> <version>` starts the version in the slot. */
  async function deployScript(call: Call): Promise<Answer> {
    const [name = '', version = '', ...rest] = call.args;
    const slot = slots.get(name as 'baseline' | 'canary');
    if (!slot || rest.length > 0) return { code: 2, stderr: 'usage: deploy.sh baseline|canary <version>\n' };
    if (!TAG.test(version)) return { code: 2, stderr: `deploy.sh: bad version '${version}'\n` };
    await appFor(version);
    slot.version = version;
    return { code: 0, stdout: `${name} slot (${slot.address}) now runs ${version}\n` };
  }

  /** What the edge machine's sudoers lets the runner's user run as root, word for word. */
  const SUDOERS = ['nginx -t', 'systemctl reload nginx'];

  /** sudo: only the SUDOERS commands, run on the edge machine's nginx. */
  async function sudo(call: Call): Promise<Answer> {
    const line = call.args.join(' ');
    if (!edgeNginx || !SUDOERS.includes(line))
      return { code: 1, stderr: `Sorry, user runner is not allowed to execute '${line}' as root.\n` };
    const nginx = edgeNginx;
    const args = line === 'nginx -t' ? [...nginx.nginxArgs, '-t'] : [...nginx.nginxArgs, '-s', 'reload'];
    return new Promise((done) => {
      execFile(nginx.binary, args, { timeout: 30_000 }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  /** systemctl without sudo: a status answers, anything that changes a unit is refused as it would be. */
  function systemctl(call: Call): Answer {
    const [verb = '', unit = ''] = call.args;
    if (verb === 'is-active' && unit) return { code: 0, stdout: 'active\n' };
    return { code: 1, stderr: `Failed to ${verb} ${unit}.service: Interactive authentication required.\n` };
  }

  function supabase(call: Call): Answer {
    if (!call.env.SUPABASE_ACCESS_TOKEN) return { code: 1, stderr: 'Access token not provided.\n' };
    const [command, sub] = call.args;
    if (command === 'link' && option(call.args, '--project-ref'))
      return { code: 0, stdout: 'Finished supabase link.\n' };
    if (command === 'db' && sub === 'push') return { code: 0, stdout: 'Finished supabase db push.\n' };
    return unsupported(call);
  }

  function unsupported(call: Call): Answer {
    return {
      code: 2,
      stderr: `${call.tool} stand-in: unsupported call: ${call.tool} ${call.args.join(' ')}\n`,
    };
  }

  const TOOL_HANDLERS: Record<string, (call: Call) => Answer | Promise<Answer>> = {
    ssh,
    rsync,
    aws,
    gcloud,
    npx,
    vercel,
    supabase,
    kubectl,
    sudo,
    systemctl,
    'deploy.sh': deployScript,
  };

  const control = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', async () => {
      const call = JSON.parse(body) as Call;
      let answer: Answer;
      try {
        const handler = TOOL_HANDLERS[call.tool];
        answer = handler ? await handler(call) : unsupported(call);
      } catch (error) {
        answer = { code: 255, stderr: `${(error as Error).message}\n` };
      }
      calls.push({ tool: call.tool, args: call.args, cwd: call.cwd, code: answer.code });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  control.listen(0, '127.0.0.1');
  await once(control, 'listening');
  const controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;

  /** A loopback server in front of the app of the version `versionOf` names (502 when none runs). */
  async function proxyServer(
    label: string,
    versionOf: () => string,
  ): Promise<{ server: Server; address: string }> {
    const server = createServer(async (req, res) => {
      const version = versionOf();
      const app = apps.get(version);
      if (!app) {
        res.writeHead(502).end(`${label}: nothing deployed`);
        return;
      }
      const { slowShare, slowMs = 0 } = versions.get(version) ?? {};
      const count = (served.get(version) ?? 0) + 1;
      served.set(version, count);
      if (slowShare && count % Math.round(1 / slowShare) === 0) {
        await new Promise((done) => setTimeout(done, slowMs));
      }
      const upstream = request(
        `${app.url}${req.url}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
  }

  for (const environment of options.environments) {
    if (environment === options.edge) {
      const servers: Server[] = [];
      for (const name of ['baseline', 'canary'] as const) {
        const { server, address } = await proxyServer(`${name} slot`, () => slots.get(name)?.version ?? '');
        slots.set(name, { address, version: '' });
        servers.push(server);
      }
      // Before the first release nginx sends everything to the empty baseline slot.
      edgeNginx = await startNginx({ servers: [slots.get('baseline')!.address] });
      sites.set(environment, { url: edgeNginx.url, servers });
      continue;
    }
    const { server, address: router } = await proxyServer(environment, () => live.get(environment) ?? '');
    if (options.ingress?.includes(environment)) {
      const nginx = await startNginx({ servers: [router] });
      ingresses.set(environment, { nginx, stable: router });
      sites.set(environment, { url: nginx.url, servers: [server] });
    } else {
      sites.set(environment, { url: `http://${router}`, servers: [server] });
    }
  }

  const standin = join(import.meta.dirname, 'standin.mjs');
  const script = (tool: string) => `#!/bin/sh\nexec "${process.execPath}" "${standin}" ${tool} "$@"\n`;
  for (const tool of TOOLS) writeFileSync(join(bin, tool), script(tool), { mode: 0o755 });

  return {
    site: (environment) => {
      const site = sites.get(environment);
      if (!site) throw new Error(`no environment '${environment}'`);
      return site.url;
    },
    served: async (environment) => {
      const answer = await fetch(`${sites.get(environment)?.url}/version`);
      if (!answer.ok) return `HTTP ${answer.status}`;
      return ((await answer.json()) as { version: string }).version;
    },
    behave: (version, behaviour) => {
      versions.set(version, behaviour);
    },
    calls: (tool) => calls.filter((c) => tool === undefined || c.tool === tool),
    migrationHead: (version, revision) => {
      heads.set(version, revision);
    },
    databaseRevision: (environment) => revisions.get(environment) ?? '',
    canaryWeights: (environment) => weights.get(environment) ?? [],
    putObject: (bucket, key, body) => {
      const path = join(state, 's3', bucket, key);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, body);
    },
    edge: () => {
      if (!edgeNginx) throw new Error('no edge environment (FleetOptions.edge)');
      return {
        config: edgeNginx.upstreamFile,
        pidFile: edgeNginx.pidFile,
        baseline: slots.get('baseline')!.address,
        canary: slots.get('canary')!.address,
      };
    },
    slotVersion: (slot) => slots.get(slot)?.version ?? '',
    script,
    env: () => ({ PATH: `${bin}:${process.env.PATH}`, STANDIN_FLEET_URL: controlUrl }),
    close: async () => {
      for (const server of [...sites.values()].flatMap((site) => site.servers)) {
        server.closeAllConnections();
        server.close();
      }
      control.closeAllConnections();
      control.close();
      await Promise.all([...ingresses.values()].map(({ nginx }) => nginx.close()));
      await edgeNginx?.close();
      await Promise.all([...apps.values()].map((app) => app.close()));
    },
  };
}
