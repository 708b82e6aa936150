/**
 * The lines of an audit export in JSON Lines (`coffre-audit-export/1`): one
 * header, then the entries in seq order, then the checkpoints. The server
 * writes these lines and `offline-verify.ts` reads them.
 */

/** Format tag of the export's header line. */
export const AUDIT_EXPORT_FORMAT = 'coffre-audit-export/1'

/**
 * French notice of a filtered export's header, because the DPO who reads the
 * file works in French: it is for reading, and cannot be verified as a chain.
 */
export const FILTERED_EXPORT_NOTICE =
  'Export filtré : il est destiné à la lecture et ne peut pas être vérifié comme une chaîne, car des entrées en ont été retirées. Pour une vérification, exportez une plage continue sans filtre.'

/**
 * First line of an export.
 *
 * For an unfiltered export, `prevHash` is the hash of entry `fromSeq - 1`
 * (the genesis hash when `fromSeq` is 1), so the range verifies on its own.
 * A filtered export has `filtered: true`, a `notice`, and `prevHash: null`.
 */
export interface ExportHeaderLine {
  type: 'header'
  format: typeof AUDIT_EXPORT_FORMAT
  chain: number
  fromSeq: number
  toSeq: number
  prevHash: string | null
  filtered: boolean
  notice?: string
  /** RFC 3339 UTC time at which the server started the export. */
  generatedAt: string
}

/** One entry: its canonical JSON text exactly as hashed and its hash (64 lowercase hex digits). */
export interface ExportEntryLine {
  type: 'entry'
  seq: number
  /** The stored canonical bytes, decoded as UTF-8. Re-encoding them as UTF-8 gives the hashed bytes. */
  canonical: string
  hash: string
}

/** One checkpoint: the signed fields, the exact signed bytes and the Ed25519 signature, both in standard base64. */
export interface ExportCheckpointLine {
  type: 'checkpoint'
  chain: number
  seq: number
  headHash: string
  time: string
  keyId: string
  message: string
  signature: string
}

/** Any line of an export. */
export type ExportLine = ExportHeaderLine | ExportEntryLine | ExportCheckpointLine
