import './runtime-globals.js'
import { run } from './main.js'

await run()
