import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './app/pwa';
import { captureShareToken } from './app/routing';
import { applyStoredTheme } from './app/theme';
import { previewAfterBackgroundSave } from './description/background-previews';
import { onSavedInBackground, openDocument, startBackgroundSync } from './sync';
import './app/styles.css';
import './app/dialogs.css';
import './app/pages.css';

applyStoredTheme();
captureShareToken();
// Documents with changes the server has not stored sync whatever page is shown (after a reload too).
onSavedInBackground(previewAfterBackgroundSave(openDocument));
startBackgroundSync();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
registerServiceWorker();
