// The cache service as the image cache sees it, and its one implementation on a runner: @actions/cache
// (the only module that imports it). @actions/cache picks the protocol itself: the v2 twirp service when
// the runner sets ACTIONS_CACHE_SERVICE_V2 (github.com), else the v1 REST service at ACTIONS_CACHE_URL
// (GHES, and local servers such as nektos/act's).
import * as cache from '@actions/cache'

export interface CacheService {
  /** Why the service cannot be used here, or undefined when it can. */
  unavailable(): string | undefined
  /**
   * Restores the first entry matching `key`, then the `restoreKeys` prefixes, into `paths`; resolves with
   * the matched key, or undefined on a miss. Service errors are misses (and are logged as warnings).
   * With lookupOnly nothing is downloaded.
   */
  restore(paths: string[], key: string, restoreKeys: string[], lookupOnly?: boolean): Promise<string | undefined>
  /** Saves `paths` under `key`; resolves with whether an entry was written (errors are logged, not thrown). */
  save(paths: string[], key: string): Promise<boolean>
}

export class ActionsCacheService implements CacheService {
  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  unavailable(): string | undefined {
    if (!cache.isFeatureAvailable()) {
      return this.env.ACTIONS_CACHE_SERVICE_V2
        ? 'the cache service is not available (ACTIONS_RESULTS_URL is not set)'
        : 'the cache service is not available (neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL is set)'
    }
    if (!this.env.ACTIONS_RUNTIME_TOKEN) return 'the cache service is not available (ACTIONS_RUNTIME_TOKEN is not set)'
    return undefined
  }

  async restore(paths: string[], key: string, restoreKeys: string[], lookupOnly = false): Promise<string | undefined> {
    return cache.restoreCache(paths, key, restoreKeys, { lookupOnly })
  }

  async save(paths: string[], key: string): Promise<boolean> {
    return (await cache.saveCache(paths, key)) !== -1
  }
}
