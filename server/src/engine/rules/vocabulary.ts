/**
 * The fix hints (findings/fix-hint.ts) spell the exposure model's words because findings sit below it: these
 * type-level checks fail to compile when the two spellings drift apart.
 */
import type { HintFrom, HintLayer, HintPortKind, HintProtocol, HintTraffic } from '../findings/fix-hint';
import type { From, Layer, PortKind, Traffic } from '../exposure/requirements';
import type { Protocol } from '../sources/model';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const SAME_VOCABULARY: [
  Same<HintLayer, Layer>, Same<HintTraffic, Traffic>, Same<HintPortKind, PortKind>, Same<HintFrom, From>, Same<HintProtocol, Protocol>,
] = [true, true, true, true, true];
