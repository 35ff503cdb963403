import type { NextFunction, Request, Response } from 'express';

/** Express 5 forwards rejected promises itself; this keeps the handler's type narrow and explicit. */
export const asyncRoute =
  (handler: (req: Request, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };
