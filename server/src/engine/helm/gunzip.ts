/**
 * The gunzip the host hands in (`initEngine({ gunzip })`): the engine holds no zlib. Kept here for the chart
 * phase, which passes it to the chart loader to unpack `.tgz` dependencies. Without one, a chart with a packed
 * dependency is not rendered, and `template-not-rendered` says why.
 */

/** Unpacks gzip data; throws (with a message naming why) on data it cannot unpack or that unpacks too large. */
export type Gunzip = (data: Uint8Array) => Uint8Array;

let handed: Gunzip | undefined;

export function setGunzip(g: Gunzip): void {
  handed = g;
}

export function hostGunzip(): Gunzip | undefined {
  return handed;
}
