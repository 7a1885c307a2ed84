// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MemberCard } from '../../components/MemberCard.tsx';
import { member, speak } from './helpers.tsx';

afterEach(cleanup);

describe('MemberCard', () => {
  it('draws the member number as a QR code and prints it for reading aloud', async () => {
    speak('en');
    render(<MemberCard member={member} />);
    const qr = await screen.findByRole('img', { name: 'QR code of member number 308012345678' });
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(screen.getByText('3080 1234 5678')).toBeTruthy();
  });

  it('asks a signed-out member to sign in (German)', () => {
    speak('de');
    render(<MemberCard />);
    expect(screen.getByText('Melden Sie sich an, um Ihre Mitgliedskarte zu sehen.')).toBeTruthy();
  });
});
