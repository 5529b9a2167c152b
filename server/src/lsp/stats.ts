/**
 * `serviceReach/stats` (no params): how much work the server has done, for tests and benchmarks — analyses and
 * parses per folder (the engine's `Workspace.stats`), and how closed documents were coalesced. Answered only
 * to a client that asks for it with the initialization option `stats: true`; not a stable interface.
 */
import type { WorkspaceStats } from '../engine/workspace';
import type { WorkQueueStats } from './work-queue';

export const STATS_REQUEST = 'serviceReach/stats';

export interface ServerStats {
  folders: ({ uri: string } & WorkspaceStats)[];
  /** didClose notifications (`keysAdded`) and the batches they were read again from disk in */
  closes: WorkQueueStats;
  /** closed documents read again from disk */
  closeReloads: number;
}
