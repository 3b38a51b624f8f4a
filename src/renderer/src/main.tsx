import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { applyTheme } from './state/theme-store.ts';
import './styles/theme.css';
import './styles/base.css';
import './styles/views.css';
import './styles/print.css';

applyTheme();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
