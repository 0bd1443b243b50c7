// First: it opens the connection before the modules below are evaluated (see early-boot.ts).
import { quick, transport } from './app/early-boot.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { setClient } from './app/client-instance.js';
import { startSync } from './app/sync.js';
import { startThemeSync } from './app/theme-sync.js';
import { trackTyping } from './features/permissions/focus-new-card.js';
import { startQuickSync } from './features/quick-prompt/actions.js';
import { QuickPrompt } from './features/quick-prompt/QuickPrompt.js';
import { createClient } from './lib/client.js';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/markdown.css';
import './styles/settings.css';
import './styles/mesh.css';
import './styles/onboarding.css';
import './styles/tools.css';
import './styles/permissions.css';
import './styles/audit.css';
import './styles/search.css';
import './styles/memory.css';
import './styles/swarms.css';
import './styles/automations.css';
import './styles/quick-prompt.css';
import './styles/mcp.css';
import './styles/local-models.css';
import './styles/conversation.css';
import './styles/lab.css';
import './styles/security.css';

startThemeSync();
const client = createClient(transport.bridge);
setClient(client);
if (quick) {
  startQuickSync(transport, client);
} else {
  startSync(transport, client);
  trackTyping();
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(<StrictMode>{quick ? <QuickPrompt /> : <App />}</StrictMode>);
