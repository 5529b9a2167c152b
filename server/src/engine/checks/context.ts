import type { Finding } from '../findings/finding';
import type { ServiceReachConfig } from '../config/config';

/** What a per-Service check may read besides the Service itself. */
export interface CheckContext {
  config: ServiceReachConfig;
  report(f: Finding): void;
}
