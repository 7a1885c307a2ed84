// @vitest-environment happy-dom
/**
 * "Did you just order?" as a member meets it on an unclear confirmation:
 * the values found are offered and can be corrected; nothing is recorded
 * until the member says so, and a wrong value is explained, not sent.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AskMoment } from '../../../components/inpage/AskMoment.tsx';
import type { AskMoment as Ask } from '../../../lib/inpage/ask.ts';
import { plain, speak } from '../helpers.tsx';

const oneOfEach: Ask = { partnerName: 'Schuhhaus Beispiel', currency: 'EUR', orderIds: ['10023'], totals: [11_400] };

afterEach(() => cleanup());

function setup(moment: Ask) {
  const onCollect = vi.fn();
  const onNotAnOrder = vi.fn();
  const onDismiss = vi.fn();
  render(<AskMoment moment={moment} onCollect={onCollect} onNotAnOrder={onNotAnOrder} onDismiss={onDismiss} />);
  return { onCollect, onNotAnOrder, onDismiss };
}

describe('asking the member about an unclear confirmation', () => {
  it('asks in German with the order number and total it found, and records them as confirmed by the member', () => {
    speak('de');
    const { onCollect } = setup(oneOfEach);
    expect(plain(screen.getByRole('status').textContent)).toContain('Haben Sie gerade bestellt?');
    expect((screen.getByLabelText('Bestellnummer') as HTMLInputElement).value).toBe('10023');
    expect(plain((screen.getByLabelText('Bezahlter Betrag (EUR)') as HTMLInputElement).value)).toBe('114,00');
    fireEvent.click(screen.getByRole('button', { name: 'Punkte sammeln' }));
    expect(onCollect).toHaveBeenCalledWith({ orderId: '10023', amountMinor: 11_400, currency: 'EUR', method: 'member-confirmed' });
  });

  it('records the corrected total when the member types another one', () => {
    speak('en');
    const { onCollect } = setup(oneOfEach);
    fireEvent.input(screen.getByLabelText('Total paid (EUR)'), { target: { value: '99.90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Collect points' }));
    expect(onCollect).toHaveBeenCalledWith(expect.objectContaining({ amountMinor: 9_990 }));
  });

  it('offers a choice when the page showed several totals', () => {
    speak('en');
    const { onCollect } = setup({ ...oneOfEach, totals: [11_400, 9_580] });
    const select = screen.getByLabelText('Total paid (EUR)') as HTMLSelectElement;
    expect([...select.options].map((o) => plain(o.textContent))).toEqual(['€114.00', '€95.80']);
    fireEvent.change(select, { target: { value: select.options[1]!.value } });
    fireEvent.click(screen.getByRole('button', { name: 'Collect points' }));
    expect(onCollect).toHaveBeenCalledWith(expect.objectContaining({ amountMinor: 9_580 }));
  });

  it('explains an empty total instead of sending it (tried: the page showed no total and the member typed nothing)', () => {
    speak('en');
    const { onCollect } = setup({ ...oneOfEach, totals: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Collect points' }));
    expect(onCollect).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Type the total you paid, e.g. 114.00.');
  });

  it('records nothing when the member says it was not an order, or closes the card', () => {
    speak('en');
    const { onCollect, onNotAnOrder, onDismiss } = setup(oneOfEach);
    fireEvent.click(screen.getByRole('button', { name: 'Not an order' }));
    expect(onNotAnOrder).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByRole('button', { name: 'Close the Sammelpunkt notice' }));
    expect(onDismiss).toHaveBeenCalledOnce();
    expect(onCollect).not.toHaveBeenCalled();
  });
});
