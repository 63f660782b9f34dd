export { APO_DEFAULTS, SPO_DEFAULTS, PMPO_DEFAULTS, QUICK, defaultsFor, resolveParams } from './defaults';
export { SCORER_HELP } from './pmpo';
export { selectArms, type SelectionKind, type BanditOptions, type BanditResult } from './bandits';
