import type { Readable } from 'node:stream';

import busboy from 'busboy';
import type { Request } from 'express';

import { AppError } from '../errors/app-error.js';
import { UploadAbortedError } from './upload-aborted-error.js';
import { acceptUploadField, checkFileName, fileTooLarge, type UploadFields } from './upload-fields.js';

/** The file part of an upload form, as it starts to arrive. */
export interface UploadFile {
  /** The file's bytes; at most `maxFileBytes + 1` of them are ever delivered. */
  stream: Readable;
  /** Base name the client gave, decoded as UTF-8; empty when it gave none. */
  fileName: string;
}

/** A multipart upload being read from a request. */
export interface UploadForm {
  /** Text fields received so far; a title may still arrive after the file. */
  readonly fields: UploadFields;
  /**
   * Resolves when the file part starts. Rejects with the form's first error,
   * or with `file_missing` when the form ends without a file.
   */
  readonly file: Promise<UploadFile>;
  /** Resolves once the whole form has been read; rejects with its first error. */
  readonly done: Promise<void>;
  /** The form's first error, once there is one, which is the error to respond with. */
  readonly failure: Error | undefined;
  /**
   * Stops reading after a failure: the file stream fails with `error`, and
   * the rest of the body is read and discarded, so the client can finish
   * sending and read the response. Calls after the first one do nothing.
   */
  abandon(error: Error): void;
}

// One file, the two fields, the optional `_csrf` field, and nothing more.
const MAX_FIELD_BYTES = 4096;
const MAX_FIELDS = 3;
const MAX_PARTS = 4;

/**
 * Starts reading a `multipart/form-data` upload with busboy. The file is
 * never buffered: its stream delivers bytes as the consumer reads them, and
 * busboy pauses the request while the consumer does not.
 *
 * The category must precede the file, because the document row that the
 * file's chunks belong to is written as the file starts. A file before any
 * category is rejected with `category_missing`. The title may come before or
 * after the file.
 */
export function readUploadForm(req: Request, options: { maxFileBytes: number }): UploadForm {
  const file = deferred<UploadFile>();
  const done = deferred<void>();
  const fields: UploadFields = {};
  const seen = new Set<string>();
  let failure: Error | undefined;
  let fileStream: Readable | undefined;
  let parser: busboy.Busboy | undefined;

  const abandon = (error: Error): void => {
    if (failure) return;
    failure = error;
    file.reject(error);
    done.reject(error);
    if (parser) req.unpipe(parser);
    // Busboy runs our handlers from inside its parser, which must not be torn
    // down under its own feet: destroy on the next tick.
    process.nextTick(() => {
      fileStream?.destroy(error);
      parser?.destroy();
      if (!(error instanceof UploadAbortedError)) req.resume();
    });
  };
  const form: UploadForm = {
    fields,
    file: file.promise,
    done: done.promise,
    get failure() {
      return failure;
    },
    abandon,
  };

  req.on('close', () => {
    if (!req.complete) abandon(new UploadAbortedError());
  });

  if (!req.is('multipart/form-data')) {
    abandon(new AppError('upload_malformed'));
    return form;
  }
  try {
    parser = busboy({
      headers: req.headers,
      // Clients send raw UTF-8 in `filename="…"`; busboy's default is latin1.
      defParamCharset: 'utf8',
      // Busboy reports the file size limit once a file reaches it exactly, so
      // one byte more than the maximum is what marks a file as too large.
      // Busboy also reports the parts limit as soon as the count reaches it, so
      // the limit given is one above the parts accepted.
      limits: { fileSize: options.maxFileBytes + 1, files: 1, fields: MAX_FIELDS, parts: MAX_PARTS + 1, fieldSize: MAX_FIELD_BYTES },
    });
  } catch (error) {
    abandon(new AppError('upload_malformed', {}, { cause: error }));
    return form;
  }

  // Busboy passes an undefined name for a part without one, although its types declare a string.
  parser.on('field', (name: string | undefined, value, info) => {
    if (failure) return;
    const error = acceptUploadField(fields, seen, name ?? '', value, info.valueTruncated);
    if (error) abandon(error);
  });

  parser.on('file', (name: string | undefined, stream, info) => {
    // Busboy fails the file stream with a plain Error when the body ends in
    // the middle of the file. Recording it here, before the consumer's
    // iterator receives it, lets the upload respond upload_malformed rather than a
    // 500. The listener also keeps an error that arrives before the consumer
    // starts reading from crashing the process.
    stream.on('error', (error) => abandon(error instanceof AppError || error instanceof UploadAbortedError ? error : new AppError('upload_malformed', {}, { cause: error })));
    if (failure) return;
    fileStream = stream;

    const fileName = info.filename ?? '';
    const problem =
      name !== 'file'
        ? new AppError('validation_failed', { field: (name ?? '').slice(0, 40), reason: 'le fichier doit être envoyé dans le champ « file »', reasonEn: 'the file must be sent in the "file" field' })
        : fields.category === undefined
          ? new AppError('category_missing')
          : checkFileName(fileName);
    if (problem) {
      abandon(problem);
      return;
    }

    stream.on('limit', () => abandon(fileTooLarge(options.maxFileBytes)));
    file.resolve({ stream, fileName });
  });

  const rejectExtraParts = () => abandon(new AppError('upload_malformed'));
  parser.on('filesLimit', rejectExtraParts);
  parser.on('fieldsLimit', rejectExtraParts);
  parser.on('partsLimit', rejectExtraParts);
  parser.on('error', (error) => abandon(new AppError('upload_malformed', {}, { cause: error })));
  parser.on('close', () => {
    if (failure) return;
    // Settling an already resolved promise does nothing.
    file.reject(new AppError('file_missing'));
    done.resolve();
  });

  req.pipe(parser);
  return form;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // A form can fail before any caller awaits it. The rejection is still
  // delivered to a caller that awaits later.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
