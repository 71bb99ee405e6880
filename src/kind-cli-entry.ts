import './runtime-globals.js'
import { DockerodePort } from './docker/dockerode-port.js'
import { runKind } from './kind-cli/run.js'

const code = await runKind(process.argv.slice(2), {
  docker: () => new DockerodePort(),
  io: {
    out: text => void process.stdout.write(text),
    err: text => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    }
  }
})
// Flush stdout before leaving: process.exit would cut a large kubeconfig or node list short on a pipe.
process.stdout.write('', () => process.exit(code))
