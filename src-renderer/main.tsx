import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { setClient } from './app/client-instance.js';
import { startSync } from './app/sync.js';
import { startThemeSync } from './app/theme-sync.js';
import { trackTyping } from './features/permissions/focus-new-card.js';
import { startQuickSync } from './features/quick-prompt/actions.js';
import { QuickPrompt } from './features/quick-prompt/QuickPrompt.js';
import { isQuickPromptHash } from './features/quick-prompt/quick-prompt-model.js';
import { createClient } from './lib/client.js';
import { createTransport } from './lib/transport.js';
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
import './styles/quick-prompt.css';
import './styles/mcp.css';
import './styles/local-models.css';
import './styles/lab.css';
import './styles/security.css';

// Read before the transport: in serve mode it rewrites the address to drop an access token.
const quick = isQuickPromptHash(window.location.hash);

startThemeSync();
const transport = createTransport();
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
