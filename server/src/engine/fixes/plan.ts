import type { Finding } from '../findings/finding';
import type { PlannedEdit } from './edits';

/** A fix before its edits are rendered (see edits.ts): what the public `FixAction` is made from. */
export interface PlannedFix {
  title: string;
  finding: Finding;
  isPreferred?: boolean;
  plans: PlannedEdit[];
  copyText?: string;
}
