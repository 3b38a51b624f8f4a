import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.tsx';
import { applyTheme } from './state/theme-store.ts';
import './styles/theme.css';
import { i18n } from './i18n/i18n.ts';
import { applyStartLanguage } from './i18n/language-choice.ts';
import './styles/base.css';
import './styles/views.css';
import './styles/print.css';

applyTheme();
applyStartLanguage();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
