// The routers by kind, for the `router` input: `createRouter('nginx', settings)`.
import { type CommandRouterDeps, type CommandRouterSettings, createCommandRouter } from './command.js';
import { createHttpRouter, type HttpRouterDeps, type HttpRouterSettings } from './http.js';
import { createNginxRouter, type NginxRouterDeps, type NginxRouterSettings } from './nginx.js';
import type { Router } from './types.js';

export type { CommandRouterSettings } from './command.js';
export type { HttpRouterSettings } from './http.js';
export type { NginxRouterSettings } from './nginx.js';
export { type Router, RouterError, type WeightChange } from './types.js';

export type RouterKind = Router['kind'];

export const ROUTER_KINDS: readonly RouterKind[] = ['nginx', 'command', 'http'];

export interface RouterSettingsByKind {
  nginx: NginxRouterSettings;
  command: CommandRouterSettings;
  http: HttpRouterSettings;
}

/** What every router may be given besides its settings (each uses what it needs). */
export type RouterDeps = NginxRouterDeps & CommandRouterDeps & HttpRouterDeps;

/** A router of the given kind; throws a RouterError when its settings are invalid. */
export function createRouter<K extends RouterKind>(
  kind: K,
  settings: RouterSettingsByKind[K],
  deps: RouterDeps = {},
): Router {
  switch (kind) {
    case 'nginx':
      return createNginxRouter(settings as NginxRouterSettings, deps);
    case 'command':
      return createCommandRouter(settings as CommandRouterSettings, deps);
    case 'http':
      return createHttpRouter(settings as HttpRouterSettings, deps);
    default:
      throw new Error(`unknown router '${String(kind)}': expected one of ${ROUTER_KINDS.join(', ')}`);
  }
}
