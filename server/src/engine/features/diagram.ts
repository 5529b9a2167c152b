/**
 * The exposure diagram as plain data: the path a Service's traffic takes — clients → load balancer → every node
 * → ClusterIP → pods — with, on each hop, the layers and rule sources that guard it, whether they let the
 * traffic in, and the findings made there (by key, so that a host can offer their quick fixes).
 *
 *   diagram/model.ts    the model's types (boxes, hops, guards), `findingKey`, `serviceDisplayName`
 *   diagram/build.ts    Analysis → model (`diagramOf`), by Service type; diagram/all.ts `diagramsOf`, every one
 *   diagram/overlay.ts  the diagram of a Service a Kustomize overlay builds, its places in the base or patch
 *   diagram/exposed.ts  the NodePort / LoadBalancer part; diagram/guards.ts the guards of a hop
 *   diagram/builder.ts  the state one diagram is built in, and the boxes every type shares
 *
 * The renderer in `server/src/render/` draws the model; the webview and `service-reach graph` show the same one.
 */
export * from './diagram/model';
export { diagramOf } from './diagram/build';
export { diagramsOf } from './diagram/all';
export { overlayDiagramOf, overlayServices, type OverlayService } from './diagram/overlay';
