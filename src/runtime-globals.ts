// ncc's ESM bundle keeps CommonJS code (ssh2, under dockerode) that reads __dirname/__filename, which do
// not exist in ES modules. The entry points import this module first so they are defined before that
// code is evaluated.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const self = globalThis as { __dirname?: string; __filename?: string }
self.__filename ??= fileURLToPath(import.meta.url)
self.__dirname ??= dirname(self.__filename)
