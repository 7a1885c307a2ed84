// @vitest-environment happy-dom
/** The console's sign-in and claims queue against a fake API: what an operator sees and can do. */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { OperatorRole } from '../../lib/contract/console.ts';
import { type Api, ApiFailure, type ClaimItem, createApi } from '../../console/api.ts';
import { App } from '../../console/App.tsx';
import { pickLocale } from '../../console/i18n.ts';
import { fakeApi as baseApi, session } from './fake-api.ts';

afterEach(cleanup);


const claim: ClaimItem = {
  id: '0190f5d0-0000-7000-8000-0000000000c1',
  memberId: '0190f5d0-0000-7000-8000-0000000000a1',
  status: 'open',
  reason: null,
  createdAt: '2026-12-05T10:00:00.000Z',
  receipt: { partnerId: 'schuhhaus', orderId: 'A-1001', amountMinor: 4990, currency: 'EUR' },
};

function fakeApi(role: OperatorRole | null, password = 'right password here') {
  const calls: string[] = [];
  let signedIn = role;
  let open = [claim];
  const api: Api = baseApi(role, {
    session: async () => (signedIn ? session(signedIn) : null),
    signIn: async (email, given) => {
      calls.push(`signIn ${email}`);
      if (given !== password) throw new ApiFailure(401, 'unauthorized', 'The email or password is wrong');
      signedIn = 'reviewer';
      return session('reviewer');
    },
    signOut: async () => {
      signedIn = null;
    },
    claims: async (status) => (status === 'open' ? open : []),
    approve: async (id) => {
      calls.push(`approve ${id}`);
      open = [];
    },
    reject: async (id, reason) => {
      calls.push(`reject ${id} ${reason}`);
      open = [];
    },
  });
  return { api, calls };
}

describe('the console', () => {
  it('signs in, shows the open claims with the receipt, and approves one', async () => {
    const { api, calls } = fakeApi(null);
    render(<App api={api} locale="en" />);
    fireEvent.input(await screen.findByLabelText('Email'), { target: { value: 'rita@ops.example' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong one' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe('The email or password is wrong');
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'right password here' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }).closest('form')!);
    expect(await screen.findByText('Signed in as rita@ops.example (reviewer)')).toBeTruthy();
    fireEvent.click(screen.getByRole('link', { name: 'Missing-points claims' }));
    expect(await screen.findByText('A-1001')).toBeTruthy();
    expect(screen.getByText('€49.90')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await screen.findByText('No claims here.');
    expect(calls).toContain(`approve ${claim.id}`);
  });

  it('rejects with the reason typed, in German', async () => {
    const { api, calls } = fakeApi('admin');
    render(<App api={api} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Nachbuchungsanträge' }));
    fireEvent.input(await screen.findByLabelText('Grund der Ablehnung'), { target: { value: 'Bestellung storniert' } });
    fireEvent.click(screen.getByRole('button', { name: 'Ablehnen' }));
    await screen.findByText('Keine Anträge.');
    expect(calls).toContain(`reject ${claim.id} Bestellung storniert`);
  });

  it('shows a viewer the queue without the decision buttons', async () => {
    const { api } = fakeApi('viewer');
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Missing-points claims' }));
    expect(await screen.findByText('A-1001')).toBeTruthy();
    expect(screen.getByText('Your role may read claims but not decide them.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('picks German for a German browser', () => {
    expect(pickLocale(['de-DE', 'en'])).toBe('de');
    expect(pickLocale(['en-GB', 'de'])).toBe('en');
    expect(pickLocale(['fr'])).toBe('en');
  });

  it('sends the CSRF token of the session on every change, none on reads', async () => {
    const sent: { method: string; url: string; csrf: string | null }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      sent.push({ method: init.method ?? 'GET', url, csrf: headers.get('X-CSRF-Token') });
      if (url === '/v1/console/sign-in') return new Response(JSON.stringify(session('reviewer')), { status: 200 });
      if (url.startsWith('/v1/admin/claims?')) return new Response(JSON.stringify({ claims: [] }), { status: 200 });
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const api = createApi(fetcher);
    await api.signIn('rita@ops.example', 'right password here');
    await api.claims('open');
    await api.approve(claim.id);
    expect(sent.find((s) => s.url.startsWith('/v1/admin/claims?'))!.csrf).toBeNull();
    expect(sent.find((s) => s.url.endsWith('/approve'))!.csrf).toBe(session('reviewer').csrfToken);
  });
});
