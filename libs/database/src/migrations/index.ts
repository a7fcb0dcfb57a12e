import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { SendGate1763900000000 } from './1763900000000-send-gate';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1763800000000, SendGate1763900000000];
