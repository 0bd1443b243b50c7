import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { setClient } from './app/client-instance.js';
import { startSync } from './app/sync.js';
import { trackTyping } from './features/permissions/focus-new-card.js';
import { createClient } from './lib/client.js';
import { createTransport } from './lib/transport.js';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/markdown.css';
import './styles/settings.css';
import './styles/onboarding.css';
import './styles/tools.css';
import './styles/permissions.css';
import './styles/audit.css';

const transport = createTransport();
const client = createClient(transport.bridge);
setClient(client);
startSync(transport, client);
trackTyping();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
