import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SideNavigation from '@cloudscape-design/components/side-navigation';
import Icon from '@cloudscape-design/components/icon';
import Spinner from '@cloudscape-design/components/spinner';
import { lazy, Suspense, useCallback, useState } from 'react';
import { ApiProvider } from './api/ApiContext';
import { AuthProvider, useAuth } from './auth/AuthProvider';
import { SignInPage } from './auth/SignInPage';
import { ChatPage } from './chat/ChatPage';
import { History } from './chat/History';
import type { SiteConfig } from './config';
import { navigate, useRoute, type Route } from './router';

const DictionaryPage = lazy(() => import('./dictionary/DictionaryPage'));
const CallPage = lazy(() => import('./calls/CallPage'));

function activeHref(route: Route): string {
  if (route.page === 'dictionary') return '/dictionary';
  if (route.page === 'chat') return '/';
  return '';
}

function Shell() {
  const auth = useAuth();
  const route = useRoute();
  const [historyVersion, setHistoryVersion] = useState(0);
  const [navigationOpen, setNavigationOpen] = useState(
    () => window.matchMedia?.("(min-width: 1000px)").matches ?? true,
  );
  const refreshHistory = useCallback(() => setHistoryVersion((v) => v + 1), []);

  let content;
  switch (route.page) {
    case 'chat':
      content = <ChatPage conversationId={route.conversationId} onConversationChanged={refreshHistory} />;
      break;
    case 'dictionary':
      content = <DictionaryPage table={route.table} />;
      break;
    case 'call':
      content = <CallPage key={route.callId} callId={route.callId} />;
      break;
    default:
      content = (
        <Box variant="p">
          Nothing here. <Button variant="inline-link" onClick={() => navigate('/')}>Go to the chat</Button>
        </Box>
      );
  }

  const closeOnNarrow = () => {
    if (!window.matchMedia?.('(min-width: 1000px)').matches) setNavigationOpen(false);
  };

  return (
    <div className={navigationOpen ? 'pca-shell pca-nav-open' : 'pca-shell'}>
      <a className="pca-skip" href="#main">
        Skip to content
      </a>
      <header className="pca-topbar">
        <div className="pca-topbar-start">
          <button
            type="button"
            className="pca-icon-button"
            aria-expanded={navigationOpen}
            aria-controls="pca-navigation"
            aria-label={navigationOpen ? 'Close navigation' : 'Open navigation'}
            onClick={() => setNavigationOpen((open) => !open)}
          >
            <Icon name="menu" variant="inverted" />
          </button>
          <a
            className="pca-brand"
            href="/"
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            Post-call analytics
          </a>
        </div>
        <div className="pca-topbar-end">
          {auth.userName && <span className="pca-user">{auth.userName}</span>}
          <button type="button" className="pca-signout" onClick={() => void auth.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div className="pca-body">
        <aside id="pca-navigation" className="pca-navigation" hidden={!navigationOpen} aria-label="Navigation">
          <SideNavigation
            activeHref={activeHref(route)}
            onFollow={(event) => {
              event.preventDefault();
              navigate(event.detail.href);
              closeOnNarrow();
            }}
            items={[
              { type: 'link', text: 'Chat', href: '/' },
              { type: 'link', text: 'Data dictionary', href: '/dictionary' },
            ]}
          />
          <div className="pca-history-wrap">
            <History
              activeId={route.page === 'chat' ? route.conversationId : null}
              version={historyVersion}
              onNavigate={closeOnNarrow}
            />
          </div>
        </aside>
        <main id="main" className="pca-main" tabIndex={-1}>
          <Suspense fallback={<Spinner size="large" />}>{content}</Suspense>
        </main>
      </div>
    </div>
  );
}

function Gate({ config }: { config: SiteConfig }) {
  const auth = useAuth();
  if (auth.status === 'loading') {
    return (
      <Box padding="xxl" textAlign="center">
        <Spinner size="large" /> Signing in…
      </Box>
    );
  }
  if (auth.status === 'signedOut') return <SignInPage apiUrl={config.apiUrl} />;
  return (
    <ApiProvider baseUrl={config.apiUrl}>
      <Shell />
    </ApiProvider>
  );
}

export function App({ config }: { config: SiteConfig }) {
  return (
    <AuthProvider config={config}>
      <Gate config={config} />
    </AuthProvider>
  );
}
