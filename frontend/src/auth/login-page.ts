// The login page: a user name and password form and, on a demo server, a
// clearly marked panel with one button per demo account, so a demo opens
// with one click. It resolves with the session once the server has issued
// a token; the page then opens the dashboard in the mode of the user's role.

import './login.css';
import { currentLang, t } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { withLang } from '../route';
import { el } from '../ui/dom';
import { fetchDemoAccounts, LoginFailure, signIn, type DemoAccount, type DemoDoc } from './login';
import { keep, type Role, type Session, type SignOutReason } from './session';

/** The mode each role's account opens, for the demo buttons. */
const roleMode: Record<Role, MessageKey> = {
  command: 'mode.wall',
  street: 'mode.tablet',
  community: 'mode.tablet',
  dispatcher: 'mode.dispatcher',
};

/** How soon to ask a starting server for its demo accounts again. */
const demoRetryMs = 2000;

/** What an area code is, said without asking the server (it needs a token). */
function areaWords(code: string, name?: string): string {
  if (name) return `${name} ${code}`;
  if (code.length === 9) return t('login.demo.street', { code });
  if (code.length === 12) return t('login.demo.community', { code });
  return t('login.demo.district');
}

/** Renders the login page into app; resolves once signed in. */
export function loginPage(app: HTMLElement, reason?: SignOutReason): Promise<Session> {
  return new Promise((resolve) => {
    const user = el('input', 'login-input');
    user.name = 'user';
    user.autocomplete = 'username';
    user.required = true;
    user.autocapitalize = 'none';
    user.spellcheck = false;
    const password = el('input', 'login-input');
    password.name = 'password';
    password.type = 'password';
    password.autocomplete = 'current-password';
    password.required = true;
    const submit = el('button', 'login-submit', t('login.submit'));
    submit.type = 'submit';
    const message = el('div', 'login-message');
    message.setAttribute('role', 'alert');
    if (reason) {
      message.dataset.kind = 'note';
      message.append(t(reason === 'expired' ? 'login.expired' : 'login.signedOut'));
    }

    const form = el(
      'form',
      'login-card',
      el('h1', 'login-title', t('login.title')),
      el('label', 'login-field', el('span', 'login-label', t('login.user')), user),
      el('label', 'login-field', el('span', 'login-label', t('login.password')), password),
      message,
      submit,
    );
    form.noValidate = true;
    const demoBox = el('div', 'login-demo-box');
    const buttons: HTMLButtonElement[] = [];

    const busy = (on: boolean) => {
      for (const b of [submit, ...buttons]) b.disabled = on;
      submit.textContent = t(on ? 'login.busy' : 'login.submit');
      app.dataset.busy = on ? '1' : '';
    };
    const fail = (err: unknown) => {
      message.dataset.kind = 'error';
      user.removeAttribute('aria-invalid');
      password.removeAttribute('aria-invalid');
      if (!(err instanceof LoginFailure)) {
        message.replaceChildren(el('strong', '', t('login.unreachable')), el('span', 'login-detail', err instanceof Error ? err.message : String(err)));
        return;
      }
      const head =
        err.status === 401 ? t('login.refused') : err.status === 429 ? t('login.tooMany', { n: err.retryAfter ?? 12 }) : t('login.failed');
      // The server's own words say what was wrong; they follow the headline.
      message.replaceChildren(el('strong', '', head), el('span', 'login-detail', err.message));
      const field = err.field === 'user' ? user : err.field === 'password' ? password : undefined;
      field?.setAttribute('aria-invalid', 'true');
      field?.focus();
      field?.select();
    };
    const attempt = async (name: string, pw: string) => {
      busy(true);
      try {
        const s = await signIn(name, pw);
        keep(s);
        // The page is the dashboard's from here.
        app.replaceChildren();
        app.className = '';
        delete app.dataset.demo;
        delete app.dataset.busy;
        resolve(s);
      } catch (err) {
        busy(false);
        fail(err);
      }
    };

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = user.value.trim();
      if (!name) {
        user.focus();
        return;
      }
      void attempt(name, password.value);
    });

    const lang = el('a', 'lang-switch', t('lang.switch'));
    const other = currentLang() === 'zh' ? 'en' : 'zh';
    lang.href = withLang(location.search, other);
    lang.lang = other === 'en' ? 'en' : 'zh-CN';
    lang.title = t('lang.switchTitle');

    app.className = 'mode-login';
    app.replaceChildren(
      el(
        'div',
        'login-page',
        el(
          'header',
          'login-top',
          el('div', 'brand', el('span', 'brand-mark', ''), el('span', 'brand-name', t('brand')), el('span', 'brand-latin', 'Gridpulse')),
          lang,
        ),
        el('main', 'login-main', el('div', 'login-intro', el('p', 'login-tagline', t('login.tagline')), form), demoBox),
      ),
    );
    // On a touch screen focusing would raise the keyboard over the demo buttons.
    if (!matchMedia('(pointer: coarse)').matches) user.focus();

    const showDemo = (doc: DemoDoc) => {
      // Accounts without a password (the server's own) are not for people.
      const accounts = doc.users.filter((a) => a.password);
      if (!doc.demo || accounts.length === 0) return;
      buttons.push(...accounts.map((a) => demoButton(a, () => void attempt(a.user, a.password))));
      demoBox.append(
        el(
          'section',
          'login-demo',
          el('h2', 'login-demo-title', el('span', 'demo-tag', t('login.demo.tag')), t('login.demo.title')),
          el('p', 'login-demo-note', t('login.demo.note')),
          el('div', 'demo-accounts', ...buttons),
        ),
      );
      app.dataset.demo = '1';
    };
    // A server that has just started answers 503 until its access control
    // is ready (`make run` opens the page at once): ask again shortly.
    const loadDemo = () =>
      fetchDemoAccounts()
        .then(showDemo)
        .catch((err) => {
          if (err instanceof LoginFailure && err.status === 503) setTimeout(loadDemo, demoRetryMs);
          else console.warn('login: demo accounts not loaded:', err);
        });
    void loadDemo();
  });
}

function demoButton(a: DemoAccount, onClick: () => void): HTMLButtonElement {
  const b = el(
    'button',
    'demo-account',
    el(
      'span',
      'demo-head',
      el('span', 'demo-role', t(`role.${a.role}` as MessageKey)),
      el('span', 'demo-mode', t('login.demo.opens', { mode: t(roleMode[a.role] ?? 'mode.dispatcher') })),
    ),
    el('span', 'demo-area', areaWords(a.area, a.area_name)),
    el('span', 'demo-user', a.user, el('span', 'demo-password', t('login.demo.password', { password: a.password }))),
  );
  b.type = 'button';
  b.dataset.user = a.user;
  b.addEventListener('click', onClick);
  return b;
}
