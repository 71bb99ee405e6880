import './runtime-globals.js'
import { run } from './build-node-image.js'

await run()
// Open Docker sockets could keep the process alive after the work is done.
process.exit()
