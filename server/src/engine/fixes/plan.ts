import type { Finding } from '../findings/finding';
import type { PlannedEdit } from './edits';

/** A fix before its edits are rendered (see edits.ts): what the public `FixAction` is made from. */
export interface PlannedFix {
  title: string;
  finding: Finding;
  isPreferred?: boolean;
  /**
   * Offered in the editor, never preferred, never taken by `check --fix` or "fix all": it removes or narrows a
   * rule the user wrote (fixes otherwise only add).
   */
  manual?: boolean;
  plans: PlannedEdit[];
  copyText?: string;
}
