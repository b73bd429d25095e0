import type { Request } from 'express';

/** A named route parameter: always present once the route matched, and never a list here. */
export const pathParam = (req: Request, name: string): string => String(req.params[name]);
