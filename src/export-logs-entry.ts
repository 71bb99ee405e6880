import './runtime-globals.js'
import { run } from './export-logs.js'

await run()
// Open Docker sockets could keep the process alive after the work is done; exit with the code
// core.setFailed may have set (process.exitCode).
process.exit()
