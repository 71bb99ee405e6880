import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePostInputs } from '../../../src/inputs.js'

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('parsePostInputs (the post step when the main step saved no state)', () => {
  it('uses the main step defaults', () => {
    expect(parsePostInputs(reader({}), '/nowhere')).toEqual({
      clusterName: 'kind',
      kubeconfig: '',
      cleanup: true,
      logs: 'on-failure',
      logsDir: '',
      jobStatus: '',
      problems: []
    })
  })

  it('reads booleans by the main step rules: "no" and "0" turn cleanup off, as "false" does', () => {
    for (const value of ['false', 'no', '0', 'FALSE', ' No ']) {
      expect(parsePostInputs(reader({ cleanup: value }), '/nowhere').cleanup).toBe(false)
    }
    expect(parsePostInputs(reader({ cleanup: 'yes' }), '/nowhere').cleanup).toBe(true)
  })

  it('falls back to the default with a problem naming the input, instead of failing', () => {
    const inputs = parsePostInputs(reader({ cleanup: 'maybe', logs: 'sometimes', logs_retention_days: '400' }), '/nowhere')
    expect(inputs).toMatchObject({ cleanup: true, logs: 'on-failure' })
    expect(inputs.logsRetentionDays).toBeUndefined()
    expect(inputs.problems).toEqual([
      'logs_retention_days: "400" is not a whole number from 1 to 90',
      'cleanup: "maybe" is not a boolean; use true or false',
      'logs: "sometimes" is not accepted; use one of on-failure, always, never'
    ])
  })

  it("takes the cluster name from the config's name: when cluster_name is empty, from a file or inline", () => {
    const dir = mkdtempSync(join(tmpdir(), 'post-inputs-'))
    writeFileSync(join(dir, 'kind.yaml'), 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: from-file\n')
    expect(parsePostInputs(reader({ config: 'kind.yaml' }), dir).clusterName).toBe('from-file')
    const inline = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: inline-name\nnodes:\n- role: control-plane\n'
    expect(parsePostInputs(reader({ config: inline }), dir).clusterName).toBe('inline-name')
    expect(parsePostInputs(reader({ config: inline, cluster_name: 'explicit' }), dir).clusterName).toBe('explicit')
    expect(parsePostInputs(reader({ config: 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n' }), dir).clusterName).toBe('kind')
  })

  it('says why when the config cannot be read, and cleans up "kind" then', () => {
    const inputs = parsePostInputs(reader({ config: 'missing.yaml' }), '/nowhere')
    expect(inputs.clusterName).toBe('kind')
    expect(inputs.problems).toHaveLength(1)
    expect(inputs.problems[0]).toMatch(/^config: .*missing\.yaml.* does not exist/)
  })

  it('ignores an invalid cluster_name for the config name rather than deleting a cluster it cannot name', () => {
    const inputs = parsePostInputs(reader({ cluster_name: 'Bad Name' }), '/nowhere')
    expect(inputs.clusterName).toBe('kind')
    expect(inputs.problems[0]).toMatch(/^cluster_name: "Bad Name" may only contain/)
  })
})
