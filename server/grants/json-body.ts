import express from 'express';

/**
 * JSON body parser of the sharing routes: only `application/json`, at most
 * 32 KiB, and only an object or array at the top level.
 */
export const jsonBody = express.json({ limit: '32kb', strict: true });
