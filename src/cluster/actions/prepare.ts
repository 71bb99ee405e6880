// Before any container: images, network and host facts at once, then every container planned (ports
// picked, nothing created).
import { planContainers, portsToPick } from '../container-plan.js'
import { dockerConfigProxies } from '../docker-config-proxy.js'
import { hostFacts, pickFreePorts } from '../host.js'
import { raiseInotifyLimits } from '../host-tuning.js'
import { loadBalancerName, needsLoadBalancer, planNodeNames } from '../identity.js'
import { ensureImage } from '../images.js'
import { ensureNetwork, proxyEnvironment } from '../network.js'
import type { CreateOptions, Prepared } from '../creation/context.js'

/** Images, network and host facts at once, then every container planned (ports picked, nothing created). */
export async function prepare(options: CreateOptions): Promise<Prepared> {
  const { docker, cluster, phases } = options
  const nodes = planNodeNames(cluster)
  const ha = needsLoadBalancer(cluster)
  const [images, network, facts] = await phases.group('Preparing images, network and host', async () => {
    const refs = [...new Set(cluster.nodes.map(n => n.image))].sort()
    if (ha) refs.push(options.loadBalancerImage)
    const [resolved, net, host, tuning] = await Promise.all([
      Promise.all(refs.map(ref => ensureImage(docker, ref, undefined, options.imageSource, options.credentials))),
      ensureNetwork(docker, options.network),
      docker.info().then(info => hostFacts(info, options.hostEnv)),
      raiseInotifyLimits()
    ])
    if (tuning.raised.length) options.reporter.info(`Raised host limits: ${tuning.raised.join(', ')}`)
    for (const low of tuning.tooLow) {
      options.reporter.warning(`${low} and could not be raised; nodes may fail with "too many open files"`)
    }
    return [resolved, net, host] as const
  })
  const names = [...nodes.map(n => n.name), ...(ha ? [loadBalancerName(cluster.name)] : [])]
  const proxyEnv = proxyEnvironment(options.hostEnv, cluster.networking, network.subnets, names, dockerConfigProxies(options.hostEnv))
  const pickedPorts = await pickFreePorts(portsToPick(cluster))
  // A restored image may be reachable only by its tag or ID (see ImageResolution.runRef).
  const runRef = (ref: string): string => images.find(i => i.ref === ref)?.runRef ?? ref
  const containers = planContainers({
    cluster: { ...cluster, nodes: cluster.nodes.map(n => ({ ...n, image: runRef(n.image) })) },
    network: options.network,
    host: facts,
    proxyEnv,
    pickedPorts,
    loadBalancerImage: runRef(options.loadBalancerImage)
  })
  for (const c of containers) c.spec.Labels = { ...c.spec.Labels, ...options.extraLabels }
  return { images, containers, host: facts }
}
