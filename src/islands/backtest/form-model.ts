/**
 * The backtest form: strategies and their parameters as plain data (rendered at build time from
 * the core's definitions), and parameter values kept in the URL as `p.<name>=<value>`. Values
 * stay text here; the core's resolveParams checks them and names any bad one.
 */
import type { ParamSpec } from '../../../replay/backtest/params.ts';

export interface StrategyInfo {
  name: string;
  description: string;
  params: ParamSpec[];
}

export type ParamTexts = Record<string, string>;

export function defaultTexts(specs: readonly ParamSpec[]): ParamTexts {
  return Object.fromEntries(specs.map((p) => [p.name, String(p.default)]));
}

/** Values given in the URL for these specs (unknown names ignored). */
export function textsFromUrl(params: URLSearchParams, specs: readonly ParamSpec[]): ParamTexts {
  const out: ParamTexts = {};
  for (const p of specs) {
    const v = params.get(`p.${p.name}`);
    if (v !== null) out[p.name] = v;
  }
  return out;
}

/** Only values that differ from the defaults are sent and written to the URL. */
export function changedTexts(texts: ParamTexts, specs: readonly ParamSpec[]): ParamTexts {
  const defaults = defaultTexts(specs);
  return Object.fromEntries(Object.entries(texts).filter(([k, v]) => defaults[k] !== undefined && defaults[k] !== v));
}
