import { render } from 'preact';
import { createApi } from './api.ts';
import { App } from './App.tsx';
import { pickLocale } from './i18n.ts';
import './style.css';

const locale = pickLocale(navigator.languages);
document.documentElement.lang = locale;
render(<App api={createApi()} locale={locale} />, document.getElementById('app')!);
