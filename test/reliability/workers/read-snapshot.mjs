/**
 * B-08 reader: opens a read transaction on the store and keeps it open (the snapshot pins the
 * WAL, so no checkpoint can pass it) until the parent kills the process.
 * argv: <dbPath>
 */
import { createRequire } from 'node:module'
import { block, marker } from './worker-lib.mjs'

const require = createRequire(import.meta.url)
const Database = require('../../../node_modules/better-sqlite3')
const [dbPath] = process.argv.slice(2)

const db = new Database(dbPath, { readonly: true, fileMustExist: true })
db.exec('BEGIN')
const { n } = db.prepare('SELECT count(*) AS n FROM auth_profiles').get()
marker('reading', { profiles: n })
block(60_000)
