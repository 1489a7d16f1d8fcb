import type { ReactNode } from 'react';
import { PHONE_QUERY, useMediaQuery } from './use-media-query';

/**
 * Words shown on wider screens only: a phone hides them from sight (assistive technology still reads
 * them), so a row of controls keeps to one line and the page never scrolls sideways.
 */
export function WideOnly({ children }: { children: ReactNode }) {
  const phone = useMediaQuery(PHONE_QUERY);
  return <span className={phone ? 'visually-hidden' : undefined}>{children}</span>;
}
