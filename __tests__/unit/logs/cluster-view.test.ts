import { describe, expect, it } from 'vitest'
import {
  clusterView,
  nodeConditions,
  notReadyPods,
  parseEvents,
  renderConditions,
  renderEvents,
  table
} from '../../../src/logs/cluster-view.js'
import type { Captured } from '../../../src/logs/node-command.js'
import { EVENTS, NODES, PODS } from './kube-fixtures.js'


describe('events', () => {
  it('sorts by whichever timestamp an event has', () => {
    const events = parseEvents(EVENTS)
    expect(events.map(e => `${e.time} ${e.reason}`)).toEqual([
      '2026-01-01T09:59:00Z Starting',
      '2026-01-01T10:00:02.000000Z Scheduled',
      '2026-01-01T10:00:30Z FailedScheduling',
      '2026-01-01T10:02:00Z BackOff'
    ])
    expect(events[1]).toMatchObject({ object: 'Pod/coredns-1', message: 'Successfully assigned', count: 1 })
    expect(events[3].count).toBe(7)
  })

  it('renders a table in time order', () => {
    const text = renderEvents(parseEvents(EVENTS))
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^TIME\s+NAMESPACE\s+TYPE\s+REASON\s+OBJECT\s+COUNT\s+MESSAGE$/)
    expect(lines[3]).toContain('FailedScheduling')
    expect(renderEvents([])).toBe('No events.\n')
  })

  it('says so when kubectl did not return a list', () => {
    expect(() => parseEvents('The connection to the server was refused')).toThrow(/JSON list of events/)
  })
})

describe('pods that are not Ready', () => {
  it('lists them with the most telling reason and their last events, Succeeded pods excepted', () => {
    const pods = notReadyPods(PODS, parseEvents(EVENTS))
    expect(pods.map(p => [`${p.namespace}/${p.name}`, p.phase, p.reason, p.node])).toEqual([
      ['default/oom', 'Running', 'OOMKilled', 'kind-worker'],
      ['kube-system/coredns-1', 'Pending', 'Unschedulable', ''],
      ['kube-system/crashy', 'Running', 'CrashLoopBackOff', 'kind-control-plane']
    ])
    expect(pods[1].events.map(e => e.reason)).toEqual(['Scheduled', 'FailedScheduling'])
  })

  it('keeps only the last events of each pod', () => {
    expect(notReadyPods(PODS, parseEvents(EVENTS), 1)[1].events.map(e => e.reason)).toEqual(['FailedScheduling'])
  })
})

describe('node conditions', () => {
  it('flattens every condition of every node into one table', () => {
    const conditions = nodeConditions(NODES)
    expect(conditions.map(c => `${c.node} ${c.type}=${c.status}`)).toEqual(['kind-control-plane MemoryPressure=False', 'kind-control-plane Ready=False'])
    const text = renderConditions(conditions)
    expect(text).toContain('container runtime network not ready: NetworkReady=false')
  })

  it('pads columns to the widest cell', () => {
    expect(table(['A', 'B', 'C'], [['long', 'x', 'last']])).toBe('A      B   C\nlong   x   last\n')
  })
})

function reply(output: string, exitCode = 0, stderr = ''): Captured {
  return { output: Buffer.from(output), exitCode, stderr, truncated: false }
}

describe('clusterView', () => {
  it('asks the cluster for objects, nodes, events and describes the pods that are not Ready', async () => {
    const asked: string[] = []
    const view = await clusterView(async args => {
      asked.push(args.join(' '))
      const key = args.join(' ')
      if (key === 'get nodes -o json') return reply(NODES)
      if (key === 'get events --all-namespaces -o json') return reply(EVENTS)
      if (key === 'get pods --all-namespaces -o json') return reply(PODS)
      if (key.startsWith('describe pod')) return reply(`Name: ${args[4]}\n`)
      return reply(`output of ${key}\n`)
    })
    expect(view.errors).toEqual([])
    expect(view.files.map(f => f.path).sort()).toEqual(['events.txt', 'get-all.txt', 'node-conditions.txt', 'nodes.txt', 'pods-not-ready.txt'])
    expect(asked).toContain('get all --all-namespaces -o wide')
    expect(asked).toContain('describe pod --namespace kube-system crashy')
    const described = view.files.find(f => f.path === 'pods-not-ready.txt')!.content.toString()
    expect(described).toContain('===== kube-system/crashy (Running, CrashLoopBackOff)\nName: crashy\n')
    expect(view.notReadyPods).toHaveLength(3)
  })

  it('stops after one question when the API server does not answer', async () => {
    let questions = 0
    const view = await clusterView(async () => {
      questions++
      return reply('', 1, 'The connection to the server kind-control-plane:6443 was refused')
    })
    expect(questions).toBe(1)
    expect(view.files).toEqual([])
    expect(view.errors).toEqual([
      'kubectl get nodes (exit code 1): The connection to the server kind-control-plane:6443 was refused [node conditions]',
      'the API server did not answer: no cluster view (the node logs say why)'
    ])
  })

  it('keeps the output of a failing kubectl and records the failure', async () => {
    const view = await clusterView(async args =>
      args[1] === 'all' ? reply('partial\n', 1, 'error: some resources failed') : reply(args.includes('json') ? '{"items":[]}' : 'ok\n')
    )
    expect(view.files.find(f => f.path === 'get-all.txt')!.content.toString()).toBe('partial\n')
    expect(view.errors).toEqual(['kubectl get all --all-namespaces -o wide (exit code 1): error: some resources failed'])
    expect(view.files.find(f => f.path === 'pods-not-ready.txt')!.content).toBe('Every pod is Ready (or Succeeded).\n')
  })
})
