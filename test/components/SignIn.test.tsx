// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SignIn } from '../../components/SignIn.tsx';
import { speak } from './helpers.tsx';

afterEach(cleanup);

function fill(email: string, password: string, lang: 'en' | 'de' = 'en') {
  fireEvent.input(screen.getByLabelText(lang === 'en' ? 'Email' : 'E-Mail'), { target: { value: email } });
  fireEvent.input(screen.getByLabelText(lang === 'en' ? 'Password' : 'Passwort'), { target: { value: password } });
}

describe('SignIn', () => {
  it('signs in with email and password', async () => {
    speak('en');
    const sent: string[][] = [];
    let done = false;
    render(<SignIn onSubmit={(mode, email, password) => { sent.push([mode, email, password]); return Promise.resolve({ ok: true }); }} onSignedIn={() => { done = true; }} />);
    fill(' anna@example.org ', 'correct horse');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([['login', 'anna@example.org', 'correct horse']]);
    expect(done).toBe(true);
  });

  it('creates an account after switching mode', async () => {
    speak('en');
    const modes: string[] = [];
    render(<SignIn onSubmit={(mode) => { modes.push(mode); return Promise.resolve({ ok: true }); }} onSignedIn={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'New here? Create an account' }));
    expect(screen.getByRole('heading', { name: 'Create an account' })).toBeTruthy();
    fill('neu@example.org', 'longenough');
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(modes).toEqual(['register']);
  });

  it('explains wrong credentials (German)', async () => {
    speak('de');
    render(<SignIn onSubmit={() => Promise.resolve({ ok: false, error: 'invalid_credentials' })} onSignedIn={() => {}} />);
    fill('anna@example.org', 'falsch123', 'de');
    fireEvent.click(screen.getByRole('button', { name: 'Anmelden' }));
    expect((await screen.findByRole('alert')).textContent).toBe('E-Mail oder Passwort ist falsch.');
  });
});
