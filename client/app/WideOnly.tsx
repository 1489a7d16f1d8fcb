import type { ReactNode } from 'react';
import { PHONE_QUERY, useMediaQuery } from './use-media-query';

/**
 * Words shown on wider screens only: a phone hides them from sight (assistive technology still reads
 * them), so a row of controls keeps to one line and the page never scrolls sideways. `short`, if given,
 * is what a phone shows instead, hidden from assistive technology.
 */
export function WideOnly({ children, short }: { children: ReactNode; short?: ReactNode }) {
  const phone = useMediaQuery(PHONE_QUERY);
  return (
    <>
      <span className={phone ? 'visually-hidden' : undefined}>{children}</span>
      {phone && short !== undefined ? <span aria-hidden="true">{short}</span> : null}
    </>
  );
}
