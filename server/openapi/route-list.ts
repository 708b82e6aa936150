import type { Express, Router } from 'express';

/** One route that an Express application handles: an upper-case method and an Express path such as `/api/v1/documents/:id`. */
export interface ListedRoute {
  method: string;
  path: string;
}

// The parts of the `router` package's Layer and Route (router 2.x, used by
// Express 5) that the walk reads. They are not in @types/express.
interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: unknown;
}

/**
 * Lists every method and path that the application's routers declare, nested
 * routers included, in mount order. A route declared with `all()` is listed
 * with the method `ALL`. GET routes also serve HEAD, which is not listed.
 *
 * Some routes cannot be read, so they are listed under a path that no
 * documented path equals. A path that is a regular expression is listed as
 * `<regexp:SOURCE>`. An Express application mounted inside another hides its
 * routes behind a wrapper, so it is listed as `ALL MOUNTPATH/<express-app>`.
 */
export function listRoutes(app: Express): ListedRoute[] {
  const routes: ListedRoute[] = [];
  collectRoutes(app.router as unknown as Router, '', routes);
  return routes;
}

function collectRoutes(router: Router, prefix: string, routes: ListedRoute[]): void {
  for (const layer of router.stack as unknown as RouterLayer[]) {
    if (layer.route) {
      for (const path of pathsOf(layer.route.path)) {
        for (const method of Object.keys(layer.route.methods)) {
          if (!layer.route.methods[method]) continue;
          routes.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path: joinPath(prefix, path) });
        }
      }
      continue;
    }
    // A mounted Router is a function with its own `stack`. Express 5 wraps a
    // mounted application in a function named `mounted_app`. Other middleware has neither.
    const nested = layer.handle as { stack?: unknown; name?: unknown } | undefined;
    for (const mountPath of pathsOf(layer.rawPath ?? '/')) {
      if (nested && Array.isArray(nested.stack)) {
        collectRoutes(nested as unknown as Router, joinPath(prefix, mountPath), routes);
      } else if (nested?.name === 'mounted_app') {
        routes.push({ method: 'ALL', path: `${joinPath(prefix, mountPath).replace(/\/+$/, '')}/<express-app>` });
      }
    }
  }
}

function pathsOf(path: unknown): string[] {
  if (Array.isArray(path)) return path.flatMap(pathsOf);
  if (typeof path === 'string') return [path];
  if (path instanceof RegExp) return [`<regexp:${path.source}>`];
  return [`<unknown:${String(path)}>`];
}

function joinPath(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix === '' ? '/' : prefix;
  return `${prefix.replace(/\/+$/, '')}${path}`;
}
