export { applyDefaults, DEFAULT_CLUSTER_NAME, type DefaultsOptions } from './defaults.js'
export { ConfigError } from './errors.js'
export {
  classifyConfigInput,
  CONFIG_INPUT,
  INLINE_SOURCE,
  loadClusterConfig,
  SHORTHAND_SOURCE,
  type ConfigInput,
  type LoadOptions
} from './load.js'
export { API_VERSION, parseClusterConfig } from './parse.js'
export { clusterFromShorthand, type Shorthand } from './shorthand.js'
export type * from './types.js'
export { clusterNameProblem, clusterWarnings, validateCluster } from './validate.js'
