/**
 * Every optimization method the engine runs, by name. A new method is a folder under src/core/optimizers exporting
 * an Optimizer, plus its line here and its name in the `Method` union.
 */
import type { Method } from '../jobs/types';
import type { Optimizer } from './types';
import { apo } from './apo';
import { spo } from './spo';
import { pmpo } from './pmpo';
import { opro } from './opro';
import { capo } from './capo';
import { gepa } from './gepa';

export const OPTIMIZERS: Record<Method, Optimizer<unknown>> = {
  apo: apo as Optimizer<unknown>,
  spo: spo as Optimizer<unknown>,
  pmpo: pmpo as Optimizer<unknown>,
  opro: opro as Optimizer<unknown>,
  capo: capo as Optimizer<unknown>,
  gepa: gepa as Optimizer<unknown>,
};
