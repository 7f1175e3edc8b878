// `{{name}}` templates in metric queries and URLs: `{{version}}`, `{{weight}}`, `{{window}}`, `{{side}}`,
// `{{step}}`. Each value is escaped for where it lands: inside a PromQL string, or in a URL.
import type { CollectRequest, Side } from './types.js';

export const TEMPLATE_NAMES = ['version', 'weight', 'window', 'side', 'step'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export type TemplateValues = Record<TemplateName, string>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

/** The names a template uses that are not known; empty when it is fine. */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!(TEMPLATE_NAMES as readonly string[]).includes(match[1]!)) unknown.add(match[1]!);
  }
  return [...unknown];
}

/** A window as a PromQL duration: `30s`, `1500ms` (whole seconds when it is one), at least 1 ms. */
export function promDuration(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${whole}ms`;
}

export function templateValues(
  side: Side,
  request: CollectRequest,
  windowMs = request.windowMs,
): TemplateValues {
  return {
    version: side === 'baseline' ? request.baselineVersion : request.canaryVersion,
    weight: String(side === 'baseline' ? 100 - request.weight : request.weight),
    window: promDuration(windowMs),
    side,
    step: String(request.step),
  };
}

/**
 * A value made safe inside a PromQL string literal, quoted with `"` or `'`: backslashes, both quotes and
 * control characters become `\xHH` escapes, which PromQL reads the same way in either kind of quote.
 */
export function escapePromQLString(value: string): string {
  return value.replace(
    /[\\"'`\x00-\x1f\x7f]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Fills a template; `encode` is applied to every value. Unknown names are left as they are. */
export function fillTemplate(
  template: string,
  values: TemplateValues,
  encode: (value: string) => string,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? encode(values[name as TemplateName]) : whole,
  );
}
