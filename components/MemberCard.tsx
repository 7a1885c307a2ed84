import { useEffect, useState } from 'preact/hooks';
import type { Member } from '../lib/contract/index.ts';
import { t } from '../lib/ui/i18n.ts';
import { qrMatrix, qrPath, type QrMatrix } from '../lib/ui/qr.ts';

export interface MemberCardProps {
  member?: Member;
  /** Builds the QR matrix; tests may pass their own. */
  makeQr?: (text: string) => Promise<QrMatrix>;
}

const MARGIN = 4;

/** "1234 5678 9012" for reading aloud at the till; the QR code carries the plain number. */
export function groupDigits(memberNumber: string): string {
  return memberNumber.replace(/(.{4})(?=.)/g, '$1 ');
}

export function MemberCard({ member, makeQr = qrMatrix }: MemberCardProps) {
  const [matrix, setMatrix] = useState<QrMatrix | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const number = member?.memberNumber;
  useEffect(() => {
    if (number === undefined) return;
    let live = true;
    makeQr(number).then(
      (m) => live && setMatrix(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [number, makeQr]);

  if (number === undefined) return <p class="empty">{t('memberCardSignedOut')}</p>;
  const size = (matrix?.length ?? 0) + MARGIN * 2;
  return (
    <section class="member-card" aria-labelledby="member-card-title">
      <h2 id="member-card-title" class="card-title">{t('memberCardTitle')}</h2>
      <p class="muted small">{t('memberCardIntro')}</p>
      <div class="qr">
        {matrix ? (
          <svg viewBox={`0 0 ${size} ${size}`} width="200" height="200" role="img" aria-label={t('memberCardQrLabel', [number])} shape-rendering="crispEdges">
            <rect width={size} height={size} fill="#fff" />
            <path d={qrPath(matrix, MARGIN)} fill="#000" />
          </svg>
        ) : (
          !failed && <div class="qr-placeholder" aria-hidden="true" />
        )}
      </div>
      <p class="member-number">{groupDigits(number)}</p>
    </section>
  );
}
